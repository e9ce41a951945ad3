/**
 * Maps a SAM graph onto an array: hardware lowering, placement, routing,
 * and every node's configuration (its primitive's encoder) turned into the
 * bitstream and the memory image of the input arrays. Knows no primitive by
 * name: tile kind, mode, fields, SRAM arrays and root handling all come from
 * the primitive definitions.
 */
import { CapacityError, UserError } from '../base/errors.ts';
import { archParams } from '../generator/cores.ts';
import { memAddress, type HardwareIR } from '../generator/ir.ts';
import { GROUP_FIELD, START_GROUPS } from '../generator/tile-kind.ts';
import { encode, parseFormat, type Fibertree } from '../formats/fibertree.ts';
import type { Tensor } from '../formats/tensor.ts';
import { wrapUnsigned } from '../sam/arith.ts';
import { boundMemory, outputArrays } from '../golden/run-graph.ts';
import type { GraphNode, NodeBinding, SamGraph } from '../sam/graph.ts';
import type { ArchParams, EncodeContext } from '../sam/prim-def.ts';
import { primDef } from '../sam/prims/index.ts';
import { writeBitstream, type BitstreamWord, type FieldSetting } from './bitstream.ts';
import { placeGraph, nodeMode, type Placement } from './place.ts';
import { graphNets, routeGraph } from './route-graph.ts';
import type { RoutedNet } from './route.ts';

/** An SRAM region of a MEM tile. */
export interface Region {
  readonly base: number;
  readonly capacity: number;
}

export interface MappedKernel {
  readonly ir: HardwareIR;
  /** The graph as mapped (after hardware lowering), every copy of it (the output binding names copy 0's nodes). */
  readonly graph: SamGraph;
  /** One copy of the lowered graph. */
  readonly single: SamGraph;
  /** Copies of the kernel on the array (each runs its own task). */
  readonly copies: number;
  /** The regions of the preloaded arrays. */
  readonly layout: Layout;
  readonly placement: Placement;
  readonly nets: readonly RoutedNet[];
  readonly bitstream: string;
  readonly words: readonly BitstreamWord[];
  /** (memory-port address, word) pairs preloading the input arrays (copy 0, the inputs mapKernel was given). */
  readonly memImage: [number, number][];
  /** Per node that writes arrays: its tile and the region of each array. */
  readonly written: ReadonlyMap<string, { readonly tile: number; readonly arrays: Readonly<Record<string, Region>> }>;
}

/**
 * Hardware lowering. A node whose primitive is a wire when fed by the root
 * stream (rtl.wireWhenRootFed, e.g. a replay of the root ref) is removed and
 * its output taken from the input it equals; afterwards only ports that can
 * generate the root themselves (rtl.rootInput) may read the root stream.
 */
export function lowerForHardware(g: SamGraph): SamGraph {
  const rootFed = new Set(g.roots.map((r) => `${r.node}.${r.port}`));
  const gone = new Map<string, { output: string; same: string }>();
  for (const n of g.nodes) {
    const w = primDef(n.prim).rtl?.wireWhenRootFed;
    if (w && rootFed.has(`${n.id}.${w.port}`)) gone.set(n.id, w);
  }
  let out = g;
  if (gone.size > 0) {
    const edges = g.edges.flatMap((e) => {
      if (gone.has(e.to.node)) return [];
      const w = gone.get(e.from.node);
      if (!w) return [e];
      if (e.from.port !== w.output) throw new Error(`node ${e.from.node} becomes a wire but its output ${e.from.port} is used`);
      const feed = g.edges.find((x) => x.to.node === e.from.node && x.to.port === w.same);
      if (!feed) throw new Error(`node ${e.from.node}: nothing feeds ${w.same}`);
      return [{ ...e, from: feed.from }];
    });
    out = { ...g, nodes: g.nodes.filter((n) => !gone.has(n.id)), edges, roots: g.roots.filter((r) => !gone.has(r.node)) };
  }
  for (const n of out.nodes) {
    if (!primDef(n.prim).rtl) throw new UserError(`node ${n.id} (${n.label}) is a ${n.prim}, which the RTL does not implement (golden model only)`);
  }
  for (const r of out.roots) {
    const n = out.nodes.find((x) => x.id === r.node)!;
    if (primDef(n.prim).rtl?.rootInput?.port !== r.port) throw new UserError(`node ${r.node} (${n.label}) reads the root stream on ${r.port}, which no tile mode generates`);
  }
  return out;
}

