/**
 * Sparse accumulator, one level (SAM SpAcc1 / SparseAccumulator1; Onyx's
 * vector reducer), a MEM tile mode: the sum of each kept coordinate j sits in
 * SRAM word j, a register of accWidth bits marks the j's seen (RTL:
 * templates/prims/basalt_prim_spacc.v.hbs), so j must stay below accWidth,
 * which is checked before mapping.
 *
 * It sums a reduced level whose loop sits *outside* the level it keeps, e.g.
 * Gustavson's X(i,j) = sum_k B(i,k)*C(k,j) in loop order i,k,j: the j fibers of
 * all k of one row i are merged into one j fiber, adding values that share a j.
 *
 * Streams:
 *   in_crd_outer  coordinates of the reduced level (k): the parent of in_crd_inner
 *   in_crd_inner  coordinates of the kept level (j), one fiber per in_crd_outer token
 *                 (the scanner pairing of stream.ts parentItems)
 *   in_val        values, token for token aligned with in_crd_inner
 *   out_crd       per fiber of in_crd_outer: every j coordinate of any of its
 *                 k's, ascending, then that fiber's own stop token (unchanged level)
 *   out_val       the accumulated value of each out_crd coordinate, same stops
 *
 * So the output has exactly the stop structure of in_crd_outer with the k level
 * taken out: it lines up with the level above k (i) as that level's child. As in
 * SAM, a coordinate that was seen is kept even when its sum is 0 (values wrap at
 * dataWidth, two's complement, like the PE's adder), duplicates inside one inner
 * fiber are accumulated too, and an empty outer fiber gives an empty output fiber.
 *
 * Example, row i with k = 0, 2 (k stream "0, 2, S0, D"):
 *   in_crd_inner  1, 3, S0, 0, 3, S1, D      in_val  10, 20, S0, 5, 7, S1, D
 *   out_crd       0, 1, 3, S0, D             out_val 5, 10, 27, S0, D
 *
 * Pairing detail: SAM's SpAcc1New reads in_crd_inner until any stop for each
 * outer coordinate, and ignores the inner stops' levels; an outer stop flushes
 * the storage and emits that stop. That is the same result whenever no outer
 * fiber is empty. An empty outer fiber (a lone outer stop Sk) pairs here with a
 * lone inner stop S(k+1), as in every other primitive, instead of being taken
 * for the next coordinate's fiber; misaligned stops throw.
 */
import { chance, randInt } from '../../base/prng.ts';
import { wrapAdd, wrapSigned } from '../arith.ts';
import { definePrimitive } from '../prim-def.ts';
import { accContext } from './acc-common.ts';
import { mapData, randomOptions, randomOuterInner, randomValue } from '../random.ts';
import { checkAligned, checkDataWidth, checkNonNegative, checkStream, childFibers, fibersOf, parentItems } from '../stream.ts';
import { isStop, type Stream, type Token } from '../tokens.ts';

export function spacc(outer: Stream, inner: Stream, vals: Stream, opts: { dataWidth: number }): { crd: Stream; val: Stream } {
  const where = 'spacc';
  checkDataWidth(where, opts?.dataWidth);
  const w = opts.dataWidth;
  checkStream(`${where} in_crd_outer`, outer, ['num']);
  checkNonNegative(`${where} in_crd_outer`, outer);
  fibersOf(`${where} in_crd_outer`, outer); // no coordinates dangling before D
  checkStream(`${where} in_crd_inner`, inner, ['num']);
  checkNonNegative(`${where} in_crd_inner`, inner);
  checkStream(`${where} in_val`, vals, ['num']);
  checkAligned(where, inner, 'in_crd_inner', vals, 'in_val');

  const items = parentItems(where, outer);
  const crdFibers = childFibers(where, items, 'in_crd_outer', inner, 'in_crd_inner');
  const valFibers = childFibers(where, items, 'in_crd_outer', vals, 'in_val');
  // Outer token index -> its inner fiber (a coordinate's, or the lone stop's, which is empty).
  const fiberAt = new Map<number, number>(items.map((it, n) => [it.index, n]));

  const crd: Token[] = [];
  const val: Token[] = [];
  let acc = new Map<number, number>();
  outer.forEach((t, i) => {
    if (typeof t === 'number') {
      const n = fiberAt.get(i)!;
      const cs = crdFibers[n] as number[];
      const vs = valFibers[n] as number[];
      cs.forEach((c, q) => acc.set(c, wrapAdd(acc.get(c) ?? 0, wrapSigned(vs[q], w), w)));
    } else if (isStop(t)) {
      for (const c of [...acc.keys()].sort((a, b) => a - b)) {
        crd.push(c);
        val.push(acc.get(c)!);
      }
      crd.push(t);
      val.push(t);
      acc = new Map();
    } else {
      crd.push('D');
      val.push('D');
    }
  });
  return { crd, val };
}

