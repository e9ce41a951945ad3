/**
 * Where a kernel's cycles go (issue 11): the debug run's probe at each routed net's source (the
 * producing primitive's core output) counts, per cycle, a token passing (valid and ready), a token
 * waiting (valid, ready low: some consumer of the net, or the first FIFO, cannot take it: stalled
 * by a consumer) and no token (valid low: starved by the producer). Every SAM graph edge of the
 * net shares these counts (a fan-out net's wait is charged to each consumer: the probes do not say
 * which one held it). Starved includes the cycles after the producer's last token. The node its
 * inputs wait on most is named the bottleneck.
 */
import type { MappedKernel } from '../compiler/map-kernel.ts';
import { edgeLabel, type NetInfo } from '../compiler/net-map.ts';
import type { DebugRun } from './debug.ts';

export interface EdgeProfile {
  /** Index in the graph's edges. */
  readonly index: number;
  /** `n3 'scan B.j (s)'.out_crd -> n5 'mul'.val_a` */
  readonly edge: string;
  readonly tokens: number;
  /** Cycles a token was offered and not taken. */
  readonly stalled: number;
  /** Cycles the producer offered nothing. */
  readonly starved: number;
}

export interface KernelProfile {
  readonly cycles: number;
  /** Every edge, most stalled first. */
  readonly edges: readonly EdgeProfile[];
  /** The node whose input edges were stalled longest (the one its producers wait on), if any edge stalled. */
  readonly bottleneck: { readonly node: string; readonly stalled: number } | null;
}

export function kernelProfile(m: MappedKernel, run: DebugRun): KernelProfile {
  const g = m.graph;
  const label = (id: string) => `${id} '${g.nodes.find((n) => n.id === id)?.label ?? '?'}'`;
  const edges: EdgeProfile[] = [];
  const stallOf = new Map<string, number>();
  const source = (net: NetInfo) => {
    const s = run.nodes.get(net.source);
    if (!s) throw new Error(`profile: no probe at ${net.source}`);
    return s.passed;
  };
  for (const net of run.nets) {
    const p = source(net);
    for (const sink of net.sinks) {
      edges.push({ index: sink.edge, edge: edgeLabel(g, g.edges[sink.edge]), tokens: p.count, stalled: p.stalled, starved: p.starved });
      stallOf.set(sink.to.node, Math.max(stallOf.get(sink.to.node) ?? 0, p.stalled));
    }
  }
  edges.sort((a, b) => b.stalled - a.stalled || a.edge.localeCompare(b.edge));
  let bottleneck: KernelProfile['bottleneck'] = null;
  for (const [node, stalled] of [...stallOf].sort((a, b) => a[0].localeCompare(b[0]))) {
    if (stalled > 0 && (!bottleneck || stalled > bottleneck.stalled)) bottleneck = { node: label(node), stalled };
  }
  return { cycles: run.cycles, edges, bottleneck };
}

export function formatProfile(p: KernelProfile, top = 12): string {
  const lines = [`where the ${p.cycles} cycles go (per SAM graph edge, at its producer):`, '  tokens  stalled  starved  edge'];
  for (const e of p.edges.slice(0, top)) lines.push(`  ${String(e.tokens).padStart(6)}  ${String(e.stalled).padStart(7)}  ${String(e.starved).padStart(7)}  ${e.edge}`);
  if (p.edges.length > top) lines.push(`  ... ${p.edges.length - top} more edges`);
  lines.push(p.bottleneck ? `bottleneck: ${p.bottleneck.node} (its producers waited ${p.bottleneck.stalled} cycles)` : 'no edge ever waited for its consumer');
  return lines.join('\n');
}
