/**
 * The sweep engine behind `basalt sweep`: validate the grid, take this shard's
 * points, skip those whose point file is already there (resume), run the rest
 * in up to `jobs` worker processes (one point each; Verilator builds still
 * queue on their machine-wide lock), then write the tables and the report from
 * every point file in the directory. `mergeSweeps` joins the directories of
 * shards of one grid into one.
 *
 * Library code: progress goes to the `onEvent` callback, problems are thrown as
 * UserError; the command line decides what to print.
 */
import { rmSync, existsSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../base/errors.ts';
import { loadGrid, pointLabel, shardPoints, type GridPoint } from './sweep-grid.ts';
import { renderHtml, renderPlots } from './sweep-report.ts';
import { resultRows, resultTable, tableCsv, withoutTiming, type SweepProgress, type SweepTable } from './sweep-results.ts';
import {
  KERNEL_STATUSES, pointDone, prepareSweepDir, readPoint, readPoints, readStoredGrid, removeStaleTemps, writeFileAtomic, writePoint,
  type KernelStatus, type PointResult, type StoredGrid,
} from './sweep-store.ts';

export type SweepEvent =
  | { readonly type: 'start'; readonly name: string; readonly hash: string; readonly points: number; readonly share: number; readonly skipped: number; readonly todo: number; readonly jobs: number }
  | { readonly type: 'point-start'; readonly point: number; readonly label: string }
  | { readonly type: 'point-log'; readonly point: number; readonly label: string; readonly line: string }
  | { readonly type: 'point-done'; readonly point: number; readonly label: string; readonly seconds: number; readonly statuses: Readonly<Record<KernelStatus, number>>; readonly retry: boolean }
  | { readonly type: 'point-crashed'; readonly point: number; readonly label: string; readonly reason: string };

export interface SweepOptions {
  readonly gridFile: string;
  readonly out: string;
  /** Points run at the same time, each in its own process (default 1). */
  readonly jobs?: number;
  /** Run only shard k of n (1-based). */
  readonly shard?: { readonly k: number; readonly n: number };
  /** The command that runs one point; the engine appends the sweep directory and the 0-based point index. */
  readonly worker: readonly string[];
  readonly onEvent?: (e: SweepEvent) => void;
  /** Aborting stops the running points (their files are not written) and launches no more. */
  readonly signal?: AbortSignal;
}

export interface SweepFiles {
  readonly json: string;
  readonly csv: string;
  readonly html: string;
  readonly svgs: readonly string[];
}

export interface SweepSummary {
  readonly name: string;
  readonly hash: string;
  readonly out: string;
  readonly shard: string | null;
  /** Points in the grid, in this shard, run now, skipped (already done). */
  readonly points: number;
  readonly share: number;
  readonly ran: number;
  readonly skipped: number;
  /** Points whose worker ended without writing a result (run again by the next call). */
  readonly crashed: readonly { readonly point: number; readonly label: string; readonly reason: string }[];
  /** Rows of this shard's points by status. */
  readonly statuses: Readonly<Record<KernelStatus, number>>;
  /** Every point of the grid (all shards) has its file in the directory. */
  readonly complete: boolean;
  readonly done: number;
  readonly files: SweepFiles;
  readonly seconds: number;
}

/** The run was interrupted: what was finished is kept, the same command resumes. */
export class SweepInterrupted extends UserError {
  constructor(readonly summary: SweepSummary) {
    super(`interrupted: ${summary.done} of ${summary.points} points done in ${summary.out}; run the same command again to resume`);
    this.name = 'SweepInterrupted';
  }
}

const zeroStatuses = (): Record<KernelStatus, number> => Object.fromEntries(KERNEL_STATUSES.map((s) => [s, 0])) as Record<KernelStatus, number>;

function countStatuses(results: readonly PointResult[]): Record<KernelStatus, number> {
  const c = zeroStatuses();
  for (const r of results) for (const k of r.kernels) c[k.status]++;
  return c;
}

/** The tables, the plots and the report of every point file in the directory. */
export async function writeTables(dir: string, stored: StoredGrid): Promise<{ table: SweepTable; files: SweepFiles }> {
  const points = readPoints(dir, stored);
  const table = resultTable(stored, points);
  const plots = await renderPlots(stored.grid, table);
  const files: SweepFiles = { json: join(dir, 'results.json'), csv: join(dir, 'results.csv'), html: join(dir, 'report.html'), svgs: plots.map((p) => join(dir, 'plots', p.file)) };
  writeFileAtomic(files.json, JSON.stringify(table, null, 1) + '\n');
  writeFileAtomic(files.csv, tableCsv(table));
  for (const p of plots) writeFileAtomic(join(dir, 'plots', p.file), p.svg + '\n');
  const plotsDir = join(dir, 'plots');
  if (existsSync(plotsDir)) {
    const keep = new Set(plots.map((p) => p.file));
    for (const f of readdirSync(plotsDir)) if (f.endsWith('.svg') && !keep.has(f)) rmSync(join(plotsDir, f), { force: true });
  }
  writeFileAtomic(files.html, renderHtml(stored.grid, table, plots));
  return { table, files };
}

interface WorkerOutcome {
  readonly result?: PointResult;
  readonly reason?: string;
  readonly canceled: boolean;
}

async function runWorker(opts: SweepOptions, dir: string, stored: StoredGrid, p: GridPoint, label: string): Promise<WorkerOutcome> {
  const [cmd, ...args] = opts.worker;
  const tail: string[] = [];
  const child = execa(cmd, [...args, dir, String(p.index)], { reject: false, stdin: 'ignore', stdout: 'ignore', stderr: 'pipe', buffer: false, ...(opts.signal ? { cancelSignal: opts.signal } : {}) });
  let partial = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.trim()) continue;
      tail.push(line);
      if (tail.length > 20) tail.shift();
      opts.onEvent?.({ type: 'point-log', point: p.index + 1, label, line });
    }
  });
  const r = await child;
  if (partial.trim()) tail.push(partial);
  if (r.isCanceled || opts.signal?.aborted) return { canceled: true };
  const result = readPoint(dir, stored, p.index);
  if (r.exitCode === 0 && result) return { result, canceled: false };
  const how = r.signal ? `killed by ${r.signal}` : `exited with status ${r.exitCode}`;
  const last = tail.filter((l) => !/^\s*at /.test(l)).slice(-3).join(' | ');
  return { reason: `worker ${how}${last ? `: ${last}` : ''}`, canceled: false };
}

