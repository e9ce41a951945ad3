/**
 * The PE's ALU operations and their opcodes: one list shared by the spec
 * validator, the config map, the RTL template and the golden model.
 */
export const ALU_OP_NAMES = [
  'add', 'sub', 'mul', 'min', 'max', 'abs', 'shl', 'shr', 'ashr',
  'and', 'or', 'xor', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'sel',
] as const;
export type AluOpName = (typeof ALU_OP_NAMES)[number];
export const aluOpcode = (op: AluOpName): number => ALU_OP_NAMES.indexOf(op);
