/**
 * Parser for TACO index notation, e.g. `X(i,j)=B(i,k)*C(k,j)`, `x(i)=b(i)-C(i,j)*d(j)`,
 * `x=B(i,j,k)*C(i,j,k)`, `x(i)=2*b(i)`, and for dense mode stencils and shifts,
 * `Y(i,j)=(W(r,s)*X(i+r,j+s)) >> 8`.
 *
 *   assignment := access '=' shifted
 *   shifted    := sum (('>>' | '>>>') INTEGER)*      (arithmetic, logical)
 *   sum        := product (('+' | '-') product)*
 *   product    := unary ('*' unary)*
 *   unary      := '-' unary | primary
 *   primary    := INTEGER | access | '(' shifted ')'
 *   access     := NAME [ '(' [mode (',' mode)*] ')' ]      (no parentheses: a scalar)
 *   mode       := NAME ('+' NAME)*                         (an affine index: i+r)
 *
 * Index variables not on the left-hand side are summed (compiler/reductions.ts
 * says where). Besides syntax, parseExpression checks what needs no formats or
 * shapes: each tensor keeps one index count, no index repeats within an access,
 * every output index is bound on the right, the output is not also read.
 */
import { UserError } from '../base/errors.ts';

export interface Access {
  readonly kind: 'access';
  readonly tensor: string;
  readonly indices: readonly string[];
  /** 1-based column of the tensor name, and of each index. */
  readonly column: number;
  readonly indexColumns: readonly number[];
  /**
   * Affine indices (dense mode): every index variable of each mode, e.g. X(i+r,j) has
   * [[i, r], [j]]; `indices` holds each mode's first. Absent when every mode is one variable.
   */
  readonly terms?: readonly (readonly string[])[];
}
export interface Const {
  readonly kind: 'const';
  /** An integer; a leading minus is folded in (`-2` is one constant). */
  readonly value: number;
  readonly column: number;
}
export interface Binary {
  readonly kind: 'binary';
  readonly op: '+' | '-' | '*';
  readonly left: Expr;
  readonly right: Expr;
  /** Column of the operator. */
  readonly column: number;
}
export interface Neg {
  readonly kind: 'neg';
  readonly operand: Expr;
  readonly column: number;
}
/** `operand >> amount` (arithmetic) or `>>>` (logical), a constant amount. */
export interface Shift {
  readonly kind: 'shift';
  readonly op: '>>' | '>>>';
  readonly operand: Expr;
  readonly amount: number;
  readonly column: number;
}
export type Expr = Access | Const | Binary | Neg | Shift;

export interface Assignment {
  readonly output: Access;
  readonly rhs: Expr;
  /** The source text, for error messages. */
  readonly text: string;
}

/**
 * A bad kernel expression or kernel option. `column` (1-based) points into the
 * expression when the problem sits at one place; the message stays one line
 * (the CLI's contract), `caret` gives the two-line pointer for humans.
 */
export class ParseError extends UserError {
  constructor(
    readonly problem: string,
    readonly text: string,
    readonly column?: number,
  ) {
    super(column === undefined ? `in '${text}': ${problem}` : `in '${text}' at column ${column}: ${problem}`);
    this.name = 'ParseError';
  }

  /** The expression with a caret under the column, e.g. for a terminal. */
  get caret(): string {
    return this.column === undefined ? this.text : `${this.text}\n${' '.repeat(this.column - 1)}^`;
  }
}

type TokenKind = 'name' | 'int' | '(' | ')' | ',' | '=' | '+' | '-' | '*' | '>>' | '>>>' | 'end';
interface Tok {
  kind: TokenKind;
  text: string;
  column: number;
}

function tokenize(text: string): Tok[] {
  const toks: Tok[] = [];
  const fail = (problem: string, column: number): never => {
    throw new ParseError(problem, text, column);
  };
  let p = 0;
  while (p < text.length) {
    const ch = text[p];
    const column = p + 1;
    if (/\s/.test(ch)) {
      p++;
      continue;
    }
    const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(p));
    if (name) {
      toks.push({ kind: 'name', text: name[0], column });
      p += name[0].length;
      continue;
    }
    const num = /^(?:\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/.exec(text.slice(p));
    if (num) {
      if (!/^\d+$/.test(num[0])) fail(`constant ${num[0]} is not an integer: the datapath computes on integers`, column);
      if (!Number.isSafeInteger(Number(num[0]))) fail(`constant ${num[0]} is too large`, column);
      toks.push({ kind: 'int', text: num[0], column });
      p += num[0].length;
      continue;
    }
    const shift = /^>>>?/.exec(text.slice(p));
    if (shift) {
      toks.push({ kind: shift[0] as TokenKind, text: shift[0], column });
      p += shift[0].length;
      continue;
    }
    if ('(),=+-*'.includes(ch)) {
      toks.push({ kind: ch as TokenKind, text: ch, column });
      p++;
      continue;
    }
    if (ch === '/') fail("division '/' is not supported: use +, - and *", column);
    if (ch === '[' || ch === ']') fail(`'${ch}' is not index notation: write accesses as B(i,j)`, column);
    fail(`unexpected character '${ch}'`, column);
  }
  toks.push({ kind: 'end', text: '', column: text.length + 1 });
  return toks;
}

