/**
 * Dense mode (issue 14): placing, routing and encoding a dense graph (built by
 * compiler/dense-kernels.ts) on the same array as the sparse flow, and running
 * it on the primitives' golden models. Dense streams are value tokens then D;
 * ready/valid absorbs every latency difference, so nothing is scheduled
 * statically (the compiler balances no delays). Host streams enter through the
 * nearest free border inputs, host outputs leave through border outputs;
 * placement, routing and the bitstream writer are the sparse flow's.
 */
import { CapacityError } from '../base/errors.ts';
import { archParams, modeMissing } from '../generator/cores.ts';
import { memAddress, type HardwareIR } from '../generator/ir.ts';
import { cbNodeId, coreOutNodeId, ioInNodeId, ioOutNodeId } from '../generator/routing-graph.ts';
import { fromDenseValues, type Tensor } from '../formats/tensor.ts';
import { wrapUnsigned } from '../sam/arith.ts';
import type { PortRef } from '../sam/graph.ts';
import type { EncodeContext } from '../sam/prim-def.ts';
import { primDef, runPrimitive, type PrimName } from '../sam/prims/index.ts';
import type { Stream } from '../sam/tokens.ts';
import { writeBitstream, type BitstreamWord, type FieldSetting } from './bitstream.ts';
import { checkNodes, nodeFields } from './map-kernel.ts';
import { placeGraph, type PlaceableGraph } from './place.ts';
import { corePort, graphNets, routeGraph, type GraphNet } from './route-graph.ts';

/** A tensor the host streams in (row-major data words, then D) through a border input, to one or more node inputs. */
export interface HostStream {
  readonly tensor: string;
  readonly words: readonly number[];
  readonly to: readonly PortRef[];
}

/**
 * Where output words come from: a node's output stream to a border output (`host`), or the
 * array a dense writer leaves in its MEM tile (`mem`, read back through the memory port).
 * Word k is entry indices[k] (row-major) of the output tensor.
 */
export type DenseOutput =
  | { readonly kind: 'host'; readonly from: PortRef; readonly indices: readonly number[] }
  | { readonly kind: 'mem'; readonly node: string; readonly indices: readonly number[] };

/** A dense-mode graph: primitive nodes with their whole configuration, the host's streams and the outputs. */
export interface DenseGraph extends PlaceableGraph {
  readonly kernel: string;
  readonly hostInputs: readonly HostStream[];
  readonly outputs: readonly DenseOutput[];
  readonly outputShape: readonly number[];
  /** One output (or one multiply-accumulate) per cycle per pipeline once full: the cycles a perfect run needs. */
  readonly idealCycles: number;
  /** How the kernel was laid out, for reports (e.g. "4 copies, column blocks of 8"). */
  readonly layout: string;
}

export interface MappedDense {
  readonly graph: DenseGraph;
  readonly words: readonly BitstreamWord[];
  readonly bitstream: string;
  readonly memImage: [number, number][];
  /** Border input index of each host stream, by tensor. */
  readonly hostPorts: ReadonlyMap<string, number>;
  /** Per output: the border output index (host) or the memory-port address of word 0 (mem). */
  readonly outputPorts: readonly number[];
  /** Tiles of the MEM nodes (their SRAM holds the kernel's data afterwards). */
  readonly usedMemTiles: readonly number[];
  readonly tiles: { readonly pe: number; readonly mem: number };
}

export const range = (n: number, from = 0): number[] => Array.from({ length: n }, (_, k) => from + k);

/** Border inputs (or outputs) nearest to a tile first, every track. */
function borderNear(ir: HardwareIR, tile: number, dir: 'in' | 'out'): string[] {
  const t = ir.tiles[tile];
  return ir.graph.io
    .map((p) => ({ id: (dir === 'in' ? ioInNodeId : ioOutNodeId)(p.side, p.pos, p.track), d: Math.abs(ir.tiles[p.tile].x - t.x) + Math.abs(ir.tiles[p.tile].y - t.y) }))
    .sort((a, b) => a.d - b.d)
    .map((p) => p.id);
}

