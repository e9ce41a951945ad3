/**
 * Packs a tile kind's config fields into 32-bit registers. The packing is the
 * one register layout every consumer reads: templates (decode + read-back),
 * bitstream writer and readers of config-map.json.
 */
export const CONFIG_WORD_BITS = 32;

export interface FieldDecl {
  readonly name: string;
  readonly width: number;
  /** Human-readable meaning, copied into config-map.json. */
  readonly doc: string;
}
export interface Field extends FieldDecl {
  readonly reg: number;
  readonly lsb: number;
}
export interface Register {
  readonly index: number;
  readonly fields: readonly Field[];
  /** Bits implemented: the rest read back as 0. */
  readonly mask: number;
}

export function packFields(decls: readonly FieldDecl[]): { fields: Field[]; registers: Register[] } {
  const fields: Field[] = [];
  let reg = 0;
  let lsb = 0;
  for (const d of decls) {
    if (d.width < 1 || d.width > CONFIG_WORD_BITS) throw new Error(`field ${d.name}: width ${d.width} out of range`);
    // A field never straddles two registers, so one write sets it atomically.
    if (lsb + d.width > CONFIG_WORD_BITS) {
      reg += 1;
      lsb = 0;
    }
    fields.push({ ...d, reg, lsb });
    lsb += d.width;
  }
  const registers: Register[] = [];
  for (let r = 0; r <= reg && fields.length > 0; r++) {
    const fs = fields.filter((f) => f.reg === r);
    const mask = fs.reduce((m, f) => (m | (f.width === 32 ? 0xffffffff : ((2 ** f.width - 1) << f.lsb))) >>> 0, 0);
    registers.push({ index: r, fields: fs, mask });
  }
  return { fields, registers };
}
