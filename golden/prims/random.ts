/**
 * Random, well-formed inputs for every primitive (for property tests and the
 * differential RTL tests). Everything derives from one seeded PRNG
 * (golden/random.ts mulberry32), so a seed reproduces a case on any machine.
 */
import { mulberry32 } from '../random.ts';
import type { Stream, Token } from '../tokens.ts';
import { ALU_OPS, aluArity } from './alu.ts';
import { runPrimitive, ALL_PRIM_NAMES, PRIM_NAMES, PRIM_PORTS, type AnyPrimName, type PrimConfigs, type PrimName } from './registry.ts';
import { repeatSigGen } from './repeat.ts';
import { levelScanner, type Level } from './scanner.ts';

export { mulberry32, runPrimitive, PRIM_NAMES, PRIM_PORTS };
export type { PrimConfigs, PrimName };

/** A uniform [0, 1) generator, e.g. mulberry32(seed). */
export type Rand = () => number;

export interface RandomOptions {
  /** Datapath width: values span its signed range, "wide" coordinates reach 2^w - 1. Default 16. */
  dataWidth?: number;
  /** Largest small mode size / dense size / fiber length. Default 6. */
  maxDim?: number;
  /** Most levels of a random fibertree (1..3 by default). */
  maxLevels?: number;
}

export interface PrimCase<P extends AnyPrimName = PrimName> {
  config: PrimConfigs[P];
  inputs: Record<string, Stream>;
}

export const randInt = (rng: Rand, lo: number, hi: number) => lo + Math.floor(rng() * (hi - lo + 1));
const chance = (rng: Rand, p: number) => rng() < p;
const pick = <T>(rng: Rand, xs: readonly T[]): T => xs[randInt(rng, 0, xs.length - 1)];
const opt = (o: RandomOptions) => ({ w: o.dataWidth ?? 16, maxDim: o.maxDim ?? 6, maxLevels: o.maxLevels ?? 3 });

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
  const { w, maxDim } = opt(o);
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
  levels: Level[];
  /** One value per position of the last level. */
  vals: number[];
}

