/**
 * The on-disk layout of a sweep directory, and the only code that writes it:
 *
 *   DIR/grid.json          the normalized grid and its hash (which sweep this is)
 *   DIR/points/0001.json   one file per finished point (1-based), written atomically
 *   DIR/results.json|csv   the table of every point file present, one row per (point, kernel)
 *   DIR/report.html        plots and tables; DIR/plots/<kernel>.svg the same plots
 *
 * Every file is written to a temporary name and renamed into place, so a crash
 * or Ctrl-C leaves either the old file or the new one, never half of one. A
 * point is done when its file parses, belongs to this grid and holds no
 * `error` (an internal failure, retried on the next run); resuming, sharding
 * and merging all come down to which point files a directory holds.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../base/errors.ts';
import type { ArchSpec } from '../generator/spec.ts';
import type { Metric } from '../synth/area.ts';
import type { SynthTarget } from '../synth/targets.ts';
import { SWEEP_FORMAT, type Grid, type NormalizedGrid } from './sweep-grid.ts';

/**
 * ok: ran and matched the reference; mismatch: ran, output differs (a hardware bug);
 * unmapped: the kernel does not fit this array (tiles, routing, SRAM capacity, datapath width);
 * failed: refused for another reason given (e.g. the array did not finish);
 * error: an internal failure (a crash, a failed model build): the point is run again on resume.
 */
export const KERNEL_STATUSES = ['ok', 'mismatch', 'unmapped', 'failed', 'error'] as const;
export type KernelStatus = (typeof KERNEL_STATUSES)[number];

export interface KernelResult {
  readonly name: string;
  readonly status: KernelStatus;
  readonly match: boolean | null;
  readonly cycles: number | null;
  readonly idealCycles: number | null;
  /** Tiles the kernel's graph uses, per kind. */
  readonly tiles: { readonly pe: number; readonly mem: number } | null;
  /** Non-zeros of the output. */
  readonly nnz: number | null;
  readonly reason: string | null;
  /** Wall seconds of the whole kernel run (inputs, compile, simulate, check). */
  readonly seconds: number;
  /** The simulator's run phase only. */
  readonly simSeconds: number | null;
}

export interface AreaResult {
  readonly target: SynthTarget;
  readonly status: 'ok' | 'error';
  /** Whole-array figures of the target (cells by type left out). */
  readonly area: Readonly<Partial<Record<Metric, number>>> | null;
  /** Interconnect / array in the target's main metric. */
  readonly interconnectShare: number | null;
  readonly reason: string | null;
  readonly seconds: number;
  /** Every synthesis unit came from the cache. */
  readonly cached: boolean;
}

export interface BuildResult {
  readonly status: 'ok' | 'error';
  readonly reason: string | null;
  /** Includes waiting for the machine-wide build lock. */
  readonly seconds: number;
  /** False when the model came from the cache. */
  readonly built: boolean;
}

export interface PointResult {
  readonly format: number;
  readonly gridHash: string;
  /** 0-based, as in the grid. */
  readonly index: number;
  readonly label: string;
  /** The ArchSpec and its id: `basalt gen --spec DIR/points/0001.json` regenerates the point's RTL. */
  readonly spec: ArchSpec;
  readonly archId: string;
  readonly set: Readonly<Record<string, unknown>>;
  /** Tiles the array has, per kind. */
  readonly arrayTiles: { readonly pe: number; readonly mem: number };
  readonly genSeconds: number;
  readonly area: readonly AreaResult[];
  /** null when the grid's simulator needs no model (golden). */
  readonly build: BuildResult | null;
  readonly kernels: readonly KernelResult[];
  readonly seconds: number;
  /** Machine that ran the point (shards may run anywhere). */
  readonly host: string;
}

/** What DIR/grid.json holds. */
export interface StoredGrid {
  readonly format: number;
  readonly hash: string;
  readonly name: string;
  /** Where relative input paths start, on the machine that last ran into this directory. */
  readonly baseDir: string;
  readonly grid: NormalizedGrid;
}

export const gridFile = (dir: string) => join(dir, 'grid.json');
export const pointsDir = (dir: string) => join(dir, 'points');
/** 1-based file name, zero-padded so the files sort in grid order. */
export const pointFile = (dir: string, index: number) => join(pointsDir(dir), `${String(index + 1).padStart(4, '0')}.json`);