const describeBinding = (b: NodeBinding | undefined) =>
  b === undefined ? '' : b.kind === 'input-level' || b.kind === 'output-level' ? `tensor ${b.tensor} level ${b.level} ` : `tensor ${b.tensor} values `;

const memDepthHint = (words: number) => `use --set memDepth=${2 ** Math.ceil(Math.log2(Math.max(16, words)))} (at most 65536) or a smaller input`;

/** The start group of copy `copy` (its tiles' `group` field): copies alternate between the groups. */
export const copyGroup = (copy: number): number => copy % START_GROUPS;

/** A node of copy `copy` of the kernel (copy 0 keeps the graph's ids). */
export const copyNodeId = (id: string, copy: number): string => (copy === 0 ? id : `${id}@${copy}`);

/** The region of every array each node preloads: node (of the lowered graph) -> array -> words. */
export interface Layout {
  readonly reads: ReadonlyMap<string, Readonly<Record<string, number>>>;
}

export interface MapOptions {
  /** Regions of the preloaded arrays (default: the sizes `inputs` need); every task's image must fit them. */
  readonly layout?: Layout;
  /** Copies of the kernel placed and routed side by side (default 1): each runs its own task. */
  readonly copies?: number;
}

function encodeTrees(g: SamGraph, inputs: Readonly<Record<string, Tensor>>): Map<string, Fibertree> {
  const trees = new Map<string, Fibertree>();
  for (const b of g.inputs) trees.set(b.tensor, encode(inputs[b.tensor], parseFormat(b.format, b.shape.length)));
  return trees;
}

function boundConfig(n: GraphNode, trees: ReadonlyMap<string, Fibertree>): unknown {
  const d = primDef(n.prim);
  return d.bind ? d.bind(n.config, boundMemory(n, trees)) : n.config;
}

/** Words of every array each node of `graph` preloads for these inputs. */
export function preloadSizes(ir: HardwareIR, graph: SamGraph, inputs: Readonly<Record<string, Tensor>>): Map<string, Record<string, number>> {
  const g = lowerForHardware(graph);
  const trees = encodeTrees(g, inputs);
  const arch = archParams(ir.spec);
  const out = new Map<string, Record<string, number>>();
  for (const n of g.nodes) {
    const sizes: Record<string, number> = {};
    primDef(n.prim).rtl!.encode(boundConfig(n, trees) as never, { arch, preload: (a, words) => ((sizes[a] = words.length), 0), reserve: () => 0 });
    if (Object.keys(sizes).length > 0) out.set(n.id, sizes);
  }
  return out;
}

/** The graph with `copies` disjoint copies of every node, edge and root. */
function replicate(g: SamGraph, copies: number): SamGraph {
  if (copies === 1) return g;
  const all = Array.from({ length: copies }, (_, c) => c);
  return {
    ...g,
    nodes: all.flatMap((c) => g.nodes.map((n) => ({ ...n, id: copyNodeId(n.id, c) }))),
    edges: all.flatMap((c) => g.edges.map((e) => ({ ...e, from: { ...e.from, node: copyNodeId(e.from.node, c) }, to: { ...e.to, node: copyNodeId(e.to.node, c) } }))),
    roots: all.flatMap((c) => g.roots.map((r) => ({ ...r, node: copyNodeId(r.node, c) }))),
  };
}

