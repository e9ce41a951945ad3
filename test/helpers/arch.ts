import { PRESETS, validateSpec, type ArchSpec } from '../../generator/spec.ts';
import { buildIR, type HardwareIR } from '../../generator/ir.ts';

const irs = new Map<string, HardwareIR>();
export function presetIR(name: keyof typeof PRESETS | string, overrides: Partial<ArchSpec> = {}): HardwareIR {
  const key = `${name}:${JSON.stringify(overrides)}`;
  let ir = irs.get(key);
  if (!ir) irs.set(key, (ir = buildIR(validateSpec({ ...PRESETS[name], ...overrides }))));
  return ir;
}

/** Deterministic PRNG for test data. */
export { mulberry32 as rng } from '../../base/prng.ts';