/** Writes a file atomically: a temporary name in the same directory, then a rename. */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}

function asDirError(dir: string, e: unknown): UserError {
  return new UserError(`--out ${dir}: ${(e as Error).message}`);
}

/** The stored grid of a sweep directory, or undefined when it holds none. */
export function readStoredGrid(dir: string): StoredGrid | undefined {
  const path = gridFile(dir);
  if (!existsSync(path)) return undefined;
  let g: StoredGrid;
  try {
    g = JSON.parse(readFileSync(path, 'utf8')) as StoredGrid;
  } catch (e) {
    throw new UserError(`${path}: not valid JSON (${(e as Error).message.split('\n')[0]}): not a sweep directory of this version`);
  }
  if (g?.format !== SWEEP_FORMAT || typeof g.hash !== 'string' || !g.grid) throw new UserError(`${path}: not a sweep grid of format ${SWEEP_FORMAT}`);
  return g;
}

/**
 * Makes DIR a sweep directory of this grid: refuses a directory holding
 * another grid's sweep or other files, records the grid otherwise.
 */
export function prepareSweepDir(dir: string, grid: Grid): StoredGrid {
  if (existsSync(dir) && !statSync(dir).isDirectory()) throw new UserError(`--out ${dir}: exists and is not a directory`);
  const old = readStoredGrid(dir);
  if (old && old.hash !== grid.hash) {
    throw new UserError(`--out ${dir} holds a sweep of another grid ('${old.name}', hash ${old.hash}; this one is '${grid.name}', hash ${grid.hash}): give another --out or remove it`);
  }
  if (!old && existsSync(dir)) {
    const other = readdirSync(dir).filter((f) => !f.startsWith('.'));
    if (other.length) throw new UserError(`--out ${dir}: not empty and not a sweep directory (it holds ${other.slice(0, 3).join(', ')}${other.length > 3 ? ', ...' : ''})`);
  }
  const stored: StoredGrid = { format: SWEEP_FORMAT, hash: grid.hash, name: grid.name, baseDir: grid.baseDir, grid: grid.grid };
  try {
    writeFileAtomic(gridFile(dir), JSON.stringify(stored, null, 1) + '\n');
    mkdirSync(pointsDir(dir), { recursive: true });
  } catch (e) {
    throw asDirError(dir, e);
  }
  return stored;
}

/** A point is done when nothing in it failed internally. */
export const pointDone = (r: PointResult): boolean =>
  r.kernels.every((k) => k.status !== 'error') && r.area.every((a) => a.status === 'ok') && (r.build === null || r.build.status === 'ok');

/** The point file of a grid point, if present and of this grid (a foreign or unreadable file counts as absent). */
export function readPoint(dir: string, stored: StoredGrid, index: number): PointResult | undefined {
  const path = pointFile(dir, index);
  if (!existsSync(path)) return undefined;
  try {
    const r = JSON.parse(readFileSync(path, 'utf8')) as PointResult;
    const p = stored.grid.points[index];
    if (r.format !== SWEEP_FORMAT || r.gridHash !== stored.hash || r.index !== index || r.archId !== p.archId || !Array.isArray(r.kernels)) return undefined;
    return r;
  } catch {
    return undefined;
  }
}

/** Every point file of the directory that belongs to its grid, in grid order. */
export function readPoints(dir: string, stored: StoredGrid): PointResult[] {
  return stored.grid.points.flatMap((p) => readPoint(dir, stored, p.index) ?? []);
}

export function writePoint(dir: string, r: PointResult): void {
  writeFileAtomic(pointFile(dir, r.index), JSON.stringify(r, null, 1) + '\n');
}

/** Leftover temporary files of processes that no longer run (a crash between write and rename). */
export function removeStaleTemps(dir: string): void {
  for (const d of [dir, pointsDir(dir), join(dir, 'plots')]) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d)) {
      const m = /^\..*\.(\d+)-[0-9a-f]{8}\.tmp$/.exec(f);
      if (m && !alive(Number(m[1]))) rmSync(join(d, f), { force: true });
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}