/** Parses and checks one kernel expression. */
export function parseExpression(text: string): Assignment {
  const toks = tokenize(text);
  let at = 0;
  const fail = (problem: string, column: number): never => {
    throw new ParseError(problem, text, column);
  };
  const peek = () => toks[at];
  const describe = (t: Tok) => (t.kind === 'end' ? 'the end of the expression' : `'${t.text}'`);
  const expect = (kind: TokenKind, what: string): Tok => {
    const t = toks[at];
    if (t.kind !== kind) fail(`expected ${what}, found ${describe(t)}`, t.column);
    at++;
    return t;
  };

  const access = (): Access => {
    const name = expect('name', 'a tensor name');
    const indices: string[] = [];
    const indexColumns: number[] = [];
    const terms: string[][] = [];
    if (peek().kind === '(') {
      const open = toks[at++];
      if (peek().kind !== ')') {
        for (;;) {
          const t = peek();
          if (t.kind !== 'name') fail(`expected an index variable in ${name.text}(...), found ${describe(t)}`, t.column);
          at++;
          const seen = indices.indexOf(t.text);
          if (seen >= 0 || terms.some((m) => m.includes(t.text))) fail(`index ${t.text} appears twice in ${name.text}(...): diagonal accesses are not supported`, t.column);
          indices.push(t.text);
          indexColumns.push(t.column);
          const mode = [t.text];
          while (peek().kind === '+') {
            at++;
            const v = peek();
            if (v.kind !== 'name') fail(`expected an index variable after '+' in ${name.text}(...), found ${describe(v)}`, v.column);
            at++;
            if (mode.includes(v.text) || indices.slice(0, -1).includes(v.text) || terms.some((m) => m.includes(v.text))) fail(`index ${v.text} appears twice in ${name.text}(...)`, v.column);
            mode.push(v.text);
          }
          terms.push(mode);
          if (peek().kind !== ',') break;
          at++;
        }
      }
      const close = peek();
      if (close.kind !== ')') fail(`expected ',' or ')' to close the '(' at column ${open.column}, found ${describe(close)}`, close.column);
      at++;
    }
    const affine = terms.some((m) => m.length > 1);
    return { kind: 'access', tensor: name.text, indices, column: name.column, indexColumns, ...(affine ? { terms } : {}) };
  };

  const primary = (): Expr => {
    const t = peek();
    if (t.kind === 'int') {
      at++;
      return { kind: 'const', value: Number(t.text), column: t.column };
    }
    if (t.kind === 'name') return access();
    if (t.kind === '(') {
      at++;
      const e = shifted();
      const close = peek();
      if (close.kind !== ')') fail(`expected ')' to close the '(' at column ${t.column}, found ${describe(close)}`, close.column);
      at++;
      return e;
    }
    return fail(`expected a tensor, a constant or '(', found ${describe(t)}`, t.column);
  };
  const unary = (): Expr => {
    const t = peek();
    if (t.kind !== '-') return primary();
    at++;
    const operand = unary();
    if (operand.kind === 'const') return { kind: 'const', value: operand.value === 0 ? 0 : -operand.value, column: t.column };
    return { kind: 'neg', operand, column: t.column };
  };
  const product = (): Expr => {
    let left = unary();
    while (peek().kind === '*') {
      const op = toks[at++];
      left = { kind: 'binary', op: '*', left, right: unary(), column: op.column };
    }
    return left;
  };
  const sum = (): Expr => {
    let left = product();
    for (let t = peek(); t.kind === '+' || t.kind === '-'; t = peek()) {
      at++;
      left = { kind: 'binary', op: t.kind, left, right: product(), column: t.column };
    }
    return left;
  };
  const shifted = (): Expr => {
    let operand = sum();
    for (let t = peek(); t.kind === '>>' || t.kind === '>>>'; t = peek()) {
      at++;
      const n = peek();
      if (n.kind !== 'int') fail(`expected a constant shift amount after '${t.text}', found ${describe(n)}`, n.column);
      at++;
      operand = { kind: 'shift', op: t.kind, operand, amount: Number(n.text), column: t.column };
    }
    return operand;
  };

  if (toks[0].kind === 'end') fail('the expression is empty; expected something like x(i)=B(i,j)*c(j)', 1);
  if (toks[0].kind !== 'name') fail(`expected the output tensor, like x(i), found ${describe(toks[0])}`, toks[0].column);
  const output = access();
  const eq = peek();
  if (eq.kind !== '=') fail(`expected '=' after the output ${accessToString(output)}, found ${describe(eq)}`, eq.column);
  at++;
  const rhs = shifted();
  const rest = peek();
  if (rest.kind !== 'end') fail(`unexpected ${describe(rest)} after a complete expression`, rest.column);

  const assignment: Assignment = { output, rhs, text };
  checkAssignment(assignment);
  return assignment;
}

