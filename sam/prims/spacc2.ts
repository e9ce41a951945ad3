/**
 * Sparse accumulator, two levels (SAM SpAcc2): the outer product's
 * X(i,j) = sum_k B(k,i) * C(k,j) in loop order k,i,j. For each fiber of
 * in_crd_outer (the reduced level k), the (i, j) entries of all its k's are
 * summed into one two-level fiber: every i seen with a j, ascending, each with
 * every j seen under it, ascending, with their sums (kept when 0).
 *
 * Streams (each the child of the one before it, paired by the scanner rule):
 *   in_crd_outer  k, the reduced level
 *   in_crd_mid    i, one fiber per k
 *   in_crd_inner  j, one fiber per i; in_val token for token with it
 *   out_crd_mid   per outer fiber: its i's, then the outer fiber's own stop Sm
 *   out_crd_inner per i: its j's, closed by S0, the last by S(m+1) (an empty
 *                 outer fiber: a lone S(m+1)); out_val token for token with it
 *
 * RTL: an entry (i, j) is coordinate i x stride + j of the accumulator of
 * templates/prims/basalt_prim_spacc2.v.hbs (stride = innerSize rounded up to a
 * power of two), so midSize x stride must fit accWidth: checked before mapping.
 */
import { bitsFor } from '../../base/bits.ts';
import { chance, randInt } from '../../base/prng.ts';
import { accContext } from './acc-common.ts';
import { wrapAdd, wrapSigned } from '../arith.ts';
import { scanAll } from '../fibers.ts';
import { definePrimitive } from '../prim-def.ts';
import { mapData, randomOptions, randomTree, randomValue } from '../random.ts';
import { checkAligned, checkDataWidth, checkNonNegative, checkStream, childFibers, fibersOf, parentItems } from '../stream.ts';
import { isStop, S, type Stream, type Token } from '../tokens.ts';

export interface Spacc2Config {
  readonly dataWidth: number;
  /** Sizes of the kept levels i (mid) and j (inner): coordinates 0..size-1. */
  readonly midSize: number;
  readonly innerSize: number;
}

export function spacc2(outer: Stream, mid: Stream, inner: Stream, vals: Stream, opts: { dataWidth: number }): { mid: Stream; crd: Stream; val: Stream } {
  const where = 'spacc2';
  checkDataWidth(where, opts?.dataWidth);
  const w = opts.dataWidth;
  for (const [s, name] of [[outer, 'in_crd_outer'], [mid, 'in_crd_mid'], [inner, 'in_crd_inner']] as const) {
    checkStream(`${where} ${name}`, s, ['num']);
    checkNonNegative(`${where} ${name}`, s);
  }
  fibersOf(`${where} in_crd_outer`, outer);
  checkStream(`${where} in_val`, vals, ['num']);
  checkAligned(where, inner, 'in_crd_inner', vals, 'in_val');
  const outerItems = parentItems(where, outer);
  const midFibers = childFibers(where, outerItems, 'in_crd_outer', mid, 'in_crd_mid');
  const midItems = parentItems(where, mid);
  const innerFibers = childFibers(where, midItems, 'in_crd_mid', inner, 'in_crd_inner');
  const valFibers = childFibers(where, midItems, 'in_crd_mid', vals, 'in_val');
  // Mid data token index -> its inner fiber.
  const fiberOfMid = new Map<number, number>(midItems.map((it, n) => [it.index, n]));
  // Each outer item's mid data tokens, by index (the walk childFibers validated), and outer token -> item.
  const midTokens: number[][] = [];
  let q = 0;
  for (let n = 0; n < outerItems.length; n++) {
    const idx: number[] = [];
    while (!isStop(mid[q]) && mid[q] !== 'D') idx.push(q++);
    q++; // the fiber's closing stop
    midTokens.push(idx);
  }
  const itemOf = new Map<number, number>(outerItems.map((it, n) => [it.index, n]));
  const outMid: Token[] = [];
  const outCrd: Token[] = [];
  const outVal: Token[] = [];
  let acc = new Map<number, Map<number, number>>();
  outer.forEach((t, ti) => {
    if (typeof t === 'number') {
      for (const mi of midTokens[itemOf.get(ti)!]) {
        const i = mid[mi] as number;
        const n = fiberOfMid.get(mi)!;
        // An i is kept when it has a j (a row whose fibers are all empty is not part of the result).
        if (innerFibers[n].length === 0) continue;
        const row = acc.get(i) ?? new Map<number, number>();
        acc.set(i, row);
        (innerFibers[n] as number[]).forEach((j, x) => row.set(j, wrapAdd(row.get(j) ?? 0, wrapSigned(valFibers[n][x] as number, w), w)));
      }
    } else if (isStop(t)) {
      const rows = [...acc.keys()].sort((a, b) => a - b);
      rows.forEach((i, r) => {
        outMid.push(i);
        const row = acc.get(i)!;
        for (const j of [...row.keys()].sort((a, b) => a - b)) {
          outCrd.push(j);
          outVal.push(row.get(j)!);
        }
        if (r < rows.length - 1) {
          outCrd.push(S(0));
          outVal.push(S(0));
        }
      });
      outMid.push(t);
      outCrd.push(S(t.stop + 1));
      outVal.push(S(t.stop + 1));
      acc = new Map();
    } else {
      outMid.push('D');
      outCrd.push('D');
      outVal.push('D');
    }
  });
  return { mid: outMid, crd: outCrd, val: outVal };
}

