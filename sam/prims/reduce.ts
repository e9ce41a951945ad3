/** Reduce (SAM Reduce): sums each innermost fiber. */
import { wrapAdd, wrapSigned } from '../arith.ts';
import { definePrimitive } from '../prim-def.ts';
import { chance } from '../../base/prng.ts';
import { randomOptions, randomVals } from '../random.ts';
import { checkDataWidth, checkStream, fail, fibersOf } from '../stream.ts';
import { isStop, S, type Stream, type Token } from '../tokens.ts';

/**
 * S0 -> the fiber's sum; S(k+1) -> the sum, then Sk; D passes. As in SAM every
 * stop closes one fiber and emits a sum, so an empty fiber emits 0 and
 * "..., S0, S1" (an empty last fiber) emits "sum, 0, S0". Why: the empty fiber
 * still has a coordinate in the level above (the scanner emitted it), and the
 * value stream must stay aligned with that coordinate stream; a coordinate drop removes
 * such coordinates later if the output is sparse. A lone S1 (e.g. "S1, D" from
 * an empty parent) also emits a 0, exactly as SAM's Reduce does.
 * Sums wrap at dataWidth (two's complement), like the PE's adder.
 *
 * `dropEmpty`: a fiber without values emits no sum (its S(k+1) still gives Sk). The sums then
 * line up with the level above after a coordinate drop of its empty fibers (and a lone stop's spurious
 * 0 goes too), so a sparse output needs no re-alignment, which would have to buffer one sum per
 * dropped coordinate: a long run of them deadlocked the array.
 */
export function reduce(vals: Stream, opts: { dataWidth: number; dropEmpty?: boolean }): Stream {
  const where = 'reduce';
  checkDataWidth(where, opts?.dataWidth);
  const w = opts.dataWidth;
  checkStream(`${where} in_val`, vals, ['num']);
  const out: Token[] = [];
  let sum = 0;
  let open = -1; // index of the first value of an unclosed fiber
  vals.forEach((t, i) => {
    if (typeof t === 'number') {
      sum = wrapAdd(sum, wrapSigned(t, w), w);
      if (open < 0) open = i;
    } else if (isStop(t)) {
      if (!opts.dropEmpty || open >= 0) out.push(sum);
      if (t.stop > 0) out.push(S(t.stop - 1));
      sum = 0;
      open = -1;
    } else {
      if (open >= 0) fail(where, `in_val: values from token ${open} are not closed by a stop before 'D'`);
      out.push('D');
    }
  });
  return out;
}

export interface ReduceConfig {
  readonly dataWidth: number;
  readonly dropEmpty?: boolean;
}

export const reducePrim = definePrimitive<ReduceConfig>({
  name: 'reduce',
  doc: 'sums each innermost fiber; S(k+1) becomes the sum then Sk (SAM Reduce)',
  tile: 'pe',
  inputs: [{ name: 'in_val', kind: 'val' }],
  outputs: [{ name: 'out_val', kind: 'val' }],
  run: (c, i) => ({ out_val: reduce(i.in_val, c) }),
  random: (rng, o) => ({ config: { dataWidth: randomOptions(o).w, ...(chance(rng, 0.3) ? { dropEmpty: true } : {}) }, inputs: { in_val: randomVals(rng, o) } }),
  // A fiber takes its tokens in; an S(k+1) puts two out.
  cycleBound: (c) => fibersOf('reduce', c.inputs.in_val).reduce((acc, f) => acc + Math.max(f.data.length + 1, f.stop.stop > 0 ? 2 : 1), 0) + 1,
  // One more cycle than a streaming primitive when the last stop is an S(k+1), which emits two tokens.
  rtl: {
    module: 'basalt_prim_reduce',
    fields: () => [{ name: 'drop_empty', width: 1, doc: 'reduce: 1 = a fiber without values emits no sum (its S(k+1) still gives Sk)' }],
    encode: (c) => ({ drop_empty: c.dropEmpty ? 1 : 0 }),
    latency: 3,
  },
});
