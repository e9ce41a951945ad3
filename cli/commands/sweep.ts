/**
 * `basalt sweep --grid FILE --out DIR [--jobs N] [--shard K/N]` and
 * `basalt sweep merge DIR... --out DIR`: design-space sweeps (the engine is
 * flow/sweep.ts). `basalt sweep point DIR INDEX` (hidden) is the worker process
 * that runs one point.
 */
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { UserError } from '../../base/errors.ts';
import { parseShard } from '../../flow/sweep-grid.ts';
import { runSweepPoint } from '../../flow/sweep-point.ts';
import { mergeSweeps, runSweep, SweepInterrupted, type SweepEvent, type SweepSummary } from '../../flow/sweep.ts';
import type { KernelStatus } from '../../flow/sweep-store.ts';

const BIN = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'basalt.js');

/** Exit status of a sweep that finished but holds a mismatch or an internal error (1 is bad input). */
export const SWEEP_PROBLEM_EXIT = 2;

interface SweepOptions {
  grid?: string;
  out?: string;
  jobs: string;
  shard?: string;
  json?: boolean;
}

const counts = (s: Readonly<Record<KernelStatus, number>>) => Object.entries(s).filter(([, n]) => n > 0).map(([k, n]) => `${n} ${k}`).join(', ') || 'no rows';
const shown = (p: string) => {
  const r = relative(process.cwd(), p);
  return r && !r.startsWith('..') ? r : p;
};

function parseJobs(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > 256) throw new UserError(`--jobs '${text}': expected an integer from 1 to 256`);
  return Number(text);
}

/** Progress on stderr: a bar on a terminal, plain lines otherwise (CI logs). */
function progress(json: boolean): { onEvent: (e: SweepEvent) => void; stop: () => void } {
  const say = (s: string) => process.stderr.write(`sweep: ${s}\n`);
  if (json) return { onEvent: () => {}, stop: () => {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: 'sweep {bar} {value}/{total} points | {status}', stream: process.stderr, hideCursor: true, clearOnComplete: false, barsize: 24 },
      cliProgress.Presets.shades_classic,
    );
    const running = new Map<number, string>();
    let started = false;
    let done = 0;
    const later: string[] = [];
    const status = () => [...running].map(([p, s]) => `#${p} ${s}`).join('  ').slice(0, Math.max(40, (process.stderr.columns ?? 120) - 45));
    return {
      onEvent: (e) => {
        if (e.type === 'start') {
          say(`${e.name} (grid ${e.hash}): ${e.share} of ${e.points} points in this run, ${e.skipped} already done, ${e.todo} to run with ${e.jobs} job(s)`);
          bar.start(e.share, e.skipped, { status: '' });
          done = e.skipped;
          started = true;
        } else if (e.type === 'point-start') running.set(e.point, 'starting');
        else if (e.type === 'point-log') running.set(e.point, e.line);
        else {
          running.delete(e.point);
          done++;
          if (e.type === 'point-crashed') later.push(`point ${e.point} (${e.label}) failed: ${e.reason}`);
        }
        if (started) bar.update(done, { status: status() });
      },
      stop: () => {
        if (started) bar.stop();
        started = false;
        for (const l of later.splice(0)) say(l);
      },
    };
  }
  return {
    onEvent: (e) => {
      if (e.type === 'start') say(`${e.name} (grid ${e.hash}): ${e.share} of ${e.points} points in this run, ${e.skipped} already done, ${e.todo} to run with ${e.jobs} job(s)`);
      else if (e.type === 'point-start') say(`point ${e.point} (${e.label}) started`);
      else if (e.type === 'point-log' && e.line.startsWith('build ')) say(`point ${e.point}: ${e.line}`);
      else if (e.type === 'point-done') say(`point ${e.point} (${e.label}) done in ${e.seconds.toFixed(1)} s: ${counts(e.statuses)}${e.retry ? ' (an internal error: re-run to retry)' : ''}`);
      else if (e.type === 'point-crashed') say(`point ${e.point} (${e.label}) failed: ${e.reason}`);
    },
    stop: () => {},
  };
}

function describe(s: SweepSummary): string {
  const f = s.files;
  return [
    `${s.name} (grid ${s.hash})${s.shard ? `, shard ${s.shard}` : ''}: ran ${s.ran}, skipped ${s.skipped} of ${s.share} points; rows ${counts(s.statuses)}; ${s.seconds.toFixed(1)} s`,
    `${s.out}: ${s.done} of ${s.points} points${s.complete ? '' : ' (incomplete: run the other shards or merge them)'} -> ${[f.csv, f.json, f.html].map((p) => shown(p)).join(', ')}, ${f.svgs.length} plot(s) in ${shown(join(s.out, 'plots'))}`,
  ].join('\n');
}

