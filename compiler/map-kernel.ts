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
import { encode, parseFormat, type Fibertree } from '../formats/fibertree.ts';
import type { Tensor } from '../formats/tensor.ts';
import { wrapUnsigned } from '../sam/arith.ts';
import { boundMemory, outputArrays } from '../golden/run-graph.ts';
import type { NodeBinding, SamGraph } from '../sam/graph.ts';
import type { EncodeContext } from '../sam/prim-def.ts';
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
  /** The graph as mapped (after hardware lowering). */
  readonly graph: SamGraph;
  readonly placement: Placement;
  readonly nets: readonly RoutedNet[];
  readonly bitstream: string;
  readonly words: readonly BitstreamWord[];
  /** (memory-port address, word) pairs preloading the input arrays. */
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

export function mapKernel(ir: HardwareIR, graph: SamGraph, inputs: Readonly<Record<string, Tensor>>): MappedKernel {
  const g = lowerForHardware(graph);
  const arch = archParams(ir.spec);
  const dw = ir.spec.dataWidth;
  const depth = ir.spec.memDepth;
  // Coordinates travel as data words: every mode size must fit the datapath.
  for (const t of [...g.inputs, g.output]) {
    const big = t.shape.findIndex((s) => s > 2 ** dw);
    if (big >= 0) throw new CapacityError(`tensor ${t.tensor}: mode ${big} has size ${t.shape[big]}, but coordinates on the ${dw}-bit datapath reach ${2 ** dw - 1}: use --set dataWidth=32 (with memWidth=32)`);
  }
  const trees = new Map<string, Fibertree>();
  for (const b of g.inputs) trees.set(b.tensor, encode(inputs[b.tensor], parseFormat(b.format, b.shape.length)));
  const configs = new Map(g.nodes.map((n) => {
    const d = primDef(n.prim);
    const config = d.bind ? d.bind(n.config, boundMemory(n, trees)) : n.config;
    const problem = d.rtl!.check?.(config, arch);
    if (problem) throw new CapacityError(`node ${n.id} (${n.label}): ${problem}`);
    return [n.id, config];
  }));

  const placement = placeGraph(ir, g);
  const nets = routeGraph(ir, graphNets(ir, g, placement));
  const rootFed = new Set(g.roots.map((r) => r.node));
  const fields: FieldSetting[] = [];
  const memImage: [number, number][] = [];
  const written = new Map<string, { tile: number; arrays: Record<string, Region> }>();
  for (const n of g.nodes) {
    const d = primDef(n.prim);
    const rtl = d.rtl!;
    const tile = placement.get(n.id)!;
    const config = configs.get(n.id) as never;
    const reads = d.arrays?.reads ?? [];
    const writes = d.arrays?.writes ?? [];
    // Input arrays one after another from word 0; written arrays share the rest evenly, in the order the
    // definition lists them. A first pass only counts the preloaded words, so the two never overlap.
    let preloaded = 0;
    rtl.encode(config, { arch, preload: (_a, words) => ((preloaded += words.length), 0), reserve: () => 0 });
    if (preloaded > depth) throw new CapacityError(`${describeBinding(n.binding)}(${reads.join(' + ')}) needs ${preloaded} SRAM words but a MEM tile holds ${depth} here: ${memDepthHint(preloaded)}`);
    const arrays: Record<string, Region> = {};
    let next = 0;
    const ctx: EncodeContext = {
      arch,
      preload: (array, words) => {
        if (!reads.includes(array)) throw new Error(`${n.prim} preloads '${array}', which its definition does not list as read`);
        const base = next;
        next += words.length;
        words.forEach((w, i) => memImage.push([memAddress(tile, base + i), wrapUnsigned(w, dw)]));
        return base;
      },
      reserve: (array, opts) => {
        const k = writes.indexOf(array);
        if (k < 0) throw new Error(`${n.prim} reserves '${array}', which its definition does not list as written`);
        const capacity = Math.floor((depth - preloaded) / writes.length);
        const base = preloaded + k * capacity;
        arrays[array] = { base, capacity };
        const zeros = opts?.zeros ?? 0;
        if (zeros > capacity) throw new CapacityError(`${describeBinding(n.binding)}(${array}) needs ${zeros} SRAM words but its region holds ${capacity} here: ${memDepthHint(Math.ceil((zeros * depth) / capacity))}`);
        for (let i = 0; i < zeros; i++) memImage.push([memAddress(tile, base + i), 0]);
        return base;
      },
    };
    const set = (field: string, value: number) => fields.push({ tile, field, value });
    set('mode', nodeMode(n).code);
    for (const [f, v] of Object.entries(rtl.encode(config, ctx))) set(f, v);
    if (rootFed.has(n.id)) set(rtl.rootInput!.field, 1);
    if (writes.length > 0) written.set(n.id, { tile, arrays });
  }
  const { text, words } = writeBitstream(ir, { connections: nets.flatMap((r) => r.connections), fields }, g.kernel);
  return { ir, graph: g, placement, nets, bitstream: text, words, memImage, written };
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
