/**
 * Tile-local structure of each tile kind: core ports, the switch-box and
 * connection-box muxes and their config fields. Every tile of a kind is the
 * same module; the global routing graph (routing-graph.ts) instantiates this
 * description once per tile, and the tile template renders it.
 */
import type { ArchSpec } from './spec.ts';
import { SIDES, type Side, trackMap } from './topology.ts';
import { bitsFor } from '../base/bits.ts';
import { packFields, type Field, type FieldDecl, type Register } from './config-fields.ts';
import { coreDescription, type CoreDescription, type TileKindName } from './cores.ts';

export type LocalSource =
  | { readonly index: number; readonly kind: 'track'; readonly side: Side; readonly track: number }
  | { readonly index: number; readonly kind: 'core'; readonly port: string; readonly portIndex: number };

export interface LocalMux {
  readonly name: string;
  readonly kind: 'sb' | 'cb';
  /** sb: the side and track it drives; cb: the core input it drives. */
  readonly side?: Side;
  readonly track?: number;
  readonly port?: string;
  readonly portIndex?: number;
  /** Source indices; select value k+1 picks inputs[k], 0 disconnects. */
  readonly inputs: readonly number[];
  readonly selField: string;
  readonly selWidth: number;
  /** sb only: bypass bit of its FIFO, when that FIFO may be bypassed. */
  readonly bypassField?: string;
  /** sb only: the FIFO on its output (every SB output has one). */
  readonly fifo?: Fifo;
}

/** A ready/valid FIFO of the interconnect: `depth` entries, one cycle of latency unless bypassed. */
export interface Fifo {
  readonly depth: number;
  readonly bypassable: boolean;
}

export interface TileKind {
  readonly kind: TileKindName;
  readonly core: CoreDescription;
  readonly sources: readonly LocalSource[];
  readonly muxes: readonly LocalMux[];
  readonly fields: readonly Field[];
  readonly registers: readonly Register[];
}

/**
 * FIFO bypass exists only on east- and south-bound outputs: any cycle in the
 * mesh also travels west or north, through a FIFO, so no configuration can
 * close a combinational loop (and Verilator sees no structural one).
 */
export const BYPASSABLE_SIDES: readonly Side[] = ['E', 'S'];

/**
 * Start groups: every tile belongs to one (its `group` field); `start_group[g]` starts only the
 * cores of group g and `group_done[g]` says when they are done. Two let the host load one copy of
 * a kernel through the memory port while another copy computes (ping-pong), which is all one memory
 * port can use.
 */
export const START_GROUPS = 2;
// start_group[f_group] must index inside start_group for every value of the field.
if ((START_GROUPS & (START_GROUPS - 1)) !== 0) throw new Error('START_GROUPS must be a power of two');
export const GROUP_FIELD = 'group';

export function buildTileKind(spec: ArchSpec, kind: TileKindName): TileKind {
  const T = spec.tracks;
  const core = coreDescription(spec, kind);
  const sources: LocalSource[] = [];
  for (const side of SIDES) for (let t = 0; t < T; t++) sources.push({ index: sources.length, kind: 'track', side, track: t });
  core.outputs.forEach((port, portIndex) => sources.push({ index: sources.length, kind: 'core', port, portIndex }));
  const trackSource = (side: Side, t: number) => side === 'N' ? t : side === 'E' ? T + t : side === 'S' ? 2 * T + t : 3 * T + t;

  const muxes: LocalMux[] = [];
  for (const side of SIDES) {
    for (let t = 0; t < T; t++) {
      const inputs: number[] = [];
      for (const from of SIDES) {
        if (from === side) continue;
        for (let tin = 0; tin < T; tin++) if (trackMap(spec.sbTopology, from, side, tin, T) === t) inputs.push(trackSource(from, tin));
      }
      for (const s of sources) if (s.kind === 'core') inputs.push(s.index);
      const name = `sb_${side}${t}`;
      muxes.push({
        name, kind: 'sb', side, track: t, inputs,
        selField: `${name}_sel`, selWidth: bitsFor(inputs.length + 1),
        bypassField: BYPASSABLE_SIDES.includes(side) ? `${name}_bypass` : undefined,
        fifo: { depth: spec.fifoDepth, bypassable: BYPASSABLE_SIDES.includes(side) },
      });
    }
  }
  core.inputs.forEach((port, portIndex) => {
    const inputs = sources.filter((s) => s.kind === 'track').map((s) => s.index);
    const name = `cb_${port}`;
    muxes.push({ name, kind: 'cb', port, portIndex, inputs, selField: `${name}_sel`, selWidth: bitsFor(inputs.length + 1) });
  });

  const decls: FieldDecl[] = [...core.fields];
  for (const m of muxes) {
    decls.push({ name: m.selField, width: m.selWidth, doc: `${m.kind === 'sb' ? 'switch-box output' : 'connection box of core input'} ${m.name.slice(3)}: 0 = off, k = input k-1` });
  }
  for (const m of muxes) if (m.bypassField) decls.push({ name: m.bypassField, width: 1, doc: `1 = bypass the FIFO of ${m.name}` });
  // Last, so every other field keeps its register and bits.
  decls.push({ name: GROUP_FIELD, width: bitsFor(START_GROUPS), doc: `start group of the core (0..${START_GROUPS - 1}): start_group[k] starts the cores of group k` });
  const { fields, registers } = packFields(decls);
  return { kind, core, sources, muxes, fields, registers };
}
