/**
 * Dense mode (issue 14), first kernel: a dense matrix-vector product
 * y(i) = A(i,j) * x(j) on the same array and primitives' catalogue as the
 * sparse flow. A streams in row-major order from a border input (the host
 * plays Onyx's global buffer), x sits in a MEM tile and an affine-read replays
 * it once per row (loop nest rows x {stride 0}, cols x {stride 1}), a PE's mac
 * sums each row's cols products, and an affine-write stores y in a MEM tile.
 * Dense streams are value tokens then D; ready/valid absorbs every latency
 * difference, so nothing is scheduled statically (the compiler balances no
 * delays). Placement, routing and the bitstream are the sparse flow's.
 */
import { CapacityError, UserError } from '../base/errors.ts';
import { archParams } from '../generator/cores.ts';
import { memAddress, type HardwareIR } from '../generator/ir.ts';
import { cbNodeId, ioInNodeId } from '../generator/routing-graph.ts';
import { wrapUnsigned } from '../sam/arith.ts';
import type { GraphEdge, GraphNode, PortRef } from '../sam/graph.ts';
import type { EncodeContext } from '../sam/prim-def.ts';
import { primDef, runPrimitive, type PrimName } from '../sam/prims/index.ts';
import type { Stream } from '../sam/tokens.ts';
import { writeBitstream, type BitstreamWord, type FieldSetting } from './bitstream.ts';
import { checkNodes, nodeFields } from './map-kernel.ts';
import { placeGraph, type PlaceableGraph } from './place.ts';
import { corePort, graphNets, routeGraph, type GraphNet } from './route-graph.ts';

/** A dense-mode graph: primitive nodes with their whole configuration, and the streams the host feeds. */
export interface DenseGraph extends PlaceableGraph {
  readonly kernel: string;
  /** Streams the host sends in through border inputs, each to one or more node inputs. */
  readonly hostInputs: readonly { readonly tensor: string; readonly to: readonly PortRef[] }[];
  /** The node whose written array is the output, and how many words of it. */
  readonly output: { readonly node: string; readonly words: number };
}

export interface MappedDense {
  readonly graph: DenseGraph;
  readonly words: readonly BitstreamWord[];
  readonly bitstream: string;
  readonly memImage: [number, number][];
  /** Border input index of each host stream, by tensor. */
  readonly hostPorts: ReadonlyMap<string, number>;
  /** Memory-port address of output word 0. */
  readonly outputAddress: number;
  readonly tiles: { readonly pe: number; readonly mem: number };
}

/** y(i) = A(i,j) * x(j) with A rows x cols and x resident: the dense graph. */
export function denseMatVecGraph(kernel: string, rows: number, cols: number, x: readonly number[], dataWidth: number): DenseGraph {
  if (x.length !== cols) throw new UserError(`dense matrix-vector: x has ${x.length} entries but A has ${cols} columns`);
  const nodes: GraphNode[] = [
    { id: 'x', prim: 'affine-read', label: 'read x (rows x cols)', tile: 'mem', config: { vals: x, nest: [{ extent: rows, stride: 0 }, { extent: cols, stride: 1 }] } },
    { id: 'mac', prim: 'mac', label: 'sum_j A(i,j)*x(j)', tile: 'pe', config: { dataWidth, len: cols, shift: 0 } },
    { id: 'y', prim: 'affine-write', label: 'write y', tile: 'mem', config: { nest: [{ extent: rows, stride: 1 }] } },
  ];
  const edges: GraphEdge[] = [
    { from: { node: 'x', port: 'out_val' }, to: { node: 'mac', port: 'in_b' }, kind: 'val' },
    { from: { node: 'mac', port: 'out_val' }, to: { node: 'y', port: 'in_val' }, kind: 'val' },
  ];
  return { kernel, nodes, edges, roots: [{ node: 'x', port: 'in_ref' }], hostInputs: [{ tensor: 'A', to: [{ node: 'mac', port: 'in_a' }] }], output: { node: 'y', words: rows } };
}

