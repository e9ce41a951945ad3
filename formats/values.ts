/**
 * Value conversion for the integer datapath (`basalt run --values file|ones|seed:N`).
 * Real files (SuiteSparse, the DNN layer) need an explicit choice: silently
 * rounding 0.0625 to 0 would compute on a different matrix than the user named.
 */
import { mulberry32 } from '../base/prng.ts';
import { InputError } from './errors.ts';
import type { Tensor } from './tensor.ts';

/** 'file' keeps integer values, 'ones' stores 1 everywhere, seed:N draws small non-zero integers. */
export type ValueMode = 'file' | 'ones' | { readonly seed: number };

/** Largest magnitude of a seeded value: small, so products and sums stay readable in 16 bits. */
export const SEED_VALUE_MAGNITUDE = 8;

export function parseValueMode(text: string): ValueMode {
  if (text === 'file' || text === 'ones') return text;
  const m = /^seed:(\d+)$/.exec(text);
  if (m && Number(m[1]) <= 0xffffffff) return { seed: Number(m[1]) };
  throw new InputError(`--values '${text}' is not file, ones or seed:N (N an integer 0..4294967295)`);
}

export function valueModeToString(mode: ValueMode): string {
  return typeof mode === 'string' ? mode : `seed:${mode.seed}`;
}

/** Signed range of a `width`-bit two's complement word. */
export function signedRange(width: number): [number, number] {
  return [-(2 ** (width - 1)), 2 ** (width - 1) - 1];
}

/**
 * Converts a tensor's values for a `dataWidth`-bit signed datapath; the sparsity
 * pattern (every stored entry, explicit zeros included) is kept.
 * `name` names the tensor in errors (defaults to the file it came from).
 */
export function convertValues(raw: Tensor & { readonly source?: string }, mode: ValueMode, dataWidth: number, name?: string): Tensor {
  if (!Number.isInteger(dataWidth) || dataWidth < 2 || dataWidth > 32) throw new InputError(`data width ${dataWidth} is not an integer in 2..32`);
  const who = name ?? raw.source ?? 'input';
  const at = (k: number) => `(${raw.coords[k].map((i) => i + 1).join(',')})`;
  let values: number[];
  if (mode === 'file') {
    const [lo, hi] = signedRange(dataWidth);
    values = raw.values.map((v, k) => {
      if (!Number.isInteger(v)) {
        throw new InputError(
          `${who}: entry ${at(k)} has the non-integer value ${v}, but the datapath holds ${dataWidth}-bit integers: ` +
            'convert with --values ones or --values seed:N',
        );
      }
      if (v < lo || v > hi) {
        throw new InputError(`${who}: entry ${at(k)} has the value ${v}, which does not fit in ${dataWidth} signed bits (${lo}..${hi})`);
      }
      return v === 0 ? 0 : v; // no -0
    });
  } else if (mode === 'ones') {
    values = raw.values.map(() => 1);
  } else {
    values = raw.values.map((_, k) => seededValue(mode.seed, k, dataWidth));
  }
  return { shape: [...raw.shape], coords: raw.coords, values };
}

/**
 * The seeded value of entry `index`: a non-zero integer in -M..M with
 * M = min(8, largest positive dataWidth value). Keyed by (seed, index) rather than
 * drawn from one running stream, so an entry's value does not depend on how the
 * others were visited.
 */
export function seededValue(seed: number, index: number, dataWidth: number): number {
  const m = Math.min(SEED_VALUE_MAGNITUDE, 2 ** (dataWidth - 1) - 1);
  const u = mulberry32(mixSeed(seed, index))();
  const r = Math.floor(u * 2 * m) - m; // -m..m-1
  return r >= 0 ? r + 1 : r; // skip 0
}

/** Mixes two 32-bit keys into one seed (murmur3 finalizer on each), so (s, k) and (s+1, k-1) differ. */
export function mixSeed(a: number, b: number): number {
  const fmix = (h: number) => {
    h ^= h >>> 16;
    h = Math.imul(h, 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    return h ^ (h >>> 16);
  };
  return (fmix(fmix(a >>> 0) ^ Math.imul(b >>> 0, 0x9e3779b1)) + (b / 2 ** 32 >>> 0)) >>> 0;
}
