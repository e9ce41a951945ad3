/**
 * Golden execution of a SAM graph: every node runs once on whole streams, in
 * topological order, on the golden primitive models. Scanners and value arrays
 * read the encoded input fibertrees; the level and value writers' results are
 * assembled into the output fibertree and decoded.
 *
 * idealCycles is the stream-level lower bound on cycles: every stream moves at
 * most one token per cycle, so no run is shorter than its longest stream.
 */
import { decode, encode, parseFormat, type Fibertree, type Level } from '../formats/fibertree.ts';
import type { Tensor } from '../formats/tensor.ts';
import { ROOT_REF } from '../sam/fibers.ts';
import type { GraphNode, NodeBinding, PortRef, SamGraph } from '../sam/graph.ts';
import type { BoundMemory } from '../sam/prim-def.ts';
import { primDef, runPrimitive } from '../sam/prims/index.ts';
import type { Stream } from '../sam/tokens.ts';

export interface GraphRun {
  readonly output: Tensor;
  /** The output as written: the level writers' seg/crd and the value writer's values. */
  readonly fibertree: Fibertree;
  /** Tokens on each edge, index-aligned with graph.edges (fan-out edges share one array). */
  readonly edgeTokens: Stream[];
  /** Most tokens on any one stream. */
  readonly idealCycles: number;
}

const key = (p: PortRef) => `${p.node}.${p.port}`;

/** The arrays a writer of each output binding fills: a compressed level's seg and crd, the values. */
export const OUTPUT_ARRAYS = { 'output-level': ['seg', 'crd'], 'output-vals': ['vals'] } as const;

/** The arrays of an output binding, as the golden fibertree holds them. */
export function outputArrays(t: Fibertree, b: Extract<NodeBinding, { kind: 'output-level' | 'output-vals' }>): Record<string, readonly number[]> {
  if (b.kind === 'output-vals') return { vals: t.vals };
  const l = t.levels[b.level];
  return l.kind === 's' ? { seg: l.seg, crd: l.crd } : {};
}

export function runGraph(g: SamGraph, inputs: Readonly<Record<string, Tensor>>): GraphRun {
  const trees = new Map<string, Fibertree>();
  for (const b of g.inputs) {
    const t = inputs[b.tensor];
    if (!t) throw new Error(`run-graph: no input tensor ${b.tensor}`);
    if (t.shape.length !== b.shape.length || t.shape.some((s, m) => s !== b.shape[m])) {
      throw new Error(`run-graph: tensor ${b.tensor} has shape ${t.shape.join('x') || 'scalar'} but the graph was built for ${b.shape.join('x') || 'scalar'}`);
    }
    trees.set(b.tensor, encode(t, parseFormat(b.format, b.shape.length)));
  }

  const streams = new Map<string, Stream>();
  const feeds = new Map<string, Map<string, PortRef | 'root'>>(g.nodes.map((n) => [n.id, new Map()]));
  for (const r of g.roots) feeds.get(r.node)!.set(r.port, 'root');
  for (const e of g.edges) feeds.get(e.to.node)!.set(e.to.port, e.from);

  // Arrays the output's writers filled, by binding: level -> its seg/crd, and the vals.
  const written = new Map<number, Record<string, number[]>>();
  let vals: number[] | undefined;
  for (const n of topological(g)) {
    const ins: Record<string, Stream> = {};
    for (const [port, from] of feeds.get(n.id)!) ins[port] = from === 'root' ? ROOT_REF : streams.get(key(from))!;
    let outs: Record<string, Stream>;
    try {
      outs = execute(n, ins, trees);
    } catch (err) {
      throw new Error(`run-graph: node ${n.id} (${n.label}): ${(err as Error).message}`);
    }
    const writes = primDef(n.prim).arrays?.writes ?? [];
    const b = n.binding;
    if (b?.kind === 'output-level' || b?.kind === 'output-vals') {
      const want = OUTPUT_ARRAYS[b.kind];
      if (want.some((a) => !writes.includes(a))) throw new Error(`run-graph: node ${n.id} (${n.label}) has a ${b.kind} binding but writes ${writes.join(', ') || 'no arrays'}, not ${want.join(', ')}`);
      const arrays = Object.fromEntries(want.map((a) => [a, outs[a].slice(0, -1) as number[]]));
      if (b.kind === 'output-level') written.set(b.level, arrays);
      else vals = arrays.vals;
    }
    for (const [port, s] of Object.entries(outs)) if (!writes.includes(port)) streams.set(`${n.id}.${port}`, s);
  }

  const edgeTokens = g.edges.map((e) => streams.get(key(e.from))!);
  const idealCycles = Math.max(g.roots.length > 0 ? ROOT_REF.length : 0, ...edgeTokens.map((s) => s.length));
  const fmt = parseFormat(g.output.format, g.output.shape.length);
  const levels: Level[] = g.output.levels.map((l) => {
    if (l.kind === 'd') return { kind: 'd', size: l.size };
    const w = written.get(l.level);
    if (!w) throw new Error(`run-graph: output level ${l.level} was not written`);
    return { kind: 's', seg: w.seg, crd: w.crd };
  });
  if (!vals) throw new Error('run-graph: the output values were not written');
  // A dense last level's values are written for every position its writer may see: keep the ones that exist.
  const fibertree: Fibertree = { format: fmt, levels, vals: vals.slice(0, lastLevelPositions(levels)) };
  return { output: decode(fibertree, g.output.shape), fibertree, edgeTokens, idealCycles };
}

/** The memory a node's binding names: an input level's seg/crd, an input tensor's vals. */
export function boundMemory(n: GraphNode, trees: ReadonlyMap<string, Fibertree>): BoundMemory {
  const b = n.binding;
  if (b?.kind === 'input-level') return { level: trees.get(b.tensor)!.levels[b.level] };
  if (b?.kind === 'input-vals') return { vals: trees.get(b.tensor)!.vals };
  return {};
}

function execute(n: GraphNode, ins: Record<string, Stream>, trees: ReadonlyMap<string, Fibertree>): Record<string, Stream> {
  const d = primDef(n.prim);
  const config = d.bind ? d.bind(n.config, boundMemory(n, trees)) : n.config;
  return runPrimitive(n.prim, config as never, ins);
}

/** Positions of the last level of a fibertree (the number of its values). */
export function lastLevelPositions(levels: readonly Level[]): number {
  let n = 1;
  for (const l of levels) n = l.kind === 'd' ? n * l.size : l.seg[n];
  return n;
}

/** Kahn's algorithm; a cycle (never built by sam-graph) is an error. */
function topological(g: SamGraph): GraphNode[] {
  const indeg = new Map(g.nodes.map((n) => [n.id, 0]));
  const succ = new Map<string, string[]>(g.nodes.map((n) => [n.id, []]));
  for (const e of g.edges) {
    indeg.set(e.to.node, indeg.get(e.to.node)! + 1);
    succ.get(e.from.node)!.push(e.to.node);
  }
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const ready = g.nodes.filter((n) => indeg.get(n.id) === 0).map((n) => n.id);
  const order: GraphNode[] = [];
  while (ready.length > 0) {
    const id = ready.pop()!;
    order.push(byId.get(id)!);
    for (const s of succ.get(id)!) {
      indeg.set(s, indeg.get(s)! - 1);
      if (indeg.get(s) === 0) ready.push(s);
    }
  }
  if (order.length !== g.nodes.length) throw new Error('run-graph: the graph has a cycle');
  return order;
}
