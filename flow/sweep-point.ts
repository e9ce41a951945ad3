/**
 * One point of a sweep, in this process: generate the array, synthesize it for
 * each target of the grid, build its simulation model, run every kernel, and
 * write the point file (atomically). Nothing a kernel or a tool does ends the
 * point: a kernel that does not map is recorded with its reason, an internal
 * failure as `error` with its message (so a later run retries the point).
 */
import { hostname } from 'node:os';
import { CapacityError, UserError } from '../base/errors.ts';
import { buildIR } from '../generator/ir.ts';
import { buildModel } from '../sim/verilator.ts';
import { synthArray } from '../synth/array.ts';
import { TARGET_METRICS, type Metric } from '../synth/area.ts';
import { executeRun } from './run.ts';
import { MAIN_METRIC, SWEEP_FORMAT, kernelFormatOptions, kernelInputOptions, pointLabel } from './sweep-grid.ts';
import { readStoredGrid, writePoint, type AreaResult, type BuildResult, type KernelResult, type PointResult, type StoredGrid } from './sweep-store.ts';

const seconds = (t0: number) => Math.round(performance.now() - t0) / 1000;
/** Multi-line tool output as one line (the table holds one reason per row). */
const oneLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' | ').slice(0, 2000);

export interface PointOptions {
  /** Progress lines (synthesis units, model builds, kernels). */
  readonly log?: (line: string) => void;
}

/** Runs point `index` (0-based) of the sweep in `dir` and writes its file; returns the result. */
export async function runSweepPoint(dir: string, index: number, opts: PointOptions = {}): Promise<PointResult> {
  const stored = readStoredGrid(dir);
  if (!stored) throw new UserError(`${dir}: not a sweep directory (no grid.json)`);
  if (!Number.isInteger(index) || index < 0 || index >= stored.grid.points.length) throw new UserError(`point ${index + 1}: the grid has ${stored.grid.points.length} points`);
  const r = await computePoint(stored, index, opts);
  writePoint(dir, r);
  return r;
}

export async function computePoint(stored: StoredGrid, index: number, opts: PointOptions = {}): Promise<PointResult> {
  const log = opts.log ?? (() => {});
  const { grid } = stored;
  const p = grid.points[index];
  const t0 = performance.now();

  const tg = performance.now();
  const ir = buildIR(p.spec);
  const genSeconds = seconds(tg);
  const pe = ir.tiles.filter((t) => t.kind === 'pe').length;

  const area: AreaResult[] = [];
  for (const target of grid.area.targets) {
    const ts = performance.now();
    try {
      const r = await synthArray(ir, { target, log: (l) => log(`synth ${l}`) });
      const figures = Object.fromEntries(TARGET_METRICS[target].map((m) => [m, r.array.area[m] ?? 0])) as Record<Metric, number>;
      area.push({
        target, status: 'ok', area: figures, interconnectShare: r.array.interconnectShare[MAIN_METRIC[target]] ?? null, reason: null,
        seconds: seconds(ts), cached: Object.values(r.run.units).every((u) => u.cached),
      });
    } catch (e) {
      area.push({ target, status: 'error', area: null, interconnectShare: null, reason: `synthesis (${target}) failed: ${oneLine(e)}`, seconds: seconds(ts), cached: false });
    }
  }

  let build: BuildResult | null = null;
  if (grid.simulator === 'verilator') {
    const tb = performance.now();
    try {
      const m = await buildModel(ir, { log: (l) => log(`build ${l}`) });
      build = { status: 'ok', reason: null, seconds: seconds(tb), built: m.built };
    } catch (e) {
      build = { status: 'error', reason: `model build failed: ${oneLine(e)}`, seconds: seconds(tb), built: false };
    }
  }

  const kernels: KernelResult[] = [];
  for (const k of grid.kernels) {
    const tk = performance.now();
    const none = { match: null, cycles: null, idealCycles: null, tiles: null, nnz: null, simSeconds: null };
    if (build?.status === 'error') {
      kernels.push({ name: k.name, status: 'error', ...none, reason: build.reason, seconds: 0 });
      continue;
    }
    log(`kernel ${k.name}`);
    try {
      const { report } = await executeRun({
        spec: p.spec, expr: k.expr, format: kernelFormatOptions(k), ...(k.order === null ? {} : { order: k.order }),
        input: kernelInputOptions(k, stored.baseDir), values: k.values, simulator: grid.simulator, log: (l) => log(`build ${l}`),
      });
      kernels.push({
        name: k.name, status: report.match ? 'ok' : 'mismatch', match: report.match, cycles: report.cycles, idealCycles: report.idealCycles,
        tiles: { pe: report.tiles.pe, mem: report.tiles.mem }, nnz: report.nnz,
        reason: report.match ? null : `output differs from the reference: ${oneLine(report.diff)}`,
        seconds: seconds(tk), simSeconds: grid.simulator === 'golden' ? null : Math.round(report.sim.seconds * 1e6) / 1e6,
      });
    } catch (e) {
      const status = e instanceof CapacityError ? 'unmapped' : e instanceof UserError ? 'failed' : 'error';
      kernels.push({ name: k.name, status, ...none, reason: oneLine(e), seconds: seconds(tk) });
    }
  }

  return {
    format: SWEEP_FORMAT, gridHash: stored.hash, index, label: pointLabel(p.set), spec: p.spec, archId: p.archId, set: p.set,
    arrayTiles: { pe, mem: ir.tiles.length - pe }, genSeconds, area, build, kernels, seconds: seconds(t0), host: hostname(),
  };
}
