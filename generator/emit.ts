/**
 * Renders the Hardware IR through the Handlebars templates. TypeScript
 * computes every index, width and connection here; templates only lay out
 * text. The array top is wired from the routing graph (which node drives each
 * tile input), the FIFOs from its nodes' `fifo`, the bus address split and the
 * token encoding from the constants that define them.
 */
import { bitsFor, slice } from '../base/bits.ts';
import { SIDES } from './topology.ts';
import { TILE_KINDS } from './cores.ts';
import { coreContext, primContext, primModules } from './core-context.ts';
import { ADDRESS_INDEX_SHIFT, CLEAR_ADDRESS, type HardwareIR } from './ir.ts';
import type { RNode } from './routing-graph.ts';
import { renderTemplate } from './render.ts';
import { GROUP_FIELD, START_GROUPS, type TileKind } from './tile-kind.ts';

interface Base {
  readonly archId: string;
  readonly generatorVersion: string;
}

/** Width of the config data a tile kind uses: its widest register. */
export function cfgDataWidth(kind: TileKind): number {
  return Math.max(1, ...kind.fields.map((f) => f.lsb + f.width));
}

/** Bus address split (generator/ir.ts): register or word index above ADDRESS_INDEX_SHIFT, tile id below. */
const addressContext = () => ({ tileMsb: ADDRESS_INDEX_SHIFT - 1, indexLsb: ADDRESS_INDEX_SHIFT, tileBits: ADDRESS_INDEX_SHIFT, indexBits: 32 - ADDRESS_INDEX_SHIFT, indexMsb: 31 - ADDRESS_INDEX_SHIFT });
type AddressContext = ReturnType<typeof addressContext>;

export interface TileContext extends Base, GroupContext {
  readonly module: string; readonly coreModule: string; readonly kind: string; readonly kindTitle: string;
  readonly tracks: number; readonly topology: string; readonly hasMem: boolean;
  readonly trackPorts: readonly string[];
  readonly sources: readonly { index: number; data: string; valid: string }[];
  readonly trackSources: readonly { name: string; index: number }[];
  readonly coreOutReady: string;
  readonly fields: readonly { name: string; width: number; wm1: number }[];
  readonly registers: readonly { index: number; readback: string; fields: { name: string; msb: number; lsb: number }[] }[];
  readonly muxes: readonly { name: string; selField: string; cases: { code: string; src: number }[] }[];
  readonly sourceReady: readonly { index: number; expr: string }[];
  readonly sbOuts: readonly { name: string; side: string; track: number; bypass: string }[];
  readonly cbs: readonly { name: string; port: number; msb: number; lsb: number }[];
  readonly coreFields: readonly string[];
  readonly addr: AddressContext;
  readonly memAwm1: number; readonly dwm1: number; readonly w: number; readonly wm1: number; readonly cfgWm1: number;
  readonly coreInm1: number; readonly coreInDwm1: number; readonly coreOutm1: number; readonly coreOutDwm1: number;
}

function tileContext(ir: HardwareIR, kind: TileKind, base: Base, hasMem: boolean): TileContext {
  const W = ir.wordWidth;
  const fields = kind.fields.map((f) => ({ name: f.name, width: f.width, wm1: f.width - 1 }));
  const registers = kind.registers.map((r) => {
    const top = Math.max(...r.fields.map((f) => f.lsb + f.width));
    const parts = [...r.fields].sort((a, b) => b.lsb - a.lsb).map((f) => `f_${f.name}`);
    const readback = top < 32 ? `{${32 - top}'d0, ${parts.join(', ')}}` : `{${parts.join(', ')}}`;
    return { index: r.index, readback, fields: r.fields.map((f) => ({ name: f.name, msb: f.lsb + f.width - 1, lsb: f.lsb })) };
  });
  const muxes = kind.muxes.map((m) => ({ name: m.name, selField: m.selField, cases: m.inputs.map((src, k) => ({ code: `${m.selWidth}'d${k + 1}`, src })) }));
  // For each source, the AND over its possible consumers: a mux that does not select it does not hold it back.
  const consumers: string[][] = kind.sources.map(() => []);
  for (const m of kind.muxes) m.inputs.forEach((src, k) => consumers[src].push(`(f_${m.selField} != ${m.selWidth}'d${k + 1} || ${m.name}_r)`));
  const sourceReady = consumers.map((terms, index) => ({ index, expr: terms.length ? terms.join(' && ') : `1'b1` }));
  const sbOuts = kind.muxes.filter((m) => m.kind === 'sb').map((m) => ({ name: m.name, side: m.side!, track: m.track!, bypass: m.bypassField ? `f_${m.bypassField}` : `1'b0` }));
  const cbs = kind.muxes.filter((m) => m.kind === 'cb').map((m) => ({ name: m.name, port: m.portIndex!, ...slice(m.portIndex!, W) }));
  const ni = kind.core.inputs.length;
  const no = kind.core.outputs.length;
  const trackName = (src: { side: string; track: number }) => `${src.side}${src.track}`;
  const sources = kind.sources.map((src) =>
    src.kind === 'track'
      ? { index: src.index, data: `in_${trackName(src)}_data`, valid: `in_${trackName(src)}_valid` }
      : { index: src.index, data: `core_out_data[${slice(src.portIndex, W).msb}:${slice(src.portIndex, W).lsb}]`, valid: `core_out_valid[${src.portIndex}]` },
  );
  const trackSources = kind.sources.flatMap((src) => (src.kind === 'track' ? [{ name: trackName(src), index: src.index }] : []));
  const coreOutReady = kind.sources.filter((src) => src.kind === 'core').reverse().map((src) => `s${src.index}_r`).join(', ');
  return {
    ...base,
    trackPorts: trackSources.map((t) => t.name), sources, trackSources, coreOutReady,
    module: `basalt_${kind.kind}_tile`, coreModule: `basalt_${kind.kind}_core`,
    kind: kind.kind, kindTitle: kind.kind.toUpperCase(), tracks: ir.spec.tracks, topology: ir.spec.sbTopology,
    hasMem, memAwm1: bitsFor(ir.spec.memDepth) - 1, dwm1: ir.spec.dataWidth - 1,
    w: W, wm1: W - 1, cfgWm1: cfgDataWidth(kind) - 1,
    coreInm1: ni - 1, coreInDwm1: ni * W - 1, coreOutm1: no - 1, coreOutDwm1: no * W - 1,
    fields, registers, muxes, sourceReady, sbOuts, cbs, addr: addressContext(),
    coreFields: kind.core.fields.map((f) => f.name),
    ...groupContext(),
  };
}

