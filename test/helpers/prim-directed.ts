/**
 * Directed cases with hand-checked expected outputs, one table per primitive
 * (the DESIGN.md example, SAM's own simulator unit tests with SAM's
 * level-less 'S' written as the stop it stands for, and corner cases). The
 * same table drives the golden model (test/golden-prims.test.ts: golden ==
 * expected) and the RTL (test/helpers/prim-suite.ts: RTL == golden == expected).
 * Written arrays are given as data streams ending in D, as the golden model returns them.
 */
import type { Level } from '../../sam/fibers.ts';
import type { PrimName } from '../../sam/prims/index.ts';
import { parseStream, type Stream } from '../../sam/tokens.ts';
import type { AluOp } from '../../sam/prims/alu.ts';

export interface DirectedCase {
  readonly name: string;
  readonly prim: PrimName;
  readonly config: object;
  readonly inputs: Record<string, Stream>;
  /** Every output stream (and written array) the case must produce. */
  readonly expect: Record<string, Stream>;
}

const p = parseStream;
const streams = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, p(v)]));
const dc = (prim: PrimName, name: string, config: object, inputs: Record<string, string>, expect: Record<string, string>): DirectedCase =>
  ({ prim, name, config, inputs: streams(inputs), expect: streams(expect) });
const cs = (seg: number[], crd: number[]): Level => ({ kind: 's', seg, crd });
const dense = (size: number): Level => ({ kind: 'd', size });
const range = (n: number, f: (i: number) => number | string = (i) => i) => Array.from({ length: n }, (_, i) => String(f(i))).join(', ');
const arr = (xs: readonly number[]) => [...xs.map(String), 'D'].join(', ');

// B = [[0,5,0],[0,0,0],[7,0,9]] stored DCSR (DESIGN.md).
const Bi = cs([0, 2], [0, 2]);
const Bj = cs([0, 1, 3], [1, 0, 2]);
const Bvals = [5, 7, 9];
const M34 = Array.from({ length: 12 }, (_, k) => 10 * Math.floor(k / 4) + (k % 4));

const scan = (name: string, level: Level, inRef: string, crd: string, ref: string) =>
  dc('level-scanner', name, { level }, { in_ref: inRef }, { out_crd: crd, out_ref: ref });
const row = (r: number) => range(3, (c) => r * 3 + c);

/** A level's refs: every coordinate replaced by its index, stops kept. */
const refsOf = (crd: string) => {
  let n = 0;
  return crd.split(', ').map((t) => (/^\d+$/.test(t) ? String(n++) : t)).join(', ');
};
const write = (name: string, crd: string, seg: number[], crds: number[], dropEmpty = false) =>
  dc('level-writer', name, { dropEmpty }, { in_crd: crd }, { out_ref: refsOf(crd), seg: arr(seg), crd: arr(crds) });

const vals = (name: string, v: number[], ref: string, out: string) => dc('value-array', name, { vals: v }, { in_ref: ref }, { out_val: out });

const join = (prim: 'intersect' | 'union', name: string, a: [string, string], b: [string, string], out: [string, string, string]) =>
  dc(prim, name, {}, { crd_a: a[0], ref_a: a[1], crd_b: b[0], ref_b: b[1] }, { out_crd: out[0], out_ref_a: out[1], out_ref_b: out[2] });

/** One ALU token each: [op, a, b, c, result] at 16 bits. */
const ALU_TABLE: [AluOp, number, number, number, number][] = [
  ['add', 32767, 1, 0, -32768], ['add', -32768, -1, 0, 32767], ['sub', -32768, 1, 0, 32767], ['sub', 5, 7, 0, -2],
  ['mul', 256, 256, 0, 0], ['mul', 300, 300, 0, 24464], ['mul', -32768, -1, 0, -32768], ['min', -5, 3, 0, -5], ['max', -5, 3, 0, 3],
  ['abs', -7, 0, 0, 7], ['abs', -32768, 0, 0, -32768],
  ['shl', 1, 15, 0, -32768], ['shl', 3, 17, 0, 6], /* amount mod 16 */ ['shl', -1, -1, 0, -32768], /* 0xffff mod 16 = 15 */
  ['shr', -1, 1, 0, 32767], /* logical */ ['shr', -32768, 15, 0, 1], ['ashr', -1, 1, 0, -1], /* arithmetic */ ['ashr', -32768, 15, 0, -1], ['ashr', 100, 2, 0, 25],
  ['and', -1, 0x0f0f, 0, 0x0f0f], ['or', -32768, 1, 0, -32767], ['xor', -1, 0x7fff, 0, -32768],
  ['eq', 4, 4, 0, 1], ['ne', 4, 4, 0, 0], ['lt', -1, 0, 0, 1], ['le', 0, 0, 0, 1], ['gt', -32768, 32767, 0, 0], ['ge', 32767, -32768, 0, 1],
  ['sel', 11, 22, 1, 11], ['sel', 11, 22, 0, 22], ['sel', 11, 22, -1, 11],
];
export const ALU_OPS_COVERED = new Set(ALU_TABLE.map((t) => t[0]));

