/**
 * Row filter (issue 14, stencils): one row of a stencil window in a PE, the
 * `taps` (1..3) newest values of a row weighted and summed, one output per
 * window position. Rows are `period` values long (a stop or D also ends one):
 * position j >= taps-1 of a row gives sum_t w_t * x[j-taps+1+t], so a row of P
 * values gives P-taps+1 outputs (a valid convolution along the row). Products
 * and sums wrap at dataWidth bits.
 */
import { chance, randInt } from '../../base/prng.ts';
import { wrapAdd, wrapMul, wrapSigned, wrapUnsigned } from '../arith.ts';
import { definePrimitive, type ArchParams } from '../prim-def.ts';
import { randomOptions, randomValue } from '../random.ts';
import { checkDataWidth, checkStream, fail, mostTokens } from '../stream.ts';
import type { Stream, Token } from '../tokens.ts';

export const MAX_TAPS = 3;
const PERIOD_BITS = 16;

export interface RowFilterConfig {
  readonly dataWidth: number;
  /** Window width, 1..3. */
  readonly taps: number;
  /** Values per row. */
  readonly period: number;
  /** Weight of each tap, oldest first (taps entries). */
  readonly weights: readonly number[];
}

export function rowFilter(c: RowFilterConfig, a: Stream): Stream {
  const where = 'row-filter';
  checkDataWidth(where, c.dataWidth);
  const w = c.dataWidth;
  if (!Number.isSafeInteger(c.taps) || c.taps < 1 || c.taps > MAX_TAPS) fail(where, `taps ${c.taps} is not in 1..${MAX_TAPS}`);
  if (!Number.isSafeInteger(c.period) || c.period < c.taps) fail(where, `period ${c.period} is not an integer >= taps (${c.taps})`);
  if (!Array.isArray(c.weights) || c.weights.length !== c.taps) fail(where, `${c.taps} taps need ${c.taps} weights, not ${c.weights?.length}`);
  checkStream(`${where} in_a`, a, ['num']);
  const k = c.weights.map((x) => wrapSigned(x, w));
  const out: Token[] = [];
  let row: number[] = [];
  for (const t of a) {
    if (typeof t !== 'number') {
      row = [];
      out.push(t);
      continue;
    }
    row.push(wrapSigned(t, w));
    if (row.length >= c.taps) out.push(k.reduce((s, kt, i) => wrapAdd(s, wrapMul(kt, row[row.length - c.taps + i], w), w), 0));
    if (row.length === c.period) row = [];
  }
  return out;
}

const weightFields = (a: ArchParams) =>
  Array.from({ length: MAX_TAPS }, (_, t) => ({ name: `tap${t}`, width: a.dataWidth, doc: `row-filter: weight of tap ${t} (oldest first; two's complement)` }));

export const rowFilterPrim = definePrimitive<RowFilterConfig>({
  name: 'row-filter',
  dense: true,
  doc: 'stencil row: for each window of `taps` (1..3) consecutive values within rows of `period`, the weighted sum',
  tile: 'pe',
  inputs: [{ name: 'in_a', kind: 'val' }],
  outputs: [{ name: 'out_val', kind: 'val' }],
  run: (c, i) => ({ out_val: rowFilter(c, i.in_a) }),
  random: (rng, o) => {
    const { w } = randomOptions(o);
    const taps = randInt(rng, 1, MAX_TAPS);
    const period = randInt(rng, taps, taps + 4);
    const n = randInt(rng, 0, 20);
    const in_a: Stream = [...Array.from({ length: n }, () => randomValue(rng, w)), ...(chance(rng, 0.3) ? [{ stop: 0 }, randomValue(rng, w)] : []), 'D'];
    return { config: { dataWidth: w, taps, period, weights: Array.from({ length: taps }, () => randomValue(rng, w)) }, inputs: { in_a } };
  },
  cycleBound: (c, out) => mostTokens([c.inputs.in_a, out.out_val]),
  rtl: {
    module: 'basalt_prim_row_filter',
    fields: (a) => [
      { name: 'taps', width: 2, doc: 'row-filter: window width, 1..3' },
      { name: 'period', width: PERIOD_BITS, doc: 'row-filter: values per row' },
      ...weightFields(a),
    ],
    encode: (c, ctx) => ({
      taps: c.taps, period: c.period,
      ...Object.fromEntries(c.weights.map((x, t) => [`tap${t}`, wrapUnsigned(x, ctx.arch.dataWidth)])),
    }),
    check: (c) => (c.period >= 2 ** PERIOD_BITS ? `rows of ${c.period} values: the row filter counts to ${2 ** PERIOD_BITS - 1}` : undefined),
    latency: 2,
  },
});
