/**
 * Tiled kernels on the RTL (issue 10; not a test, prints measurements): real matrices and tensors
 * larger than a MEM tile on the default array, planned into tiles and run back to back (on as many
 * copies as fit) in one simulator process, exact against the whole-tensor reference. Per run: tile
 * shape, tasks, copies, load and compute cycles, the compute hidden behind loading (start groups),
 * total cycles, cycles per input nonzero, wall time. Includes a
 * table like Onyx's evaluation (SpMV and SpMSpM on every matrix of mtx/onyx/), the DNN layer times
 * a random sparse batch, TTV and MTTKRP on splatt_med, amazon_reviews_sample (indices in the
 * millions), then the speed-up of the copies over one copy (runTiled maxCopies 1).
 * Usage: node bin/run-ts.js bench/tiling.ts [--preset NAME] [name-substring ... | copies]
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runTiled } from '../flow/tiled-run.ts';
import { resolveKernel } from '../compiler/resolve.ts';
import { loadInput } from '../flow/run-io.ts';
import { parseValueMode } from '../formats/values.ts';
import { makeTensor, tensorDiff, type Tensor } from '../formats/tensor.ts';
import { evaluate } from '../golden/reference.ts';
import { PRESETS, validateSpec } from '../generator/spec.ts';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data');
const args = process.argv.slice(2);
const presetAt = args.indexOf('--preset');
const preset = presetAt >= 0 ? args.splice(presetAt, 2)[1] : 'default';
const spec = validateSpec(PRESETS[preset]);
const mode = parseValueMode('seed:1');
const file = (name: string, path: string, order: number) => loadInput(name, `${DATA}/${path}`, order, mode, spec.dataWidth);
const rand = (shape: number[], density: number, seed: number) => loadInput('r', `random:${shape.join('x')}:${density}:${seed}`, shape.length, mode, spec.dataWidth);
const transpose = (t: Tensor): Tensor => makeTensor([t.shape[1], t.shape[0]], t.coords.map((c, n) => [[c[1], c[0]], t.values[n]] as [number[], number]));
const mtx = (m: string) => file('B', `mtx/${['G30', 'watt_2', 'bcsstm26', 'Ragusa16', 'lpi_itest6', 'n3c4-b2'].includes(m) ? 'onyx' : 'real'}/${m}.mtx`, 2);

interface Run { title: string; expr: string; formats: Record<string, string>; order?: string[]; inputs: () => Record<string, Tensor> }
const spmvCsr = (m: string): Run => ({
  title: `SpMV CSR dense c, ${m}`, expr: 'x(i)=B(i,j)*c(j)', formats: { B: 'ds', c: 'd' },
  inputs: () => { const B = mtx(m); return { B, c: rand([B.shape[1]], 1, 5) }; },
});
const spmvCsc = (m: string): Run => ({
  title: `SpMV CSC sparse c, ${m}`, expr: 'x(i)=B(i,j)*c(j)', formats: { B: 'ss:1,0', c: 's' }, order: ['j', 'i'],
  inputs: () => { const B = mtx(m); return { B, c: rand([B.shape[1]], 0.5, 5) }; },
});
// B times its transpose (defined for the rectangular matrices too); both CSR, so C's rows are
// located by B's column coordinates.
const gustavsonBBt = (m: string): Run => ({
  title: `SpMSpM Gustavson B*B^T, ${m}`, expr: 'X(i,j)=B(i,k)*C(k,j)', formats: { B: 'ds', C: 'ds' }, order: ['i', 'k', 'j'],
  inputs: () => { const B = mtx(m); return { B, C: transpose(B) }; },
});
const ONYX = ['bcsstm26', 'G30', 'watt_2', 'Ragusa16', 'lpi_itest6', 'n3c4-b2'];
const RUNS: Run[] = [
  ...['jagmesh7', 'olm1000', 'bcsstk13'].map(spmvCsc),
  spmvCsr('bcsstk13'),
  ...ONYX.map(spmvCsr),
  ...ONYX.map(gustavsonBBt),
  { title: 'SpMSpM Gustavson, jagmesh7^2', expr: 'X(i,j)=B(i,k)*C(k,j)', formats: { B: 'ds', C: 'ds' }, order: ['i', 'k', 'j'], inputs: () => ({ B: mtx('jagmesh7'), C: mtx('jagmesh7') }) },
  { title: 'SpMSpM inner product, jagmesh7^2', expr: 'X(i,j)=B(i,k)*C(k,j)', formats: { B: 'ss', C: 'ss:1,0' }, inputs: () => ({ B: mtx('jagmesh7'), C: mtx('jagmesh7') }) },
  {
    title: 'DNN layer x batch (1024x16, 10%)', expr: 'X(i,j)=W(i,k)*Y(k,j)', formats: { W: 'ds', Y: 'ds' }, order: ['i', 'k', 'j'],
    inputs: () => ({ W: file('W', 'mtx/real/dnn-n1024-l1.mtx', 2), Y: rand([1024, 16], 0.1, 7) }),
  },
  {
    title: 'TTV dense c, splatt_med', expr: 'X(i,j)=B(i,j,k)*c(k)', formats: { B: 'sss', c: 'd' },
    inputs: () => ({ B: file('B', 'tns/splatt_med.tns', 3), c: rand([29567], 0.5, 5) }),
  },
  {
    title: 'MTTKRP rank 4 dense C D, splatt_med', expr: 'X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', formats: { B: 'sss', C: 'dd', D: 'dd' },
    inputs: () => ({ B: file('B', 'tns/splatt_med.tns', 3), C: rand([4, 10816], 0.5, 6), D: rand([4, 29567], 0.5, 7) }),
  },
  {
    // c holds a value at every k of B (and others), so the result is not empty.
    title: 'TTV, amazon_reviews_sample', expr: 'X(i,j)=B(i,j,k)*c(k)', formats: { B: 'sss' },
    inputs: () => {
      const B = file('B', 'tns/amazon_reviews_sample.tns', 3);
      const ks = [...new Set(B.coords.map((c) => c[2]))];
      return { B, c: makeTensor([B.shape[2]], [...new Set([...ks, 1, 12345, B.shape[2] - 1])].map((k, n) => [[k], 1 + (n % 7)] as [number[], number])) };
    },
  },
  {
    title: '3-tensor inner product, amazon^2', expr: 'x=B(i,j,k)*C(i,j,k)', formats: { B: 'sss', C: 'sss' },
    inputs: () => { const B = file('B', 'tns/amazon_reviews_sample.tns', 3); return { B, C: B }; },
  },
];

const only = args;
console.log(`${preset} array (${spec.width}x${spec.height}, ${spec.memDepth}-word MEM tiles), values seed:1`);
console.log('run                                       nnz  tile shape                       tasks copies  load cycles compute cyc  overlapped      cycles cyc/nnz   wall s  exact');
for (const r of RUNS) {
  if (only.length > 0 && !only.some((s) => r.title.includes(s))) continue;
  try {
    const inputs = r.inputs();
    const kernel = resolveKernel(r.expr, r.formats, r.order, Object.fromEntries(Object.entries(inputs).map(([t, v]) => [t, v.shape])));
    const t0 = performance.now();
    const res = await runTiled({ spec, kernel, inputs, simulator: 'verilator' });
    const s = (performance.now() - t0) / 1000;
    const reference = evaluate(kernel.assignment, inputs, { dataWidth: spec.dataWidth, outputShape: kernel.output.shape });
    const t = res.tiling;
    const nnz = Object.values(inputs).reduce((a, x) => a + x.values.length, 0);
    const shape = Object.entries(t.tileShape).map(([v, n]) => `${v}${n}`).join(' ');
    console.log(`${r.title.padEnd(38)} ${String(nnz).padStart(7)}  ${shape.padEnd(32)} ${String(t.tiles).padStart(5)} ${String(t.copies).padStart(6)} ${String(t.loadCycles).padStart(12)} ${String(t.computeCycles).padStart(11)} ${String(t.overlapCycles).padStart(11)} ${String(res.cycles).padStart(11)} ${(res.cycles / nnz).toFixed(1).padStart(7)} ${s.toFixed(1).padStart(8)}  ${tensorDiff(res.output, reference) === null}`);
  } catch (e) {
    console.log(`${r.title.padEnd(38)} failed: ${(e as Error).message.slice(0, 400)}`);
  }
}

if (only.length === 0 || only.includes('copies')) {
  // Copies against one copy: the same tasks, the same RTL.
  console.log(`\ncopies speed-up (SpMV CSC sparse c, jagmesh7, ${preset})`);
  const inputs = spmvCsc('jagmesh7').inputs();
  const kernel = resolveKernel('x(i)=B(i,j)*c(j)', { B: 'ss:1,0', c: 's' }, ['j', 'i'], { B: inputs.B.shape, c: inputs.c.shape });
  const reference = evaluate(kernel.assignment, inputs, { dataWidth: spec.dataWidth, outputShape: kernel.output.shape });
  const figures = [];
  for (const maxCopies of [1, Infinity]) {
    const t0 = performance.now();
    const r = await runTiled({ spec, kernel, inputs, simulator: 'verilator', maxCopies });
    figures.push({ copies: r.tiling.copies, cycles: r.cycles, s: (performance.now() - t0) / 1000, exact: tensorDiff(r.output, reference) === null });
  }
  for (const f of figures) console.log(`  ${String(f.copies).padStart(2)} cop${f.copies === 1 ? 'y  ' : 'ies'}: ${f.cycles} cycles, ${f.s.toFixed(1)} s wall, exact ${f.exact}`);
  console.log(`  speed-up in cycles: ${(figures[0].cycles / figures[1].cycles).toFixed(2)}x`);
}