/** A fibertree of 1..maxLevels levels (or exactly `nLevels`); one in twelve is entirely empty. */
export function randomTree(rng: Rand, o: RandomOptions = {}, nLevels?: number): RandomTree & { positions: number } {
  const { w, maxLevels } = opt(o);
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

export const ROOT_REF: Stream = [0, 'D'];

/** Scans every level from the root: crd[k] and ref[k] are level k's output streams. */
export function scanAll(levels: readonly Level[], root: Stream = ROOT_REF): { crd: Stream[]; ref: Stream[] } {
  const crd: Stream[] = [];
  const ref: Stream[] = [];
  let r = root;
  for (const l of levels) {
    const s = levelScanner(l, r);
    crd.push(s.crd);
    ref.push(s.ref);
    r = s.ref;
  }
  return { crd, ref };
}

/** Replaces data tokens by 'N' with probability p (a union's missing side; scans as an empty fiber). */
const withN = (rng: Rand, s: Stream, p: number): Stream => s.map((t) => (typeof t === 'number' && chance(rng, p) ? 'N' : t));

/** Same stop structure, data replaced by f(). */
const mapData = (s: Stream, f: (t: number, i: number) => Token): Stream => s.map((t, i) => (typeof t === 'number' ? f(t, i) : t));

/** A random ref stream with 0..maxLevels-1 levels above it, and how many fibers it addresses. */
function randomParent(rng: Rand, o: RandomOptions): { ref: Stream; positions: number } {
  const k = randInt(rng, 0, opt(o).maxLevels - 1);
  if (k === 0) return { ref: ROOT_REF, positions: 1 };
  const t = randomTree(rng, o, k);
  return { ref: scanAll(t.levels).ref[k - 1], positions: t.positions };
}

/** A random crd stream of any depth (a level of a random tree, scanned). */
function randomCrd(rng: Rand, o: RandomOptions): Stream {
  const t = randomTree(rng, o);
  return pick(rng, scanAll(t.levels).crd);
}

/** A random legal input case for `prim` (also for the golden-only spacc, which the RTL lacks). */
export function randomCase<P extends AnyPrimName>(prim: P, rng: Rand, o: RandomOptions = {}): PrimCase<P> {
  return randomCaseAny(prim, rng, o) as unknown as PrimCase<P>;
}

function randomCaseAny(prim: AnyPrimName, rng: Rand, o: RandomOptions): PrimCase<AnyPrimName> {
  const { w, maxDim } = opt(o);
  switch (prim) {
    case 'level-scanner': {
      const t = randomTree(rng, o);
      const k = randInt(rng, 0, t.levels.length - 1);
      const ref = k === 0 ? ROOT_REF : scanAll(t.levels).ref[k - 1];
      return { config: { level: t.levels[k] }, inputs: { in_ref: withN(rng, ref, 0.15) } };
    }
    case 'level-writer':
      return { config: { dropEmpty: chance(rng, 0.3) }, inputs: { in_crd: randomCrd(rng, o) } };
    case 'value-array': {
      const t = randomTree(rng, o);
      const ref = scanAll(t.levels).ref[t.levels.length - 1];
      return { config: { vals: t.vals }, inputs: { in_ref: withN(rng, ref, 0.15) } };
    }
    case 'intersect':
    case 'union': {
      // Two compressed levels under the same parent: same stop structure by construction.
      const p = randomParent(rng, o);
      const ref = withN(rng, p.ref, 0.1);
      const dim = randInt(rng, 1, maxDim + 2);
      const a = randomLevel(rng, p.positions, o, 's', chance(rng, 0.1) ? 2 ** w : dim).level;
      const mode = rng();
      const b: Level =
        mode < 0.1 ? a
        : mode < 0.2 ? { kind: 's', seg: Array(p.positions + 1).fill(0), crd: [] } // an all-empty side
        : randomLevel(rng, p.positions, o, 's', a.kind === 's' && a.crd.some((c) => c >= dim) ? 2 ** w : dim).level;
      const A = levelScanner(a, ref);
      const B = levelScanner(b, ref);
      const [x, y] = chance(rng, 0.5) ? [A, B] : [B, A];
      return { config: {}, inputs: { crd_a: x.crd, ref_a: x.ref, crd_b: y.crd, ref_b: y.ref } };
    }
    case 'alu': {
      const op = pick(rng, ALU_OPS);
      const n = aluArity(op);
      const shape = randomCrd(rng, o);
      const a = mapData(shape, () => randomValue(rng, w));
      const config: PrimConfigs['alu'] = { op, dataWidth: w };
      const inputs: Record<string, Stream> = { val_a: a };
      const shift = ['shl', 'shr', 'ashr'].includes(op);
      const bval = (i: number) => (chance(rng, 0.15) ? (a[i] as number) : shift && chance(rng, 0.6) ? randInt(rng, 0, w + 2) : randomValue(rng, w));
      if (n >= 2) {
        if (chance(rng, 0.25)) config.constant = shift ? randInt(rng, 0, w - 1) : randomValue(rng, w);
        else inputs.val_b = mapData(shape, (_, i) => bval(i));
      }
      if (n === 3) inputs.val_c = mapData(shape, () => (chance(rng, 0.5) ? 0 : randomValue(rng, w)));
      return { config, inputs };
    }
    case 'reduce':
      return { config: { dataWidth: w }, inputs: { in_val: mapData(randomCrd(rng, o), () => randomValue(rng, w)) } };
    case 'repeat-sig':
      return { config: {}, inputs: { in_crd: randomCrd(rng, o) } };
    case 'repeat': {
      // The repsig comes from a level scanned under the same parent as in_ref.
      const p = randomParent(rng, o);
      const child = randomLevel(rng, p.positions, o).level;
      const repsig = repeatSigGen(levelScanner(child, p.ref).crd);
      return { config: {}, inputs: { in_ref: withN(rng, p.ref, 0.1), in_repsig: repsig } };
    }
    case 'crd-drop':
    case 'crd-hold': {
      const t = randomTree(rng, o, randInt(rng, 2, Math.max(2, opt(o).maxLevels)));
      const k = randInt(rng, 0, t.levels.length - 2);
      const s = scanAll(t.levels);
      return { config: {}, inputs: { in_outer: s.crd[k], in_inner: s.crd[k + 1] } };
    }
    case 'spacc': {
      // Golden model only (no RTL). Two adjacent levels of a random tree: the
      // upper one is summed, the lower one kept. Sibling fibers of a small mode
      // share coordinates, so sums collide; one case in eight has tiny values
      // that often cancel to 0, and extreme values make the sums wrap.
      const t = randomTree(rng, o, randInt(rng, 2, Math.max(2, opt(o).maxLevels)));
      const k = randInt(rng, 0, t.levels.length - 2);
      const s = scanAll(t.levels);
      const tiny = chance(rng, 1 / 8);
      const val = mapData(s.crd[k + 1], () => (tiny ? randInt(rng, -2, 2) : randomValue(rng, w)));
      return { config: { dataWidth: w }, inputs: { in_crd_outer: s.crd[k], in_crd_inner: s.crd[k + 1], in_val: val } };
    }
  }
  throw new Error(`unknown primitive '${prim}' (known: ${ALL_PRIM_NAMES.join(' ')})`);
}
