/** Config fields shared by several MEM modes: where their arrays sit in the tile's SRAM. */
import { bitsFor } from '../../base/bits.ts';
import type { ArchParams, FieldDecl } from '../prim-def.ts';

const base = (a: ArchParams, name: string, array: string): FieldDecl => ({
  name, width: bitsFor(a.memDepth), doc: `SRAM word address of ${array}[0] (read by a scanning mode, written by a writing mode)`,
});

export const segCrdFields = (a: ArchParams): FieldDecl[] => [base(a, 'seg_base', 'seg'), base(a, 'crd_base', 'crd')];
export const valFields = (a: ArchParams): FieldDecl[] => [base(a, 'val_base', 'vals')];