/** Border inputs nearest to a tile first (west side, then the others), every track. */
function borderInputsNear(ir: HardwareIR, tile: number): string[] {
  const t = ir.tiles[tile];
  return ir.graph.io
    .map((p) => ({ id: ioInNodeId(p.side, p.pos, p.track), d: Math.abs(ir.tiles[p.tile].x - t.x) + Math.abs(ir.tiles[p.tile].y - t.y) }))
    .sort((a, b) => a.d - b.d)
    .map((p) => p.id);
}

export function mapDense(ir: HardwareIR, g: DenseGraph): MappedDense {
  const arch = archParams(ir.spec);
  checkNodes(g.nodes, (n) => n.config, arch);
  const placement = placeGraph(ir, g);
  const nets: GraphNet[] = graphNets(ir, g, placement);
  const hostPorts = new Map<string, number>();
  for (const h of g.hostInputs) {
    const sinks = h.to.map((p) => cbNodeId(placement.get(p.node)!, corePort(ir, g, p.node, p.port, 'inputs')));
    const taken = new Set(nets.map((n) => n.source));
    const source = borderInputsNear(ir, placement.get(h.to[0].node)!).find((id) => !taken.has(id))!;
    nets.push({ from: { node: `host:${h.tensor}`, port: 'out' }, to: [...h.to], source, sinks });
    hostPorts.set(h.tensor, ir.nodeById.get(source)!.ioIndex!);
  }
  const routed = routeGraph(ir, nets);
  const fields: FieldSetting[] = [];
  const memImage: [number, number][] = [];
  const rootFed = new Set(g.roots.map((r) => r.node));
  let outputAddress = -1;
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
    if (n.id === g.output.node) outputAddress = memAddress(tile, 0);
  }
  const { text, words } = writeBitstream(ir, { connections: routed.flatMap((r) => r.connections), fields }, g.kernel);
  const count = (k: 'pe' | 'mem') => g.nodes.filter((n) => n.tile === k).length;
  return { graph: g, words, bitstream: text, memImage, hostPorts, outputAddress, tiles: { pe: count('pe'), mem: count('mem') } };
}

/**
 * The dense graph on the primitives' golden models: every node once its inputs are known (the root
 * stream `0, D`, the host streams, other nodes' outputs); returns the output node's written array.
 */
export function runDenseGraph(g: DenseGraph, host: Readonly<Record<string, Stream>>): number[] {
  const streams = new Map<string, Stream>();
  const key = (node: string, port: string) => `${node}.${port}`;
  for (const r of g.roots) streams.set(key(r.node, r.port), [0, 'D']);
  for (const h of g.hostInputs) for (const p of h.to) streams.set(key(p.node, p.port), host[h.tensor]);
  const pending = new Set(g.nodes.map((n) => n.id));
  let written: Stream | undefined;
  while (pending.size > 0) {
    const ready = g.nodes.filter((n) => pending.has(n.id) && g.edges.every((e) => e.to.node !== n.id || streams.has(key(e.from.node, e.from.port))));
    if (ready.length === 0) throw new Error(`dense graph ${g.kernel}: a cycle through ${[...pending].join(', ')}`);
    for (const n of ready) {
      for (const e of g.edges) if (e.to.node === n.id) streams.set(key(n.id, e.to.port), streams.get(key(e.from.node, e.from.port))!);
      const ins = Object.fromEntries(primDef(n.prim).inputs.flatMap((p) => (streams.has(key(n.id, p.name)) ? [[p.name, streams.get(key(n.id, p.name))!]] : [])));
      const out = runPrimitive(n.prim as PrimName, n.config as never, ins);
      for (const [port, s] of Object.entries(out)) streams.set(key(n.id, port), s);
      if (n.id === g.output.node) written = out.vals;
      pending.delete(n.id);
    }
  }
  if (!written) throw new Error(`dense graph ${g.kernel}: output node ${g.output.node} writes no array`);
  return written.filter((t): t is number => typeof t === 'number');
}
