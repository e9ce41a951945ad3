/**
 * The stream-level diff: when the RTL's result differs from the golden
 * model's, which SAM graph edge is the first to carry a different token. A
 * debug run (sim/debug.ts) records every token at each net's source (the core
 * output) and at each of its sinks (the connection box); the edges are compared
 * with the golden run's edge tokens in topological order, so the first
 * difference is the earliest cause, not one of its consequences.
 */
import { describeNode, edgeLabel, topologicalEdges } from '../compiler/net-map.ts';
import type { MappedKernel } from '../compiler/map-kernel.ts';
import type { HardwareIR } from '../generator/ir.ts';
import type { GraphRun } from '../golden/run-graph.ts';
import type { PortRef, SamGraph } from '../sam/graph.ts';
import { encodeToken, type Stream } from '../sam/tokens.ts';
import { debugRun, wordText, type DebugRun } from './debug.ts';

export interface StreamDiff {
  /** The first edge (topologically) whose tokens differ, `node 'label'.port -> node 'label'.port`. */
  readonly edge: string;
  /** Its index in the mapped graph's edges. */
  readonly edgeIndex: number;
  /** Where its tokens were recorded: at the producing core output, or at the consumer's connection box (then the interconnect changed them). */
  readonly at: 'source' | 'sink';
  readonly where: string;
  /** First differing token: its index, the golden token and the RTL's ('nothing' past the end of a stream). */
  readonly index: number;
  readonly expected: string;
  readonly got: string;
  readonly expectedTokens: number;
  readonly gotTokens: number;
  /** How many edges after it differ too (mostly its consequences). */
  readonly laterEdges: number;
  /** The debug run finished (false: it hit the cycle limit, and only recorded prefixes were compared). */
  readonly complete: boolean;
}

const samePort = (a: PortRef, b: PortRef) => a.node === b.node && a.port === b.port;

/**
 * The golden tokens of every edge of the mapped graph. Hardware lowering only rewires the edges
 * out of nodes it removes (their output equals an input), so each mapped edge keeps the consumer
 * port of an edge of the original graph, whose tokens it carries.
 */
export function expectedEdgeTokens(original: SamGraph, golden: GraphRun, mapped: SamGraph): Stream[] {
  return mapped.edges.map((e) => {
    const i = original.edges.findIndex((o) => samePort(o.to, e.to));
    if (i < 0) throw new Error(`stream diff: edge into ${e.to.node}.${e.to.port} is not in the original graph`);
    return golden.edgeTokens[i];
  });
}

/** First index where `got` differs from `want`; an incomplete run compares only what it recorded. */
function firstDifference(want: readonly number[], got: readonly number[], complete: boolean): number {
  const n = Math.min(want.length, got.length);
  for (let i = 0; i < n; i++) if (want[i] !== got[i]) return i;
  if (want.length === got.length || (!complete && got.length < want.length)) return -1;
  return n;
}

/** Compares a recorded debug run with the golden edge tokens (aligned with m.graph.edges); null when every edge matches. */
export function streamDiff(ir: HardwareIR, m: MappedKernel, run: DebugRun, expected: readonly Stream[]): StreamDiff | null {
  const g = m.graph;
  const dw = ir.spec.dataWidth;
  const words = (node: string) => {
    const w = run.nodes.get(node)?.passed.words;
    if (!w) throw new Error(`stream diff: node ${node} was not recorded`);
    return w;
  };
  const found: Omit<StreamDiff, 'laterEdges'>[] = [];
  for (const e of topologicalEdges(g)) {
    const net = run.nets.find((n) => n.sinks.some((s) => s.edge === e))!;
    const sink = net.sinks.find((s) => s.edge === e)!;
    const want = expected[e].map((t) => encodeToken(t, dw));
    const atSource = words(net.source);
    const cb = sink.path[sink.path.length - 1];
    const atSink = words(cb);
    const kind = g.edges[e].kind;
    let at: 'source' | 'sink' = 'source';
    let got = atSource;
    let i = firstDifference(want, atSource, run.ok);
    if (i < 0) {
      // The producer was right: did the interconnect deliver exactly that?
      i = firstDifference(atSource, atSink, run.ok);
      at = 'sink';
      got = atSink;
    }
    if (i < 0) continue;
    found.push({
      edge: edgeLabel(g, g.edges[e]), edgeIndex: e, at,
      where: at === 'source' ? describeNode(ir, net.source) : describeNode(ir, cb, sink.path[sink.path.length - 2]),
      index: i, expected: wordText(want[i], dw, kind), got: wordText(got[i], dw, kind),
      expectedTokens: want.length, gotTokens: got.length, complete: run.ok,
    });
  }
  return found.length === 0 ? null : { ...found[0], laterEdges: found.length - 1 };
}

export function formatStreamDiff(d: StreamDiff): string {
  return `first wrong stream: ${d.edge}, token ${d.index}: expected ${d.expected}, got ${d.got} ` +
    `(${d.gotTokens} token(s) instead of ${d.expectedTokens}, recorded at ${d.at === 'source' ? 'its source' : 'its sink'}, ${d.where}` +
    `${d.laterEdges > 0 ? `; ${d.laterEdges} later edge(s) differ too` : ''}${d.complete ? '' : '; the debug run hit the cycle limit'})`;
}

/** After a mismatch: the same job on the debug model, recording every net, compared with the golden run. */
export async function findFirstWrongEdge(ir: HardwareIR, m: MappedKernel, original: SamGraph, golden: GraphRun, opts: { maxCycles: number; log?: (line: string) => void }): Promise<StreamDiff | null> {
  opts.log?.('the RTL result differs from the golden model: rerunning on the debug model to find the first wrong stream');
  const run: DebugRun = await debugRun(ir, m, { maxCycles: opts.maxCycles, record: true, log: opts.log });
  return streamDiff(ir, m, run, expectedEdgeTokens(original, golden, m.graph));
}
