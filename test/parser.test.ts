import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assignmentToString, indexVariables, parseExpression, ParseError, type Expr } from '../lang/parse.ts';
import { placeReductions, reducedToString } from '../lang/reductions.ts';

/** Strips source positions so trees compare by structure. */
function shape(e: Expr): unknown {
  switch (e.kind) {
    case 'access':
      return `${e.tensor}(${(e.terms ?? e.indices.map((v) => [v])).map((m) => m.join('+')).join(',')})`;
    case 'const':
      return e.value;
    case 'neg':
      return ['neg', shape(e.operand)];
    case 'shift':
      return [e.op, shape(e.operand), e.amount];
    case 'binary':
      return [e.op, shape(e.left), shape(e.right)];
  }
}

describe('parseExpression: the kernel set', () => {
  const good: [string, string, unknown][] = [
    ['x(i)=b(i)*c(i)', 'x(i)', ['*', 'b(i)', 'c(i)']],
    ['x(i)=B(i,j)*c(j)', 'x(i)', ['*', 'B(i,j)', 'c(j)']],
    ['X(i,j)=B(i,k)*C(k,j)', 'X(i,j)', ['*', 'B(i,k)', 'C(k,j)']],
    ['X(i,j)=B(i,j)+C(i,j)+D(i,j)', 'X(i,j)', ['+', ['+', 'B(i,j)', 'C(i,j)'], 'D(i,j)']],
    ['x(i)=b(i)-C(i,j)*d(j)', 'x(i)', ['-', 'b(i)', ['*', 'C(i,j)', 'd(j)']]],
    ['X(i,j)=B(i,j)*C(i,k)*D(k,j)', 'X(i,j)', ['*', ['*', 'B(i,j)', 'C(i,k)'], 'D(k,j)']],
    ['x=B(i,j,k)*C(i,j,k)', 'x()', ['*', 'B(i,j,k)', 'C(i,j,k)']],
    ['x(i)=2*b(i)', 'x(i)', ['*', 2, 'b(i)']],
    ['x(i)=-2*b(i)', 'x(i)', ['*', -2, 'b(i)']],
    ['x(i)=-b(i)+c(i)', 'x(i)', ['+', ['neg', 'b(i)'], 'c(i)']],
    [' X ( i , j ) = ( B(i,j) + C(i,j) ) * D(i,j) ', 'X(i,j)', ['*', ['+', 'B(i,j)', 'C(i,j)'], 'D(i,j)']],
    ['x(i)=b(i)-(c(i)-d(i))', 'x(i)', ['-', 'b(i)', ['-', 'c(i)', 'd(i)']]],
    ['y()=a()*b(i)*c(i)', 'y()', ['*', ['*', 'a()', 'b(i)'], 'c(i)']],
    ['x(i)=C(j,i)*d(j)+3*e(i)', 'x(i)', ['+', ['*', 'C(j,i)', 'd(j)'], ['*', 3, 'e(i)']]],
  ];
  it.each(good)('%s', (text, out, rhs) => {
    const a = parseExpression(text);
    expect(`${a.output.tensor}(${a.output.indices.join(',')})`).toBe(out);
    expect(shape(a.rhs)).toEqual(rhs);
  });
  it('records 1-based columns', () => {
    const a = parseExpression('x(i) = B(i,j) * c(j)');
    expect(a.output.column).toBe(1);
    expect(a.output.indexColumns).toEqual([3]);
    expect(a.rhs.kind === 'binary' && a.rhs.column).toBe(15);
    const b = a.rhs.kind === 'binary' ? a.rhs.left : a.rhs;
    expect(b.kind === 'access' && [b.column, ...b.indexColumns]).toEqual([8, 10, 12]);
  });
  it('lists index variables, output first', () => {
    expect(indexVariables(parseExpression('X(i,j)=B(i,k)*C(k,j)'))).toEqual(['i', 'j', 'k']);
  });
});