const red = (name: string, input: string, out: string) => dc('reduce', name, { dataWidth: 16 }, { in_val: input }, { out_val: out });
const rep = (name: string, ref: string, sig: string, out: string) => dc('repeat', name, {}, { in_ref: ref, in_repsig: sig }, { out_ref: out });
const sig = (name: string, crd: string, out: string) => dc('repeat-sig', name, {}, { in_crd: crd }, { out_repsig: out });
const drop = (name: string, o: string, i: string, out: string) => dc('crd-drop', name, {}, { in_outer: o, in_inner: i }, { out_outer: out, out_inner: i });
const hold = (name: string, o: string, i: string, out: string) => dc('crd-hold', name, {}, { in_outer: o, in_inner: i }, { out_outer: out, out_inner: i });

const acc = (name: string, outer: string, inner: string, val: string, crd: string, sums: string) => {
  const innerSize = 1 + Math.max(0, ...p(inner).filter((t): t is number => typeof t === 'number'));
  return dc('spacc', name, { dataWidth: 16, innerSize }, { in_crd_outer: outer, in_crd_inner: inner, in_val: val }, { out_crd: crd, out_val: sums });
};

const scatterLevel = (name: string, parentPositions: number, pos: string, crd: string, seg: number[], crds: number[]) =>
  dc('level-scatter', name, { parentPositions }, { in_pos: pos, in_crd: crd }, { out_ref: refsOf(crd), seg: arr(seg), crd: arr(crds) });
const scatterVals = (name: string, positions: number, pos: string, val: string, vals: number[]) =>
  dc('value-scatter', name, { positions }, { in_pos: pos, in_val: val }, { vals: arr(vals) });

const acc2 = (name: string, midSize: number, innerSize: number, ins: [string, string, string, string], outs: [string, string, string]) =>
  dc('spacc2', name, { dataWidth: 16, midSize, innerSize }, { in_crd_outer: ins[0], in_crd_mid: ins[1], in_crd_inner: ins[2], in_val: ins[3] },
    { out_crd_mid: outs[0], out_crd_inner: outs[1], out_val: outs[2] });