/** Runs (or resumes) a sweep into `out`; returns what it did. Throws UserError on a bad grid, before running anything. */
export async function runSweep(opts: SweepOptions): Promise<SweepSummary> {
  const t0 = performance.now();
  const jobs = opts.jobs ?? 1;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > 256) throw new UserError(`--jobs ${jobs}: expected an integer from 1 to 256`);
  if (opts.worker.length === 0) throw new Error('runSweep: no worker command');
  const grid = loadGrid(opts.gridFile);
  const dir = resolve(opts.out);
  const stored = prepareSweepDir(dir, grid);
  removeStaleTemps(dir);

  const mine = shardPoints(stored.grid.points, opts.shard);
  const todo = mine.filter((p) => {
    const r = readPoint(dir, stored, p.index);
    return !(r && pointDone(r));
  });
  opts.onEvent?.({ type: 'start', name: grid.name, hash: grid.hash, points: stored.grid.points.length, share: mine.length, skipped: mine.length - todo.length, todo: todo.length, jobs });

  const crashed: { point: number; label: string; reason: string }[] = [];
  let ran = 0;
  const queue = [...todo];
  const lane = async () => {
    for (let p = queue.shift(); p && !opts.signal?.aborted; p = queue.shift()) {
      const label = pointLabel(p.set);
      opts.onEvent?.({ type: 'point-start', point: p.index + 1, label });
      const tp = performance.now();
      const o = await runWorker(opts, dir, stored, p, label);
      if (o.canceled) return;
      if (o.result) {
        ran++;
        opts.onEvent?.({ type: 'point-done', point: p.index + 1, label, seconds: Math.round(performance.now() - tp) / 1000, statuses: countStatuses([o.result]), retry: !pointDone(o.result) });
      } else {
        crashed.push({ point: p.index + 1, label, reason: o.reason ?? 'unknown' });
        opts.onEvent?.({ type: 'point-crashed', point: p.index + 1, label, reason: o.reason ?? 'unknown' });
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(jobs, Math.max(1, todo.length)) }, lane));

  const { table, files } = await writeTables(dir, stored);
  removeStaleTemps(dir);
  const shareSet = new Set(mine.map((p) => p.index));
  const summary: SweepSummary = {
    name: grid.name, hash: grid.hash, out: dir, shard: opts.shard ? `${opts.shard.k}/${opts.shard.n}` : null,
    points: stored.grid.points.length, share: mine.length, ran, skipped: mine.length - todo.length, crashed,
    statuses: countStatuses(readPoints(dir, stored).filter((r) => shareSet.has(r.index))),
    complete: table.sweep.complete, done: table.sweep.done, files, seconds: Math.round(performance.now() - t0) / 1000,
  };
  if (opts.signal?.aborted) throw new SweepInterrupted(summary);
  return summary;
}

