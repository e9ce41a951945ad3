/**
 * Where each kernel's cycles go (issue 11, step 1; not a test, prints measurements): every kernel of
 * the table on the default array with random inputs, on the fast model (cycles against the golden
 * ideal) and on the debug model (sim/profile.ts): the bottleneck node, how long its producers
 * waited on it, and the most stalled edge.
 * Usage: node bin/run-ts.js bench/profile.ts [size] [density]   (default 24, 0.3; 3-tensors half the size)
 */
import { PRESETS, validateSpec } from '../generator/spec.ts';
import { buildIR } from '../generator/ir.ts';
import { TABLE, graphOf, randomInputs, uniformDims } from '../flow/kernel-table.ts';
import { mapKernel } from '../compiler/map-kernel.ts';
import { runGraph } from '../golden/run-graph.ts';
import { runOnRtl } from '../sim/run-kernel.ts';
import { debugRun } from '../sim/debug.ts';
import { defaultCycleLimit } from '../sim/stall.ts';
import { kernelProfile } from '../sim/profile.ts';
import { tensorDiff } from '../formats/tensor.ts';

const size = Number(process.argv[2] ?? 24);
const density = Number(process.argv[3] ?? 0.3);
const spec = validateSpec(PRESETS.default);
const ir = buildIR(spec);
console.log(`default array, random inputs of size ${size}, density ${density}`);
console.log('kernel                              cycles    ideal  ratio  exact  bottleneck (waited)  /  most stalled edge');
for (const c of TABLE) {
  // 3-tensors at half the size: their levels must fit a MEM tile whole.
  const dims = uniformDims(c, Object.values(c.inputs).some((v) => v.length === 3) ? Math.ceil(size / 2) : size);
  const { kernel, graph } = graphOf(c, dims);
  const inputs = randomInputs(c, dims, density, 1);
  const gold = runGraph(graph, inputs);
  try {
    const r = await runOnRtl({ spec, kernel, graph, inputs, simulator: 'verilator', golden: gold });
    const m = mapKernel(ir, graph, inputs);
    const p = kernelProfile(m, await debugRun(ir, m, { maxCycles: defaultCycleLimit(gold.idealCycles) }));
    const exact = tensorDiff(r.output, gold.output) === null;
    const top = p.edges[0];
    console.log(`${c.name.padEnd(34)} ${String(r.cycles).padStart(7)} ${String(gold.idealCycles).padStart(8)} ${(r.cycles / gold.idealCycles).toFixed(2).padStart(6)}  ${String(exact).padEnd(5)}  ${p.bottleneck ? `${p.bottleneck.node} (${p.bottleneck.stalled})` : '-'}  /  ${top ? `${top.edge}: ${top.stalled} stalled, ${top.starved} starved` : '-'}`);
  } catch (e) {
    console.log(`${c.name.padEnd(34)} not run: ${(e as Error).message.split('\n')[0]}`);
  }
}