export function mapKernel(ir: HardwareIR, graph: SamGraph, inputs: Readonly<Record<string, Tensor>>, opts: MapOptions = {}): MappedKernel {
  const g = lowerForHardware(graph);
  const arch = archParams(ir.spec);
  const dw = ir.spec.dataWidth;
  const depth = ir.spec.memDepth;
  const copies = opts.copies ?? 1;
  // Coordinates travel as data words: every mode size must fit the datapath.
  for (const t of [...g.inputs, g.output]) {
    const big = t.shape.findIndex((s) => s > 2 ** dw);
    if (big >= 0) throw new CapacityError(`tensor ${t.tensor}: mode ${big} has size ${t.shape[big]}, but coordinates on the ${dw}-bit datapath reach ${2 ** dw - 1}: use --set dataWidth=32 (with memWidth=32)`);
  }
  const trees = encodeTrees(g, inputs);
  checkNodes(g.nodes, (n) => boundConfig(n, trees), arch);
  const layout = opts.layout ?? { reads: preloadSizes(ir, graph, inputs) };
  for (const n of g.nodes) {
    const regions = layout.reads.get(n.id) ?? {};
    const total = Object.values(regions).reduce((a, x) => a + x, 0);
    if (total > depth) throw new CapacityError(`${describeBinding(n.binding)}(${Object.keys(regions).join(' + ')}) needs ${total} SRAM words but a MEM tile holds ${depth} here: ${memDepthHint(total)}`);
  }

  const all = replicate(g, copies);
  const placement = placeGraph(ir, all);
  const nets = routeGraph(ir, graphNets(ir, all, placement));
  const rootFed = new Set(g.roots.map((r) => r.node));
  const fields: FieldSetting[] = [];
  const written = new Map<string, { tile: number; arrays: Record<string, Region> }>();
  const bases = new Map<string, Record<string, number>>();
  for (let c = 0; c < copies; c++) {
    for (const n of g.nodes) {
      const id = copyNodeId(n.id, c);
      const tile = placement.get(id)!;
      const arrays = regionsOf(n, layout, depth);
      bases.set(id, Object.fromEntries(Object.entries(arrays.reads).map(([a, r]) => [a, r.base])));
      // Fields do not depend on the data: bases come from the layout, the rest from the configuration.
      const ctx: EncodeContext = { arch, preload: (a) => arrays.reads[a].base, reserve: (a) => arrays.writes[a].base };
      for (const [field, value] of nodeFields(n, boundConfig(n, trees), ctx, rootFed.has(n.id))) fields.push({ tile, field, value });
      // Copies alternate between the start groups, so one can be loaded while another computes (sim/tiles.ts).
      if (copyGroup(c) !== 0) fields.push({ tile, field: GROUP_FIELD, value: copyGroup(c) });
      if (Object.keys(arrays.writes).length > 0) written.set(id, { tile, arrays: arrays.writes });
    }
  }
  const { text, words } = writeBitstream(ir, { connections: nets.flatMap((r) => r.connections), fields }, g.kernel);
  const m: MappedKernel = { ir, graph: all, single: g, copies, layout, placement, nets, bitstream: text, words, memImage: [], written };
  return { ...m, memImage: imageFor(m, inputs, 0) };
}

/** Refuses, before simulating, a node whose configuration its tile mode cannot run (the primitive's own check). */
export function checkNodes(nodes: readonly GraphNode[], configOf: (n: GraphNode) => unknown, arch: ArchParams): void {
  for (const n of nodes) {
    const problem = primDef(n.prim).rtl!.check?.(configOf(n) as never, arch);
    if (problem) throw new CapacityError(`node ${n.id} (${n.label}): ${problem}`);
  }
}

/** A node's core fields: its mode, its primitive's encoding of `config`, and the root flag when the root stream feeds it. */
export function nodeFields(n: GraphNode, config: unknown, ctx: EncodeContext, rootFed: boolean): [string, number][] {
  const rtl = primDef(n.prim).rtl!;
  return [['mode', nodeMode(n).code], ...Object.entries(rtl.encode(config as never, ctx)), ...(rootFed ? [[rtl.rootInput!.field, 1] as [string, number]] : [])];
}

