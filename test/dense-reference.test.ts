/**
 * The dense reference (golden/dense-reference.ts): affine indices, valid
 * stencil sizes, shifts at the datapath width, refusals; checked against
 * hand-computed values and the ALU's golden shifts.
 */
import { describe, expect, it } from 'vitest';
import { fromDenseValues } from '../formats/tensor.ts';
import { evaluateDense, shiftValue } from '../golden/dense-reference.ts';
import { evaluate } from '../golden/reference.ts';
import { runPrimitive } from '../sam/prims/index.ts';

const M = (rows: number, cols: number, f: (i: number, j: number) => number) => fromDenseValues([rows, cols], Array.from({ length: rows * cols }, (_, k) => f(Math.floor(k / cols), k % cols)));

describe('dense reference', () => {
  it('a 2x2 box sum over a 3x4 ramp: valid positions only, by hand', () => {
    const X = M(3, 4, (i, j) => 10 * i + j);
    const W = M(2, 2, () => 1);
    const y = evaluateDense('Y(i,j)=W(r,s)*X(i+r,j+s)', { W, X }, { dataWidth: 16 });
    expect(y.shape).toEqual([2, 3]);
    // (10i+j) + (10i+j+1) + (10i+10+j) + (10i+11+j) = 40i + 4j + 22
    expect(y.values).toEqual([22, 26, 30, 62, 66, 70]);
  });

  it('the 1-D stencil equals the explicit sum of shifted reads', () => {
    const x = fromDenseValues([6], [3, -1, 4, 1, -5, 9]);
    const w = fromDenseValues([3], [1, -2, 1]);
    const y = evaluateDense('y(i)=w(r)*x(i+r)', { w, x }, { dataWidth: 16 });
    expect(y.values).toEqual([3 + 2 + 4, -1 - 8 + 1, 4 - 2 - 5, 1 + 10 + 9]);
    // evaluate() sends affine expressions here too.
    expect(evaluate('y(i)=w(r)*x(i+r)', { w, x }, { dataWidth: 16 }).values).toEqual(y.values);
  });

  it('sums and products wrap at the datapath width; >> is arithmetic, >>> logical, as the ALU shifts', () => {
    const A = fromDenseValues([4], [32767, -32768, -7, 200]);
    expect(evaluateDense('Y(i)=A(i)*2', { A }, { dataWidth: 16 }).values).toEqual([-2, 0, -14, 400]);
    expect(evaluateDense('Y(i)=A(i)>>2', { A }, { dataWidth: 16 }).values).toEqual([8191, -8192, -2, 50]);
    expect(evaluateDense('Y(i)=A(i)>>>2', { A }, { dataWidth: 16 }).values).toEqual([8191, 8192, 16382, 50]);
    for (const [op, alu] of [['>>', 'ashr'], ['>>>', 'shr']] as const) {
      for (const v of [-32768, -7, -1, 0, 5, 32767]) {
        for (const n of [0, 1, 7, 15]) {
          const out = runPrimitive('alu', { op: alu, dataWidth: 16, constant: n }, { val_a: [v, 'D'] }).out_val[0];
          expect(shiftValue(op, v, n, 16)).toBe(out);
        }
      }
    }
  });

  it('refuses an overrun window, an unsized index, a mismatched size and a too-wide shift', () => {
    const X = M(3, 3, () => 1);
    expect(() => evaluateDense('Y(i,j)=W(r,s)*X(i+r,j+s)', { W: M(4, 1, () => 1), X }, { dataWidth: 16 })).toThrow(/stencil out of bounds: X\(i\+r,j\+s\) mode 0 has size 3, smaller than the window of r/);
    expect(() => evaluateDense('Y(i)=X(i+r+s,j)', { X }, { dataWidth: 16 })).toThrow(/cannot size index/);
    expect(() => evaluateDense('Y(i,j)=A(i,j)+B(j,i)', { A: M(2, 3, () => 1), B: M(2, 3, () => 1) }, { dataWidth: 16 })).toThrow(/index j has size 3 \(A mode 1\) but 2 \(B mode 0\)/);
    expect(() => evaluateDense('Y(i)=X(i,j)>>16', { X }, { dataWidth: 16 })).toThrow(/a shift by 16: the 16-bit datapath shifts by 0\.\.15/);
  });
});
