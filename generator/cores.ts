/**
 * What sits inside each tile kind next to its switch box: core stream ports,
 * the modes its mode register selects, and its config fields.
 */
import type { ArchSpec } from './spec.ts';
import type { FieldDecl } from './config-fields.ts';
import { bitsFor } from './bits.ts';

export type TileKindName = 'pe' | 'mem';
export const TILE_KINDS: readonly TileKindName[] = ['pe', 'mem'];

export interface CoreDescription {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Mode names; the mode register holds the index (0 = off). */
  readonly modes: readonly string[];
  readonly fields: readonly FieldDecl[];
}

// PE ports: intersect/union need 4 inputs (crd, ref of each side) and 3 outputs (crd, ref_a, ref_b).
const PE_INPUTS = ['in0', 'in1', 'in2', 'in3'];
const PE_OUTPUTS = ['out0', 'out1', 'out2'];
// MEM ports: a scanner takes a ref stream and emits crd and ref.
const MEM_INPUTS = ['in0', 'in1'];
const MEM_OUTPUTS = ['out0', 'out1'];

/** 'pass' forwards core input k to core output k through a 2-entry FIFO: a test mode for the interconnect. */
const PE_MODES = ['off', 'pass'];
const MEM_MODES = ['off', 'pass'];

export function coreDescription(spec: ArchSpec, kind: TileKindName): CoreDescription {
  void spec;
  const modes = kind === 'pe' ? PE_MODES : MEM_MODES;
  const fields: FieldDecl[] = [{ name: 'mode', width: bitsFor(modes.length), doc: `core mode: ${modes.map((m, i) => `${i}=${m}`).join(', ')}` }];
  return kind === 'pe'
    ? { inputs: PE_INPUTS, outputs: PE_OUTPUTS, modes, fields }
    : { inputs: MEM_INPUTS, outputs: MEM_OUTPUTS, modes, fields };
}