describe('parseExpression: bad expressions', () => {
  const bad: [string, number, string][] = [
    ['', 1, 'the expression is empty; expected something like x(i)=B(i,j)*c(j)'],
    ['x(i)', 5, "expected '=' after the output x(i), found the end of the expression"],
    ['x(i)=', 6, "expected a tensor, a constant or '(', found the end of the expression"],
    ['=b(i)', 1, "expected the output tensor, like x(i), found '='"],
    ['2=b(i)', 1, "expected the output tensor, like x(i), found '2'"],
    ['x(i)=b(i', 9, "expected ',' or ')' to close the '(' at column 7, found the end of the expression"],
    ['x(i)=(b(i)+c(i)', 16, "expected ')' to close the '(' at column 6, found the end of the expression"],
    ['x(i)=b(i))', 10, "unexpected ')' after a complete expression"],
    ['x(i)=b(i)c(i)', 10, "unexpected 'c' after a complete expression"],
    ['x(i)=b(i)*', 11, "expected a tensor, a constant or '(', found the end of the expression"],
    ['x(i)=b(i,)', 10, "expected an index variable in b(...), found ')'"],
    ['x(i)=b(1)', 8, "expected an index variable in b(...), found '1'"],
    ['x(i)=b(i)/c(i)', 10, "division '/' is not supported: use +, - and *"],
    ['x(i)=b[i]', 7, "'[' is not index notation: write accesses as B(i,j)"],
    ['x(i)=b(i)^2', 10, "unexpected character '^'"],
    ['x(i)=0.5*b(i)', 6, 'constant 0.5 is not an integer: the datapath computes on integers'],
    ['x(i)=1e3*b(i)', 6, 'constant 1e3 is not an integer: the datapath computes on integers'],
    ['x(i)=99999999999999999999*b(i)', 6, 'constant 99999999999999999999 is too large'],
    ['x(i)=B(i,i)', 10, 'index i appears twice in B(...): diagonal accesses are not supported'],
    ['X(i,i)=B(i,j)', 5, 'index i appears twice in X(...): diagonal accesses are not supported'],
    ['x(i)=2', 1, 'the right-hand side reads no tensor'],
    ['x(i)=x(i)+b(i)', 6, 'the output tensor x also appears on the right-hand side'],
    ['x(i)=B(i,j)*B(j)', 13, 'tensor B is used with 1 index here but with 2 at column 6'],
    ['X(i,j)=b(i)', 5, 'output index j does not appear on the right-hand side'],
    ['x(i)=b(i)*(2)+c(j)*(3', 22, "expected ')' to close the '(' at column 20, found the end of the expression"],
  ];
  it.each(bad)('%s', (text, column, problem) => {
    let err: unknown;
    try {
      parseExpression(text);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    const e = err as ParseError;
    expect(e.column).toBe(column);
    expect(e.problem).toBe(problem);
    expect(e.message).toBe(`in '${text}' at column ${column}: ${e.problem}`);
  });
  it('gives a caret line under the column', () => {
    try {
      parseExpression('x(i)=b(i)/c(i)');
    } catch (e) {
      expect((e as ParseError).caret).toBe('x(i)=b(i)/c(i)\n         ^');
    }
  });
});

describe('printing parses back to the same tree (property)', () => {
  const names = ['a', 'b', 'c'];
  const expr: fc.Arbitrary<string> = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom(...names.map((n) => `${n}(i)`), 'a(i+r)', 'c(i+r+s)'),
      fc.tuple(tie('e'), fc.constantFrom('>>', '>>>'), fc.integer({ min: 0, max: 15 })).map(([l, op, n]) => `(${l})${op}${n}`),
      fc.integer({ min: -9, max: 9 }).map(String),
      fc.tuple(tie('e'), fc.constantFrom('+', '-', '*'), tie('e')).map(([l, op, r]) => `(${l})${op}(${r})`),
      tie('e').map((x) => `-(${x})`),
    ),
  })).e;
  it('holds', () => {
    fc.assert(
      fc.property(expr, (rhs) => {
        const text = `x(i)=b(i)*(${rhs})`;
        const a = parseExpression(text);
        const printed = assignmentToString(a);
        expect(shape(parseExpression(printed).rhs)).toEqual(shape(a.rhs));
      }),
      { numRuns: 300 },
    );
  });
});