/** The start groups (generator/tile-kind.ts START_GROUPS) as the tile and top templates use them. */
type GroupContext = ReturnType<typeof groupContext>;
const groupContext = () => ({
  groupField: GROUP_FIELD, groupWidth: bitsFor(START_GROUPS), groupsM1: START_GROUPS - 1, groupCount: START_GROUPS,
  groups: Array.from({ length: START_GROUPS }, (_, g) => ({ g })),
});

export interface TopContext extends Base, GroupContext {
  readonly width: number; readonly height: number; readonly tracks: number; readonly topology: string;
  readonly peCount: number; readonly memCount: number;
  readonly dw: number; readonly dwm1: number; readonly wm1: number; readonly memAddrMsb: number;
  readonly cfgReadLatency: number; readonly memReadLatency: number;
  readonly addr: AddressContext;
  readonly tiles: readonly {
    id: number; name: string; module: string; hasMem: boolean; cfgWm1: number;
    ports: { p: string; inData: string; inValid: string; outReady: string }[];
  }[];
  /** Border FIFOs and the tile track each one meets. */
  readonly borderIns: readonly { tile: string; p: string; k: number }[];
  readonly borderOuts: readonly { tile: string; p: string; k: number }[];
  readonly io: readonly { k: number }[];
  readonly memTiles: readonly { id: number; name: string }[];
  readonly doneList: string;
  /** Per start group: the tiles' done_group bits it ANDs. */
  readonly groupDone: readonly { g: number; list: string }[];
  /** Verilog literal of the array-clear address. */
  readonly clearAddress: string;
}

