/**
 * `basalt run`: compile a kernel to a SAM graph, run it, and check the result
 * against the golden reference (DESIGN.md "The basalt command"); the pipeline
 * itself is flow/run.ts.
 */
import type { Command } from 'commander';
import { executeRun, SIMULATORS } from '../../flow/run.ts';
import { CYCLE_LIMIT_FACTOR, CYCLE_LIMIT_SLACK, formatStallReport, StallError } from '../../sim/stall.ts';
import { addArchOptions, loadSpec, type ArchOptions } from '../arch-options.ts';
import { tileProgress } from '../progress.ts';

export interface RunOptions extends ArchOptions {
  expr: string;
  format: string[];
  order?: string;
  input: string[];
  values: string;
  output?: string;
  dumpInputs?: string;
  simulator: string;
  maxCycles?: string;
  trace?: string;
  profile?: boolean;
  mode?: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerRun(program: Command): void {
  addArchOptions(program.command('run').description('compile a kernel to a SAM graph, run it, and compare with the golden reference'))
    .requiredOption('--expr <expr>', 'kernel in index notation, e.g. x(i)=B(i,j)*c(j)')
    .option('--format <T=FMT>', 'storage format of a tensor, e.g. B=ds, C=ss:1,0 (repeatable; default all s)', collect, [])
    .option('--order <vars>', 'loop order, e.g. i,j,k (default: a concordant one)')
    .option('--input <T=SRC>', 'input tensor: T=FILE (.mtx/.tns) or T=random:SHAPE:DENSITY:SEED (repeatable)', collect, [])
    .option('--values <mode>', 'value conversion: file, ones or seed:N', 'file')
    .option('--output <file>', 'write the result (.mtx for order 0-2, .tns for order 3+)')
    .option('--dump-inputs <dir>', 'write every input tensor as used')
    .option('--simulator <name>', `${SIMULATORS.join(' | ')}`, 'verilator')
    .option('--max-cycles <n>', `cycle limit of the RTL run (default: ${CYCLE_LIMIT_FACTOR} x the golden idealCycles + ${CYCLE_LIMIT_SLACK}); hitting it prints a stall report`)
    .option('--trace <file>', 'write the waveform of the RTL run (.fst or .vcd, for GTKWave / Surfer)')
    .option('--profile', 'also run the debug model: per SAM graph edge, the cycles a token waited (stalled) and none came (starved), and the bottleneck')
    .option('--mode <m>', 'sparse | dense (default: dense when every tensor is d in every mode, or the expression has an affine index or a shift)')
    .option('--json', 'print one JSON object')
    .action(async (opts: RunOptions) => {
      let run;
      const bar = tileProgress('tile tasks');
      try {
        run = await executeRun({ ...opts, spec: loadSpec(opts), log: (s) => process.stderr.write(`basalt: ${s}\n`), progress: bar.update });
      } catch (err) {
        bar.stop();
        if (!(err instanceof StallError)) throw err;
        // The stall report is the result of this run: on stdout (one JSON object with --json), the reason on stderr.
        process.stdout.write(opts.json ? JSON.stringify({ match: false, error: err.message, stall: err.report }) + '\n' : formatStallReport(err.report));
        process.stderr.write(`basalt: ${err.message}\n`);
        process.exitCode = 1;
        return;
      }
      bar.stop();
      const { report, summary } = run;
      process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : summary);
      if (!report.match) {
        process.stderr.write(`basalt: ${report.simulator} output differs from the reference: ${report.diff}\n`);
        process.exitCode = 1;
      }
    });
}
