import type { Command } from 'commander';
import { addArchOptions, loadSpec, type ArchOptions } from '../arch-options.ts';
import { UserError } from '../../base/errors.ts';
import { buildIR } from '../../generator/ir.ts';
import { renderVerilog } from '../../generator/emit.ts';
import { SYNTH_TARGETS, flatCells, synthesize, type SynthTarget } from '../../synth/yosys.ts';

export function registerSynth(program: Command): void {
  addArchOptions(program.command('synth').description('synthesize the tiles and the array with Yosys and report cell counts'))
    .option('--target <t>', `generic | ${SYNTH_TARGETS.filter((t) => t !== 'generic').join(' | ')}`, 'generic')
    .option('--top <module>', 'synthesize only this module (default: PE tile, MEM tile and the whole array)')
    .option('--json', 'print one JSON object')
    .action(async (opts: ArchOptions & { target: string; top?: string; json?: boolean }) => {
      if (!SYNTH_TARGETS.includes(opts.target as SynthTarget)) throw new UserError(`--target '${opts.target}': expected one of ${SYNTH_TARGETS.join(', ')}`);
      const ir = buildIR(loadSpec(opts));
      const files = renderVerilog(ir);
      const tops = opts.top ? [opts.top] : ['basalt_pe_tile', 'basalt_mem_tile', 'basalt_top'];
      for (const t of tops) if (!files.has(`${t}.v`)) throw new UserError(`--top '${t}': no such module (known: ${[...files.keys()].map((f) => f.replace(/\.v$/, '')).join(', ')})`);
      const results: Record<string, { cells: number; seconds: number; cellsByType: Record<string, number> }> = {};
      for (const top of tops) {
        const t0 = performance.now();
        const r = await synthesize(files, top, opts.target as SynthTarget);
        results[top] = { cells: flatCells(r, top), seconds: (performance.now() - t0) / 1000, cellsByType: r.modules[top].cellsByType };
        if (!opts.json) console.log(`${top}: ${results[top].cells} cells (${opts.target}, ${results[top].seconds.toFixed(1)} s)`);
      }
      if (opts.json) console.log(JSON.stringify({ archId: ir.archId, target: opts.target, modules: results }));
    });
}