export function registerSweep(program: Command): void {
  // `sweep merge ... --out DIR`: --out after a subcommand belongs to the subcommand, not to `sweep`.
  // Commander needs positional options on every parent for that; the program has no options of its
  // own, so this changes nothing for the other commands.
  program.enablePositionalOptions();
  const sweep = program
    .command('sweep')
    .enablePositionalOptions()
    .description('run a design-space sweep: every point of a grid (gen, synth, build, run each kernel) into DIR/results.{csv,json} and DIR/report.html; resumable')
    .option('--grid <file>', 'grid JSON: base, axes or points, kernels, area targets')
    .option('--out <dir>', 'sweep directory (created; re-running resumes)')
    .option('--jobs <n>', 'points run in parallel processes (Verilator builds still one at a time)', '1')
    .option('--shard <k/n>', 'run only shard K of N (every N-th point); join the shards with `basalt sweep merge`')
    .option('--json', 'print one JSON object')
    .action(async (opts: SweepOptions) => {
      if (!opts.grid) throw new UserError('sweep: give --grid FILE (or `basalt sweep merge DIR... --out DIR`)');
      if (!opts.out) throw new UserError('sweep: give --out DIR');
      const jobs = parseJobs(opts.jobs);
      const shard = opts.shard === undefined ? undefined : parseShard(opts.shard);
      const ac = new AbortController();
      let interrupts = 0;
      const onSigint = () => {
        if (++interrupts > 1) process.exit(130);
        ac.abort();
      };
      process.on('SIGINT', onSigint);
      process.on('SIGTERM', onSigint);
      const p = progress(Boolean(opts.json));
      let summary: SweepSummary;
      try {
        summary = await runSweep({ gridFile: opts.grid, out: opts.out, jobs, ...(shard ? { shard } : {}), worker: [process.execPath, BIN, 'sweep', 'point'], onEvent: p.onEvent, signal: ac.signal });
      } catch (e) {
        p.stop();
        if (e instanceof SweepInterrupted) {
          process.stderr.write(`basalt: sweep ${e.message}\n`);
          process.exit(130);
        }
        throw e;
      } finally {
        process.off('SIGINT', onSigint);
        process.off('SIGTERM', onSigint);
      }
      p.stop();
      console.log(opts.json ? JSON.stringify(summary) : describe(summary));
      const bad = summary.statuses.mismatch + summary.statuses.error + summary.crashed.length;
      if (bad > 0) {
        process.stderr.write(`basalt: sweep finished with ${summary.statuses.mismatch} mismatch(es), ${summary.statuses.error} internal error(s), ${summary.crashed.length} crashed point(s): see ${shown(summary.files.csv)}; re-run to retry errors\n`);
        process.exitCode = SWEEP_PROBLEM_EXIT;
      }
    });

  sweep
    .command('merge')
    .description('join sweep directories of one grid (e.g. shards) into one table and report; refuses directories of different grids')
    .argument('<dirs...>', 'sweep directories')
    .requiredOption('--out <dir>', 'merged sweep directory')
    .option('--json', 'print one JSON object')
    .action(async (dirs: string[], opts: { out: string; json?: boolean }) => {
      const m = await mergeSweeps(dirs, opts.out);
      if (opts.json) console.log(JSON.stringify(m));
      else {
        console.log(`${m.name} (grid ${m.hash}): merged ${dirs.length} director${dirs.length === 1 ? 'y' : 'ies'}: ${m.done} of ${m.points} points, rows ${counts(m.statuses)} -> ${[m.files.csv, m.files.json, m.files.html].map((p) => shown(p)).join(', ')}`);
      }
      if (!m.complete) process.stderr.write(`basalt: sweep merge: ${m.points - m.done} point(s) missing (${m.missing.join(', ')}): the merged table is incomplete\n`);
    });

  sweep
    .command('point', { hidden: true })
    .description('(internal) run one point of a prepared sweep directory')
    .argument('<dir>')
    .argument('<index>', '0-based point index')
    .action(async (dir: string, index: string) => {
      if (!/^\d+$/.test(index)) throw new UserError(`sweep point: index '${index}' is not a number`);
      await runSweepPoint(dir, Number(index), { log: (line) => process.stderr.write(`${line}\n`) });
    });
}
