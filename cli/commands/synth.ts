import type { Command } from 'commander';
import { addArchOptions, loadSpec, type ArchOptions } from '../arch-options.ts';
import { UserError } from '../../base/errors.ts';
import { buildIR } from '../../generator/ir.ts';
import { renderVerilog } from '../../generator/emit.ts';
import { SYNTH_TARGETS, isSynthTarget } from '../../synth/targets.ts';
import { SynthError } from '../../synth/errors.ts';
import { synthArray } from '../../synth/array.ts';
import { formatArrayReport } from '../../synth/format.ts';
import { flatCells, synthesize } from '../../synth/yosys.ts';

interface SynthOptions extends ArchOptions {
  target: string;
  top?: string;
  cache: boolean;
  json?: boolean;
}

/** Synthesis failures become one-line user messages (exit 1), like every other refusal. */
async function orUserError<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (e) {
    if (e instanceof SynthError) throw new UserError(e.message.replace(/\s*\n\s*/g, ' '));
    throw e;
  }
}

export function registerSynth(program: Command): void {
  addArchOptions(program.command('synth').description('synthesize each tile kind once and the top with Yosys; report area per tile kind (interconnect vs core) and for the array'))
    .option('--target <t>', `generic | ${SYNTH_TARGETS.filter((t) => t !== 'generic').join(' | ')}`, 'generic')
    .option('--top <module>', 'synthesize only this module, flattened cell count (no cache)')
    .option('--no-cache', 'synthesize even when .cache/synth holds the result, and do not store it')
    .option('--json', 'print one JSON object')
    .action(async (opts: SynthOptions) => {
      if (!isSynthTarget(opts.target)) throw new UserError(`--target '${opts.target}': expected one of ${SYNTH_TARGETS.join(', ')}`);
      const target = opts.target;
      const ir = buildIR(loadSpec(opts));
      if (opts.top) {
        const top = opts.top;
        const files = renderVerilog(ir);
        if (!files.has(`${top}.v`)) throw new UserError(`--top '${top}': no such module (known: ${[...files.keys()].map((f) => f.replace(/\.v$/, '')).join(', ')})`);
        const t0 = performance.now();
        const r = await orUserError(() => synthesize(files, top, target));
        const result = { cells: flatCells(r, top), seconds: (performance.now() - t0) / 1000, cellsByType: r.modules[top].cellsByType };
        if (opts.json) console.log(JSON.stringify({ archId: ir.archId, target, modules: { [top]: result } }));
        else console.log(`${top}: ${result.cells} cells (${target}, ${result.seconds.toFixed(1)} s)`);
        return;
      }
      const log = opts.json ? undefined : (line: string) => process.stderr.write(`synth  ${line}\n`);
      const report = await orUserError(() => synthArray(ir, { target, cacheDir: opts.cache ? undefined : null, log }));
      console.log(opts.json ? JSON.stringify(report) : formatArrayReport(report));
    });
}
