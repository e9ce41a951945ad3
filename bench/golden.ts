/**
 * Golden-model speed: SpMV on olm1000 (CSR, DCSR, and CSC through the sparse
 * accumulator), SpMSpM on real matrices squared, both as the inner product
 * (order i,j,k, C ss:1,0) and as Gustavson (order i,k,j, all ss, the sparse
 * accumulator), and the time to read the sparse DNN layer.
 *
 *   node bin/run-ts.js bench/golden.ts
 *
 * The squared matrices are LFAT5 (14 x 14), karate (34 x 34) and west0067
 * (67 x 67, the usual SpMSpM benchmark). Values are converted with
 * --values seed:1 (the files hold reals/patterns).
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { resolveKernel } from '../compiler/resolve.ts';
import { buildSamGraph } from '../compiler/sam-graph.ts';
import { readMtx } from '../formats/mtx.ts';
import { randomTensor } from '../formats/random.ts';
import { tensorDiff, type Tensor } from '../formats/tensor.ts';
import { convertValues } from '../formats/values.ts';
import { evaluate } from '../golden/reference.ts';
import { runGraph } from '../golden/run-graph.ts';

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/mtx/real');
const W = 16;

/** Median wall time of `runs` calls, in ms. */
function time<T>(runs: number, f: () => T): { ms: number; result: T } {
  const ts: number[] = [];
  let result!: T;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    result = f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return { ms: ts[Math.floor(ts.length / 2)], result };
}

const matrix = (file: string): Tensor => convertValues(readMtx(resolve(REAL, file)), { seed: 1 }, W);

function bench(name: string, expr: string, formats: Record<string, string>, order: string[] | undefined, inputs: Record<string, Tensor>, runs: number): void {
  const shapes = Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, t.shape]));
  const kernel = resolveKernel(expr, formats, order, shapes);
  const graph = buildSamGraph(kernel, { dataWidth: W });
  const run = time(runs, () => runGraph(graph, inputs));
  const ref = time(runs, () => evaluate(kernel.assignment, inputs, { dataWidth: W, outputShape: kernel.output.shape }));
  const diff = tensorDiff(run.result.output, ref.result);
  const tokens = run.result.edgeTokens.reduce((s, e) => s + e.length, 0);
  console.log(
    `${name.padEnd(48)} golden ${run.ms.toFixed(1).padStart(8)} ms  (${graph.nodes.length} nodes, ${(tokens / 1e6).toFixed(2)} M tokens, ` +
      `idealCycles ${run.result.idealCycles})  reference ${ref.ms.toFixed(1)} ms  ${diff === null ? 'match' : `MISMATCH ${diff}`}`,
  );
}

const olm = matrix('olm1000.mtx');
const c = randomTensor([olm.shape[1]], 1, 1);
const cs = randomTensor([olm.shape[1]], 0.1, 1);
bench('SpMV olm1000 CSR (B ds, c d)', 'x(i)=B(i,j)*c(j)', { B: 'ds', c: 'd' }, undefined, { B: olm, c }, 5);
bench('SpMV olm1000 DCSR (B ss, c s 10%)', 'x(i)=B(i,j)*c(j)', { B: 'ss', c: 's' }, undefined, { B: olm, c: cs }, 5);
bench('SpMV olm1000 CSC (B ss:1,0, c d; sparse accumulator)', 'x(i)=B(i,j)*c(j)', { B: 'ss:1,0', c: 'd' }, ['j', 'i'], { B: olm, c }, 5);

for (const f of ['LFAT5.mtx', 'karate.mtx', 'west0067.mtx']) {
  const A = matrix(f);
  bench(`SpMSpM ${f} squared (inner product)`, 'X(i,j)=B(i,k)*C(k,j)', { C: 'ss:1,0' }, ['i', 'j', 'k'], { B: A, C: A }, 5);
  bench(`SpMSpM ${f} squared (Gustavson, sparse accumulator)`, 'X(i,j)=B(i,k)*C(k,j)', { B: 'ss', C: 'ss' }, ['i', 'k', 'j'], { B: A, C: A }, 5);
}

const dnn = time(5, () => readMtx(resolve(REAL, 'dnn-n1024-l1.mtx')));
const conv = time(5, () => convertValues(dnn.result, { seed: 1 }, W));
console.log(`read dnn-n1024-l1.mtx (${dnn.result.shape.join('x')}, ${dnn.result.values.length} entries): ${dnn.ms.toFixed(1)} ms, value conversion ${conv.ms.toFixed(1)} ms`);
