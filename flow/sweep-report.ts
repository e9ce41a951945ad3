/**
 * Pictures of a sweep: per kernel an area-versus-cycles scatter with the
 * Pareto front marked (vega-lite compiled to vega, rendered to static SVG in
 * this process: no browser, no canvas), written as DIR/plots/<kernel>.svg and
 * inlined, with the tables, into a self-contained DIR/report.html (no script,
 * no stylesheet or image from elsewhere: it opens offline).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { TEMPLATE_DIR } from '../generator/render.ts';
import type { Metric } from '../synth/area.ts';
import type { SynthTarget } from '../synth/targets.ts';
import { MAIN_METRIC, type NormalizedGrid } from './sweep-grid.ts';
import { areaColumn, type ResultRow, type SweepTable } from './sweep-results.ts';

export interface PlotPoint {
  readonly point: number;
  readonly label: string;
  readonly area: number;
  readonly cycles: number;
}

/**
 * Points no other point beats on both area and cycles (both minimized): sorted
 * by area, a point is on the front when its cycles are below every point of
 * smaller area. Points equal to a front point are on it too.
 */
export function paretoFront<T extends { readonly area: number; readonly cycles: number }>(points: readonly T[]): Set<T> {
  const sorted = [...points].sort((a, b) => a.area - b.area || a.cycles - b.cycles);
  const front = new Set<T>();
  let best = Infinity;
  let last: T | undefined;
  for (const p of sorted) {
    if (p.cycles < best || (last && p.area === last.area && p.cycles === last.cycles && front.has(last))) {
      front.add(p);
      best = Math.min(best, p.cycles);
    }
    last = p;
  }
  return front;
}

const METRIC_LABEL: Partial<Record<Metric, string>> = { transistors: 'transistors (estimate)', luts: 'LUTs', cells: 'cells', ffs: 'flip-flops', sramBits: 'SRAM bits' };
export const plotFileName = (kernel: string) => `${kernel}.svg`;

function scatterSpec(title: string, subtitle: string, xTitle: string, data: readonly (PlotPoint & { front: string })[]): TopLevelSpec {
  const x = { field: 'area', type: 'quantitative' as const, title: xTitle, scale: { zero: false, nice: true } };
  const y = { field: 'cycles', type: 'quantitative' as const, title: 'cycles', scale: { zero: false, nice: true } };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle },
    width: 420,
    height: 280,
    background: 'white',
    data: { values: data.map((d) => ({ ...d })) },
    layer: [
      {
        transform: [{ filter: "datum.front === 'Pareto front'" }],
        mark: { type: 'line', interpolate: 'step-after', color: '#d62728', strokeDash: [4, 3] },
        encoding: { x, y, order: { field: 'area', type: 'quantitative' } },
      },
      {
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x, y,
          color: { field: 'front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['#d62728', '#7f7f7f'] }, legend: { orient: 'top-right' } },
          shape: { field: 'front', type: 'nominal', title: null, scale: { domain: ['Pareto front', 'dominated'], range: ['diamond', 'circle'] } },
        },
      },
      {
        mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 10 },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}