export function mapDense(ir: HardwareIR, g: DenseGraph): MappedDense {
  const arch = archParams(ir.spec);
  for (const n of g.nodes) {
    const missing = modeMissing(ir.spec, n.prim);
    if (missing) throw new CapacityError(`kernel ${g.kernel}: ${missing}`);
  }
  checkNodes(g.nodes, (n) => n.config, arch);
  const placement = placeGraph(ir, g);
  const nets: GraphNet[] = graphNets(ir, g, placement);
  const hostPorts = new Map<string, number>();
  const free = (ids: string[], taken: Set<string>, what: string): string => {
    const id = ids.find((x) => !taken.has(x));
    if (id === undefined) throw new CapacityError(`kernel ${g.kernel} needs more border ${what} than the array's ${ids.length}`);
    taken.add(id);
    return id;
  };
  const takenIn = new Set<string>();
  for (const h of g.hostInputs) {
    const sinks = h.to.map((p) => cbNodeId(placement.get(p.node)!, corePort(ir, g, p.node, p.port, 'inputs')));
    const source = free(borderNear(ir, placement.get(h.to[0].node)!, 'in'), takenIn, 'inputs');
    nets.push({ from: { node: `host:${h.tensor}`, port: 'out' }, to: [...h.to], source, sinks });
    hostPorts.set(h.tensor, ir.nodeById.get(source)!.ioIndex!);
  }
  const takenOut = new Set<string>();
  const outputPorts: number[] = [];
  for (const o of g.outputs) {
    if (o.kind === 'mem') {
      outputPorts.push(memAddress(placement.get(o.node)!, 0));
      continue;
    }
    const sink = free(borderNear(ir, placement.get(o.from.node)!, 'out'), takenOut, 'outputs');
    const source = coreOutNodeId(placement.get(o.from.node)!, corePort(ir, g, o.from.node, o.from.port, 'outputs'));
    const net = nets.find((n) => n.source === source);
    if (net) net.sinks.push(sink);
    else nets.push({ from: o.from, to: [], source, sinks: [sink] });
    outputPorts.push(ir.nodeById.get(sink)!.ioIndex!);
  }
  const routed = routeGraph(ir, nets);
  const fields: FieldSetting[] = [];
  const memImage: [number, number][] = [];
  const rootFed = new Set(g.roots.map((r) => r.node));
  for (const n of g.nodes) {
    const tile = placement.get(n.id)!;
    const ctx: EncodeContext = {
      arch,
      preload: (_a, words) => {
        if (words.length > ir.spec.memDepth) throw new CapacityError(`node ${n.id} (${n.label}) preloads ${words.length} words but a MEM tile holds ${ir.spec.memDepth}`);
        words.forEach((w, i) => memImage.push([memAddress(tile, i), wrapUnsigned(w, ir.spec.dataWidth)]));
        return 0;
      },
      reserve: (_a, o) => {
        for (let i = 0; i < (o?.zeros ?? 0); i++) memImage.push([memAddress(tile, i), 0]);
        return 0;
      },
    };
    for (const [field, value] of nodeFields(n, n.config, ctx, rootFed.has(n.id))) fields.push({ tile, field, value });
  }
  const { text, words } = writeBitstream(ir, { connections: routed.flatMap((r) => r.connections), fields }, g.kernel);
  const count = (k: 'pe' | 'mem') => g.nodes.filter((n) => n.tile === k).length;
  const usedMemTiles = g.nodes.filter((n) => n.tile === 'mem').map((n) => placement.get(n.id)!);
  return { graph: g, words, bitstream: text, memImage, hostPorts, outputPorts, usedMemTiles, tiles: { pe: count('pe'), mem: count('mem') } };
}

/**
 * The dense graph on the primitives' golden models: every node once its inputs are known (the root
 * stream `0, D`, the host streams, other nodes' outputs); returns each output's data words.
 */
export function runDenseGraph(g: DenseGraph): number[][] {
  const streams = new Map<string, Stream>();
  const key = (node: string, port: string) => `${node}.${port}`;
  for (const r of g.roots) streams.set(key(r.node, r.port), [0, 'D']);
  for (const h of g.hostInputs) for (const p of h.to) streams.set(key(p.node, p.port), [...h.words, 'D']);
  const pending = new Set(g.nodes.map((n) => n.id));
  while (pending.size > 0) {
    const ready = g.nodes.filter((n) => pending.has(n.id) && g.edges.every((e) => e.to.node !== n.id || streams.has(key(e.from.node, e.from.port))));
    if (ready.length === 0) throw new Error(`dense graph ${g.kernel}: a cycle through ${[...pending].join(', ')}`);
    for (const n of ready) {
      for (const e of g.edges) if (e.to.node === n.id) streams.set(key(n.id, e.to.port), streams.get(key(e.from.node, e.from.port))!);
      const ins = Object.fromEntries(primDef(n.prim).inputs.flatMap((p) => (streams.has(key(n.id, p.name)) ? [[p.name, streams.get(key(n.id, p.name))!]] : [])));
      const out = runPrimitive(n.prim as PrimName, n.config as never, ins);
      for (const [port, s] of Object.entries(out)) streams.set(key(n.id, port), s);
      pending.delete(n.id);
    }
  }
  const data = (s: Stream | undefined) => (s ?? []).filter((t): t is number => typeof t === 'number');
  return g.outputs.map((o) => {
    const words = data(o.kind === 'host' ? streams.get(key(o.from.node, o.from.port)) : streams.get(key(o.node, 'vals')));
    return o.kind === 'mem' ? words.slice(0, o.indices.length) : words;
  });
}

/** The output tensor from each output's words (entries no output writes are 0). */
export function assembleOutput(g: DenseGraph, words: readonly (readonly number[])[]): Tensor {
  const vals = new Array<number>(g.outputShape.reduce((a, b) => a * b, 1)).fill(0);
  g.outputs.forEach((o, k) => {
    if (words[k].length !== o.indices.length) throw new Error(`dense graph ${g.kernel}: output ${k} has ${words[k].length} words, ${o.indices.length} expected`);
    o.indices.forEach((at, q) => (vals[at] = words[k][q]));
  });
  return fromDenseValues(g.outputShape, vals);
}
