/**
 * The results table of a sweep: one row per (point, kernel), in grid order,
 * from the point files a directory holds; written as DIR/results.json and
 * DIR/results.csv. Every column but the timing ones (TIMING_COLUMNS) depends
 * only on the grid: the same grid gives the same table.
 */
import { stringify } from 'csv-stringify/sync';
import { TARGET_METRICS, type Metric } from '../synth/area.ts';
import type { SynthTarget } from '../synth/targets.ts';
import type { NormalizedGrid } from './sweep-grid.ts';
import type { KernelStatus, PointResult, StoredGrid } from './sweep-store.ts';

export type Cell = string | number | boolean | null;
export type ResultRow = Readonly<Record<string, Cell>>;

/** Columns that measure the run rather than the design (they differ between runs of the same grid). */
export const TIMING_COLUMNS = ['genSeconds', 'synthSeconds', 'synthCached', 'buildSeconds', 'modelBuilt', 'kernelSeconds', 'simSeconds', 'host'] as const;

/** Area metrics in the table: the check `uncostedCells` (0 when the estimate is complete) is left out. */
export const areaMetrics = (t: SynthTarget): Metric[] => TARGET_METRICS[t].filter((m) => m !== 'uncostedCells');
export const areaColumn = (t: SynthTarget, m: Metric | 'interconnectShare') => `${t}.${m}`;

export function resultColumns(grid: NormalizedGrid): string[] {
  return [
    'point', 'label', 'archId', ...grid.fields,
    'kernel', 'status', 'match', 'cycles', 'idealCycles', 'tilesPe', 'tilesMem', 'nnz', 'arrayPe', 'arrayMem',
    ...grid.area.targets.flatMap((t) => [...areaMetrics(t).map((m) => areaColumn(t, m)), areaColumn(t, 'interconnectShare')]),
    'reason', ...TIMING_COLUMNS,
  ];
}

const cellOf = (v: unknown): Cell => (Array.isArray(v) ? v.join(' ') : v === undefined ? null : (v as Cell));

/** Rows of the given point files, in grid order (point, then kernel as listed in the grid). */
export function resultRows(grid: NormalizedGrid, points: readonly PointResult[]): ResultRow[] {
  const rows: ResultRow[] = [];
  for (const r of [...points].sort((a, b) => a.index - b.index)) {
    const area: Record<string, Cell> = {};
    const reasons: string[] = [];
    for (const t of grid.area.targets) {
      const a = r.area.find((x) => x.target === t);
      for (const m of areaMetrics(t)) area[areaColumn(t, m)] = a?.area?.[m] ?? null;
      area[areaColumn(t, 'interconnectShare')] = a?.interconnectShare ?? null;
      if (a?.reason) reasons.push(a.reason);
    }
    const synthSeconds = Math.round(r.area.reduce((s, a) => s + a.seconds, 0) * 1000) / 1000;
    for (const k of grid.kernels) {
      const kr = r.kernels.find((x) => x.name === k.name);
      const status: KernelStatus = kr?.status ?? 'error';
      rows.push({
        point: r.index + 1, label: r.label, archId: r.archId,
        ...Object.fromEntries(grid.fields.map((f) => [f, cellOf(r.spec[f])])),
        kernel: k.name, status, match: kr?.match ?? null, cycles: kr?.cycles ?? null, idealCycles: kr?.idealCycles ?? null,
        tilesPe: kr?.tiles?.pe ?? null, tilesMem: kr?.tiles?.mem ?? null, nnz: kr?.nnz ?? null,
        arrayPe: r.arrayTiles.pe, arrayMem: r.arrayTiles.mem,
        ...area,
        reason: [...(kr?.reason ? [kr.reason] : kr ? [] : ['kernel missing from the point file']), ...reasons].join('; ') || null,
        genSeconds: r.genSeconds, synthSeconds, synthCached: r.area.every((a) => a.cached), buildSeconds: r.build?.seconds ?? null, modelBuilt: r.build?.built ?? null,
        kernelSeconds: kr?.seconds ?? null, simSeconds: kr?.simSeconds ?? null, host: r.host,
      });
    }
  }
  return rows;
}

/** Which grid, and how much of it is done: points in the grid, points held, the 1-based numbers of those lacking. */
export interface SweepProgress {
  readonly name: string;
  readonly hash: string;
  readonly points: number;
  readonly done: number;
  readonly missing: readonly number[];
  readonly complete: boolean;
}

export interface SweepTable {
  readonly sweep: SweepProgress & {
    readonly generator: string;
    readonly simulator: string;
    readonly targets: readonly SynthTarget[];
  };
  readonly columns: readonly string[];
  readonly timingColumns: readonly string[];
  readonly points: readonly { readonly point: number; readonly label: string; readonly archId: string; readonly spec: PointResult['spec'] }[];
  readonly rows: readonly ResultRow[];
}

export function resultTable(stored: StoredGrid, points: readonly PointResult[]): SweepTable {
  const { grid } = stored;
  const have = new Set(points.map((p) => p.index));
  const missing = grid.points.filter((p) => !have.has(p.index)).map((p) => p.index + 1);
  return {
    sweep: {
      name: stored.name, hash: stored.hash, generator: grid.generator, simulator: grid.simulator, targets: grid.area.targets,
      points: grid.points.length, done: have.size, missing, complete: missing.length === 0,
    },
    columns: resultColumns(grid),
    timingColumns: [...TIMING_COLUMNS],
    points: [...points].sort((a, b) => a.index - b.index).map((p) => ({ point: p.index + 1, label: p.label, archId: p.archId, spec: p.spec })),
    rows: resultRows(grid, points),
  };
}

export function tableCsv(t: SweepTable): string {
  return stringify(t.rows.map((r) => t.columns.map((c) => r[c] ?? '')), { header: true, columns: [...t.columns], cast: { boolean: (b) => String(b) } });
}

/** A row without its timing columns: what two runs of the same grid must agree on. */
export function withoutTiming(row: ResultRow): ResultRow {
  const out: Record<string, Cell> = { ...row };
  for (const c of TIMING_COLUMNS) delete out[c];
  return out;
}
