/**
 * The catalogue of SAM primitives: one definition each (sam/prim-def.ts).
 * Order matters: a tile kind's mode numbers follow it (after 'off' and
 * 'pass'), so new primitives are only ever appended.
 */
import type { PrimCase, PrimitiveDef } from '../prim-def.ts';
import type { Rand } from '../../base/prng.ts';
import type { RandomOptions } from '../random.ts';
import type { Stream } from '../tokens.ts';
import { aluPrim } from './alu.ts';
import { intersectPrim, unionPrim } from './joiner.ts';
import { reducePrim } from './reduce.ts';
import { crdDropPrim, crdHoldPrim, repeatPrim, repeatSigPrim } from './repeat.ts';
import { levelScannerPrim } from './level-scanner.ts';
import { levelWriterPrim } from './level-writer.ts';
import { valueArrayPrim } from './value-array.ts';
import { valueWriterPrim } from './value-writer.ts';
import { spaccPrim } from './spacc.ts';
import { levelScatterPrim } from './level-scatter.ts';
import { valueScatterPrim } from './value-scatter.ts';
import { spacc2Prim } from './spacc2.ts';
import { affineReadPrim, affineWritePrim } from './affine.ts';
import { macPrim } from './mac.ts';
import { lineBufferPrim } from './line-buffer.ts';
import { rowFilterPrim } from './row-filter.ts';

const PRIMS = {
  alu: aluPrim,
  intersect: intersectPrim,
  union: unionPrim,
  reduce: reducePrim,
  repeat: repeatPrim,
  'repeat-sig': repeatSigPrim,
  'crd-drop': crdDropPrim,
  'crd-hold': crdHoldPrim,
  'level-scanner': levelScannerPrim,
  'level-writer': levelWriterPrim,
  'value-array': valueArrayPrim,
  'value-writer': valueWriterPrim,
  spacc: spaccPrim,
  'level-scatter': levelScatterPrim,
  'value-scatter': valueScatterPrim,
  spacc2: spacc2Prim,
  'affine-read': affineReadPrim,
  'affine-write': affineWritePrim,
  mac: macPrim,
  'line-buffer': lineBufferPrim,
  'row-filter': rowFilterPrim,
} as const;

export type PrimName = keyof typeof PRIMS;
/** The configuration a primitive's golden model and encoder take. */
export type ConfigOf<P extends PrimName> = (typeof PRIMS)[P] extends PrimitiveDef<infer C, infer _N> ? C : never;
/** The configuration of a SAM graph node of the primitive (memory contents come from its binding). */
export type NodeConfigOf<P extends PrimName> = (typeof PRIMS)[P] extends PrimitiveDef<infer _C, infer N> ? N : never;
export type AnyPrimitiveDef = PrimitiveDef<any, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

for (const [k, d] of Object.entries(PRIMS)) if (d.name !== k) throw new Error(`catalogue key '${k}' names primitive '${d.name}'`);

/** Every primitive, in catalogue order. */
export const PRIM_NAMES = Object.keys(PRIMS) as PrimName[];
export const PRIMITIVES: readonly AnyPrimitiveDef[] = Object.values(PRIMS);
/** The primitives the RTL implements (a tile mode each): what `basalt prim` runs. */
export const RTL_PRIM_NAMES: readonly PrimName[] = PRIM_NAMES.filter((n) => PRIMS[n].rtl !== undefined);

export const isPrimName = (name: string): name is PrimName => Object.hasOwn(PRIMS, name);

export function primDef(name: string): AnyPrimitiveDef {
  if (!isPrimName(name)) throw new Error(`unknown primitive '${name}' (known: ${PRIM_NAMES.join(' ')})`);
  return PRIMS[name] as AnyPrimitiveDef;
}

/** The input streams a configured primitive reads. */
export function requiredInputs<P extends PrimName>(prim: P, config: ConfigOf<P>): string[] {
  const d = primDef(prim);
  return [...(d.requiredInputs ? d.requiredInputs(config) : d.inputs.map((p) => p.name))];
}

/** The golden model of one primitive by name: every output stream (and written array, ending in D). */
export function runPrimitive<P extends PrimName>(prim: P, config: ConfigOf<P>, inputs: Readonly<Record<string, Stream>>): Record<string, Stream> {
  const d = primDef(prim);
  const need = requiredInputs(prim, config);
  for (const k of Object.keys(inputs)) {
    if (!need.includes(k)) throw new Error(`${prim}: unexpected input stream '${k}' (reads: ${need.join(', ')})`);
  }
  for (const k of need) if (!inputs[k]) throw new Error(`${prim}: missing input stream '${k}'`);
  return d.run(config, inputs);
}

/** A random well-formed case of the primitive. */
export function randomCase<P extends PrimName>(prim: P, rng: Rand, opts: RandomOptions = {}): PrimCase<ConfigOf<P>> {
  return primDef(prim).random(rng, opts);
}

export { ALU_OPS, aluOpcode, type AluOp } from './alu.ts';
