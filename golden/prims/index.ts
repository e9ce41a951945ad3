/** Golden stream-level model of the SAM primitives (DESIGN.md "SAM primitives"). */
export { checkStream, parentItems, childFibers, fibersOf, type Kind, type ParentItem, type Fiber } from './stream.ts';
export { levelScanner, levelWriter, valueWriter, valueArray, checkLevel, type Level } from './scanner.ts';
export { intersect, union, type CrdRef, type Joined } from './joiner.ts';
export { alu, aluScalar, aluArity, ALU_OPS, type AluOp, type AluOptions } from './alu.ts';
export { reduce } from './reduce.ts';
export { repeatSigGen, repeat, crdDrop, crdHold } from './repeat.ts';
export { spacc } from './spacc.ts';
export {
  PRIM_NAMES, RTL_PRIM_NAMES, GOLDEN_ONLY_PRIM_NAMES, ALL_PRIM_NAMES, PRIM_PORTS, runPrimitive, requiredInputs,
  type PrimName, type AnyPrimName, type PrimConfigs,
} from './registry.ts';
export {
  randomCase, randomTree, randomLevel, randomValue, randInt, scanAll, mulberry32, ROOT_REF,
  type Rand, type RandomOptions, type RandomTree, type PrimCase,
} from './random.ts';
