import type { Command } from 'commander';
import { addArchOptions, loadSpec, type ArchOptions } from '../arch-options.ts';
import { UserError } from '../errors.ts';
import { buildIR } from '../../generator/ir.ts';
import { renderAll, writeOutputs } from '../../generator/outputs.ts';
import { lintVerilog } from '../../sim/lint.ts';
import { flatCells, synthesize } from '../../synth/yosys.ts';
import { buildModel } from '../../sim/verilator.ts';
import { runStreamCheck } from '../../sim/stream-check.ts';

/**
 * The bundled default job: generate the default array, lint it, synthesize a
 * tile, build the Verilator model and stream random tokens through routes
 * configured by a bitstream, checking every token.
 */
export function registerDemo(program: Command): void {
  addArchOptions(program.command('demo').description('generate, lint, synthesize and stream-check the default array'))
    .option('--out <dir>', 'where to write the generated RTL', 'rtl-out/default')
    .option('--tokens <n>', 'tokens per stream', '10000')
    .option('--json', 'print one JSON object')
    .action(async (opts: ArchOptions & { out: string; tokens: string; json?: boolean }) => {
      const say = (s: string) => { if (!opts.json) console.log(s); };
      const tokens = Number(opts.tokens);
      if (!Number.isInteger(tokens) || tokens < 1) throw new UserError(`--tokens '${opts.tokens}': expected a positive integer`);
      const t0 = performance.now();
      const ir = buildIR(loadSpec(opts, 'default'));
      const files = renderAll(ir);
      writeOutputs(files, opts.out);
      const genSeconds = (performance.now() - t0) / 1000;
      say(`gen    ${ir.archId}: ${ir.spec.width}x${ir.spec.height}, ${ir.graph.nodes.length} routing nodes -> ${opts.out} (${genSeconds.toFixed(2)} s)`);

      const lint = await lintVerilog(files, 'basalt_top');
      say(`lint   verilator -Wall: ${lint.warnings.length} warnings`);
      if (!lint.ok) throw new UserError(`lint failed:\n${lint.warnings.join('\n')}`);

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
      if (opts.json) {
        console.log(JSON.stringify({
          match: ok, archId: ir.archId, genSeconds, lintWarnings: lint.warnings.length, peTileCells: peCells,
          buildSeconds: model.buildSeconds, runs: res.runs.map((r) => ({ stall: r.stall, ok: r.ok, cycles: r.cycles })), cyclesPerSecond: res.cyclesPerSecond,
        }));
      }
      if (!ok) throw new UserError('stream check failed: a destination did not receive exactly the sent tokens');
      say('PASS');
    });
}
