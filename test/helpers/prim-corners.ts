/**
 * Hand-written corner cases of every primitive for the RTL-vs-golden tests:
 * empty fibers, empty tensors, fibers that empty out in an intersection, N
 * tokens, the deepest stop levels, the largest coordinates (16-bit data) and
 * SRAM access patterns the random cases rarely produce.
 */
import { parseStream } from '../../sam/tokens.ts';
import type { Level } from '../../sam/fibers.ts';
import type { PrimName } from '../../sam/prims/index.ts';
import type { HarnessCase } from '../../sim/prim-harness.ts';

const p = parseStream;
const MAXC = 65535;
const c = (prim: PrimName, config: object, inputs: Record<string, string>): HarnessCase => ({
  prim, config, inputs: Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, p(v)])),
});
const cs = (seg: number[], crd: number[]): Level => ({ kind: 's', seg, crd });
const join = (prim: 'intersect' | 'union', a: [string, string], b: [string, string]) =>
  c(prim, {}, { crd_a: a[0], ref_a: a[1], crd_b: b[0], ref_b: b[1] });
const range = (n: number, f: (i: number) => number | string = (i) => i) => Array.from({ length: n }, (_, i) => String(f(i))).join(', ');

function joinerCorners(prim: 'intersect' | 'union'): HarnessCase[] {
  return [
    join(prim, ['D', 'D'], ['D', 'D']), // nothing at all
    join(prim, ['S0, D', 'S0, D'], ['S0, D', 'S0, D']), // one empty fiber on both sides
    join(prim, ['S1, D', 'S1, D'], ['S1, D', 'S1, D']), // empty tensor: a lone stop
    join(prim, ['1, 3, 5, S0, D', '0, 1, 2, S0, D'], ['0, 2, 4, 6, S0, D', '7, 8, 9, 10, S0, D']), // empties out when intersected
    join(prim, ['0, 1, 2, S0, D', '0, 1, 2, S0, D'], ['S0, D', 'S0, D']), // one side empty
    join(prim, ['S0, 4, S1, D', 'S0, 3, S1, D'], ['2, S0, 4, S1, D', '9, S0, 8, S1, D']),
    join(prim, ['0, 1, S0, D', 'N, 5, S0, D'], ['1, 2, S0, D', '6, N, S0, D']), // N refs are carried
    join(prim, [`0, ${MAXC}, S255, D`, '0, 1, S255, D'], [`${MAXC - 1}, ${MAXC}, S255, D`, '2, 3, S255, D']), // deepest stop, largest coordinate
    join(prim, [`${range(40, (i) => 2 * i)}, S0, S1, 3, S2, D`, `${range(40)}, S0, S1, 40, S2, D`], [`${range(40, (i) => 3 * i)}, S0, S1, S2, D`, `${range(40, (i) => 100 + i)}, S0, S1, S2, D`]),
  ];
}

const ALU_A = `-32768, 32767, -1, 0, 1, 12345, S0, -2, 7, S255, D`;
const ALU_B = `32767, -32768, -1, 16, 17, -15, S0, 15, 31, S255, D`;
const ALU_C = `0, 1, 0, -1, 0, 2, S0, 0, 1, S255, D`;

