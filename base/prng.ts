/**
 * Small seeded PRNG shared by the golden models and the tensor generators.
 * mulberry32: 32-bit state, fast, good enough for test data, and identical on
 * every platform (only 32-bit integer arithmetic), so a seed reproduces a run.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniform [0, 1) generator, e.g. mulberry32(seed). */
export type Rand = () => number;

export const randInt = (rng: Rand, lo: number, hi: number): number => lo + Math.floor(rng() * (hi - lo + 1));
export const chance = (rng: Rand, p: number): boolean => rng() < p;
export const pick = <T>(rng: Rand, xs: readonly T[]): T => xs[randInt(rng, 0, xs.length - 1)];