export const spacc2Prim = definePrimitive<Spacc2Config>({
  name: 'spacc2',
  doc: 'merges the two-level (i, j) fibers of each fiber of a reduced outer level, summing shared entries (SAM SpAcc2)',
  tile: 'mem',
  inputs: [
    { name: 'in_crd_outer', kind: 'crd' }, { name: 'in_crd_mid', kind: 'crd' }, { name: 'in_crd_inner', kind: 'crd' }, { name: 'in_val', kind: 'val' },
  ],
  outputs: [{ name: 'out_crd_mid', kind: 'crd' }, { name: 'out_crd_inner', kind: 'crd' }, { name: 'out_val', kind: 'val' }],
  run: (c, i) => {
    const r = spacc2(i.in_crd_outer, i.in_crd_mid, i.in_crd_inner, i.in_val, c);
    return { out_crd_mid: r.mid, out_crd_inner: r.crd, out_val: r.val };
  },
  random: (rng, o) => {
    // Three adjacent levels of a random tree: k summed, i and j kept; small modes make entries collide.
    const { w } = randomOptions(o);
    const t = randomTree(rng, { ...o, maxLevels: Math.max(3, o.maxLevels ?? 3) }, randInt(rng, 3, Math.max(3, o.maxLevels ?? 3)));
    const k = randInt(rng, 0, t.levels.length - 3);
    const s = scanAll(t.levels);
    const tiny = chance(rng, 1 / 8);
    const inner = s.crd[k + 2];
    const val = mapData(inner, () => (tiny ? randInt(rng, -2, 2) : randomValue(rng, w)));
    const size = (x: Stream) => 1 + Math.max(0, ...x.filter((v): v is number => typeof v === 'number'));
    return {
      config: { dataWidth: w, midSize: size(s.crd[k + 1]), innerSize: size(inner) },
      inputs: { in_crd_outer: s.crd[k], in_crd_mid: s.crd[k + 1], in_crd_inner: inner, in_val: val },
    };
  },
  // An outer fiber's inputs one token per cycle (the inner stream, and one step per outer token
  // to close its mid fiber or flush), then its flush: one step per entry and one per row.
  cycleBound: (c, out) =>
    c.inputs.in_crd_inner.length + c.inputs.in_crd_outer.length + out.out_crd_inner.filter((t) => typeof t === 'number').length + out.out_crd_mid.filter((t) => typeof t === 'number').length,
  rtl: {
    module: 'basalt_prim_spacc2',
    fields: (a) => [{ name: 'jbits', width: bitsFor(Math.log2(a.accWidth) + 1), doc: 'spacc2: key = i << jbits | j (2^jbits >= the size of the inner kept level)' }],
    encode: (c) => ({ jbits: jbitsOf(c.innerSize) }),
    check: (c, a) => {
      const keys = c.midSize * 2 ** jbitsOf(c.innerSize);
      if (keys <= a.accWidth) return undefined;
      const w = 2 ** Math.ceil(Math.log2(keys));
      const how = w > 4096 ? 'at most 4096 fit an accumulator: tile the input or use a loop order that sums innermost'
        : w <= a.memDepth ? `use --set accWidth=${w}` : `use --set accWidth=${w} with --set memDepth=${w} (the sums take one SRAM word per entry)`;
      return `the two-level sparse accumulator holds ${a.accWidth} entries, the result needs ${c.midSize} rows x ${2 ** jbitsOf(c.innerSize)} (${c.innerSize} columns, rounded up to a power of two) = ${keys}: ${how}`;
    },
    sramA: 'write',
    sramB: true,
    context: (a) => {
      const c = accContext(a);
      const word = (x: string) => c.pad(a.dataWidth + 1 - c.kw, x);
      return {
        ...c, jbm1: bitsFor(c.kw + 1) - 1, keyAll: (2 ** c.kw - 1).toString(16),
        keyAddr: c.pad(c.aw - c.kw, 'key'), s1Addr: c.pad(c.aw - c.kw, 's1_k_q'), pendIWord: word('pend_i'), pendJWord: word('pend_j'),
      };
    },
    latency: 2,
  },
});

/** Bits of j in an accumulator key: 2^jbits >= the inner size. */
const jbitsOf = (innerSize: number) => Math.ceil(Math.log2(Math.max(1, innerSize)));
