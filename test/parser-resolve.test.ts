import { describe, expect, it } from 'vitest';
import { InputError } from '../formats/errors.ts';
import { ParseError } from '../lang/parse.ts';
import { resolveKernel } from '../compiler/resolve.ts';
import { parseFormatOption, parseFormatOptions, parseOrderOption } from '../compiler/formats-spec.ts';

const SPMSPM = 'X(i,j)=B(i,k)*C(k,j)';
const SQ = { B: [3, 4], C: [4, 5] };

describe('resolveKernel: default loop orders (concordant with the formats)', () => {
  const cases: [string, string, Record<string, string>, Record<string, number[]>, string][] = [
    ['SpMV CSR', 'x(i)=B(i,j)*c(j)', { B: 'ds', c: 'd' }, { B: [3, 4], c: [4] }, 'i,j'],
    ['SpMSpM inner product', SPMSPM, { B: 'ss', C: 'ss:1,0' }, SQ, 'i,j,k'],
    ['SpMSpM Gustavson', SPMSPM, { B: 'ss', C: 'ss' }, SQ, 'i,k,j'],
    ['SpMSpM outer product', SPMSPM, { B: 'ss:1,0', C: 'ss', X: 'ss' }, SQ, 'k,i,j'],
    ['SDDMM', 'X(i,j)=B(i,j)*C(i,k)*D(k,j)', { B: 'ss', C: 'dd', D: 'dd:1,0' }, { B: [3, 4], C: [3, 5], D: [5, 4] }, 'i,j,k'],
    ['MatTransMul', 'x(i)=C(j,i)*d(j)', { C: 'ss:1,0' }, { C: [4, 3], d: [4] }, 'i,j'],
    ['TTM', 'X(i,j,k)=B(i,j,l)*C(k,l)', { B: 'sss' }, { B: [2, 3, 4], C: [5, 4] }, 'i,j,k,l'],
    ['MTTKRP', 'X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', { B: 'sss' }, { B: [2, 3, 4], C: [5, 3], D: [5, 4] }, 'i,j,k,l'],
    ['inner product 3-tensor', 'x=B(i,j,k)*C(i,j,k)', {}, { B: [2, 3, 4], C: [2, 3, 4] }, 'i,j,k'],
    ['residual', 'x(i)=b(i)-C(i,j)*d(j)', { C: 'ss' }, { b: [3], C: [3, 4], d: [4] }, 'i,j'],
  ];
  it.each(cases)('%s', (_name, expr, formats, shapes, order) => {
    expect(resolveKernel(expr, formats, undefined, shapes).order.join(',')).toBe(order);
  });
  it('returns tensors, formats, level variables, sizes and reductions', () => {
    const k = resolveKernel(SPMSPM, { C: 'ss:1,0' }, undefined, SQ);
    expect(k.tensors.map((t) => [t.name, t.isOutput, t.format.text, t.levelVars.join(','), t.shape.join('x')])).toEqual([
      ['X', true, 'ss', 'i,j', '3x5'],
      ['B', false, 'ss', 'i,k', '3x4'],
      ['C', false, 'ss:1,0', 'j,k', '4x5'],
    ]);
    expect(k.output.name).toBe('X');
    expect(k.dims).toEqual({ i: 3, k: 4, j: 5 });
    expect(k.indexVars).toEqual(['i', 'j', 'k']);
    expect(k.reductionVars).toEqual(['k']);
    expect(k.reduced.kind).toBe('sum');
  });
  it('accepts a concordant given order', () => {
    expect(resolveKernel(SPMSPM, { B: 'ss', C: 'ss' }, ['i', 'k', 'j'], SQ).order).toEqual(['i', 'k', 'j']);
  });
});

