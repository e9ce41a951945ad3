/** Graphviz rendering of a SAM graph: MEM nodes green, PE nodes orange; edge style by stream kind (as SAM's .gv files). */
import { ROOT_NODE, type EdgeKind, type SamGraph } from '../sam/graph.ts';

const EDGE_STYLE: Record<EdgeKind, string> = { crd: 'dashed', ref: 'bold', val: 'solid', repsig: 'dotted' };
const quote = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

export function toDot(g: SamGraph): string {
  const lines = [`digraph SAM {`, `  comment=${quote(`${g.kernel} order ${g.order.join(',')}`)}`, `  node [shape=box style=filled fontname=Helvetica]`];
  if (g.roots.length > 0) lines.push(`  ${ROOT_NODE} [label="0, D" shape=plaintext style=""]`);
  for (const n of g.nodes) {
    const color = n.tile === 'mem' ? 'palegreen' : 'orange';
    lines.push(`  ${n.id} [label=${quote(n.label)} fillcolor=${color} comment=${quote(n.prim)}]`);
  }
  for (const r of g.roots) lines.push(`  ${ROOT_NODE} -> ${r.node} [label=${quote(r.port)} style=bold]`);
  for (const e of g.edges) {
    lines.push(`  ${e.from.node} -> ${e.to.node} [label=${quote(`${e.from.port}→${e.to.port}`)} style=${EDGE_STYLE[e.kind]}]`);
  }
  lines.push('}');
  return lines.join('\n') + '\n';
}
