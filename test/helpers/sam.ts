/** The SAM layer as the tests use it: every primitive's golden function, stream and random helpers, in one import. */
import type { PrimCase as DefCase } from '../../sam/prim-def.ts';
import { PRIM_NAMES, primDef, type ConfigOf, type PrimName } from '../../sam/prims/index.ts';

/** A case of primitive P: its configuration and input streams. */
export type PrimCase<P extends PrimName = PrimName> = DefCase<ConfigOf<P>>;

export { alu, aluScalar, aluArity, ALU_OPS, type AluOp } from '../../sam/prims/alu.ts';
export { intersect, union, type CrdRef, type Joined } from '../../sam/prims/joiner.ts';
export { reduce } from '../../sam/prims/reduce.ts';
export { crdDrop, crdHold, repeat, repeatSigGen } from '../../sam/prims/repeat.ts';
export { levelScanner } from '../../sam/prims/level-scanner.ts';
export { levelWriter } from '../../sam/prims/level-writer.ts';
export { valueArray } from '../../sam/prims/value-array.ts';
export { valueWriter } from '../../sam/prims/value-writer.ts';
export { spacc } from '../../sam/prims/spacc.ts';
export { checkLevel, scanAll, ROOT_REF, type Level } from '../../sam/fibers.ts';
export { checkStream, childFibers, fibersOf, parentItems } from '../../sam/stream.ts';
export { randomLevel, randomTree, randomValue, type RandomOptions } from '../../sam/random.ts';
export { mulberry32, randInt, type Rand } from '../../base/prng.ts';
export { PRIM_NAMES, RTL_PRIM_NAMES, randomCase, requiredInputs, runPrimitive, primDef, type PrimName, type ConfigOf } from '../../sam/prims/index.ts';

/** Stream port names of every primitive, from its definition. */
export const PRIM_PORTS = Object.fromEntries(
  PRIM_NAMES.map((n) => [n, { inputs: primDef(n).inputs.map((p) => p.name), outputs: primDef(n).outputs.map((p) => p.name) }]),
) as Record<PrimName, { inputs: string[]; outputs: string[] }>;
