/**
 * What sits inside each tile kind next to its switch box: core stream ports,
 * the modes its mode register selects, its config fields, and for every mode
 * which core port carries which stream of the primitive (the one source of
 * truth for the RTL, the core harness and place-and-route).
 */
import type { ArchSpec } from './spec.ts';
import type { FieldDecl } from './config-fields.ts';
import { bitsFor } from './bits.ts';
import { ALU_OP_NAMES } from './alu-ops.ts';

export type TileKindName = 'pe' | 'mem';
export const TILE_KINDS: readonly TileKindName[] = ['pe', 'mem'];

/** Streams of one mode: primitive stream name (golden PRIM_PORTS) -> core port name. */
export interface ModePorts {
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface CoreDescription {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Mode names; the mode register holds the index (0 = off). */
  readonly modes: readonly string[];
  readonly fields: readonly FieldDecl[];
  /** Per mode name: the core port of each primitive stream ('off' has none). */
  readonly modePorts: Readonly<Record<string, ModePorts>>;
}

// PE ports: intersect/union need 4 inputs (crd, ref of each side) and 3 outputs (crd, ref_a, ref_b).
const PE_INPUTS = ['in0', 'in1', 'in2', 'in3'];
const PE_OUTPUTS = ['out0', 'out1', 'out2'];
// MEM ports: a scanner takes a ref stream and emits crd and ref.
const MEM_INPUTS = ['in0', 'in1'];
const MEM_OUTPUTS = ['out0', 'out1'];

/**
 * Mode numbers are the index in these lists. 'pass' forwards core input k to
 * core output k through the input buffer (an interconnect test mode). New modes
 * are only ever appended, so existing bitstreams keep their meaning.
 */
export const PE_MODES = ['off', 'pass', 'alu', 'intersect', 'union', 'reduce', 'repeat', 'repeat-sig', 'crd-drop', 'crd-hold'] as const;
export const MEM_MODES = ['off', 'pass', 'level-scanner', 'level-writer', 'value-array', 'value-writer'] as const;
export type PeMode = (typeof PE_MODES)[number];
export type MemMode = (typeof MEM_MODES)[number];

const passPorts = (n: number): ModePorts => ({
  inputs: Object.fromEntries(Array.from({ length: n }, (_, k) => [`in${k}`, `in${k}`])),
  outputs: Object.fromEntries(Array.from({ length: n }, (_, k) => [`out${k}`, `out${k}`])),
});
const JOIN_PORTS: ModePorts = {
  inputs: { crd_a: 'in0', ref_a: 'in1', crd_b: 'in2', ref_b: 'in3' },
  outputs: { out_crd: 'out0', out_ref_a: 'out1', out_ref_b: 'out2' },
};
const OUTER_INNER_PORTS: ModePorts = {
  inputs: { in_outer: 'in0', in_inner: 'in1' },
  outputs: { out_outer: 'out0', out_inner: 'out1' },
};

/** Stream -> core port of every PE mode. */
export const PE_MODE_PORTS: Readonly<Record<PeMode, ModePorts>> = {
  off: { inputs: {}, outputs: {} },
  pass: passPorts(Math.min(PE_INPUTS.length, PE_OUTPUTS.length)),
  alu: { inputs: { val_a: 'in0', val_b: 'in1', val_c: 'in2' }, outputs: { out_val: 'out0' } },
  intersect: JOIN_PORTS,
  union: JOIN_PORTS,
  reduce: { inputs: { in_val: 'in0' }, outputs: { out_val: 'out0' } },
  repeat: { inputs: { in_ref: 'in0', in_repsig: 'in1' }, outputs: { out_ref: 'out0' } },
  'repeat-sig': { inputs: { in_crd: 'in0' }, outputs: { out_repsig: 'out0' } },
  'crd-drop': OUTER_INNER_PORTS,
  'crd-hold': OUTER_INNER_PORTS,
};

/**
 * Stream -> core port of every MEM mode. The level writer's `seg` and `crd`
 * and the value writer's values are SRAM arrays, not streams: they have no port.
 */
export const MEM_MODE_PORTS: Readonly<Record<MemMode, ModePorts>> = {
  off: { inputs: {}, outputs: {} },
  pass: passPorts(Math.min(MEM_INPUTS.length, MEM_OUTPUTS.length)),
  'level-scanner': { inputs: { in_ref: 'in0' }, outputs: { out_crd: 'out0', out_ref: 'out1' } },
  'level-writer': { inputs: { in_crd: 'in0' }, outputs: {} },
  'value-array': { inputs: { in_ref: 'in0' }, outputs: { out_val: 'out0' } },
  'value-writer': { inputs: { in_val: 'in0' }, outputs: {} },
};

/** The tile kind and mode that run a primitive (golden name, or 'value-writer'). */
export function modeOf(prim: string): { kind: TileKindName; mode: string; code: number } {
  const pe = (PE_MODES as readonly string[]).indexOf(prim);
  if (pe > 1) return { kind: 'pe', mode: prim, code: pe };
  const mem = (MEM_MODES as readonly string[]).indexOf(prim);
  if (mem > 1) return { kind: 'mem', mode: prim, code: mem };
  throw new Error(`no tile mode runs '${prim}'`);
}

const modeDoc = (modes: readonly string[]) => `core mode: ${modes.map((m, i) => `${i}=${m}`).join(', ')}`;

function peFields(spec: ArchSpec): FieldDecl[] {
  const ops = ALU_OP_NAMES.map((op, i) => `${i}=${op}${spec.peOps.includes(op) ? '' : ' (not built)'}`).join(', ');
  return [
    { name: 'mode', width: bitsFor(PE_MODES.length), doc: modeDoc(PE_MODES) },
    { name: 'op', width: bitsFor(ALU_OP_NAMES.length), doc: `alu: operation, ${ops}; an op not built outputs 0` },
    { name: 'const', width: spec.dataWidth, doc: 'alu: constant operand (two\'s complement) that replaces val_b when const_en = 1' },
    { name: 'const_en', width: 1, doc: 'alu: 1 = operand b is the constant `const` and val_b is not read' },
  ];
}

function memFields(spec: ArchSpec): FieldDecl[] {
  const aw = bitsFor(spec.memDepth);
  return [
    { name: 'mode', width: bitsFor(MEM_MODES.length), doc: modeDoc(MEM_MODES) },
    { name: 'root', width: 1, doc: 'level-scanner: 1 = ignore in_ref and scan the root ref stream `0, D`' },
    { name: 'dense', width: 1, doc: 'level-scanner: 1 = dense level of `dim` coordinates (no SRAM reads), 0 = compressed from seg/crd' },
    { name: 'drop_empty', width: 1, doc: 'level-writer: 1 = a stop closes a fiber only after a coordinate (SAM CompressWrScan; empty fibers leave no seg entry)' },
    { name: 'seg_base', width: aw, doc: 'level-scanner / level-writer: SRAM word address of seg[0]' },
    { name: 'crd_base', width: aw, doc: 'level-scanner / level-writer: SRAM word address of crd[0]' },
    { name: 'dim', width: spec.dataWidth, doc: 'level-scanner, dense: size of the level (coordinates 0..dim-1; ref = in_ref * dim + crd)' },
    { name: 'val_base', width: aw, doc: 'value-array / value-writer: SRAM word address of vals[0]' },
  ];
}

export function coreDescription(spec: ArchSpec, kind: TileKindName): CoreDescription {
  return kind === 'pe'
    ? { inputs: PE_INPUTS, outputs: PE_OUTPUTS, modes: PE_MODES, fields: peFields(spec), modePorts: PE_MODE_PORTS }
    : { inputs: MEM_INPUTS, outputs: MEM_OUTPUTS, modes: MEM_MODES, fields: memFields(spec), modePorts: MEM_MODE_PORTS };
}