/** The array top, wired as the routing graph says: each tile input from the node that `feeds` it. */
function topContext(ir: HardwareIR, base: Base, hasMem: (kind: string) => boolean): TopContext {
  const { spec } = ir;
  const name = (id: number) => `t${id}`;
  const port = (side: string, track: number) => `${side}${track}`;
  /** The wire a driver node puts on a tile input: a neighbour's SB output or a border input FIFO. */
  const driverWire = (n: RNode) => (n.kind === 'io_in' ? `ioa_in${n.ioIndex}` : `${name(n.tile!)}_out_${port(n.side!, n.track!)}`);
  const driverOf = new Map<string, RNode>();
  const ioOutOf = new Map<string, RNode>();
  for (const n of ir.graph.nodes) {
    if (n.feeds) driverOf.set(`${n.feeds.tile}.${port(n.feeds.side, n.feeds.track)}`, n);
    if (n.kind === 'io_out') ioOutOf.set(n.inputs[0], n);
  }
  const borderIns: { tile: string; p: string; k: number }[] = [];
  const borderOuts: { tile: string; p: string; k: number }[] = [];
  for (const n of ir.graph.nodes) {
    if (n.kind === 'io_in') borderIns.push({ tile: name(n.feeds!.tile), p: port(n.feeds!.side, n.feeds!.track), k: n.ioIndex! });
    if (n.kind === 'io_out') {
      const sb = ir.nodeById.get(n.inputs[0])!;
      borderOuts.push({ tile: name(sb.tile!), p: port(sb.side!, sb.track!), k: n.ioIndex! });
    }
  }
  const tiles = ir.tiles.map((t) => {
    const ports = SIDES.flatMap((side) =>
      Array.from({ length: spec.tracks }, (_, track) => {
        const p = port(side, track);
        const driver = driverOf.get(`${t.id}.${p}`);
        if (!driver) throw new Error(`routing graph: nothing drives track ${p} of tile ${t.id}`);
        const sb = ir.nodeById.get(`T${t.id}.sb.${p}`)!;
        const outReady = sb.feeds ? `${name(sb.feeds.tile)}_in_${port(sb.feeds.side, sb.feeds.track)}_ready` : `ioa_out${ioOutOf.get(sb.id)!.ioIndex}_ready`;
        return { p, inData: `${driverWire(driver)}_data`, inValid: `${driverWire(driver)}_valid`, outReady };
      }),
    );
    const kind = ir.kinds[t.kind];
    return { id: t.id, name: name(t.id), module: `basalt_${t.kind}_tile`, hasMem: hasMem(t.kind), cfgWm1: cfgDataWidth(kind) - 1, ports };
  });
  return {
    ...base,
    width: spec.width, height: spec.height, tracks: spec.tracks, topology: spec.sbTopology,
    peCount: ir.tiles.filter((t) => t.kind === 'pe').length, memCount: ir.tiles.filter((t) => t.kind === 'mem').length,
    dw: spec.dataWidth, dwm1: spec.dataWidth - 1, wm1: ir.wordWidth - 1,
    memAddrMsb: ADDRESS_INDEX_SHIFT + bitsFor(spec.memDepth) - 1,
    cfgReadLatency: ir.cfgReadLatency, memReadLatency: ir.memReadLatency, addr: addressContext(),
    tiles, borderIns, borderOuts,
    io: ir.graph.io.map((p) => ({ k: p.index })),
    memTiles: tiles.filter((t) => t.hasMem).map((t) => ({ id: t.id, name: t.name })),
    doneList: tiles.map((t) => `${t.name}_done`).join(', '),
    ...groupContext(),
    groupDone: groupContext().groups.map(({ g }) => ({ g, list: tiles.map((t) => `${t.name}_done_group[${g}]`).join(', ') })),
    clearAddress: `32'h${CLEAR_ADDRESS.toString(16).padStart(8, '0')}`,
  };
}

/** The one FIFO module: every interconnect FIFO of the routing graph has the same depth. */
function fifoDepth(ir: HardwareIR): number {
  const depths = new Set(ir.graph.nodes.flatMap((n) => (n.fifo ? [n.fifo.depth] : [])));
  if (depths.size !== 1) throw new Error(`routing graph: FIFO depths ${[...depths].join(', ')}; one basalt_fifo module needs one depth`);
  return [...depths][0];
}

/** All generated Verilog files, by file name. */
export function renderVerilog(ir: HardwareIR): Map<string, string> {
  const base: Base = { archId: ir.archId, generatorVersion: ir.generatorVersion };
  const W = ir.wordWidth;
  const d = fifoDepth(ir);
  const aw = bitsFor(d);
  const cw = bitsFor(d + 1);
  const files = new Map<string, string>();
  const entries = Array.from({ length: d }, (_, i) => ({ i }));
  files.set('basalt_fifo.v', renderTemplate('basalt_fifo.v.hbs', { ...base, depth: d, depthM1: d - 1, wm1: W - 1, aw, awm1: aw - 1, cw, cwm1: cw - 1, entries, w: W }));
  const mw = bitsFor(ir.spec.memDepth);
  const prims = primContext(ir, base);
  for (const m of primModules(ir)) files.set(`${m.module}.v`, renderTemplate(`prims/${m.template}`, { ...prims, ...m.ctx }));
  const cores = Object.fromEntries(TILE_KINDS.map((k) => [k, coreContext(ir, ir.kinds[k], base)]));
  const hasMem = (k: string) => cores[k].hasMem;
  if (TILE_KINDS.some(hasMem)) {
    files.set('basalt_sram.v', renderTemplate('basalt_sram.v.hbs', { ...base, depth: ir.spec.memDepth, depthM1: ir.spec.memDepth - 1, width: ir.spec.dataWidth, wm1: ir.spec.dataWidth - 1, awm1: mw - 1 }));
  }
  for (const k of TILE_KINDS) {
    files.set(`basalt_${k}_core.v`, renderTemplate('basalt_core.v.hbs', cores[k]));
    files.set(`basalt_${k}_tile.v`, renderTemplate('basalt_tile.v.hbs', tileContext(ir, ir.kinds[k], base, hasMem(k))));
  }
  files.set('basalt_top.v', renderTemplate('basalt_top.v.hbs', topContext(ir, base, hasMem)));
  return files;
}
