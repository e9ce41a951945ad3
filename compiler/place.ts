/**
 * Placement of a SAM graph on the array: every node gets a tile of its kind
 * (MEM for scanners, writers and value arrays; PE for the rest). Greedy and
 * deterministic: nodes in breadth-first order from the roots, each on the free
 * tile closest to its already placed neighbours.
 */
import { CapacityError } from '../base/errors.ts';
import { primMode } from '../generator/cores.ts';
import type { HardwareIR } from '../generator/ir.ts';
import type { GraphNode, SamGraph } from '../sam/graph.ts';

/** The tile kind and mode that run a graph node. */
export const nodeMode = (node: GraphNode): ReturnType<typeof primMode> => primMode(node.prim);

export type Placement = Map<string, number>;

/** What placement reads of a graph (a SAM graph, or a dense-mode graph). */
export type PlaceableGraph = Pick<SamGraph, 'nodes' | 'edges' | 'roots'>;

export function placeGraph(ir: HardwareIR, g: PlaceableGraph): Placement {
  const need = { pe: 0, mem: 0 };
  for (const n of g.nodes) need[nodeMode(n).kind]++;
  const have = { pe: ir.tiles.filter((t) => t.kind === 'pe').length, mem: ir.tiles.filter((t) => t.kind === 'mem').length };
  for (const k of ['pe', 'mem'] as const) {
    if (need[k] > have[k]) throw new CapacityError(`kernel needs ${need[k]} ${k.toUpperCase()} tiles, the array (${ir.spec.width}x${ir.spec.height}) has ${have[k]}: use a larger --preset or --set width/height`);
  }
  const neighbours = new Map<string, string[]>(g.nodes.map((n) => [n.id, []]));
  for (const e of g.edges) {
    neighbours.get(e.from.node)?.push(e.to.node);
    neighbours.get(e.to.node)?.push(e.from.node);
  }
  // Breadth-first from the nodes fed by the root stream, then any left over.
  const order: string[] = [];
  const seen = new Set<string>();
  const queue = [...new Set(g.roots.map((r) => r.node)), ...g.nodes.map((n) => n.id)];
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i];
    if (seen.has(id)) continue;
    seen.add(id);
    order.push(id);
    for (const nb of neighbours.get(id) ?? []) if (!seen.has(nb)) queue.push(nb);
  }
  const byId = new Map(g.nodes.map((n) => [n.id, n]));
  const free = new Set(ir.tiles.map((t) => t.id));
  const placement: Placement = new Map();
  // Start near the middle of the west edge: MEM columns and PE columns interleave from x = 0.
  const anchor = { x: 0, y: Math.floor(ir.spec.height / 2) };
  for (const id of order) {
    const kind = nodeMode(byId.get(id)!).kind;
    const placedNbs = (neighbours.get(id) ?? []).filter((nb) => placement.has(nb)).map((nb) => ir.tiles[placement.get(nb)!]);
    let best = -1;
    let bestCost = Infinity;
    for (const t of ir.tiles) {
      if (t.kind !== kind || !free.has(t.id)) continue;
      const cost = placedNbs.length
        ? placedNbs.reduce((a, p) => a + Math.abs(p.x - t.x) + Math.abs(p.y - t.y), 0)
        : Math.abs(anchor.x - t.x) + Math.abs(anchor.y - t.y);
      if (cost < bestCost) {
        bestCost = cost;
        best = t.id;
      }
    }
    placement.set(id, best);
    free.delete(best);
  }
  return placement;
}