export const CORNERS: Partial<Record<PrimName, HarnessCase[]>> = {
  'level-scanner': [
    c('level-scanner', { level: cs([0, 0], []) }, { in_ref: '0, D' }), // empty tensor
    c('level-scanner', { level: cs([0, 0], []) }, { in_ref: 'D' }), // no fiber at all
    c('level-scanner', { level: cs([0, 3], [0, 7, MAXC]) }, { in_ref: '0, D' }), // largest coordinate
    c('level-scanner', { level: cs([0, 2, 2, 2, 5], [1, 4, 0, 2, 3]) }, { in_ref: '0, 1, 2, 3, S0, D' }), // empty fibers in the middle
    c('level-scanner', { level: cs([0, 2, 2, 2, 5], [1, 4, 0, 2, 3]) }, { in_ref: '3, 0, 3, 3, 1, 2, 0, S0, D' }), // refs out of order and repeated
    c('level-scanner', { level: cs([0, 1, 2, 3, 4, 5], [9, 8, 7, 6, 5]) }, { in_ref: '0, N, N, 3, N, S0, 1, N, 4, S1, D' }), // N: empty fibers, reads ahead
    c('level-scanner', { level: cs([0, 1, 1, 3], [2, 0, 5]) }, { in_ref: 'S0, 0, S0, S1, 1, S2, 2, S254, D' }), // lone stops, merged stops, S254 -> S255
    c('level-scanner', { level: cs([0, 0, 0, 0, 0], []) }, { in_ref: '0, 1, 2, 3, S0, 0, S1, D' }), // only empty fibers
    c('level-scanner', { level: { kind: 'd', size: 0 } }, { in_ref: '0, 1, S0, D' }), // dense level of size 0
    c('level-scanner', { level: { kind: 'd', size: 300 } }, { in_ref: '0, 300, N, S1, D' }), // ref*size wraps at 16 bits
    c('level-scanner', { level: { kind: 'd', size: 3 } }, { in_ref: 'N, 2, S254, D' }),
  ],
  'level-writer': [
    c('level-writer', {}, { in_crd: 'D' }),
    c('level-writer', { dropEmpty: true }, { in_crd: 'D' }),
    c('level-writer', {}, { in_crd: 'S0, D' }),
    c('level-writer', { dropEmpty: true }, { in_crd: 'S0, D' }),
    c('level-writer', {}, { in_crd: `S0, 0, ${MAXC}, S0, S1, 3, S255, D` }),
    c('level-writer', { dropEmpty: true }, { in_crd: `S0, 0, ${MAXC}, S0, S1, 3, S255, S0, D` }),
  ],
  'value-array': [
    c('value-array', { vals: [] }, { in_ref: 'D' }),
    c('value-array', { vals: [] }, { in_ref: 'N, S0, N, S255, D' }),
    c('value-array', { vals: [-32768, 32767, -1, 0] }, { in_ref: '3, 0, N, 1, S0, 2, 2, S255, D' }),
  ],
  'value-writer': [
    c('value-writer', {}, { in_val: 'D' }),
    c('value-writer', {}, { in_val: 'S0, S1, D' }),
    c('value-writer', {}, { in_val: '-32768, 32767, S0, -1, S255, D' }),
  ],
  intersect: joinerCorners('intersect'),
  union: joinerCorners('union'),
  alu: [
    ...(['add', 'sub', 'mul', 'min', 'max', 'shl', 'shr', 'ashr', 'and', 'or', 'xor', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'] as const).flatMap((op) => [
      c('alu', { op, dataWidth: 16 }, { val_a: ALU_A, val_b: ALU_B }),
      c('alu', { op, dataWidth: 16, constant: op.startsWith('sh') || op === 'ashr' ? 15 : -32768 }, { val_a: ALU_A }),
    ]),
    c('alu', { op: 'abs', dataWidth: 16 }, { val_a: ALU_A }),
    c('alu', { op: 'sel', dataWidth: 16 }, { val_a: ALU_A, val_b: ALU_B, val_c: ALU_C }),
    c('alu', { op: 'sel', dataWidth: 16, constant: 99 }, { val_a: ALU_A, val_c: ALU_C }),
    c('alu', { op: 'add', dataWidth: 16 }, { val_a: 'D', val_b: 'D' }),
    c('alu', { op: 'mul', dataWidth: 16 }, { val_a: 'S0, S1, D', val_b: 'S0, S1, D' }),
  ],
  reduce: [
    c('reduce', { dataWidth: 16 }, { in_val: 'D' }),
    c('reduce', { dataWidth: 16 }, { in_val: 'S0, D' }),
    c('reduce', { dataWidth: 16 }, { in_val: 'S1, D' }),
    c('reduce', { dataWidth: 16 }, { in_val: 'S0, S1, S2, D' }),
    c('reduce', { dataWidth: 16 }, { in_val: '32767, 1, S0, -32768, -1, S1, 5, S255, D' }), // wraps; S255 -> sum, S254
    c('reduce', { dataWidth: 16 }, { in_val: `1, 2, S1, S0, ${range(30, (i) => i - 15)}, S1, S1, S2, D` }),
  ],
  repeat: [
    c('repeat', {}, { in_ref: 'D', in_repsig: 'D' }),
    c('repeat', {}, { in_ref: '0, D', in_repsig: 'S0, D' }), // empty repsig fiber: the ref is not emitted
    c('repeat', {}, { in_ref: '5, N, S0, D', in_repsig: 'R, R, R, S0, R, S1, D' }), // N is repeated like a ref
    c('repeat', {}, { in_ref: 'S0, 1, S1, 2, 3, S254, D', in_repsig: 'S1, R, S2, S0, R, R, S255, D' }), // lone and merged stops
    c('repeat', {}, { in_ref: `${MAXC}, S0, ${MAXC - 1}, S0, S1, D`, in_repsig: `${range(20, () => 'R')}, S1, S1, S2, D` }),
  ],
  'repeat-sig': [
    c('repeat-sig', {}, { in_crd: 'D' }),
    c('repeat-sig', {}, { in_crd: 'S0, S1, D' }),
    c('repeat-sig', {}, { in_crd: `0, ${MAXC}, S0, 3, S255, D` }),
  ],
  'crd-drop': [
    c('crd-drop', {}, { in_outer: 'D', in_inner: 'D' }),
    c('crd-drop', {}, { in_outer: 'S0, D', in_inner: 'S1, D' }), // empty tensor
    c('crd-drop', {}, { in_outer: '0, 1, 2, S0, D', in_inner: 'S0, 5, S0, S1, D' }), // first and last inner fiber empty
    c('crd-drop', {}, { in_outer: '0, 1, S0, D', in_inner: 'S0, S1, D' }), // the outer fiber empties out
    c('crd-drop', {}, { in_outer: 'S0, 0, S1, 1, 2, S254, D', in_inner: 'S1, 3, S2, S0, 4, S255, D' }), // lone stops, S254 kept
    c('crd-drop', {}, { in_outer: `${MAXC}, S0, 7, S0, S1, D`, in_inner: `${range(12)}, S1, S1, S2, D` }),
  ],
  'crd-hold': [
    c('crd-hold', {}, { in_outer: 'D', in_inner: 'D' }),
    c('crd-hold', {}, { in_outer: 'S0, D', in_inner: 'S1, D' }),
    c('crd-hold', {}, { in_outer: '0, 1, 2, S0, D', in_inner: 'S0, 5, S0, S1, D' }),
    c('crd-hold', {}, { in_outer: 'S0, 0, S1, 1, 2, S254, D', in_inner: 'S1, 3, S2, S0, 4, S255, D' }),
    c('crd-hold', {}, { in_outer: `${MAXC}, S0, 7, S0, S1, D`, in_inner: `${range(12)}, S1, S1, S2, D` }),
  ],
};
