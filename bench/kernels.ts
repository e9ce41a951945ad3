/**
 * Kernels on the RTL (default array): cycles against the golden model's ideal
 * bound, and wall time per run (mapping + simulation + read-back), on random
 * inputs and on real matrices. Not a test; prints measurements.
 * Usage: node bin/run-ts.js bench/kernels.ts [key=value ...]   (spec overrides, e.g. fifoDepth=4)
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyOverrides, PRESETS, validateSpec } from '../generator/spec.ts';
import { TABLE, graphOf, randomInputs, uniformDims } from '../flow/kernel-table.ts';
import { runOnRtl } from '../sim/run-kernel.ts';
import { runGraph } from '../golden/run-graph.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { executeRun } from '../flow/run.ts';

const spec = validateSpec(applyOverrides({ ...PRESETS.default }, process.argv.slice(2)));
console.log(`default array${process.argv.length > 2 ? ` with ${process.argv.slice(2).join(' ')}` : ''}`);
console.log('kernel                              cycles   ideal  ratio   wall ms  exact');
for (const c of TABLE) {
  const dims = uniformDims(c, 8);
  const { kernel, graph } = graphOf(c, dims);
  const inputs = randomInputs(c, dims, 0.4, 1);
  const gold = runGraph(graph, inputs);
  const t0 = performance.now();
  const r = await runOnRtl({ spec, kernel, graph, inputs, simulator: 'verilator', golden: gold });
  const ms = performance.now() - t0;
  const exact = tensorDiff(r.output, gold.output) === null;
  console.log(`${c.name.padEnd(34)} ${String(r.cycles).padStart(7)} ${String(gold.idealCycles).padStart(7)} ${(r.cycles / gold.idealCycles).toFixed(2).padStart(6)} ${ms.toFixed(0).padStart(9)}  ${exact}`);
}

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/mtx/real');
const real = [
  { title: 'SpMV CSR west0067', expr: 'x(i)=B(i,j)*c(j)', format: ['B=ds', 'c=d'], input: [`B=${REAL}/west0067.mtx`, 'c=random:67:1:5'] },
  { title: 'SpMV DCSR karate, sparse c', expr: 'x(i)=B(i,j)*c(j)', format: ['B=ss', 'c=s'], input: [`B=${REAL}/karate.mtx`, 'c=random:34:0.5:5'] },
  { title: 'SpMSpM inner LFAT5^2', expr: 'X(i,j)=B(i,k)*C(k,j)', format: ['B=ss', 'C=ss:1,0'], input: [`B=${REAL}/LFAT5.mtx`, `C=${REAL}/LFAT5.mtx`] },
  { title: 'SpMSpM inner karate^2', expr: 'X(i,j)=B(i,k)*C(k,j)', format: ['B=ss', 'C=ss:1,0'], input: [`B=${REAL}/karate.mtx`, `C=${REAL}/karate.mtx`] },
  { title: 'elementwise add west0067 + random', expr: 'X(i,j)=B(i,j)+C(i,j)', format: [], input: [`B=${REAL}/west0067.mtx`, 'C=random:67x67:0.05:3'] },
];
for (const k of real) {
  const t0 = performance.now();
  const { report } = await executeRun({ spec, expr: k.expr, format: k.format, input: k.input, values: 'seed:1', simulator: 'verilator' });
  console.log(`${k.title.padEnd(34)} ${String(report.cycles).padStart(7)} ${String(report.idealCycles).padStart(7)} ${(report.cycles / report.idealCycles).toFixed(2).padStart(6)} ${(performance.now() - t0).toFixed(0).padStart(9)}  ${report.match}`);
}
