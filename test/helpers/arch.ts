import { PRESETS, validateSpec, type ArchSpec } from '../../generator/spec.ts';
import { buildIR, type HardwareIR } from '../../generator/ir.ts';

const irs = new Map<string, HardwareIR>();
export function presetIR(name: keyof typeof PRESETS | string, overrides: Partial<ArchSpec> = {}): HardwareIR {
  const key = `${name}:${JSON.stringify(overrides)}`;
  let ir = irs.get(key);
  if (!ir) irs.set(key, (ir = buildIR(validateSpec({ ...PRESETS[name], ...overrides }))));
  return ir;
}

/** Small deterministic PRNG for test data (mulberry32). */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