/**
 * Regions of a node's arrays: the preloaded ones one after another from word 0 (sizes from the
 * layout), the written ones sharing the rest evenly, in the order the definition lists them.
 */
function regionsOf(n: GraphNode, layout: Layout, depth: number): { reads: Record<string, Region>; writes: Record<string, Region> } {
  const d = primDef(n.prim);
  const sizes = layout.reads.get(n.id) ?? {};
  const reads: Record<string, Region> = {};
  let next = 0;
  for (const a of d.arrays?.reads ?? []) {
    reads[a] = { base: next, capacity: sizes[a] ?? 0 };
    next += sizes[a] ?? 0;
  }
  const w = d.arrays?.writes ?? [];
  const capacity = Math.floor((depth - next) / Math.max(1, w.length));
  const writes = Object.fromEntries(w.map((a, k) => [a, { base: next + k * capacity, capacity }]));
  return { reads, writes };
}

/** The memory image of one task's inputs in copy `copy` of a mapped kernel (its preloads, and the zeros its writers need). */
export function imageFor(m: MappedKernel, inputs: Readonly<Record<string, Tensor>>, copy: number): [number, number][] {
  const g = m.single;
  const arch = archParams(m.ir.spec);
  const dw = m.ir.spec.dataWidth;
  const trees = encodeTrees(g, inputs);
  const image: [number, number][] = [];
  for (const n of g.nodes) {
    const id = copyNodeId(n.id, copy);
    const tile = m.placement.get(id)!;
    const arrays = regionsOf(n, m.layout, m.ir.spec.memDepth);
    const ctx: EncodeContext = {
      arch,
      preload: (array, words) => {
        const r = arrays.reads[array];
        if (!r) throw new Error(`${n.prim} preloads '${array}', which its definition does not list as read`);
        if (words.length > r.capacity) throw new CapacityError(`${describeBinding(n.binding)}${array} needs ${words.length} SRAM words but its region holds ${r.capacity}`);
        words.forEach((w, i) => image.push([memAddress(tile, r.base + i), wrapUnsigned(w, dw)]));
        return r.base;
      },
      reserve: (array, o) => {
        const r = arrays.writes[array];
        if (!r) throw new Error(`${n.prim} reserves '${array}', which its definition does not list as written`);
        const zeros = o?.zeros ?? 0;
        if (zeros > r.capacity) throw new CapacityError(`${describeBinding(n.binding)}(${array}) needs ${zeros} SRAM words but its region holds ${r.capacity} here: ${memDepthHint(Math.ceil((zeros * m.ir.spec.memDepth) / r.capacity))}`);
        for (let i = 0; i < zeros; i++) image.push([memAddress(tile, r.base + i), 0]);
        return r.base;
      },
    };
    primDef(n.prim).rtl!.encode(boundConfig(n, trees) as never, ctx);
  }
  return image;
}

/** Refuses, before simulating, an output whose arrays (sized by the golden run) overflow their writers' regions. */
export function checkOutputFits(m: MappedKernel, golden: Fibertree): void {
  for (const [node, w] of m.written) {
    const b = m.graph.nodes.find((n) => n.id === node)?.binding;
    if (b?.kind !== 'output-level' && b?.kind !== 'output-vals') continue;
    for (const [array, words] of Object.entries(outputArrays(golden, b))) {
      const r = w.arrays[array];
      if (!r) throw new Error(`node ${node} writes no '${array}' region for its ${b.kind} binding`);
      if (words.length > r.capacity) {
        throw new CapacityError(`the output's ${describeBinding(b)}${array} needs ${words.length} words but its writer's region holds ${r.capacity}: ${memDepthHint(Math.ceil((words.length * m.ir.spec.memDepth) / r.capacity))}`);
      }
    }
  }
}
