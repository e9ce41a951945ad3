import type { Command } from 'commander';
import { addArchOptions, loadSpec, type ArchOptions } from '../arch-options.ts';
import { UserError } from '../../base/errors.ts';
import { generateInto } from './gen.ts';
import { lintVerilog } from '../../sim/lint.ts';
import { flatCells, synthesize } from '../../synth/yosys.ts';
import { buildModel } from '../../sim/verilator.ts';
import { runStreamCheck } from '../../sim/stream-check.ts';
import { executeRun } from '../../flow/run.ts';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled real matrices: ../shared/data beside the checkout (as CI lays it out). */
const DATA = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'shared', 'data', 'mtx', 'real');
/** Inputs bundled with the checkout. */
const EXAMPLES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'examples');

/** Real kernels on real SuiteSparse matrices, run on the RTL and checked against the reference. */
const DEMO_KERNELS = [
  { title: 'SpMV (CSR) on west0067', expr: 'x(i)=B(i,j)*c(j)', format: ['B=ds', 'c=d'], input: ['B=west0067.mtx', 'c=random:67:1:5'] },
  { title: 'SpMSpM inner product on karate x karate', expr: 'X(i,j)=B(i,k)*C(k,j)', format: ['B=ss', 'C=ss:1,0'], input: ['B=karate.mtx', 'C=karate.mtx'] },
  // Larger than a MEM tile (and rows wider than the accumulator): planned into tiles, run back to back on parallel copies.
  { title: 'SpMV (CSC, sparse c) on jagmesh7, tiled', expr: 'x(i)=B(i,j)*c(j)', format: ['B=ss:1,0', 'c=s'], order: 'j,i', input: ['B=jagmesh7.mtx', 'c=random:1138:0.5:5'] },
  // Dense mode on the same model: line buffers, row filters, 8 bands of rows; W's file values are the blur's weights.
  { title: 'dense 3x3 gaussian blur on a 64x64 image', expr: 'Y(i,j)=(W(r,s)*X(i+r,j+s))>>>8', format: [], input: [`W=${EXAMPLES}/gaussian3x3.mtx`, 'X=random:64x64:1:7'], values: 'file' },
];

/**
 * The bundled default job: generate the default array, lint it, synthesize a
 * tile, build the Verilator model, stream random tokens through routes
 * configured by a bitstream, then compile real sparse kernels on real
 * SuiteSparse matrices, run them on the RTL and check them exactly.
 */
export function registerDemo(program: Command): void {
  addArchOptions(program.command('demo').description('generate, lint, synthesize and stream-check the default array, then run real kernels on real matrices on it'))
    .option('--out <dir>', 'where to write the generated RTL', 'rtl-out/default')
    .option('--tokens <n>', 'tokens per stream', '10000')
    .option('--json', 'print one JSON object')
    .action(async (opts: ArchOptions & { out: string; tokens: string; json?: boolean }) => {
      const say = (s: string) => { if (!opts.json) console.log(s); };
      const tokens = Number(opts.tokens);
      if (!Number.isInteger(tokens) || tokens < 1) throw new UserError(`--tokens '${opts.tokens}': expected a positive integer`);
      const t0 = performance.now();
      const spec = loadSpec(opts, 'default');
      const { ir, files } = generateInto(spec, opts.out);
      const genSeconds = (performance.now() - t0) / 1000;
      say(`gen    ${ir.archId}: ${ir.spec.width}x${ir.spec.height}, ${ir.graph.nodes.length} routing nodes -> ${opts.out} (${genSeconds.toFixed(2)} s)`);

      const lint = await lintVerilog(files, 'basalt_top');
      say(`lint   verilator -Wall: ${lint.warnings.length} warnings`);
      if (!lint.ok) throw new UserError(`lint failed with ${lint.warnings.length} warning(s), first: ${lint.warnings[0] ?? '(verilator exited non-zero)'}`);

      const syn = await synthesize(files, 'basalt_pe_tile');
      const peCells = flatCells(syn, 'basalt_pe_tile');
      say(`synth  yosys: PE tile ${peCells} cells, no latches, check passed`);

      const model = await buildModel(ir, { log: (s) => say(`build  ${s}`) });
      say(`build  Verilator model ${model.built ? `built in ${model.buildSeconds.toFixed(0)} s` : 'from cache'}`);

      const res = await runStreamCheck(ir, model.exe, { tokens, stalls: [0.3, 0], seed: 1 });
      const ok = res.runs.every((r) => r.ok && r.exact.every((s) => s.every(Boolean)));
      for (const r of res.runs) {
        const sinks = r.exact.flat();
        say(`stream stall ${r.stall}: ${sinks.filter(Boolean).length}/${sinks.length} destinations received all ${tokens} tokens in order, ${r.cycles} cycles`);
      }
      say(`sim    ${res.cyclesPerSecond.toFixed(0)} cycles/s`);
      if (!ok) throw new UserError('stream check failed: a destination did not receive exactly the sent tokens');

      const kernels = [];
      for (const k of DEMO_KERNELS) {
        const input = k.input.map((x) => (x.includes('random:') || x.includes(EXAMPLES) ? x : x.replace('=', `=${DATA}/`)));
        for (const f of input) {
          const path = f.slice(f.indexOf('=') + 1);
          if (!path.startsWith('random:') && !existsSync(path)) throw new UserError(`demo data ${path} not found: the checkout needs ../shared/data beside it`);
        }
        const { report } = await executeRun({ spec, expr: k.expr, format: k.format, ...('order' in k ? { order: k.order } : {}), input, values: ('values' in k ? k.values : undefined) ?? 'seed:1', simulator: 'verilator', log: (s) => say(`build  ${s}`) });
        const t = 'tiling' in report ? report.tiling : undefined;
        const tiled = t ? `, ${t.tiles} tile tasks on ${t.copies} cop${t.copies === 1 ? 'y' : 'ies'} (${t.loadCycles} load + ${t.computeCycles} compute, ${t.overlapCycles} overlapped)` : '';
        say(`kernel ${k.title}: ${report.cycles} cycles (ideal ${report.idealCycles})${tiled}, ${report.tiles.pe} PE + ${report.tiles.mem} MEM tiles, output nnz ${report.nnz}, ${report.match ? 'matches the reference exactly' : `MISMATCH: ${report.diff}`}`);
        kernels.push({ title: k.title, mode: report.mode, match: report.match, cycles: report.cycles, idealCycles: report.idealCycles, nnz: report.nnz, ...(t ? { tiling: t } : {}) });
      }
      if (opts.json) {
        console.log(JSON.stringify({
          match: ok && kernels.every((k) => k.match), archId: ir.archId, genSeconds, lintWarnings: lint.warnings.length, peTileCells: peCells,
          buildSeconds: model.buildSeconds, runs: res.runs.map((r) => ({ stall: r.stall, ok: r.ok, cycles: r.cycles })), cyclesPerSecond: res.cyclesPerSecond,
          kernels,
        }));
      }
      const bad = kernels.filter((k) => !k.match);
      if (bad.length) throw new UserError(`kernel check failed: ${bad.map((k) => k.title).join(', ')}`);
      say('PASS');
    });
}