/** Checks that need the whole expression but no formats or shapes. */
function checkAssignment(a: Assignment): void {
  const fail = (problem: string, column: number): never => {
    throw new ParseError(problem, a.text, column);
  };
  const reads = accesses(a.rhs);
  if (reads.length === 0) fail('the right-hand side reads no tensor', a.output.column);
  const first = new Map<string, Access>();
  for (const acc of [a.output, ...reads]) {
    const prev = first.get(acc.tensor);
    if (!prev) {
      first.set(acc.tensor, acc);
      continue;
    }
    if (prev === a.output) fail(`the output tensor ${acc.tensor} also appears on the right-hand side`, acc.column);
    if (prev.indices.length !== acc.indices.length) {
      fail(
        `tensor ${acc.tensor} is used with ${plural(acc.indices.length, 'index', 'indices')} here but with ${prev.indices.length} at column ${prev.column}`,
        acc.column,
      );
    }
  }
  if (a.output.terms) fail(`the output ${a.output.tensor} has an affine index: only inputs may`, a.output.column);
  const bound = new Set(reads.flatMap((r) => modeTerms(r).flat()));
  a.output.indices.forEach((v, k) => {
    if (!bound.has(v)) fail(`output index ${v} does not appear on the right-hand side`, a.output.indexColumns[k]);
  });
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** Every tensor access of an expression, left to right. */
export function accesses(e: Expr): Access[] {
  switch (e.kind) {
    case 'access':
      return [e];
    case 'const':
      return [];
    case 'neg':
    case 'shift':
      return accesses(e.operand);
    case 'binary':
      return [...accesses(e.left), ...accesses(e.right)];
  }
}

/** Every index variable of each mode of an access (one each unless affine). */
export const modeTerms = (a: Access): readonly (readonly string[])[] => a.terms ?? a.indices.map((v) => [v]);

/** Whether an expression needs dense mode: an affine index or a shift. */
export function denseOnly(e: Expr): string | undefined {
  switch (e.kind) {
    case 'access':
      return e.terms ? `the affine index in ${accessToString(e)}` : undefined;
    case 'const':
      return undefined;
    case 'shift':
      return `the shift '${e.op}'`;
    case 'neg':
      return denseOnly(e.operand);
    case 'binary':
      return denseOnly(e.left) ?? denseOnly(e.right);
  }
}

/** Index variables in order of first appearance: output first, then the right-hand side. */
export function indexVariables(a: Assignment): string[] {
  const vars: string[] = [];
  for (const acc of [a.output, ...accesses(a.rhs)]) for (const v of modeTerms(acc).flat()) if (!vars.includes(v)) vars.push(v);
  return vars;
}

export function accessToString(a: Access): string {
  return a.indices.length === 0 ? a.tensor : `${a.tensor}(${modeTerms(a).map((m) => m.join('+')).join(',')})`;
}

/** Canonical text that parses back to the same tree. */
export function exprToString(e: Expr): string {
  switch (e.kind) {
    case 'access':
      return accessToString(e);
    case 'const':
      return String(e.value);
    case 'neg':
      return `-${e.operand.kind === 'binary' || e.operand.kind === 'shift' ? `(${exprToString(e.operand)})` : exprToString(e.operand)}`;
    case 'shift':
      return `${e.operand.kind === 'shift' || e.operand.kind === 'const' || e.operand.kind === 'access' ? exprToString(e.operand) : `(${exprToString(e.operand)})`}${e.op}${e.amount}`;
    case 'binary': {
      // Parenthesise a lower-precedence child, and a same-precedence right child (operators associate left).
      const wrap = (x: Expr, right: boolean) => {
        const needs = x.kind === 'shift' || x.kind === 'binary' && (right ? e.op === '*' || x.op !== '*' : e.op === '*' && x.op !== '*');
        return needs ? `(${exprToString(x)})` : exprToString(x);
      };
      return `${wrap(e.left, false)}${e.op}${wrap(e.right, true)}`;
    }
  }
}

export function assignmentToString(a: Assignment): string {
  return `${accessToString(a.output)}=${exprToString(a.rhs)}`;
}