export const DIRECTED: Partial<Record<PrimName, DirectedCase[]>> = {
  spacc2: [
    // B(k,i): k0 has i 0, 2; k1 has i 2. C(k,j): k0 has j 1, 3; k1 has j 3. X(2,3) = 40 + 15.
    acc2('the outer product of two k', 3, 4, ['0, 1, S0, D', '0, 2, S0, 2, S1, D', '1, 3, S0, 1, 3, S1, 3, S2, D', '10, 20, S0, 20, 40, S1, 15, S2, D'],
      ['0, 2, S0, D', '1, 3, S0, 1, 3, S1, D', '10, 20, S0, 20, 55, S1, D']),
    acc2('rows in order, entries merged across k', 3, 7, ['0, 1, S0, D', '0, 2, S0, 0, S1, D', '5, S0, 1, S1, 5, 6, S2, D', '1, S0, 2, S1, 3, 4, S2, D'],
      ['0, 2, S0, D', '5, 6, S0, 1, S1, D', '4, 4, S0, 2, S1, D']),
    acc2('a row with only empty fibers is left out', 2, 3, ['0, S0, D', '0, 1, S1, D', 'S0, 2, S2, D', 'S0, 7, S2, D'], ['1, S0, D', '2, S1, D', '7, S1, D']),
    acc2('a cancelled sum stays as 0', 1, 2, ['0, 1, S0, D', '0, S0, 0, S1, D', '1, S1, 1, S2, D', '5, S1, -5, S2, D'], ['0, S0, D', '1, S1, D', '0, S1, D']),
    acc2('two outer fibers, deeper stops', 2, 4, ['0, S0, 1, S1, D', '1, S1, 0, S2, D', '0, S2, 3, S3, D', '4, S2, 6, S3, D'], ['1, S0, 0, S1, D', '0, S1, 3, S2, D', '4, S1, 6, S2, D']),
    acc2('an empty group (lone stops)', 1, 1, ['S0, D', 'S1, D', 'S2, D', 'S2, D'], ['S0, D', 'S1, D', 'S1, D']),
    acc2('nothing', 1, 1, ['D', 'D', 'D', 'D'], ['D', 'D', 'D']),
  ],
  'level-scatter': [
    // CSR rows 1 and 3 of 5 hold coordinates: rows 0, 2 and 4 become empty fibers.
    scatterLevel('rows placed by position, gaps and the tail filled', 5, '1, 3, S0, D', '0, 2, S0, 1, S1, D', [0, 0, 2, 2, 3, 3], [0, 2, 1]),
    scatterLevel('every position present', 3, '0, 1, 2, S0, D', '4, S0, S0, 5, 6, S1, D', [0, 1, 1, 3], [4, 5, 6]),
    scatterLevel('no fiber at all', 4, 'S0, D', 'S1, D', [0, 0, 0, 0, 0], []),
    scatterLevel('nothing', 2, 'D', 'D', [0, 0, 0], []),
    scatterLevel('the last position only', 3, '2, S0, D', '7, S1, D', [0, 0, 0, 1], [7]),
    scatterLevel('two parent fibers (a lone stop between)', 6, '0, S0, S0, 5, S1, D', '1, S1, S1, 2, S2, D', [0, 1, 1, 1, 1, 1, 2], [1, 2]),
  ],
  'value-scatter': [
    scatterVals('values at their positions, zeros between', 6, '1, 4, S0, D', '7, -3, S0, D', [0, 7, 0, 0, -3, 0]),
    scatterVals('a dense row', 3, '0, 1, 2, S0, D', '5, 6, 7, S0, D', [5, 6, 7]),
    scatterVals('nothing written', 2, 'S0, D', 'S0, D', [0, 0]),
    scatterVals('extremes', 3, '2, S0, 0, S1, D', '32767, S0, -32768, S1, D', [-32768, 0, 32767]),
  ],
  spacc: [
    acc("one row's k fibers merged, j 3 collects 20 + 7", '0, 2, S0, D', '1, 3, S0, 0, 3, S1, D', '10, 20, S0, 5, 7, S1, D', '0, 1, 3, S0, D', '5, 10, 27, S0, D'),
    acc('SAM test_spacc1_direct, the zero sum kept', '1, S0, 0, 3, S1, D', '0, 2, 3, S1, 0, 2, 3, S0, 0, 2, 3, S2, D', '50, 5, 10, S1, 40, 4, 8, S0, -40, 33, 36, S2, D',
      '0, 2, 3, S0, 0, 2, 3, S1, D', '50, 5, 10, S0, 0, 37, 44, S1, D'),
    acc('two rows', '0, 2, S0, 1, S1, D', '1, 3, S0, 0, 3, S1, 2, S2, D', '1, 1, S0, 1, 1, S1, 1, S2, D', '0, 1, 3, S0, 2, S1, D', '1, 1, 2, S0, 1, S1, D'),
    acc('one outer fiber, coordinates sorted (SpMV over CSC)', '0, 2, 3, S0, D', '4, 1, S0, S0, 0, 4, S1, D', '1, 2, S0, S0, 3, 4, S1, D', '0, 1, 4, S0, D', '3, 2, 5, S0, D'),
    acc('deeper outer stops pass unchanged', '5, S2, D', '7, S3, D', '9, S3, D', '7, S2, D', '9, S2, D'),
    acc('an empty outer fiber (lone stops)', '0, S0, S0, 1, S1, D', '5, S1, S1, 6, S2, D', '1, S1, S1, 2, S2, D', '5, S0, S0, 6, S1, D', '1, S0, S0, 2, S1, D'),
    acc('a coordinate with an empty inner fiber', '0, 1, S0, D', 'S0, 2, S1, D', 'S0, 4, S1, D', '2, S0, D', '4, S0, D'),
    acc('every inner fiber empty', '0, 1, S0, D', 'S0, S1, D', 'S0, S1, D', 'S0, D', 'S0, D'),
    acc('an empty tensor', 'S0, D', 'S1, D', 'S1, D', 'S0, D', 'S0, D'),
    acc('two empty levels', 'S0, S1, D', 'S1, S2, D', 'S1, S2, D', 'S0, S1, D', 'S0, S1, D'),
    acc('nothing', 'D', 'D', 'D', 'D', 'D'),
    acc('duplicates inside one fiber', '0, S0, D', '2, 2, 1, S1, D', '3, 4, 5, S1, D', '1, 2, S0, D', '5, 7, S0, D'),
    acc('the same j back to back across fibers', '0, 1, 2, S0, D', '3, S0, 3, S0, 3, S1, D', '1, S0, 2, S0, 3, S1, D', '3, S0, D', '6, S0, D'),
    acc('a cancelled sum stays as 0', '0, 1, S0, D', '3, S0, 3, S1, D', '5, S0, -5, S1, D', '3, S0, D', '0, S0, D'),
    acc('wraps at 16 bits', '0, 1, S0, D', '0, S0, 0, S1, D', '32767, S0, 1, S1, D', '0, S0, D', '-32768, S0, D'),
    acc('the largest coordinate the accumulator holds', '0, 1, S0, D', '255, S0, 0, 255, S1, D', '1, S0, 2, 3, S1, D', '0, 255, S0, D', '2, 4, S0, D'),
  ],
  'level-scanner': [
    scan('DESIGN.md example, level i', Bi, '0, D', '0, 2, S0, D', '0, 1, S0, D'),
    scan('DESIGN.md example, level j', Bj, '0, 1, S0, D', '1, S0, 0, 2, S1, D', '0, S0, 1, 2, S1, D'),
    scan('SAM test_rd_scan_c_direct_nd (1)', cs([0, 2, 3, 4], [0, 2, 2, 2]), '0, 1, 2, S0, D', '0, 2, S0, 2, S0, 2, S1, D', '0, 1, S0, 2, S0, 3, S1, D'),
    scan('SAM test_rd_scan_c_direct_nd (2)', cs([0, 3, 4, 6], [0, 2, 3, 0, 2, 3]), '0, 0, S0, 1, S0, 2, S1, D',
      '0, 2, 3, S0, 0, 2, 3, S1, 0, S1, 2, 3, S2, D', '0, 1, 2, S0, 0, 1, 2, S1, 3, S1, 4, 5, S2, D'),
    scan('SAM test_rd_scan_u_direct_1d', dense(3), '0, D', '0, 1, 2, S0, D', '0, 1, 2, S0, D'),
    scan('SAM test_rd_scan_u_direct_2d', dense(3), '0, 1, 2, 3, S0, D',
      '0, 1, 2, S0, 0, 1, 2, S0, 0, 1, 2, S0, 0, 1, 2, S1, D', `${row(0)}, S0, ${row(1)}, S0, ${row(2)}, S0, ${row(3)}, S1, D`),
    // SAM's Python scanner emits an extra 'N' crd/ref before the stop; DESIGN.md: N is just an empty fiber.
    scan('SAM 0-token test, N scans empty', cs([0, 2, 3, 4], [0, 1, 2, 3]), '0, 1, N, 2, N, S0, D', '0, 1, S0, 2, S0, S0, 3, S0, S1, D', '0, 1, S0, 2, S0, S0, 3, S0, S1, D'),
    scan('N alone', Bi, 'N, D', 'S0, D', 'S0, D'),
    scan('empty fibers first, middle, last', cs([0, 0, 2, 2, 2], [3, 4]), '0, 1, 2, 3, S0, D', 'S0, 3, 4, S0, S0, S1, D', 'S0, 0, 1, S0, S0, S1, D'),
    scan('empty tensor', cs([0, 0], []), '0, D', 'S0, D', 'S0, D'),
    scan('below an empty tensor', cs([0], []), 'S0, D', 'S1, D', 'S1, D'),
    scan('no fiber at all', cs([0, 0], []), 'D', 'D', 'D'),
    scan('dense level of size 0', dense(0), '0, 1, S0, D', 'S0, S1, D', 'S0, S1, D'),
    scan('largest coordinate', cs([0, 2], [0, 65535]), '0, D', '0, 65535, S0, D', '0, 1, S0, D'),
    scan('deepest stop', cs([0, 1], [7]), '0, S254, D', '7, S255, D', '0, S255, D'),
  ],
  'level-writer': [
    write('DESIGN.md example, level i', '0, 2, S0, D', [0, 2], [0, 2]),
    write('DESIGN.md example, level j', '1, S0, 0, 2, S1, D', [0, 1, 3], [1, 0, 2]),
    write('SAM test_comp_wr_scan_direct', '0, 2, 3, S0, 0, 2, 3, S1, D', [0, 3, 6], [0, 2, 3, 0, 2, 3]),
    write('keeps empty fibers', 'S0, 3, 4, S0, S0, S1, D', [0, 0, 2, 2, 2], [3, 4]),
    write('drops empty fibers (SAM CompressWrScan)', 'S0, 3, 4, S0, S0, S1, D', [0, 2], [3, 4], true),
    write('empty tensor', 'S0, D', [0, 0], []),
    write('empty tensor, dropEmpty', 'S0, D', [0], [], true),
    write('a lone S1 counts as one empty fiber', 'S1, D', [0, 0], []),
    write('nothing', 'D', [0], []),
    write('largest coordinate', '65535, S0, D', [0, 1], [65535]),
  ],
  'value-writer': [
    dc('value-writer', 'values in order, stops dropped', {}, { in_val: '10, 34, S0, 0, S1, D' }, { vals: '10, 34, 0, D' }),
    dc('value-writer', 'no values', {}, { in_val: 'S0, D' }, { vals: 'D' }),
    dc('value-writer', 'extremes', {}, { in_val: '-32768, 32767, S0, -1, S255, D' }, { vals: '-32768, 32767, -1, D' }),
  ],
  // A 3x4 row-major matrix M[r][c] = 10*r + c in vals; nests are outermost first.
  'affine-read': [
    dc('affine-read', 'row-major walk of a 3x4 matrix', { vals: M34, nest: [{ extent: 3, stride: 4 }, { extent: 4, stride: 1 }] }, { in_ref: '0, D' },
      { out_val: '0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23, D' }),
    dc('affine-read', 'transpose (column-major walk)', { vals: M34, nest: [{ extent: 4, stride: 1 }, { extent: 3, stride: 4 }] }, { in_ref: '0, D' },
      { out_val: '0, 10, 20, 1, 11, 21, 2, 12, 22, 3, 13, 23, D' }),
    dc('affine-read', 'three levels: each row twice (stride 0), per ref offset, stops pass', { vals: M34, nest: [{ extent: 2, stride: 4 }, { extent: 2, stride: 0 }, { extent: 2, stride: 1 }] },
      { in_ref: '0, S0, 5, S1, D' }, { out_val: '0, 1, 0, 1, 10, 11, 10, 11, S0, 11, 12, 11, 12, 21, 22, 21, 22, S1, D' }),
    dc('affine-read', 'no refs', { vals: M34, nest: [{ extent: 12, stride: 1 }] }, { in_ref: 'S0, D' }, { out_val: 'S0, D' }),
  ],
  'affine-write': [
    dc('affine-write', 'transpose a 2x3 stream into a 3x2 array', { nest: [{ extent: 2, stride: 1 }, { extent: 3, stride: 2 }] }, { in_val: '1, 2, 3, 4, 5, 6, D' },
      { vals: '1, 4, 2, 5, 3, 6, D' }),
    dc('affine-write', 'strided with holes (zeros), stops dropped', { nest: [{ extent: 3, stride: 3 }] }, { in_val: '7, S0, -8, 9, S1, D' }, { vals: '7, 0, 0, -8, 0, 0, 9, D' }),
    dc('affine-write', 'fewer values than the nest', { nest: [{ extent: 2, stride: 2 }, { extent: 2, stride: 1 }] }, { in_val: '5, 6, 7, D' }, { vals: '5, 6, 7, 0, D' }),
  ],
  mac: [
    dc('mac', 'dot products of length 3 (a dense matrix-vector row by row)', { dataWidth: 16, len: 3, shift: 0 }, { in_a: '1, 2, 3, 4, 5, 6, D', in_b: '1, 0, -1, 2, 2, 2, D' },
      { out_val: '-2, 30, D' }),
    dc('mac', 'constant weight and shift (x*3 >> 1), groups of 1', { dataWidth: 16, len: 1, shift: 1, constant: 3 }, { in_a: '1, -1, 5, S0, D' }, { out_val: '1, -2, 7, S0, D' }),
    dc('mac', 'a stop flushes a partial group; empty groups emit nothing', { dataWidth: 16, len: 4, shift: 0, constant: 1 }, { in_a: '1, 2, S0, S0, 3, S1, D' },
      { out_val: '3, S0, S0, 3, S1, D' }),
    dc('mac', 'products and sums wrap at 16 bits', { dataWidth: 16, len: 2, shift: 0 }, { in_a: '256, 32767, D', in_b: '256, 1, D' }, { out_val: '32767, D' }),
  ],
  'line-buffer': [
    dc('line-buffer', 'rows of 3: out_val one row behind, out_skip from row 2', { delay: 3, skip: 6 }, { in_val: '1, 2, 3, 4, 5, 6, 7, 8, 9, D' },
      { out_val: '1, 2, 3, 4, 5, 6, D', out_skip: '7, 8, 9, D' }),
    dc('line-buffer', 'delay 0 passes everything; skip past the end', { delay: 0, skip: 5 }, { in_val: '-1, 2, D' }, { out_val: '-1, 2, D', out_skip: 'D' }),
    dc('line-buffer', 'fewer words than the delay', { delay: 4, skip: 0 }, { in_val: '5, 6, D' }, { out_val: 'D', out_skip: '5, 6, D' }),
    dc('line-buffer', 'an empty stream', { delay: 2, skip: 1 }, { in_val: 'D' }, { out_val: 'D', out_skip: 'D' }),
  ],
  'row-filter': [
    dc('row-filter', '3 taps on rows of 4 (a gaussian row: 1, 2, 1)', { dataWidth: 16, taps: 3, period: 4, weights: [1, 2, 1] }, { in_a: '1, 2, 3, 4, 10, 20, 30, 40, D' },
      { out_val: '8, 12, 80, 120, D' }),
    dc('row-filter', '2 taps; a stop ends a row early and passes', { dataWidth: 16, taps: 2, period: 5, weights: [1, -1] }, { in_a: '3, 5, S0, 7, 2, 2, D' }, { out_val: '-2, S0, 5, 0, D' }),
    dc('row-filter', '1 tap is a scale', { dataWidth: 16, taps: 1, period: 1, weights: [3] }, { in_a: '1, -2, D' }, { out_val: '3, -6, D' }),
    dc('row-filter', 'products and sums wrap at 16 bits', { dataWidth: 16, taps: 3, period: 3, weights: [256, 1, 1] }, { in_a: '256, 32767, 1, D' }, { out_val: '-32768, D' }),
  ],
  'value-array': [
    vals('DESIGN.md values', Bvals, '0, S0, 1, 2, S1, D', '5, S0, 7, 9, S1, D'),
    vals('N reads 0', Bvals, 'N, 2, N, S0, S2, D', '0, 9, 0, S0, S2, D'),
    vals('no values', [], 'S0, D', 'S0, D'),
  ],
  intersect: [
    join('intersect', 'SAM test_intersect_direct_2d', ['0, S0, 0, 1, 2, S1, D', '0, S0, 1, 2, 3, S1, D'], ['0, 1, 2, S0, 0, 1, 2, S1, D', '0, 1, 2, S0, 0, 1, 2, S1, D'],
      ['0, S0, 0, 1, 2, S1, D', '0, S0, 1, 2, 3, S1, D', '0, S0, 0, 1, 2, S1, D']),
    join('intersect', 'SAM test_intersect_1d (in1 = 16)', [`${range(16)}, S0, D`, `${range(16)}, S0, D`], ['0, 2, 4, 15, 17, 25, 31, 32, 50, 63, S0, D', `${range(10)}, S0, D`],
      ['0, 2, 4, 15, S0, D', '0, 2, 4, 15, S0, D', '0, 1, 2, 3, S0, D']),
    join('intersect', 'a fiber that becomes empty stays a bare stop', ['1, 3, S0, 2, S1, D', '0, 1, S0, 2, S1, D'], ['2, S0, 2, S1, D', '0, S0, 1, S1, D'],
      ['S0, 2, S1, D', 'S0, 2, S1, D', 'S0, 1, S1, D']),
    join('intersect', 'empty fibers on either side', ['S0, 1, S1, D', 'S0, 0, S1, D'], ['1, S0, S1, D', '0, S0, S1, D'], ['S0, S1, D', 'S0, S1, D', 'S0, S1, D']),
    join('intersect', 'empty tensors', ['S1, D', 'S1, D'], ['S1, D', 'S1, D'], ['S1, D', 'S1, D', 'S1, D']),
    join('intersect', 'largest coordinate, N refs carried', ['0, 65535, S0, D', '0, 1, S0, D'], ['65535, S0, D', 'N, S0, D'], ['65535, S0, D', '1, S0, D', 'N, S0, D']),
  ],
  union: [
    join('union', 'SAM test_union_direct_nd (1)', ['0, 1, 3, 5, S0, D', '0, 1, 2, 3, S0, D'], ['0, 2, 3, 4, S0, D', '0, 1, 2, 3, S0, D'],
      ['0, 1, 2, 3, 4, 5, S0, D', '0, 1, N, 2, N, 3, S0, D', '0, N, 1, 2, 3, N, S0, D']),
    join('union', 'SAM test_union_direct_nd (2)', ['0, 1, S0, 2, 3, S0, S0, 4, 5, S1, D', '0, 1, S0, 2, 3, S0, S0, 4, 5, S1, D'],
      ['1, 2, 3, S0, S0, 0, 1, 2, S0, S1, D', '0, 1, 2, S0, S0, 2, 3, 4, S0, S1, D'],
      ['0, 1, 2, 3, S0, 2, 3, S0, 0, 1, 2, S0, 4, 5, S1, D', '0, 1, N, N, S0, 2, 3, S0, N, N, N, S0, 4, 5, S1, D', 'N, 0, 1, 2, S0, N, N, S0, 2, 3, 4, S0, N, N, S1, D']),
    join('union', 'an empty side gives the other, N for the missing refs', ['S0, D', 'S0, D'], ['3, 65535, S0, D', '0, 1, S0, D'], ['3, 65535, S0, D', 'N, N, S0, D', '0, 1, S0, D']),
    join('union', 'empty fibers on both sides', ['S0, S1, D', 'S0, S1, D'], ['S0, S1, D', 'S0, S1, D'], ['S0, S1, D', 'S0, S1, D', 'S0, S1, D']),
  ],
  alu: [
    ...ALU_TABLE.map(([op, a, b, c, want]) =>
      dc('alu', `${op}(${a}, ${b}${op === 'sel' ? `, ${c}` : ''})`, { op, dataWidth: 16 },
        { val_a: `${a}, D`, ...(op === 'abs' ? {} : { val_b: `${b}, D` }), ...(op === 'sel' ? { val_c: `${c}, D` } : {}) }, { out_val: `${want}, D` })),
    dc('alu', 'stops and D pass through', { op: 'mul', dataWidth: 16 }, { val_a: '10, S0, 7, 9, S1, D', val_b: '2, S0, 1, 3, S1, D' }, { out_val: '20, S0, 7, 27, S1, D' }),
    dc('alu', 'a constant replaces val_b', { op: 'add', dataWidth: 16, constant: 1 }, { val_a: '32767, S0, S0, -2, S1, D' }, { out_val: '-32768, S0, S0, -1, S1, D' }),
    dc('alu', 'sel with a constant', { op: 'sel', dataWidth: 16, constant: 9 }, { val_a: '1, 2, S0, D', val_c: '0, 5, S0, D' }, { out_val: '9, 2, S0, D' }),
    dc('alu', 'abs of an empty fiber', { op: 'abs', dataWidth: 16 }, { val_a: 'S0, D' }, { out_val: 'S0, D' }),
  ],
  reduce: [
    red('SAM test_reduce shapes', '5, 5, S0, 5, S0, 4, 8, S0, 4, 3, S0, 4, 3, S1, D', '10, 5, 12, 7, 7, S0, D'),
    red('one level up', '1, 2, 3, 4, 5, 6, 7, 8, 9, S2, D', '45, S1, D'),
    red('empty fibers emit 0, also the last one closed by S1 after an S0', '5, 5, S0, S0, 4, 8, S0, 4, 3, S0, S1, D', '10, 0, 12, 7, 0, S0, D'),
    red('a vector to a scalar', '1, 2, 3, S0, D', '6, D'),
    red('an empty tensor to 0', 'S0, D', '0, D'),
    red('a lone S1', 'S1, D', '0, S0, D'),
    red('nothing', 'D', 'D'),
    red('wraps at 16 bits', '32767, 1, S0, D', '-32768, D'),
    red('wraps, unsigned words read signed', '-32768, -32768, S0, 65535, 1, S1, D', '0, 0, S0, D'),
    red('the deepest stop goes down by one', '1, S255, D', '1, S254, D'),
    dc('reduce', 'dropEmpty: empty fibers emit no sum, their stops still go down by one', { dataWidth: 16, dropEmpty: true },
      { in_val: 'S0, 5, 5, S0, S0, 4, S0, S1, S1, 7, S2, D' }, { out_val: '10, 4, S0, S0, 7, S1, D' }),
    dc('reduce', 'dropEmpty: an empty tensor to nothing', { dataWidth: 16, dropEmpty: true }, { in_val: 'S0, D' }, { out_val: 'D' }),
    dc('reduce', 'dropEmpty: a lone S1 keeps only its stop', { dataWidth: 16, dropEmpty: true }, { in_val: 'S1, D' }, { out_val: 'S0, D' }),
  ],
  'repeat-sig': [
    sig('SAM test_repeat_gen_direct (1)', '0, 1, S0, 2, S0, 3, S1, D', 'R, R, S0, R, S0, R, S1, D'),
    sig('SAM test_repeat_gen_direct (2)', '0, 1, 2, S0, 0, 1, 2, S1, S1, 4, 5, S2, D', 'R, R, R, S0, R, R, R, S1, S1, R, R, S2, D'),
    sig('an empty fiber', 'S0, D', 'S0, D'),
  ],
  repeat: [
    rep('SAM test_repeat_direct (1)', '0, 1, 2, S0, D', 'R, R, S0, R, S0, R, S1, D', '0, 0, S0, 1, S0, 2, S1, D'),
    rep('SAM test_repeat_direct (2)', '0, 1, S0, 2, S0, 3, S1, D', 'R, R, R, S0, R, R, R, S1, R, S1, R, R, S2, D', '0, 0, 0, S0, 1, 1, 1, S1, 2, S1, 3, 3, S2, D'),
    rep('SAM test_repeat_direct (3)', '0, S0, 1, 2, 3, S1, D', 'R, R, R, S1, R, R, R, S0, R, S0, R, R, S2, D', '0, 0, 0, S1, 1, 1, 1, S0, 2, S0, 3, 3, S2, D'),
    rep('SAM test_repeat_direct (4)', '0, D', 'R, R, S0, D', '0, 0, S0, D'),
    rep('SAM test_repeat_direct (5)', '0, 1, S0, D', 'R, R, R, S0, R, R, R, S1, D', '0, 0, 0, S0, 1, 1, 1, S1, D'),
    rep('an empty repsig fiber emits nothing', '0, 1, S0, D', 'S0, R, S1, D', 'S0, 1, S1, D'),
    rep('a merged and a lone stop', '0, S0, S1, D', 'R, R, S1, S2, D', '0, 0, S1, S2, D'),
    rep('N is replayed like a ref', 'N, 4, S0, D', 'R, R, S0, R, S1, D', 'N, N, S0, 4, S1, D'),
    rep('empty streams', 'S0, D', 'S1, D', 'S1, D'),
    rep('no R at all', '0, D', 'S0, D', 'S0, D'),
  ],
  'crd-drop': [
    drop('SAM test_crd_drop_1d (1)', '0, 1, S0, D', '1, S0, S1, D', '0, S0, D'),
    drop('SAM test_crd_drop_1d (2)', '0, 1, S0, D', '1, S0, 1, S1, D', '0, 1, S0, D'),
    drop('SAM test_crd_drop_1d (3)', '0, 1, 2, 3, S0, D', '1, S0, 1, S0, S0, 1, S1, D', '0, 1, 3, S0, D'),
    drop('empty tensor', 'S0, D', 'S1, D', 'S0, D'),
    drop('a whole outer fiber empties out', '0, S0, 1, 2, S1, D', 'S1, 4, S0, S2, D', 'S0, 1, S1, D'),
    drop('every outer fiber empties out', '0, 1, S0, 2, S1, D', 'S0, S1, S2, D', 'S0, S1, D'),
    drop('largest coordinate kept', '65535, S0, S1, D', '3, S1, S2, D', '65535, S0, S1, D'),
  ],
  'crd-hold': [
    hold('SAM test_crd_hold_nd (1)', '0, 1, 2, S0, D', '0, 2, S0, 2, S0, 2, S1, D', '0, 0, S0, 1, S0, 2, S1, D'),
    hold('SAM test_crd_hold_nd (2)', '0, 1, 2, 5, S0, D', '1, 2, 5, S0, 2, S0, 2, S0, 2, 3, 4, 5, S1, D', '0, 0, 0, S0, 1, S0, 2, S0, 5, 5, 5, 5, S1, D'),
    hold('SAM test_crd_hold_nd (3)', '0, 2, S0, 3, S0, 4, S1, D', '0, 2, 3, S0, 0, 2, 3, S1, 0, S1, 2, 3, S2, D', '0, 0, 0, S0, 2, 2, 2, S1, 3, S1, 4, 4, S2, D'),
    hold('an empty inner fiber', '0, 1, S0, D', 'S0, 4, S1, D', 'S0, 1, S1, D'),
    hold('empty tensor', 'S0, D', 'S1, D', 'S1, D'),
  ],
};