describe('resolveKernel: refusals', () => {
  const cases: [string, string, Record<string, string>, string[] | undefined, Record<string, number[]>, number | undefined, string][] = [
    ['unknown tensor in --format', SPMSPM, { D: 'ss' }, undefined, SQ, undefined, '--format names tensor D, which the expression does not use (it uses X, B, C)'],
    ['unknown tensor in shapes', SPMSPM, {}, undefined, { ...SQ, Q: [1] }, undefined, 'a shape is given for tensor Q, which the expression does not use (it uses X, B, C)'],
    ['format arity', SPMSPM, { B: 'sss' }, undefined, SQ, 8, "B(i,k) has 2 indices but its format 'sss' has 3 level(s)"],
    ['bad format letters', SPMSPM, { C: 'sx' }, undefined, SQ, 15, "format of C: format 'sx': 'x' at position 2 is not d (dense) or s (compressed)"],
    ['output format arity', SPMSPM, { X: 's' }, undefined, SQ, 1, "X(i,j) has 2 indices but its format 's' has 1 level(s)"],
    ['missing input shape', SPMSPM, {}, undefined, { B: [3, 4] }, 15, 'no shape for input tensor C'],
    ['shape arity', SPMSPM, {}, undefined, { B: [3, 4, 5], C: [4, 5] }, 8, 'B(i,k) has 2 indices but its shape 3x4x5 has 3 mode(s)'],
    [
      'inconsistent index sizes',
      SPMSPM,
      {},
      undefined,
      { B: [3, 4], C: [5, 5] },
      17,
      'index k has size 5 in C(k,j) (mode 0) at column 17 but size 4 in B(i,k) (mode 1) at column 12',
    ],
    [
      'output shape disagrees',
      'x(i)=B(i,j)*c(j)',
      {},
      undefined,
      { x: [5], B: [3, 4], c: [4] },
      8,
      'index i has size 3 in B(i,j) (mode 0) at column 8 but size 5 in x(i) (mode 0) at column 3',
    ],
    ['order names an unknown index', SPMSPM, {}, ['i', 'q', 'j', 'k'], SQ, undefined, 'loop order i,q,j,k names q, which is not an index variable of the expression (i, j, k)'],
    ['order repeats an index', SPMSPM, {}, ['i', 'i', 'k'], SQ, undefined, 'loop order i,i,k lists i twice'],
    ['order lacks an index', SPMSPM, {}, ['i', 'k'], SQ, undefined, 'loop order i,k lacks j: it must list every index variable (i, j, k)'],
    [
      'discordant input',
      SPMSPM,
      { B: 'ss', C: 'ss:1,0' },
      ['i', 'k', 'j'],
      SQ,
      15,
      "discordant traversal: C is stored as 'ss:1,0' (levels j,k), but loop order i,k,j visits k before j; the hardware scans a tensor's levels top down, so j must come before k (change the order or C's format)",
    ],
    [
      'discordant output',
      SPMSPM,
      { B: 'ss:1,0', C: 'ss' },
      ['k', 'j', 'i'],
      SQ,
      1,
      "discordant traversal: X is stored as 'ss' (levels i,j), but loop order k,j,i visits j before i; the hardware scans a tensor's levels top down, so i must come before j (change the order or X's format)",
    ],
    [
      'no concordant order exists',
      'X(i,j)=B(i,j)*C(i,j)',
      { C: 'ss:1,0' },
      undefined,
      { B: [2, 2], C: [2, 2] },
      undefined,
      "no loop order is concordant with the formats: X ('ss') needs i before j, C ('ss:1,0') needs j before i; change a format's mode order",
    ],
    ['parse errors come first', 'x(i)=b(i', {}, undefined, {}, 9, "expected ',' or ')' to close the '(' at column 7, found the end of the expression"],
  ];
  it.each(cases)('%s', (_name, expr, formats, order, shapes, column, problem) => {
    let err: unknown;
    try {
      resolveKernel(expr, formats, order, shapes);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ParseError);
    expect((err as ParseError).problem).toBe(problem);
    expect((err as ParseError).column).toBe(column);
  });
});

describe('kernel options', () => {
  it('parses --format T=FMT', () => {
    expect(parseFormatOption('C=ss:1,0')).toEqual(['C', 'ss:1,0']);
    expect(parseFormatOptions(['B=ds', 'c=d'])).toEqual({ B: 'ds', c: 'd' });
    expect(parseFormatOptions(['x='])).toEqual({ x: '' }); // a scalar
  });
  const bad: [string[], string][] = [
    [['Bds'], "--format 'Bds': expected TENSOR=FORMAT, like B=ds or C=ss:1,0"],
    [['1B=ds'], "--format '1B=ds': '1B' is not a tensor name"],
    [['B=dq'], "--format B=dq: format 'dq': 'q' at position 2 is not d (dense) or s (compressed)"],
    [['B=ds', 'B=ss'], '--format names tensor B twice (ds and ss)'],
  ];
  it.each(bad)('refuses %j', (list, message) => {
    expect(() => parseFormatOptions(list)).toThrow(InputError);
    expect(() => parseFormatOptions(list)).toThrow(message);
  });
  it('parses --order', () => {
    expect(parseOrderOption('i,k,j')).toEqual(['i', 'k', 'j']);
    expect(parseOrderOption(' i , j ')).toEqual(['i', 'j']);
    expect(() => parseOrderOption('i,,j')).toThrow("--order 'i,,j': '' is not an index variable name (expected like i,k,j)");
    expect(() => parseOrderOption('i,j,i')).toThrow("--order 'i,j,i' lists i twice");
  });
});
