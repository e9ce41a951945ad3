/**
 * Bitstream writer and reader. A configuration is a set of routing
 * connections (node -> mux node of the routing graph), FIFO bypasses and core
 * field values; the config map of the Hardware IR turns it into
 * `AAAAAAAA DDDDDDDD` words, one register per line, as Garnet writes them.
 */
import type { HardwareIR } from '../generator/ir.ts';
import { configAddress, decodeAddress, fieldOf } from '../generator/ir.ts';
import { UserError } from '../base/errors.ts';

export interface BitstreamWord {
  readonly address: number;
  readonly data: number;
}
export interface Connection {
  readonly from: string;
  readonly to: string;
}
export interface FieldSetting {
  readonly tile: number;
  readonly field: string;
  readonly value: number;
}
export interface Configuration {
  readonly connections: readonly Connection[];
  /** SB nodes whose FIFO is bypassed. */
  readonly bypass?: readonly string[];
  readonly fields?: readonly FieldSetting[];
}

/** Field values per tile, checked against the routing graph and the field widths. */
export function resolveFields(ir: HardwareIR, cfg: Configuration): Map<number, Map<string, number>> {
  const out = new Map<number, Map<string, number>>();
  const set = (tile: number, field: string, value: number, why: string) => {
    const f = fieldOf(ir, tile, field);
    if (!Number.isInteger(value) || value < 0 || value >= 2 ** f.width) throw new Error(`${why}: value ${value} does not fit field ${field} (${f.width} bits)`);
    let m = out.get(tile);
    if (!m) out.set(tile, (m = new Map()));
    const old = m.get(field);
    if (old !== undefined && old !== value) throw new Error(`${why}: tile ${tile} field ${field} already set to ${old}`);
    m.set(field, value);
  };
  for (const c of cfg.connections) {
    const to = ir.nodeById.get(c.to);
    if (!to) throw new Error(`connection ${c.from} -> ${c.to}: no node '${c.to}' in the routing graph`);
    if (!ir.nodeById.has(c.from)) throw new Error(`connection ${c.from} -> ${c.to}: no node '${c.from}' in the routing graph`);
    const k = to.inputs.indexOf(c.from);
    if (k < 0) throw new Error(`connection ${c.from} -> ${c.to}: ${c.to} cannot take ${c.from} (its inputs: ${to.inputs.join(', ') || 'none'})`);
    if (to.kind === 'io_out') continue; // hard-wired to its border SB output
    set(to.tile!, to.selField!, k + 1, `connection ${c.from} -> ${c.to}`);
  }
  for (const id of cfg.bypass ?? []) {
    const n = ir.nodeById.get(id);
    if (!n || !n.bypassField) throw new Error(`bypass ${id}: not a switch-box output with a bypassable FIFO`);
    set(n.tile!, n.bypassField, 1, `bypass ${id}`);
  }
  for (const f of cfg.fields ?? []) set(f.tile, f.field, f.value, `field ${f.field} of tile ${f.tile}`);
  return out;
}

export function packBitstream(ir: HardwareIR, fields: Map<number, Map<string, number>>): BitstreamWord[] {
  const words: BitstreamWord[] = [];
  for (const tile of [...fields.keys()].sort((a, b) => a - b)) {
    const kind = ir.kinds[ir.tiles[tile].kind];
    const values = fields.get(tile)!;
    for (const reg of kind.registers) {
      let data = 0;
      let touched = false;
      for (const f of reg.fields) {
        const v = values.get(f.name);
        if (v === undefined) continue;
        touched = true;
        data = (data | (v * 2 ** f.lsb)) >>> 0;
      }
      if (touched) words.push({ address: configAddress(tile, reg.index), data });
    }
  }
  return words.sort((a, b) => a.address - b.address);
}

const hex8 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');

export function formatBitstream(ir: HardwareIR, words: readonly BitstreamWord[], kernel: string): string {
  const head = [`// basalt bitstream`, `// arch ${ir.archId}`, `// kernel ${kernel}`];
  return [...head, ...words.map((w) => `${hex8(w.address)} ${hex8(w.data)}`)].join('\n') + '\n';
}

export function writeBitstream(ir: HardwareIR, cfg: Configuration, kernel: string): { words: BitstreamWord[]; text: string } {
  const words = packBitstream(ir, resolveFields(ir, cfg));
  return { words, text: formatBitstream(ir, words, kernel) };
}

/** Parses a bitstream file; refuses one written for another arch or with malformed lines. */
export function readBitstream(ir: HardwareIR, text: string, name = 'bitstream'): BitstreamWord[] {
  const words: BitstreamWord[] = [];
  let arch: string | null = null;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    if (line.startsWith('//')) {
      const m = /^\/\/\s*arch\s+(\S+)/.exec(line);
      if (m) arch = m[1];
      return;
    }
    const m = /^([0-9a-fA-F]{8})\s+([0-9a-fA-F]{8})$/.exec(line);
    if (!m) throw new UserError(`${name}:${i + 1}: expected 'AAAAAAAA DDDDDDDD' (8 hex digits each), got '${line.slice(0, 40)}'`);
    words.push({ address: parseInt(m[1], 16), data: parseInt(m[2], 16) });
  });
  if (arch === null) throw new UserError(`${name}: no '// arch <arch-id>' header line`);
  if (arch !== ir.archId) throw new UserError(`${name}: written for arch ${arch}, but this array is ${ir.archId}`);
  for (const w of words) {
    const { tile, index: reg } = decodeAddress(w.address);
    if (tile >= ir.tiles.length) throw new UserError(`${name}: address ${hex8(w.address)} names tile ${tile}, the array has ${ir.tiles.length}`);
    const r = ir.kinds[ir.tiles[tile].kind].registers[reg];
    if (!r) throw new UserError(`${name}: address ${hex8(w.address)} names register ${reg} of tile ${tile}, which does not exist`);
    if ((w.data & ~r.mask) !== 0) throw new UserError(`${name}: data ${hex8(w.data)} at ${hex8(w.address)} sets bits outside the register (mask ${hex8(r.mask)})`);
  }
  return words;
}