describe('reduction placement', () => {
  const cases: [string, string][] = [
    ['x(i)=B(i,j)*c(j)', 'sum[j](B(i,j)*c(j))'],
    ['x(i)=b(i)-C(i,j)*d(j)', 'b(i)-sum[j](C(i,j)*d(j))'],
    ['x(i)=b(i)+C(i,j)', 'b(i)+sum[j](C(i,j))'],
    ['X(i,j)=B(i,k)*C(k,j)', 'sum[k](B(i,k)*C(k,j))'],
    ['X(i,j)=B(i,j)*C(i,k)*D(k,j)', 'sum[k]((B(i,j)*C(i,k))*D(k,j))'],
    ['x=B(i,j,k)*C(i,j,k)', 'sum[i,j,k](B(i,j,k)*C(i,j,k))'],
    ['x(i)=(B(i,j)+C(i,j))*d(j)', 'sum[j]((B(i,j)+C(i,j))*d(j))'],
    ['X(i,j)=B(i,j)+C(i,j)', 'B(i,j)+C(i,j)'],
    ['x(i)=-(B(i,j)*c(j))', '-(sum[j](B(i,j)*c(j)))'],
  ];
  it.each(cases)('%s', (text, placed) => {
    expect(reducedToString(placeReductions(parseExpression(text)))).toBe(placed);
  });
});

describe('parseExpression: dense-mode syntax (affine indices, shifts)', () => {
  it('reads X(i+r,j+s) as per-mode terms and >> / >>> as shifts by a constant, lowest precedence', () => {
    const a = parseExpression('Y(i,j)=W(r,s)*X(i+r,j+s)>>8');
    expect(shape(a.rhs)).toEqual(['>>', ['*', 'W(r,s)', 'X(i+r,j+s)'], 8]);
    const x = (a.rhs as unknown as { operand: { right: { indices: string[]; terms: string[][] } } }).operand.right;
    expect(x.indices).toEqual(['i', 'j']);
    expect(x.terms).toEqual([['i', 'r'], ['j', 's']]);
    expect(indexVariables(a)).toEqual(['i', 'j', 'r', 's']);
    expect(reducedToString(placeReductions(a))).toBe('(sum[r,s](W(r,s)*X(i+r,j+s)))>>8');
    expect(shape(parseExpression('y(i)=a(i)+b(i)>>>1>>2').rhs)).toEqual(['>>', ['>>>', ['+', 'a(i)', 'b(i)'], 1], 2]);
    expect(assignmentToString(parseExpression('Y(c,i)=(W(c,r)*X(i+r))>>>3'))).toBe('Y(c,i)=(W(c,r)*X(i+r))>>>3');
    // An output index bound by a later term of an affine mode.
    expect(indexVariables(parseExpression('Y(i,j)=W(r,s)*X(r+i,s+j)'))).toEqual(['i', 'j', 'r', 's']);
  });

  it.each([
    ['Y(i)=X(i+i)', /at column 10: index i appears twice in X/],
    ['Y(i)=X(i,j+i)', /index i appears twice in X/],
    ['Y(i+r)=X(i)', /at column 1: the output Y has an affine index: only inputs may/],
    ['Y(i)=X(i)>>j', /expected a constant shift amount after '>>', found 'j'/],
    ['Y(i)=X(i+)', /expected an index variable after '\+' in X\(...\), found '\)'/],
    ['Y(i)=X(i)>>', /expected a constant shift amount after '>>', found the end of the expression/],
  ])('refuses %s', (text, message) => {
    expect(() => parseExpression(text)).toThrow(ParseError);
    expect(() => parseExpression(text)).toThrow(message);
  });
});
