/**
 * Dense memory controllers of a MEM tile (issue 14): an SRAM-resident array read
 * or written as a stream through an affine loop nest of up to three levels,
 * address = base + ref + sum(index_l * stride_l), like an Onyx unified buffer's
 * address generator. The loop nest, its golden models and both encoders live
 * here; the RTL is templates/prims/basalt_prim_affine_{read,write}.v.hbs.
 */
import { bitsFor } from '../../base/bits.ts';
import { chance, randInt } from '../../base/prng.ts';
import { definePrimitive, type ArchParams, type FieldDecl } from '../prim-def.ts';
import { randomOptions, randomValue } from '../random.ts';
import { checkStream, fail, mostTokens } from '../stream.ts';
import type { Stream, Token } from '../tokens.ts';
import { valFields } from './mem-fields.ts';

/** One loop level: `extent` iterations (>= 1), the address moving by `stride` words each. */
export interface LoopLevel {
  readonly extent: number;
  readonly stride: number;
}
/** Up to three levels, outermost first. */
export type LoopNest = readonly LoopLevel[];

export const MAX_LOOP_LEVELS = 3;
/** Width of the extent fields: a loop level runs at most 2^16 - 1 times. */
const EXTENT_BITS = 16;

function checkNest(where: string, nest: LoopNest): void {
  if (!Array.isArray(nest) || nest.length < 1 || nest.length > MAX_LOOP_LEVELS) fail(where, `a loop nest has 1..${MAX_LOOP_LEVELS} levels, not ${(nest as unknown[])?.length}`);
  nest.forEach((l, k) => {
    if (!Number.isSafeInteger(l.extent) || l.extent < 1) fail(where, `loop level ${k}: extent ${l.extent} is not an integer >= 1`);
    if (!Number.isSafeInteger(l.stride) || l.stride < 0) fail(where, `loop level ${k}: stride ${l.stride} is not an integer >= 0`);
  });
}

/** The offsets the nest visits, in order (outermost level slowest). */
export function nestOffsets(nest: LoopNest): number[] {
  let offs = [0];
  for (const l of nest) offs = offs.flatMap((o) => Array.from({ length: l.extent }, (_, i) => o + i * l.stride));
  return offs;
}

/** Highest offset the nest reaches. */
export const nestSpan = (nest: LoopNest): number => nest.reduce((a, l) => a + (l.extent - 1) * l.stride, 0);
const nestCount = (nest: LoopNest): number => nest.reduce((a, l) => a * l.extent, 1);

export interface AffineReadConfig {
  readonly vals: readonly number[];
  readonly nest: LoopNest;
}

/** Each data ref r -> vals[r + offset] for every offset of the nest; stops and D pass. */
export function affineRead(c: AffineReadConfig, inRef: Stream): Stream {
  const where = 'affine-read';
  checkNest(where, c.nest);
  checkStream(`${where} in_ref`, inRef, ['num']);
  const offs = nestOffsets(c.nest);
  const out: Token[] = [];
  inRef.forEach((t, i) => {
    if (typeof t !== 'number') return void out.push(t);
    for (const o of offs) {
      if (t + o >= c.vals.length) fail(where, `in_ref token ${i} (${t}) + offset ${o} is outside the ${c.vals.length} values`);
      out.push(c.vals[t + o]);
    }
  });
  return out;
}

export interface AffineWriteConfig {
  readonly nest: LoopNest;
}

/** Data word k of in_val to offset k of the nest (stops dropped); the array is the nest's span, unwritten words 0. */
export function affineWrite(c: AffineWriteConfig, inVal: Stream): number[] {
  const where = 'affine-write';
  checkNest(where, c.nest);
  checkStream(`${where} in_val`, inVal, ['num']);
  const offs = nestOffsets(c.nest);
  const vals = inVal.filter((t): t is number => typeof t === 'number');
  if (vals.length > offs.length) fail(where, `in_val has ${vals.length} values but the loop nest addresses ${offs.length}`);
  const arr = new Array<number>(nestSpan(c.nest) + 1).fill(0);
  vals.forEach((v, k) => (arr[offs[k]] = v));
  return arr;
}

function nestFields(a: ArchParams, who: string): FieldDecl[] {
  const aw = bitsFor(a.memDepth);
  return Array.from({ length: MAX_LOOP_LEVELS }, (_, k) => [
    { name: `ext${k}`, width: EXTENT_BITS, doc: `${who}: iterations of loop level ${k} (0 = innermost); an unused level is 1` },
    { name: `str${k}`, width: aw, doc: `${who}: address step of loop level ${k}, in words` },
  ]).flat();
}

