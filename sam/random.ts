/**
 * Random, well-formed streams and fibertrees: the building blocks of every
 * primitive's random case generator (sam/prims/*: `random`). Everything
 * derives from one seeded PRNG (base/prng.ts), so a seed reproduces a case on
 * any machine.
 */
import { chance, pick, randInt, type Rand } from '../base/prng.ts';
import { ROOT_REF, scanAll, type Level } from './fibers.ts';
import type { Stream, Token } from './tokens.ts';

export interface RandomOptions {
  /** Datapath width: values span its signed range, "wide" coordinates reach 2^w - 1. Default 16. */
  readonly dataWidth?: number;
  /** Largest small mode size / dense size / fiber length. Default 6. */
  readonly maxDim?: number;
  /** Most levels of a random fibertree (1..3 by default). */
  readonly maxLevels?: number;
}

export const randomOptions = (o: RandomOptions) => ({ w: o.dataWidth ?? 16, maxDim: o.maxDim ?? 6, maxLevels: o.maxLevels ?? 3 });

/** A signed w-bit value, biased towards the edges where wrap-around bugs live. */
export function randomValue(rng: Rand, w: number): number {
  const min = -(2 ** (w - 1));
  const max = 2 ** (w - 1) - 1;
  if (chance(rng, 0.25)) return pick(rng, [min, max, -1, 0, 1, min + 1, max - 1]);
  return randInt(rng, min, max);
}

/**
 * A level with `nFibers` fibers. Compressed fibers are empty with probability
 * 1/5 (1/20 for a single fiber, so that most cases are not trivially empty:
 * randomTree makes whole tensors empty on purpose); one level in ten uses the
 * whole coordinate range (up to 2^w - 1).
 */
export function randomLevel(rng: Rand, nFibers: number, o: RandomOptions = {}, kind?: 's' | 'd', dim?: number): { level: Level; positions: number } {
  const { w, maxDim } = randomOptions(o);
  if ((kind ?? (chance(rng, 0.7) ? 's' : 'd')) === 'd') {
    const size = chance(rng, 0.03) ? 0 : randInt(rng, 1, maxDim);
    return { level: { kind: 'd', size }, positions: nFibers * size };
  }
  const d = dim ?? (chance(rng, 0.1) ? 2 ** w : randInt(rng, 1, maxDim));
  const wide = d > maxDim;
  const seg = [0];
  const crd: number[] = [];
  const pEmpty = nFibers === 1 ? 0.05 : 0.2;
  for (let f = 0; f < nFibers; f++) {
    if (!chance(rng, pEmpty)) {
      const most = Math.min(d, maxDim);
      const n = Math.max(randInt(rng, 1, most), randInt(rng, 1, most)); // skewed towards fuller fibers
      const set = new Set<number>();
      if (wide && chance(rng, 0.5)) set.add(d - 1); // the largest coordinate
      while (set.size < n) set.add(randInt(rng, 0, d - 1));
      crd.push(...[...set].sort((x, y) => x - y));
    }
    seg.push(crd.length);
  }
  return { level: { kind: 's', seg, crd }, positions: crd.length };
}

export interface RandomTree {
  readonly levels: Level[];
  /** One value per position of the last level. */
  readonly vals: number[];
  readonly positions: number;
}

/** A fibertree of 1..maxLevels levels (or exactly `nLevels`); one in twelve is entirely empty. */
export function randomTree(rng: Rand, o: RandomOptions = {}, nLevels?: number): RandomTree {
  const { w, maxLevels } = randomOptions(o);
  const L = nLevels ?? randInt(rng, 1, maxLevels);
  const empty = chance(rng, 1 / 12);
  const levels: Level[] = [];
  let positions = 1; // the root
  for (let k = 0; k < L; k++) {
    const r = empty && k === 0 ? { level: { kind: 's' as const, seg: [0, 0], crd: [] }, positions: 0 } : randomLevel(rng, positions, o);
    levels.push(r.level);
    positions = r.positions;
  }
  return { levels, vals: Array.from({ length: positions }, () => randomValue(rng, w)), positions };
}

/** Replaces data tokens by 'N' with probability p (the side a merge lacks; scans as an empty fiber). */
export const withN = (rng: Rand, s: Stream, p: number): Stream => s.map((t) => (typeof t === 'number' && chance(rng, p) ? 'N' : t));

/** Same stop structure, data replaced by f(). */
export const mapData = (s: Stream, f: (t: number, i: number) => Token): Stream => s.map((t, i) => (typeof t === 'number' ? f(t, i) : t));

/** A random ref stream with 0..maxLevels-1 levels above it, and how many fibers it addresses. */
export function randomParent(rng: Rand, o: RandomOptions): { ref: Stream; positions: number } {
  const k = randInt(rng, 0, randomOptions(o).maxLevels - 1);
  if (k === 0) return { ref: ROOT_REF, positions: 1 };
  const t = randomTree(rng, o, k);
  return { ref: scanAll(t.levels).ref[k - 1], positions: t.positions };
}

/** A random crd stream of any depth (a level of a random tree, scanned). */
export function randomCrd(rng: Rand, o: RandomOptions): Stream {
  const t = randomTree(rng, o);
  return pick(rng, scanAll(t.levels).crd);
}

/** A random value stream of any depth. */
export const randomVals = (rng: Rand, o: RandomOptions): Stream => mapData(randomCrd(rng, o), () => randomValue(rng, randomOptions(o).w));

/** Two adjacent levels of a random tree (2..maxLevels levels): the outer and inner crd streams. */
export function randomOuterInner(rng: Rand, o: RandomOptions): { outer: Stream; inner: Stream } {
  const t = randomTree(rng, o, randInt(rng, 2, Math.max(2, randomOptions(o).maxLevels)));
  const k = randInt(rng, 0, t.levels.length - 2);
  const s = scanAll(t.levels);
  return { outer: s.crd[k], inner: s.crd[k + 1] };
}