export interface MergeSummary extends SweepProgress {
  readonly out: string;
  readonly inputs: readonly string[];
  readonly statuses: Readonly<Record<KernelStatus, number>>;
  readonly files: SweepFiles;
}

/** The design part of a point result (its rows without timing), to compare two runs of one point. */
const designOf = (stored: StoredGrid, r: PointResult) => JSON.stringify(resultRows(stored.grid, [r]).map(withoutTiming));

/**
 * Joins sweep directories of one grid (shards, or partial runs) into `out`:
 * refuses directories of different grids, takes each point from the directory
 * that has it (a done result over a failed one; two done results must agree),
 * and writes the tables and the report of them all.
 */
export async function mergeSweeps(dirs: readonly string[], out: string): Promise<MergeSummary> {
  if (dirs.length === 0) throw new UserError('sweep merge: name at least one sweep directory');
  const inputs = dirs.map((d) => resolve(d));
  const grids = inputs.map((d, i) => {
    if (!existsSync(d)) throw new UserError(`sweep merge: ${dirs[i]}: no such directory`);
    const g = readStoredGrid(d);
    if (!g) throw new UserError(`sweep merge: ${dirs[i]} is not a sweep directory (no grid.json)`);
    return g;
  });
  const first = grids[0];
  grids.forEach((g, i) => {
    if (g.hash !== first.hash) {
      throw new UserError(`sweep merge: ${dirs[i]} is a sweep of grid '${g.name}' (hash ${g.hash}) but ${dirs[0]} is of grid '${first.name}' (hash ${first.hash}): only shards of one grid merge`);
    }
  });
  const dir = resolve(out);
  const existing = readStoredGrid(dir);
  const sources = existing?.hash === first.hash && !inputs.includes(dir) ? [...inputs, dir] : inputs;
  const names = [...dirs, out];

  // Every point's pick first: a conflict refuses the merge before anything is written.
  const picks: PointResult[] = [];
  for (const p of first.grid.points) {
    let pick: PointResult | undefined;
    let from = '';
    for (const [i, src] of sources.entries()) {
      const r = readPoint(src, first, p.index);
      if (!r) continue;
      if (!pick || (!pointDone(pick) && pointDone(r))) {
        pick = r;
        from = names[i];
      } else if (pointDone(pick) && pointDone(r) && designOf(first, pick) !== designOf(first, r)) {
        throw new UserError(`sweep merge: point ${p.index + 1} (${pick.label}) has different results in ${from} and ${names[i]} (same grid: a tool or machine difference?)`);
      }
    }
    if (pick) picks.push(pick);
  }
  const stored = prepareSweepDir(dir, { name: first.name, hash: first.hash, grid: first.grid, baseDir: first.baseDir });
  for (const r of picks) writePoint(dir, r);
  const { table, files } = await writeTables(dir, stored);
  return {
    name: stored.name, hash: stored.hash, out: dir, inputs, points: table.sweep.points, done: table.sweep.done, missing: table.sweep.missing,
    complete: table.sweep.complete, statuses: countStatuses(readPoints(dir, stored)), files,
  };
}