/** Field values of a nest: level 0 is the innermost. */
function nestEncoding(nest: LoopNest): Record<string, number> {
  const inner = [...nest].reverse();
  const f: Record<string, number> = {};
  for (let k = 0; k < MAX_LOOP_LEVELS; k++) {
    f[`ext${k}`] = inner[k]?.extent ?? 1;
    f[`str${k}`] = inner[k]?.stride ?? 0;
  }
  return f;
}

function nestProblem(nest: LoopNest, a: ArchParams): string | undefined {
  if (nest.length > MAX_LOOP_LEVELS) return `a loop nest of ${nest.length} levels: the address generator has ${MAX_LOOP_LEVELS}`;
  const big = nest.find((l) => l.extent >= 2 ** EXTENT_BITS);
  if (big) return `a loop level of ${big.extent} iterations: the address generator counts to ${2 ** EXTENT_BITS - 1}`;
  if (nestSpan(nest) >= a.memDepth) return `the loop nest spans ${nestSpan(nest) + 1} words but a MEM tile holds ${a.memDepth}`;
  return undefined;
}

function randomNest(rng: () => number, maxDim: number): LoopNest {
  return Array.from({ length: randInt(rng, 1, MAX_LOOP_LEVELS) }, () => ({ extent: randInt(rng, 1, Math.max(1, maxDim - 1)), stride: randInt(rng, 0, 3) }));
}

export const affineReadPrim = definePrimitive<AffineReadConfig>({
  name: 'affine-read',
  dense: true,
  doc: 'dense read: for each ref, vals[ref + offset] over an affine loop nest of up to 3 levels (an Onyx address generator)',
  tile: 'mem',
  inputs: [{ name: 'in_ref', kind: 'ref' }],
  outputs: [{ name: 'out_val', kind: 'val' }],
  arrays: { reads: ['vals'] },
  run: (c, i) => ({ out_val: affineRead(c, i.in_ref) }),
  random: (rng, o) => {
    const { w, maxDim } = randomOptions(o);
    const nest = randomNest(rng, maxDim);
    const refs = Array.from({ length: randInt(rng, 0, 4) }, () => randInt(rng, 0, 5));
    const n = nestSpan(nest) + Math.max(0, ...refs) + 1 + randInt(rng, 0, 3);
    const vals = Array.from({ length: n }, () => randomValue(rng, w));
    const in_ref: Stream = chance(rng, 0.2) ? [0, 'D'] : [...refs, { stop: 0 }, 'D'];
    return { config: { vals, nest }, inputs: { in_ref } };
  },
  cycleBound: (c, out) => mostTokens([c.inputs.in_ref, out.out_val]),
  rtl: {
    module: 'basalt_prim_affine_read',
    fields: (a) => [{ name: 'root', width: 1, doc: 'affine-read: 1 = ignore in_ref and read for the root ref stream `0, D`' }, ...nestFields(a, 'affine-read/write'), ...valFields(a)],
    encode: (c, ctx) => ({ val_base: ctx.preload('vals', c.vals), ...nestEncoding(c.nest) }),
    check: (c, a) => nestProblem(c.nest, a),
    sramB: true,
    rootInput: { port: 'in_ref', field: 'root' },
    latency: 2,
  },
});

export const affineWritePrim = definePrimitive<AffineWriteConfig>({
  name: 'affine-write',
  dense: true,
  doc: 'dense write: value k of the stream to vals[offset k] of an affine loop nest of up to 3 levels',
  tile: 'mem',
  inputs: [{ name: 'in_val', kind: 'val' }],
  outputs: [],
  arrays: { writes: ['vals'] },
  run: (c, i) => ({ vals: [...affineWrite(c, i.in_val), 'D'] }),
  random: (rng, o) => {
    const { w, maxDim } = randomOptions(o);
    const nest = randomNest(rng, maxDim);
    const n = randInt(rng, 0, nestCount(nest));
    const in_val: Stream = [...Array.from({ length: n }, () => randomValue(rng, w)), ...(n > 0 && chance(rng, 0.5) ? [{ stop: 0 }] : []), 'D'];
    return { config: { nest }, inputs: { in_val } };
  },
  cycleBound: (c) => c.inputs.in_val.length,
  rtl: {
    module: 'basalt_prim_affine_write',
    fields: (a) => [...nestFields(a, 'affine-read/write'), ...valFields(a)],
    encode: (c, ctx) => ({ val_base: ctx.reserve('vals', { zeros: nestSpan(c.nest) + 1 }), ...nestEncoding(c.nest) }),
    check: (c, a) => nestProblem(c.nest, a),
    sramA: 'write',
    latency: 1,
  },
});
