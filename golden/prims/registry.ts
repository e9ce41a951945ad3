/**
 * Primitives by name, with stable stream (port) names, so a harness can run any
 * primitive from `{config, inputs}` and compare every output stream.
 */
import type { Stream } from '../tokens.ts';
import { alu, aluArity, type AluOp } from './alu.ts';
import { intersect, union } from './joiner.ts';
import { reduce } from './reduce.ts';
import { crdDrop, crdHold, repeat, repeatSigGen } from './repeat.ts';
import { levelScanner, levelWriter, valueArray, type Level } from './scanner.ts';
import { spacc } from './spacc.ts';

/**
 * The primitives the RTL implements (a PE or MEM tile mode each): what
 * `basalt prim` lists and the RTL harness (sim/prim-harness.ts) tests.
 * PRIM_NAMES / PrimName keep that meaning for existing importers.
 */
export const RTL_PRIM_NAMES = [
  'level-scanner', 'level-writer', 'value-array', 'intersect', 'union', 'alu',
  'reduce', 'repeat', 'repeat-sig', 'crd-drop', 'crd-hold',
] as const;
export const PRIM_NAMES = RTL_PRIM_NAMES;
export type PrimName = (typeof RTL_PRIM_NAMES)[number];

/**
 * Primitives of the golden model that the RTL does NOT implement yet: the SAM
 * graph may use them (golden runs only), `basalt prim` does not list them.
 * spacc: the one-level sparse accumulator (SAM SpAcc1), needed by Gustavson SpMSpM.
 */
export const GOLDEN_ONLY_PRIM_NAMES = ['spacc'] as const;
/** Every primitive of the golden model: the RTL ones, then the golden-only ones. */
export const ALL_PRIM_NAMES = [...RTL_PRIM_NAMES, ...GOLDEN_ONLY_PRIM_NAMES] as const;
export type AnyPrimName = (typeof ALL_PRIM_NAMES)[number];

/**
 * Input and output streams of each primitive; the names become RTL port names.
 * Exception: the level writer's outputs `seg` and `crd` are the memory arrays
 * it writes, not streams. runPrimitive returns them as plain data streams
 * ending with 'D' ([...seg, 'D'], [...crd, 'D']) so every output has one shape.
 * The ALU reads val_b unless a constant is configured, val_c only for sel.
 * spacc is golden-model only (no RTL yet): its names are SAM's SpAcc1 streams,
 * in_crd_outer (the reduced level, k), in_crd_inner (the kept level, j), in_val.
 */
export const PRIM_PORTS: Record<AnyPrimName, { inputs: readonly string[]; outputs: readonly string[] }> = {
  'level-scanner': { inputs: ['in_ref'], outputs: ['out_crd', 'out_ref'] },
  'level-writer': { inputs: ['in_crd'], outputs: ['seg', 'crd'] },
  'value-array': { inputs: ['in_ref'], outputs: ['out_val'] },
  intersect: { inputs: ['crd_a', 'ref_a', 'crd_b', 'ref_b'], outputs: ['out_crd', 'out_ref_a', 'out_ref_b'] },
  union: { inputs: ['crd_a', 'ref_a', 'crd_b', 'ref_b'], outputs: ['out_crd', 'out_ref_a', 'out_ref_b'] },
  alu: { inputs: ['val_a', 'val_b', 'val_c'], outputs: ['out_val'] },
  reduce: { inputs: ['in_val'], outputs: ['out_val'] },
  repeat: { inputs: ['in_ref', 'in_repsig'], outputs: ['out_ref'] },
  'repeat-sig': { inputs: ['in_crd'], outputs: ['out_repsig'] },
  'crd-drop': { inputs: ['in_outer', 'in_inner'], outputs: ['out_outer', 'out_inner'] },
  'crd-hold': { inputs: ['in_outer', 'in_inner'], outputs: ['out_outer', 'out_inner'] },
  // Golden model only: the RTL does not implement spacc yet.
  spacc: { inputs: ['in_crd_outer', 'in_crd_inner', 'in_val'], outputs: ['out_crd', 'out_val'] },
};