/** How to make room for a kept level of `size` coordinates. */
function widen(size: number, memDepth: number): string {
  const w = 2 ** Math.ceil(Math.log2(size));
  if (w > 4096) return 'at most 4096 coordinates fit an accumulator: tile the input or use a loop order that sums innermost';
  return w <= memDepth ? `use --set accWidth=${w}` : `use --set accWidth=${w} with --set memDepth=${w} (the sums take one SRAM word per coordinate)`;
}

export interface SpaccConfig {
  readonly dataWidth: number;
  /** Size of the kept level j: its coordinates are 0..innerSize-1 (the accumulator must hold them). */
  readonly innerSize: number;
}

export const spaccPrim = definePrimitive<SpaccConfig>({
  name: 'spacc',
  doc: 'merges the kept fibers of each fiber of a reduced outer level, summing shared coordinates (SAM SpAcc1)',
  // It buffers a whole output fiber of partial sums: an SRAM's worth, so a MEM tile.
  tile: 'mem',
  inputs: [{ name: 'in_crd_outer', kind: 'crd' }, { name: 'in_crd_inner', kind: 'crd' }, { name: 'in_val', kind: 'val' }],
  outputs: [{ name: 'out_crd', kind: 'crd' }, { name: 'out_val', kind: 'val' }],
  run: (c, i) => {
    const r = spacc(i.in_crd_outer, i.in_crd_inner, i.in_val, c);
    return { out_crd: r.crd, out_val: r.val };
  },
  random: (rng, o) => {
    // Sibling fibers of a small mode share coordinates, so sums collide; one case
    // in eight has tiny values that often cancel to 0, and extreme values wrap.
    const { w } = randomOptions(o);
    const { outer, inner } = randomOuterInner(rng, o);
    const tiny = chance(rng, 1 / 8);
    const val = mapData(inner, () => (tiny ? randInt(rng, -2, 2) : randomValue(rng, w)));
    const innerSize = 1 + Math.max(0, ...inner.filter((t): t is number => typeof t === 'number'));
    return { config: { dataWidth: w, innerSize }, inputs: { in_crd_outer: outer, in_crd_inner: inner, in_val: val } };
  },
  // A flush emits an outer fiber's sums after its last input: the inner stream, then the output
  // stream, one token per cycle each, plus one cycle per flush for the last sum's write.
  cycleBound: (c, out) => c.inputs.in_crd_inner.length + out.out_crd.length + c.inputs.in_crd_outer.filter(isStop).length,
  rtl: {
    module: 'basalt_prim_spacc',
    fields: () => [],
    encode: () => ({}),
    check: (c, a) =>
      c.innerSize > a.accWidth
        ? `the sparse accumulator holds coordinates 0..${a.accWidth - 1} of the kept level, which has ${c.innerSize}: ${widen(c.innerSize, a.memDepth)}`
        : undefined,
    sramA: 'write',
    sramB: true,
    context: (a) => {
      const c = accContext(a);
      return { ...c, jm1: c.km1, jAddr: c.pad(c.aw - c.kw, 'j'), s1Addr: c.pad(c.aw - c.kw, 's1_j_q'), pendWord: c.pad(a.dataWidth + 1 - c.kw, 'pend_j_q') };
    },
    // Measured: at most 1 beyond the bound on 1000 random cases (the input buffer).
    latency: 1,
  },
});
