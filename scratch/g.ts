import { resolveKernel } from '../compiler/resolve.ts';
import { buildSamGraph } from '../compiler/sam-graph.ts';
for (const [f, order] of [[{ B: 'sss', C: 'dd', D: 'dd' }, undefined], [{ B: 'sss', C: 'dd:1,0', D: 'dd:1,0' }, undefined], [{ B: 'sss', C: 'dd:1,0', D: 'dd:1,0' }, ['i','k','l','j']]] as const) {
  const k = resolveKernel('X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', f as any, order as any, { B: [10, 12, 14], C: [4, 12], D: [4, 14] });
  const g = buildSamGraph(k, { dataWidth: 16 });
  console.log(JSON.stringify(f), k.order.join(','), g.nodes.length, g.nodes.map((n) => n.prim).join(' '));
  console.log('  inputs', g.inputs.map((b) => `${b.tensor}:${b.levels.map((l) => `${l.kind}${l.scanners.length}`).join('/')}`).join(' '));
}
