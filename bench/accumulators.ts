/**
 * Figures for the sparse accumulators (issue 9; not a test, prints measurements):
 * cycles / idealCycles of Gustavson (SpAcc1) and the outer product (SpAcc2) on
 * karate and LFAT5 on the RTL, and the generic cell counts of every MEM
 * primitive module (the accumulators among them) and of the MEM tile.
 * Usage: node bin/run-ts.js bench/accumulators.ts
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeRun } from '../flow/run.ts';
import { renderVerilog } from '../generator/emit.ts';
import { buildIR } from '../generator/ir.ts';
import { PRESETS, validateSpec } from '../generator/spec.ts';
import { PRIMITIVES } from '../sam/prims/index.ts';
import { flatCells, synthesize } from '../synth/yosys.ts';

const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/mtx/real');
// The outer product of karate needs 34 x 64 accumulator entries: a wider accumulator and a deeper MEM tile.
const wide = validateSpec({ ...PRESETS.default, accWidth: 4096, memDepth: 4096 });
const runs = [
  { title: 'Gustavson LFAT5^2', order: 'i,k,j', format: [], m: 'LFAT5', spec: validateSpec(PRESETS.default) },
  { title: 'Gustavson karate^2', order: 'i,k,j', format: [], m: 'karate', spec: validateSpec(PRESETS.default) },
  { title: 'outer product LFAT5^2', order: 'k,i,j', format: ['B=ss:1,0'], m: 'LFAT5', spec: validateSpec(PRESETS.default) },
  { title: 'outer product karate^2 (accWidth 4096)', order: 'k,i,j', format: ['B=ss:1,0'], m: 'karate', spec: wide },
];
console.log('kernel                                   cycles    ideal  ratio  wall s  exact');
for (const r of runs) {
  const t0 = performance.now();
  const { report } = await executeRun({
    spec: r.spec, expr: 'X(i,j)=B(i,k)*C(k,j)', format: r.format, order: r.order,
    input: [`B=${REAL}/${r.m}.mtx`, `C=${REAL}/${r.m}.mtx`], values: 'seed:1', simulator: 'verilator',
  });
  const s = ((performance.now() - t0) / 1000).toFixed(1);
  console.log(`${r.title.padEnd(40)} ${String(report.cycles).padStart(7)} ${String(report.idealCycles).padStart(8)} ${(report.cycles / report.idealCycles).toFixed(2).padStart(6)} ${s.padStart(7)}  ${report.match}`);
}

console.log('\nyosys generic cells of every MEM primitive (default: accWidth 256, memDepth 2048)');
const files = renderVerilog(buildIR(validateSpec(PRESETS.default)));
for (const d of PRIMITIVES) {
  if (d.tile !== 'mem' || !d.rtl) continue;
  const m = d.rtl.module;
  console.log(`  ${m.padEnd(28)} ${flatCells(await synthesize(files, m), m)}`);
}
const tile = await synthesize(files, 'basalt_mem_tile');
console.log(`  basalt_mem_tile        ${flatCells(tile, 'basalt_mem_tile')} (core ${flatCells(tile, 'basalt_mem_core')})`);
