/**
 * Routed nets back to SAM graph edges: which edge each net carries to each of
 * its sinks, along which routing-graph path, and how to name an edge or a
 * place of the array in a message. The debugging tools (sim/debug.ts, the
 * stall report, the stream-level diff) speak in these terms.
 */
import type { HardwareIR } from '../generator/ir.ts';
import type { RNode } from '../generator/routing-graph.ts';
import type { GraphEdge, PortRef, SamGraph } from '../sam/graph.ts';
import type { MappedKernel } from './map-kernel.ts';
import { graphNets } from './route-graph.ts';

export interface NetSink {
  readonly to: PortRef;
  /** Index of the edge in the mapped graph's edges. */
  readonly edge: number;
  /** Routing-graph nodes from the net's source (a core output) to this sink (a connection box). */
  readonly path: readonly string[];
}

export interface NetInfo {
  readonly from: PortRef;
  /** The core output the net starts at. */
  readonly source: string;
  readonly sinks: readonly NetSink[];
  /** Every node of the net's routing tree. */
  readonly nodes: readonly string[];
}

const samePort = (a: PortRef, b: PortRef) => a.node === b.node && a.port === b.port;

/** One entry per routed net of the mapped kernel, in routing order. */
export function netMap(m: MappedKernel): NetInfo[] {
  const g = m.graph;
  const nets = graphNets(m.ir, g, m.placement);
  if (nets.length !== m.nets.length) throw new Error(`net map: ${nets.length} graph nets but ${m.nets.length} routed nets`);
  return nets.map((n, i) => {
    const r = m.nets[i];
    if (r.source !== n.source) throw new Error(`net map: net ${i} starts at ${r.source}, expected ${n.source}`);
    const sinks = n.to.map((to, k) => {
      const edge = g.edges.findIndex((e) => samePort(e.from, n.from) && samePort(e.to, to));
      if (edge < 0) throw new Error(`net map: no edge ${n.from.node}.${n.from.port} -> ${to.node}.${to.port}`);
      return { to, edge, path: r.paths[k] };
    });
    // The tree in path order (source first), each node once: deterministic.
    const nodes = [...new Set(sinks.flatMap((s) => s.path))];
    return { from: n.from, source: r.source, sinks, nodes };
  });
}

/** The sinks whose path passes a node of the net (all of them at the source). */
export const sinksThrough = (net: NetInfo, node: string): NetSink[] => net.sinks.filter((s) => s.path.includes(node));

/** `n3 'scan B.j (s)'.out_crd` */
export function portLabel(g: SamGraph, p: PortRef): string {
  const n = g.nodes.find((x) => x.id === p.node);
  return `${p.node} '${n?.label ?? '?'}'.${p.port}`;
}

/** `n3 'scan B.j (s)'.out_crd -> n5 'mul'.val_a` */
export const edgeLabel = (g: SamGraph, e: GraphEdge): string => `${portLabel(g, e.from)} -> ${portLabel(g, e.to)}`;

/** A net to some of its sinks: `from -> to` for one sink, `from -> {to1, to2}` for several. */
export function netLabel(g: SamGraph, from: PortRef, to: readonly PortRef[]): string {
  const tos = to.map((t) => portLabel(g, t));
  return `${portLabel(g, from)} -> ${tos.length === 1 ? tos[0] : `{${tos.join(', ')}}`}`;
}

/**
 * Edge indices in topological order of their producers (Kahn's algorithm, ties
 * by node order in the graph; a producer's edges in graph order): the order in
 * which a wrong token propagates, so the first differing edge is the earliest cause.
 */
export function topologicalEdges(g: SamGraph): number[] {
  const index = new Map(g.nodes.map((n, i) => [n.id, i]));
  const indeg = g.nodes.map(() => 0);
  const succ: number[][] = g.nodes.map(() => []);
  for (const e of g.edges) {
    indeg[index.get(e.to.node)!]++;
    succ[index.get(e.from.node)!].push(index.get(e.to.node)!);
  }
  const rank: number[] = g.nodes.map(() => -1);
  const ready = indeg.flatMap((d, i) => (d === 0 ? [i] : []));
  for (let r = 0; ready.length > 0; r++) {
    ready.sort((a, b) => a - b);
    const i = ready.shift()!;
    rank[i] = r;
    for (const s of succ[i]) if (--indeg[s] === 0) ready.push(s);
  }
  if (rank.some((r) => r < 0)) throw new Error('topological order: the graph has a cycle');
  return g.edges.map((_, i) => i).sort((a, b) => rank[index.get(g.edges[a].from.node)!] - rank[index.get(g.edges[b].from.node)!] || a - b);
}

/** A place of the array in words: tile coordinates, and the side and track of a switch-box output. */
export function describeNode(ir: HardwareIR, id: string, feedFrom?: string): string {
  const n = ir.nodeById.get(id);
  if (!n) return id;
  if (n.tile === null) return `border ${n.kind === 'io_in' ? 'input' : 'output'} ${n.side}${n.track} (${id})`;
  const t = ir.tiles[n.tile];
  const at = `tile (${t.x},${t.y})`;
  if (n.kind === 'sb') return `${at} switch box output ${n.side} track ${n.track}`;
  if (n.kind === 'core_out') return `${at} core output ${n.port}`;
  const src = feedFrom === undefined ? undefined : ir.nodeById.get(feedFrom);
  return `${at} core input ${n.port}${src ? `, from ${trackOf(ir, src)}` : ''}`;
}

/** The track a node's wire drives into the tile it feeds, e.g. `track W1` (a neighbour's SB output seen from the consumer). */
function trackOf(ir: HardwareIR, src: RNode): string {
  if (src.kind === 'core_out') return `its own core output ${src.port}`;
  if (src.feeds) return `track ${src.feeds.side}${src.feeds.track}`;
  return src.id;
}