type NoConfig = Record<string, never>;
/** Configuration of each primitive (JSON-serializable: it becomes config registers / memory images). */
export interface PrimConfigs {
  'level-scanner': { level: Level };
  'level-writer': { dropEmpty?: boolean };
  'value-array': { vals: number[] };
  intersect: NoConfig;
  union: NoConfig;
  alu: { op: AluOp; dataWidth: number; constant?: number };
  reduce: { dataWidth: number };
  repeat: NoConfig;
  'repeat-sig': NoConfig;
  'crd-drop': NoConfig;
  'crd-hold': NoConfig;
  /** Golden model only (no RTL yet). */
  spacc: { dataWidth: number };
}

/** The input streams a configured primitive reads (the ALU's depend on op and constant). */
export function requiredInputs<P extends AnyPrimName>(prim: P, config: PrimConfigs[P]): string[] {
  if (prim !== 'alu') return [...PRIM_PORTS[prim].inputs];
  const { op, constant } = config as PrimConfigs['alu'];
  const n = aluArity(op);
  return ['val_a', ...(n >= 2 && constant === undefined ? ['val_b'] : []), ...(n === 3 ? ['val_c'] : [])];
}

export function runPrimitive<P extends AnyPrimName>(prim: P, config: PrimConfigs[P], inputs: Record<string, Stream>): Record<string, Stream> {
  if (!(ALL_PRIM_NAMES as readonly string[]).includes(prim)) throw new Error(`unknown primitive '${prim}' (known: ${ALL_PRIM_NAMES.join(' ')})`);
  const need = requiredInputs(prim, config);
  for (const k of Object.keys(inputs)) {
    if (!need.includes(k)) throw new Error(`${prim}: unexpected input stream '${k}' (reads: ${need.join(', ')})`);
  }
  for (const k of need) if (!inputs[k]) throw new Error(`${prim}: missing input stream '${k}'`);
  const i = inputs;
  switch (prim) {
    case 'level-scanner': {
      const r = levelScanner((config as PrimConfigs['level-scanner']).level, i.in_ref);
      return { out_crd: r.crd, out_ref: r.ref };
    }
    case 'level-writer': {
      const r = levelWriter(i.in_crd, config as PrimConfigs['level-writer']);
      return { seg: [...r.seg, 'D'], crd: [...r.crd, 'D'] };
    }
    case 'value-array':
      return { out_val: valueArray((config as PrimConfigs['value-array']).vals, i.in_ref) };
    case 'intersect':
    case 'union': {
      const f = prim === 'intersect' ? intersect : union;
      const r = f({ crd: i.crd_a, ref: i.ref_a }, { crd: i.crd_b, ref: i.ref_b });
      return { out_crd: r.crd, out_ref_a: r.refA, out_ref_b: r.refB };
    }
    case 'alu': {
      const c = config as PrimConfigs['alu'];
      return { out_val: alu(c.op, i.val_a, i.val_b, i.val_c, { dataWidth: c.dataWidth, constant: c.constant }) };
    }
    case 'reduce':
      return { out_val: reduce(i.in_val, config as PrimConfigs['reduce']) };
    case 'repeat':
      return { out_ref: repeat(i.in_ref, i.in_repsig) };
    case 'repeat-sig':
      return { out_repsig: repeatSigGen(i.in_crd) };
    case 'crd-drop':
    case 'crd-hold': {
      const r = (prim === 'crd-drop' ? crdDrop : crdHold)(i.in_outer, i.in_inner);
      return { out_outer: r.outer, out_inner: r.inner };
    }
    case 'spacc': {
      const r = spacc(i.in_crd_outer, i.in_crd_inner, i.in_val, config as PrimConfigs['spacc']);
      return { out_crd: r.crd, out_val: r.val };
    }
  }
  throw new Error(`unknown primitive '${prim}'`);
}
