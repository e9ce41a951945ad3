/**
 * Where the implicit sums of index notation go.
 *
 * An index variable that is not on the left-hand side is summed over at the
 * lowest node of the expression tree that contains all of its uses, so
 * `x(i)=b(i)-C(i,j)*d(j)` means b(i) - sum_j(C(i,j)*d(j)) (the residual), and
 * `x(i)=b(i)+C(i,j)` means b(i) + sum_j C(i,j): the term that does not use j
 * is not summed |j| times. This agrees with TACO (which pushes reductions into
 * the operands of + and -) on every expression TACO accepts. The golden
 * reference and the SAM graph builder both read the placement from here.
 */
import { modeTerms, type Access, type Assignment, type Const, type Expr } from './parse.ts';

export interface ReducedNeg {
  readonly kind: 'neg';
  readonly operand: ReducedExpr;
  readonly column: number;
}
export interface ReducedBinary {
  readonly kind: 'binary';
  readonly op: '+' | '-' | '*';
  readonly left: ReducedExpr;
  readonly right: ReducedExpr;
  readonly column: number;
}
export interface ReducedShift {
  readonly kind: 'shift';
  readonly op: '>>' | '>>>';
  readonly operand: ReducedExpr;
  readonly amount: number;
  readonly column: number;
}
/** Sum of `body` over every value of `vars` (index variables absent from the output). */
export interface Sum {
  readonly kind: 'sum';
  readonly vars: readonly string[];
  readonly body: ReducedExpr;
}
export type ReducedExpr = Access | Const | ReducedNeg | ReducedBinary | ReducedShift | Sum;

/** The right-hand side with explicit Sum nodes. */
export function placeReductions(a: Assignment): ReducedExpr {
  const free = new Set(a.output.indices);
  const total = new Map<string, number>();
  countUses(a.rhs, total);
  const reduced = [...total.keys()].filter((v) => !free.has(v));

  const rewrite = (e: Expr): { expr: ReducedExpr; uses: Map<string, number> } => {
    let expr: ReducedExpr;
    const uses = new Map<string, number>();
    const childUses: Map<string, number>[] = [];
    if (e.kind === 'access' || e.kind === 'const') {
      expr = e;
      countUses(e, uses);
    } else if (e.kind === 'neg') {
      const o = rewrite(e.operand);
      childUses.push(o.uses);
      expr = { kind: 'neg', operand: o.expr, column: e.column };
    } else if (e.kind === 'shift') {
      const o = rewrite(e.operand);
      childUses.push(o.uses);
      expr = { kind: 'shift', op: e.op, operand: o.expr, amount: e.amount, column: e.column };
    } else {
      const l = rewrite(e.left);
      const r = rewrite(e.right);
      childUses.push(l.uses, r.uses);
      expr = { kind: 'binary', op: e.op, left: l.expr, right: r.expr, column: e.column };
    }
    for (const cu of childUses) for (const [v, n] of cu) uses.set(v, (uses.get(v) ?? 0) + n);
    // This node is the lowest one holding every use of v when no single child holds them all.
    const here = reduced.filter((v) => uses.get(v) === total.get(v) && !childUses.some((cu) => cu.get(v) === total.get(v)));
    if (here.length > 0) expr = { kind: 'sum', vars: here, body: expr };
    return { expr, uses };
  };
  return rewrite(a.rhs).expr;
}

function countUses(e: Expr, into: Map<string, number>): void {
  if (e.kind === 'access') for (const v of modeTerms(e).flat()) into.set(v, (into.get(v) ?? 0) + 1);
  else if (e.kind === 'neg' || e.kind === 'shift') countUses(e.operand, into);
  else if (e.kind === 'binary') {
    countUses(e.left, into);
    countUses(e.right, into);
  }
}

/** Readable form with explicit sums, e.g. `b(i)-sum[j](C(i,j)*d(j))`, for tests and debugging. */
export function reducedToString(e: ReducedExpr): string {
  switch (e.kind) {
    case 'access':
      return e.indices.length === 0 ? e.tensor : `${e.tensor}(${modeTerms(e).map((m) => m.join('+')).join(',')})`;
    case 'shift':
      return `(${reducedToString(e.operand)})${e.op}${e.amount}`;
    case 'const':
      return String(e.value);
    case 'neg':
      return `-(${reducedToString(e.operand)})`;
    case 'sum':
      return `sum[${e.vars.join(',')}](${reducedToString(e.body)})`;
    case 'binary': {
      const wrap = (x: ReducedExpr) => (x.kind === 'binary' ? `(${reducedToString(x)})` : reducedToString(x));
      return `${wrap(e.left)}${e.op}${wrap(e.right)}`;
    }
  }
}
