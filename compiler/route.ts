/**
 * Maze routing on the routing graph: breadth-first search from the tree built
 * so far to each sink, so a net with several sinks shares its trunk and
 * branches (fans out) where it must. Nodes taken by other nets are avoided.
 */
import type { HardwareIR } from '../generator/ir.ts';
import type { Connection } from './bitstream.ts';

const consumerCache = new WeakMap<HardwareIR, Map<string, string[]>>();

/** For each node, the mux nodes that can take it as an input. */
export function consumersOf(ir: HardwareIR): Map<string, string[]> {
  let m = consumerCache.get(ir);
  if (!m) {
    m = new Map(ir.graph.nodes.map((n) => [n.id, [] as string[]]));
    for (const n of ir.graph.nodes) for (const i of n.inputs) m.get(i)!.push(n.id);
    consumerCache.set(ir, m);
  }
  return m;
}

export interface RoutedNet {
  readonly source: string;
  readonly sinks: readonly string[];
  readonly connections: Connection[];
  /** Every node the net occupies, source included. */
  readonly nodes: Set<string>;
  /** Node path from source to each sink, in sink order. */
  readonly paths: string[][];
}

export class RouteError extends Error {}

export function routeNet(ir: HardwareIR, source: string, sinks: readonly string[], used: ReadonlySet<string> = new Set()): RoutedNet {
  const consumers = consumersOf(ir);
  if (!ir.nodeById.has(source)) throw new RouteError(`no node '${source}'`);
  const tree = new Set([source]);
  const parent = new Map<string, string>();
  const connections: Connection[] = [];
  const paths: string[][] = [];
  for (const sink of sinks) {
    if (!ir.nodeById.has(sink)) throw new RouteError(`no node '${sink}'`);
    const prev = new Map<string, string>();
    const queue = [...tree];
    const seen = new Set(tree);
    let found = tree.has(sink);
    for (let qi = 0; qi < queue.length && !found; qi++) {
      const n = queue[qi];
      for (const c of consumers.get(n)!) {
        // Another net's node, its sinks included (a connection box takes one input), is off limits.
        if (seen.has(c) || used.has(c)) continue;
        seen.add(c);
        prev.set(c, n);
        if (c === sink) {
          found = true;
          break;
        }
        queue.push(c);
      }
    }
    if (!found) throw new RouteError(`cannot route ${source} to ${sink}: no free path`);
    const back: string[] = [];
    for (let n = sink; !tree.has(n); n = prev.get(n)!) back.push(n);
    let from = back.length ? prev.get(back[back.length - 1])! : sink;
    for (const n of back.reverse()) {
      connections.push({ from, to: n });
      parent.set(n, from);
      tree.add(n);
      from = n;
    }
    const path = [sink];
    while (parent.has(path[0])) path.unshift(parent.get(path[0])!);
    paths.push(path);
  }
  return { source, sinks, connections, nodes: tree, paths };
}

/**
 * Cycles a token needs along a path at full speed: one per FIFO it passes
 * (routing-graph nodes with a `fifo` whose bypass is not set); muxes and
 * bypassed FIFOs are wires.
 */
export function pathLatency(ir: HardwareIR, path: readonly string[], bypassed: ReadonlySet<string> = new Set()): number {
  return path.reduce((acc, id) => acc + (ir.nodeById.get(id)?.fifo && !bypassed.has(id) ? 1 : 0), 0);
}
