/**
 * Where each routing-graph node lives in the generated RTL, for the debug
 * model (sim/debug.ts): the Verilator scope of its tile and the names of the
 * template signals that show a token passing it, a token waiting at it, and
 * what it buffers. The names are those emit.ts gives the tile template (one
 * wire set per mux and per source, `u_<mux>` FIFOs, `u_core` with one input
 * buffer per core port); `debugVerilatorConfig` makes exactly these public in
 * the debug build, so the fast build is untouched.
 */
import type { HardwareIR } from './ir.ts';
import { TILE_KINDS } from './cores.ts';

/** A signal of the debug model: a Verilator scope and a name in it. */
export interface Signal {
  readonly scope: string;
  readonly name: string;
}

export interface NodeSignals {
  /** A token passes the node on a cycle where valid and ready are both high; data is that token. */
  readonly pass: { readonly valid: Signal; readonly ready: Signal; readonly data: Signal };
  /** The node's output: valid high with ready low is a token offered that nobody takes (a FIFO head, a core output). */
  readonly head?: { readonly valid: Signal; readonly ready: Signal; readonly data: Signal };
  /** Tokens held in the node's FIFO. */
  readonly occupancy?: Signal;
  /** A core input: whether the core's input buffer holds a token, and whether the core is done. */
  readonly buffered?: Signal;
  readonly done?: Signal;
}

const TOP_SCOPE = 'TOP.basalt_top';
/** Instance name of a tile in basalt_top (emit.ts topContext). */
export const tileScope = (tile: number) => `${TOP_SCOPE}.t${tile}`;

/** The signals of one node; only nodes inside tiles (sb, cb, core_out) have them. */
export function nodeSignals(ir: HardwareIR, nodeId: string): NodeSignals {
  const n = ir.nodeById.get(nodeId);
  if (!n) throw new Error(`no routing-graph node '${nodeId}'`);
  if (n.tile === null) throw new Error(`node ${nodeId} is a top-level port: the debug model probes tile nodes only`);
  const scope = tileScope(n.tile);
  const sig = (name: string): Signal => ({ scope, name });
  const kind = ir.kinds[ir.tiles[n.tile].kind];
  if (n.kind === 'core_out') {
    const src = kind.sources.find((s) => s.kind === 'core' && s.port === n.port);
    if (!src) throw new Error(`node ${nodeId}: tile kind ${kind.kind} has no core output ${n.port}`);
    // s<i>_v is the core's valid, s<i>_r the AND over the muxes that select it.
    const w = { valid: sig(`s${src.index}_v`), ready: sig(`s${src.index}_r`), data: sig(`s${src.index}_d`) };
    return { pass: w, head: w };
  }
  if (n.kind === 'sb') {
    const mux = `sb_${n.side}${n.track}`;
    const port = `out_${n.side}${n.track}`;
    return {
      pass: { valid: sig(`${mux}_v`), ready: sig(`${mux}_r`), data: sig(`${mux}_d`) },
      head: { valid: sig(`${port}_valid`), ready: sig(`${port}_ready`), data: sig(`${port}_data`) },
      occupancy: { scope: `${scope}.u_${mux}`, name: 'count_q' },
    };
  }
  if (n.kind === 'cb') {
    const k = kind.core.inputs.indexOf(n.port!);
    if (k < 0) throw new Error(`node ${nodeId}: tile kind ${kind.kind} has no core input ${n.port}`);
    const mux = `cb_${n.port}`;
    return {
      pass: { valid: sig(`${mux}_v`), ready: sig(`${mux}_r`), data: sig(`${mux}_d`) },
      buffered: { scope: `${scope}.u_core`, name: `ib${k}_valid` },
      done: sig('done'),
    };
  }
  throw new Error(`node ${nodeId} (${n.kind}) has no tile signals`);
}

/** Verilator config lines of the debug build: the signals nodeSignals names become readable from C++. */
export function debugVerilatorConfig(): string[] {
  const lines: string[] = [];
  for (const k of TILE_KINDS) {
    for (const v of ['s*_d', 's*_v', 's*_r', 'cb_*_d', 'cb_*_v', 'cb_*_r', 'out_*_data', 'out_*_valid', 'out_*_ready', 'done']) {
      lines.push(`public_flat_rd -module "basalt_${k}_tile" -var "${v}"`);
    }
    lines.push(`public_flat_rd -module "basalt_${k}_core" -var "ib*_valid"`);
  }
  lines.push('public_flat_rd -module "basalt_fifo" -var "count_q"');
  return lines;
}
