/**
 * Tiled kernels on the RTL (issue 10; not a test, prints measurements): real
 * matrices and tensors larger than a MEM tile on the default array, planned
 * into tiles and run back to back (and on parallel copies) in one simulator
 * process. Per run: tile tasks, copies, load and compute cycles, cycles per
 * nonzero, wall time, exact against the reference. Then the speed-up of the
 * copies over one copy (flow/tiled-run.ts maxCopies 1).
 * Usage: node bin/run-ts.js bench/tiling.ts [name-substring ...]
 * (the dense c of the CSR SpMV is located by B's coordinates, not scanned per row.)
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeRun } from '../flow/run.ts';
import { runTiled } from '../flow/tiled-run.ts';
import { resolveKernel } from '../compiler/resolve.ts';
import { loadInput } from '../flow/run-io.ts';
import { parseValueMode } from '../formats/values.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { evaluate } from '../golden/reference.ts';
import { PRESETS, validateSpec } from '../generator/spec.ts';

const DATA = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data');
const spec = validateSpec(PRESETS.default);
const n = (m: string) => Number(m.split(' ')[0]);
const SIZES: Record<string, string> = { jagmesh7: '1138 1138', olm1000: '1000 1000', bcsstk13: '2003 2003', 'dnn-n1024-l1': '1024 1024', G30: '2000 2000', watt_2: '1856 1856', bcsstm26: '1922 1922' };
const dir = (m: string) => (['G30', 'watt_2', 'bcsstm26'].includes(m) ? 'mtx/onyx' : 'mtx/real');
const spmvCsc = (m: string) => ({ title: `SpMV CSC sparse c, ${m}`, expr: 'x(i)=B(i,j)*c(j)', format: ['B=ss:1,0', 'c=s'], order: 'j,i', input: [`B=${DATA}/${dir(m)}/${m}.mtx`, `c=random:${n(SIZES[m])}:0.5:5`] });
const RUNS: { title: string; expr: string; format: string[]; order?: string; input: string[] }[] = [
  ...['jagmesh7', 'olm1000', 'bcsstm26', 'watt_2', 'G30', 'bcsstk13'].map(spmvCsc),
  { title: 'SpMV CSR dense c, bcsstk13', expr: 'x(i)=B(i,j)*c(j)', format: ['B=ds', 'c=d'], input: [`B=${DATA}/mtx/real/bcsstk13.mtx`, 'c=random:2003:1:5'] },
  { title: 'SpMSpM Gustavson, jagmesh7^2', expr: 'X(i,j)=B(i,k)*C(k,j)', format: [], order: 'i,k,j', input: [`B=${DATA}/mtx/real/jagmesh7.mtx`, `C=${DATA}/mtx/real/jagmesh7.mtx`] },
  { title: 'SpMSpM inner product, jagmesh7^2', expr: 'X(i,j)=B(i,k)*C(k,j)', format: ['B=ss', 'C=ss:1,0'], input: [`B=${DATA}/mtx/real/jagmesh7.mtx`, `C=${DATA}/mtx/real/jagmesh7.mtx`] },
  { title: 'TTV, splatt_med', expr: 'X(i,j)=B(i,j,k)*c(k)', format: ['B=sss'], input: [`B=${DATA}/tns/splatt_med.tns`, 'c=random:29567:0.5:5'] },
];

const only = process.argv.slice(2);
console.log('run                                   tasks copies    load cycles  compute cycles  cyc/nnz   wall s  exact');
for (const r of RUNS) {
  if (only.length > 0 && !only.some((s) => r.title.includes(s))) continue;
  const t0 = performance.now();
  try {
    const { report } = await executeRun({ spec, expr: r.expr, format: r.format, ...(r.order ? { order: r.order } : {}), input: r.input, values: 'seed:1', simulator: 'verilator' });
    const s = (performance.now() - t0) / 1000;
    const t = report.tiling ?? { tiles: 1, copies: 1, loadCycles: 0, computeCycles: report.cycles };
    const nnz = Object.values(report.inputs).reduce((a, x) => a + x.nnz, 0);
    console.log(`${r.title.padEnd(37)} ${String(t.tiles).padStart(5)} ${String(t.copies).padStart(6)} ${String(t.loadCycles).padStart(14)} ${String(t.computeCycles).padStart(15)} ${(nnz ? report.cycles / nnz : 0).toFixed(1).padStart(8)} ${s.toFixed(1).padStart(8)}  ${report.match}`);
  } catch (e) {
    console.log(`${r.title.padEnd(37)} refused: ${(e as Error).message}`);
  }
}

// Copies against one copy: the same tasks, the same RTL.
console.log('\ncopies speed-up (SpMV CSC sparse c, jagmesh7)');
const mode = parseValueMode('seed:1');
const inputs = { B: loadInput('B', `${DATA}/mtx/real/jagmesh7.mtx`, 2, mode, 16), c: loadInput('c', 'random:1138:0.5:5', 1, mode, 16) };
const kernel = resolveKernel('x(i)=B(i,j)*c(j)', { B: 'ss:1,0', c: 's' }, ['j', 'i'], { B: inputs.B.shape, c: inputs.c.shape });
const reference = evaluate(kernel.assignment, inputs, { dataWidth: 16, outputShape: kernel.output.shape });
const base = { spec, kernel, inputs, simulator: 'verilator' as const };
const figures = [];
for (const maxCopies of [1, Infinity]) {
  const t0 = performance.now();
  const r = await runTiled({ ...base, maxCopies });
  figures.push({ copies: r.tiling.copies, cycles: r.cycles, s: (performance.now() - t0) / 1000, exact: tensorDiff(r.output, reference) === null });
}
for (const f of figures) console.log(`  ${String(f.copies).padStart(2)} cop${f.copies === 1 ? 'y  ' : 'ies'}: ${f.cycles} cycles, ${f.s.toFixed(1)} s wall, exact ${f.exact}`);
console.log(`  speed-up in cycles: ${(figures[0].cycles / figures[1].cycles).toFixed(2)}x`);