/** One scatter as an SVG document (deterministic: same data, same bytes). */
export async function renderScatter(title: string, subtitle: string, xTitle: string, points: readonly PlotPoint[]): Promise<string> {
  const front = paretoFront(points);
  const data = points.map((p) => ({ ...p, front: front.has(p) ? 'Pareto front' : 'dominated' }));
  const view = new vega.View(vega.parse(compile(scatterSpec(title, subtitle, xTitle, data)).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

export interface KernelPlot {
  readonly kernel: string;
  readonly file: string;
  readonly svg: string;
}

const num = (v: unknown) => (typeof v === 'number' ? v : null);

/** The plotted points of one kernel: its rows that ran (ok or mismatch) and have an area. */
export function kernelPoints(grid: NormalizedGrid, rows: readonly ResultRow[], kernel: string): PlotPoint[] {
  const col = areaColumn(grid.area.plot.target, grid.area.plot.metric);
  return rows
    .filter((r) => r.kernel === kernel && (r.status === 'ok' || r.status === 'mismatch') && num(r[col]) !== null && num(r.cycles) !== null)
    .map((r) => ({ point: r.point as number, label: `${r.point}`, area: r[col] as number, cycles: r.cycles as number }));
}

const xTitleOf = (grid: NormalizedGrid) => `area: ${grid.area.plot.target} ${METRIC_LABEL[grid.area.plot.metric] ?? grid.area.plot.metric}`;

/** Every kernel's scatter that has at least one point to show. */
export async function renderPlots(grid: NormalizedGrid, table: SweepTable): Promise<KernelPlot[]> {
  const out: KernelPlot[] = [];
  for (const k of grid.kernels) {
    const points = kernelPoints(grid, table.rows, k.name);
    if (points.length === 0) continue;
    out.push({ kernel: k.name, file: plotFileName(k.name), svg: await renderScatter(k.name, `${k.expr}  (labels: point numbers)`, xTitleOf(grid), points) });
  }
  return out;
}

/** The metric shown for a target: the plotted one for the plot's target, else the target's main one. */
const mainOf = (grid: NormalizedGrid, t: SynthTarget): Metric => (grid.area.plot.target === t ? grid.area.plot.metric : MAIN_METRIC[t]);

const hb = Handlebars.create();
let template: HandlebarsTemplateDelegate | undefined;

const fmt = (v: Cell) => (v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(3)) : String(v));
type Cell = ResultRow[string] | undefined;

/** The self-contained HTML report: summary, per kernel the scatter (inline SVG) and its table, then the area of every point. */
export function renderHtml(grid: NormalizedGrid, table: SweepTable, plots: readonly KernelPlot[]): string {
  template ??= hb.compile(readFileSync(join(TEMPLATE_DIR, 'sweep-report.html.hbs'), 'utf8'), { strict: true });
  const areaCol = areaColumn(grid.area.plot.target, grid.area.plot.metric);
  const shareCol = areaColumn(grid.area.plot.target, 'interconnectShare');
  const kernels = grid.kernels.map((k) => {
    const rows = table.rows.filter((r) => r.kernel === k.name);
    const front = paretoFront(kernelPoints(grid, rows, k.name));
    const onFront = new Set([...front].map((p) => p.point));
    const plot = plots.find((p) => p.kernel === k.name);
    return {
      name: k.name, expr: k.expr,
      formats: Object.entries(k.formats).map(([t, f]) => `${t}=${f}`).join(' ') || 'all compressed',
      inputs: Object.entries(k.inputs).map(([t, s]) => `${t}=${s}`).join(' '),
      svg: plot ? new Handlebars.SafeString(plot.svg.replace(/^<\?xml[^>]*>\s*/, '')) : null,
      file: plot ? `plots/${plot.file}` : null,
      rows: rows.map((r) => ({
        point: fmt(r.point), label: fmt(r.label), area: fmt(r[areaCol]), cycles: fmt(r.cycles), idealCycles: fmt(r.idealCycles),
        ratio: typeof r.cycles === 'number' && typeof r.idealCycles === 'number' && r.idealCycles > 0 ? (r.cycles / r.idealCycles).toFixed(2) : '',
        tiles: r.tilesPe === null ? '' : `${r.tilesPe} PE + ${r.tilesMem} MEM`, status: fmt(r.status), pareto: onFront.has(r.point as number),
        reason: fmt(r.reason),
      })),
    };
  });
  const seen = new Set<number>();
  const points = table.rows.filter((r) => !seen.has(r.point as number) && seen.add(r.point as number)).map((r) => ({
    point: fmt(r.point), label: fmt(r.label), archId: fmt(r.archId), tiles: `${r.arrayPe} PE + ${r.arrayMem} MEM`,
    areas: grid.area.targets.map((t) => fmt(r[areaColumn(t, mainOf(grid, t))])),
    share: typeof r[shareCol] === 'number' ? `${((r[shareCol] as number) * 100).toFixed(1)}%` : '',
  }));
  return template({
    name: table.sweep.name, hash: table.sweep.hash, generator: table.sweep.generator, simulator: table.sweep.simulator,
    done: table.sweep.done, total: table.sweep.points, complete: table.sweep.complete, missing: table.sweep.missing.join(', '),
    base: JSON.stringify(grid.base), fields: grid.fields.join(', '),
    areaTitle: xTitleOf(grid),
    areaHeads: grid.area.targets.map((t) => `${t} ${mainOf(grid, t)}`),
    shareTitle: `interconnect share (${grid.area.plot.target})`,
    kernels, points,
  });
}
