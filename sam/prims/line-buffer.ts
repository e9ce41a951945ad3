/**
 * Line buffer (issue 14, stencils): a MEM tile's SRAM as a FIFO on a dense
 * stream (values, then D), the delay line of an Onyx stencil pipeline. Word k
 * goes out on out_val once word k + delay has come in, so the last `delay`
 * words never go out; out_skip is the stream without its first `skip` words.
 * Chained, two of them give the three rows of a 3x3 window in step: with
 * delay = row length L, the first with skip = 2L, the second (fed by the
 * first's out_val) with skip = L, rows i+2, i+1 and i leave on the same cycle.
 */
import { bitsFor } from '../../base/bits.ts';
import { chance, randInt } from '../../base/prng.ts';
import { definePrimitive } from '../prim-def.ts';
import { randomOptions, randomValue } from '../random.ts';
import { checkStream, fail, mostTokens } from '../stream.ts';
import type { Stream } from '../tokens.ts';

export interface LineBufferConfig {
  /** Words held back: out_val lags in_val by this many words and drops the last this many. */
  readonly delay: number;
  /** Words out_skip leaves out at the start. */
  readonly skip: number;
}

const SKIP_BITS = 16;
/** Entries of out_skip's FIFO (the template says why). */
const SKID = 8;
const SKID_BITS = 3;

/** The data words of a dense stream: values then one D, no stops. */
export function denseWords(where: string, s: Stream): number[] {
  checkStream(where, s, ['num']);
  const words = s.slice(0, -1);
  const stop = words.findIndex((t) => typeof t !== 'number');
  if (stop >= 0) fail(where, `token ${stop} is a stop: a dense stream is values then D`);
  return words as number[];
}

export function lineBuffer(c: LineBufferConfig, inVal: Stream): { out_val: Stream; out_skip: Stream } {
  const where = 'line-buffer';
  for (const k of ['delay', 'skip'] as const) if (!Number.isSafeInteger(c[k]) || c[k] < 0) fail(where, `${k} ${c[k]} is not an integer >= 0`);
  const words = denseWords(`${where} in_val`, inVal);
  return { out_val: [...words.slice(0, Math.max(0, words.length - c.delay)), 'D'], out_skip: [...words.slice(c.skip), 'D'] };
}

export const lineBufferPrim = definePrimitive<LineBufferConfig>({
  name: 'line-buffer',
  dense: true,
  doc: 'SRAM FIFO on a dense stream: out_val = the stream delayed by `delay` words (its last `delay` dropped), out_skip = it without its first `skip` words',
  tile: 'mem',
  inputs: [{ name: 'in_val', kind: 'val' }],
  outputs: [{ name: 'out_val', kind: 'val' }, { name: 'out_skip', kind: 'val' }],
  run: (c, i) => lineBuffer(c, i.in_val),
  random: (rng, o) => {
    const { w } = randomOptions(o);
    const n = randInt(rng, 0, 24);
    const in_val: Stream = [...Array.from({ length: n }, () => randomValue(rng, w)), 'D'];
    return { config: { delay: chance(rng, 0.2) ? 0 : randInt(rng, 1, 8), skip: randInt(rng, 0, 10) }, inputs: { in_val } };
  },
  cycleBound: (c, out) => mostTokens([c.inputs.in_val, out.out_val, out.out_skip]),
  rtl: {
    module: 'basalt_prim_line_buffer',
    fields: (a) => [
      { name: 'delay', width: bitsFor(a.memDepth), doc: 'line-buffer: words out_val lags in_val by (the FIFO holds up to the whole SRAM)' },
      { name: 'skip', width: SKIP_BITS, doc: 'line-buffer: words out_skip leaves out at the start' },
    ],
    encode: (c) => ({ delay: c.delay, skip: c.skip }),
    check: (c, a) => {
      if (c.delay >= a.memDepth) return `a delay of ${c.delay} words: a MEM tile holds ${a.memDepth}`;
      if (c.skip >= 2 ** SKIP_BITS) return `skip ${c.skip}: the line buffer counts to ${2 ** SKIP_BITS - 1}`;
      return undefined;
    },
    context: (a) => ({ awp1: bitsFor(a.memDepth) + 1, skid: SKID, skidEntries: Array.from({ length: SKID }, (_, i) => ({ i })), skidb: SKID_BITS, skidbm1: SKID_BITS - 1, skidb1: SKID_BITS + 1 }),
    sramA: 'write',
    sramB: true,
    latency: 3,
  },
});
