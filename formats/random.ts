/**
 * Seeded random sparse tensors (`--input T=random:SHAPE:DENSITY:SEED`).
 * Same (shape, density, seed) -> same tensor on every machine.
 */
import { mulberry32 } from '../base/prng.ts';
import { InputError } from './errors.ts';
import { SEED_VALUE_MAGNITUDE } from './values.ts';
import type { Tensor } from './tensor.ts';

/**
 * A tensor with exactly round(density * size) entries at distinct uniformly drawn
 * positions, values non-zero integers in -8..8. Cost is O(nnz log nnz), never
 * O(size), so a 1e6 x 1e6 matrix at low density is cheap.
 */
export function randomTensor(shape: readonly number[], density: number, seed: number): Tensor {
  for (const s of shape) if (!Number.isSafeInteger(s) || s < 1) throw new InputError(`random tensor: mode size ${s} is not a positive integer`);
  if (!(density >= 0 && density <= 1)) throw new InputError(`random tensor: density ${density} is not in 0..1`);
  const total = shape.reduce((a, b) => a * b, 1);
  if (!Number.isSafeInteger(total)) throw new InputError(`random tensor: shape ${shape.join('x')} has too many positions`);
  const nnz = Math.round(density * total);
  // Far beyond anything a MEM tile or the golden model holds; refused before allocating.
  const MAX_ENTRIES = 10_000_000;
  if (nnz > MAX_ENTRIES) throw new InputError(`random tensor: ${nnz} entries requested (shape ${shape.join('x')}, density ${density}); at most ${MAX_ENTRIES} are supported`);
  const rand = mulberry32(seed);
  // Uniform integer in 0..n-1 with 53 random bits (one 32-bit draw is too coarse for big shapes).
  const below = (n: number) => Math.floor(((Math.floor(rand() * 2 ** 32) * 2 ** 21 + Math.floor(rand() * 2 ** 21)) / 2 ** 53) * n);

  // Floyd's algorithm: nnz distinct positions out of total, one draw each.
  const picked = new Set<number>();
  for (let j = total - nnz; j < total; j++) {
    const t = below(j + 1);
    picked.add(picked.has(t) ? j : t);
  }
  const linear = Float64Array.from(picked).sort();
  const coords: number[][] = new Array(linear.length);
  const values: number[] = new Array(linear.length);
  for (let k = 0; k < linear.length; k++) {
    let rest = linear[k];
    const c = new Array<number>(shape.length);
    for (let m = shape.length - 1; m >= 0; m--) {
      c[m] = rest % shape[m];
      rest = Math.floor(rest / shape[m]);
    }
    coords[k] = c;
    const r = Math.floor(rand() * 2 * SEED_VALUE_MAGNITUDE) - SEED_VALUE_MAGNITUDE;
    values[k] = r >= 0 ? r + 1 : r;
  }
  return { shape: [...shape], coords, values };
}

/** '100x80' -> [100, 80]; '' or 'scalar' -> []. */
export function parseShape(text: string): number[] {
  if (text === '' || text === 'scalar') return [];
  const parts = text.split('x');
  if (!parts.every((p) => /^[1-9]\d*$/.test(p))) throw new InputError(`shape '${text}' is not like 100x80 (positive sizes joined by 'x')`);
  return parts.map(Number);
}

export interface RandomSpec {
  readonly shape: number[];
  readonly density: number;
  readonly seed: number;
}

/** Parses 'random:SHAPE:DENSITY:SEED', e.g. 'random:100x80:0.05:7'. */
export function parseRandomSpec(text: string): RandomSpec {
  const parts = text.split(':');
  if (parts.length !== 4 || parts[0] !== 'random') throw new InputError(`'${text}' is not like random:SHAPE:DENSITY:SEED (e.g. random:100x80:0.05:7)`);
  const shape = parseShape(parts[1]);
  const density = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(parts[2]) ? Number(parts[2]) : NaN;
  if (!(density >= 0 && density <= 1)) throw new InputError(`'${text}': density '${parts[2]}' is not a number in 0..1`);
  if (!/^\d+$/.test(parts[3]) || Number(parts[3]) > 0xffffffff) throw new InputError(`'${text}': seed '${parts[3]}' is not an integer 0..4294967295`);
  return { shape, density, seed: Number(parts[3]) };
}
