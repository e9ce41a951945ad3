/** Config fields shared by several PE modes. */
import type { ArchParams, FieldDecl } from '../prim-def.ts';

/** A constant that replaces a mode's second operand stream. */
export const constFields = (a: ArchParams): FieldDecl[] => [
  { name: 'const', width: a.dataWidth, doc: "constant operand (two's complement) that replaces operand b when const_en = 1" },
  { name: 'const_en', width: 1, doc: '1 = operand b is the constant `const` and its stream is not read' },
];
