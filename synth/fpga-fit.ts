/**
 * Does a wrapped array fit an FPGA, and what is the largest that does. The
 * resources are Yosys cell counts for the device's target: each tile kind
 * once (synth/array.ts, cached), count times, plus the wrapper glue, which is
 * one unit of its own: the AXI4-Lite wrapper, the array top and its border
 * FIFOs synthesized flat with the tiles as black boxes (so the border FIFOs
 * the wrapper leaves idle are trimmed as on the real chip). The glue grows
 * with the array (address decode and read-back per tile, border FIFOs per
 * border track): for other sizes it comes from a linear model fitted to the
 * glue synthesized at small sizes, checked against this array's.
 */
import { UserError } from '../base/errors.ts';
import { FIT_RESOURCES, type FitResource, type FpgaDevice, type Resources } from '../generator/fpga-devices.ts';
import { ARRAY_TOP_MODULE, WRAPPER_MODULE, renderWrappedVerilog, wrapperPins } from '../generator/fpga-wrapper.ts';
import { wrapperMap } from '../generator/fpga-regs.ts';
import { buildIR, type HardwareIR } from '../generator/ir.ts';
import { validateSpec, type ArchSpec } from '../generator/spec.ts';
import { addArea, ModuleAreas, type Area } from './area.ts';
import { FIFO_MODULE, synthArray, tileModule, type ArrayReport } from './array.ts';
import { defaultSynthCacheDir, hashKey, readCache, writeCache } from './cache.ts';
import { SynthError } from './errors.ts';
import { LATCHES } from './flows.ts';
import { YOSYS_VERSION, runYosysScript } from './run-yosys.ts';
import type { SynthTarget } from './targets.ts';

const CACHE_SCHEMA = 'fpga-glue-1';

export interface FitOptions {
  /** Cache directory; null: no cache. Default: .cache/synth ($BASALT_SYNTH_CACHE). */
  readonly cacheDir?: string | null;
  /** Progress lines: each synthesis that has to run. */
  readonly log?: (line: string) => void;
}

/** The wrapper glue unit's script: flat synthesis with the tiles as black boxes, then the same checks as every unit. */
export function glueScript(target: SynthTarget, blackboxes: readonly string[], read: readonly string[]): string[] {
  const top = WRAPPER_MODULE;
  const map: Record<SynthTarget, string> = {
    generic: `synth -flatten -top ${top}`,
    ice40: `synth_ice40 -top ${top}`,
    ecp5: `synth_ecp5 -top ${top}`,
    xilinx: `synth_xilinx -flatten -top ${top} -noiopad -noclkbuf`,
  };
  return [
    `read_verilog -lib ${blackboxes.join(' ')}`,
    ...read.map((f) => `read_verilog ${f}`),
    `hierarchy -check -top ${top}`,
    'proc',
    `select -assert-none ${LATCHES}`,
    map[target],
    'hierarchy -check',
    'check -assert',
    `select -assert-none ${LATCHES}`,
    'tee -q -o stat.json stat -json',
  ];
}

/** The wrapper glue's files: the wrapper, the array top and the FIFO as RTL, the tiles as black boxes. */
function glueUnit(ir: HardwareIR, all: ReadonlyMap<string, string> = renderWrappedVerilog(ir)) {
  const kinds = [...new Set(ir.tiles.map((t) => t.kind))].sort();
  const blackboxes = kinds.map((k) => `${tileModule(k)}.v`);
  const read = [WRAPPER_MODULE, ARRAY_TOP_MODULE, FIFO_MODULE].map((m) => `${m}.v`);
  const files = new Map([...blackboxes, ...read].map((f) => [f, all.get(f)!]));
  return { kinds, blackboxes, read, files };
}

/**
 * Yosys `check -assert` of the wrapper glue without mapping (no multiple or
 * missing drivers, no combinational loop, no latch), flattened so the checks
 * see across the wrapper and the array top. `wrapped`: the wrapped Verilog
 * (default: rendered from the IR).
 */
export async function checkWrapperGlue(ir: HardwareIR, wrapped?: ReadonlyMap<string, string>): Promise<void> {
  const u = glueUnit(ir, wrapped);
  await runYosysScript(u.files, [
    `read_verilog -lib ${u.blackboxes.join(' ')}`,
    ...u.read.map((f) => `read_verilog ${f}`),
    `hierarchy -check -top ${WRAPPER_MODULE}`,
    'proc',
    `select -assert-none ${LATCHES}`,
    'flatten',
    'opt -fast',
    'check -assert',
    'tee -q -o stat.json stat -json',
  ], ['stat.json'], `${WRAPPER_MODULE} (check)`);
}

export interface GlueRun {
  readonly area: Area;
  readonly cached: boolean;
  readonly seconds: number;
}

/** The wrapper glue of `ir` on `target`: everything of the wrapped array except its tiles. */
export async function synthWrapperGlue(ir: HardwareIR, target: SynthTarget, opts: FitOptions = {}): Promise<GlueRun> {
  const t0 = performance.now();
  const { kinds, blackboxes, read, files } = glueUnit(ir);
  const script = glueScript(target, blackboxes, read);
  const cacheDir = opts.cacheDir === undefined ? defaultSynthCacheDir() : opts.cacheDir;
  const key = hashKey([CACHE_SCHEMA, YOSYS_VERSION, target, script.join('\n'), ...[...files].sort(([a], [b]) => (a < b ? -1 : 1)).flat()]);
  const label = `${WRAPPER_MODULE}-${ir.spec.width}x${ir.spec.height}-${target}`;
  let cells = cacheDir === null ? undefined : readCache<Record<string, number>>(cacheDir, label, key);
  const cached = cells !== undefined;
  if (!cells) {
    opts.log?.(`${WRAPPER_MODULE} glue ${ir.spec.width}x${ir.spec.height} (${target}) ...`);
    const run = await runYosysScript(files, script, ['stat.json'], `${WRAPPER_MODULE} (${target})`);
    const stat = JSON.parse(run.outputs['stat.json']) as { modules: Record<string, { num_cells_by_type?: Record<string, number> }> };
    const top = stat.modules[WRAPPER_MODULE] ?? stat.modules[`\\${WRAPPER_MODULE}`];
    if (!top) throw new SynthError(`yosys stat of the wrapper glue has no module ${WRAPPER_MODULE}`);
    const tiles = new Set(kinds.map(tileModule));
    cells = {};
    for (const [raw, n] of Object.entries(top.num_cells_by_type ?? {})) {
      const t = raw.replace(/^\\/, '');
      if (!tiles.has(t) && t !== '$scopeinfo') cells[t] = n;
    }
    for (const k of kinds) {
      const want = ir.tiles.filter((t) => t.kind === k).length;
      const got = top.num_cells_by_type?.[tileModule(k)] ?? top.num_cells_by_type?.[`\\${tileModule(k)}`] ?? 0;
      if (got !== want) throw new SynthError(`the wrapper glue holds ${got} ${tileModule(k)} instances, the IR ${want}`);
    }
    if (cacheDir !== null) writeCache(cacheDir, label, key, cells);
  }
  const area = new ModuleAreas(target, { [WRAPPER_MODULE]: { cellsByType: cells, memories: [] } }).own(WRAPPER_MODULE);
  return { area, cached, seconds: (performance.now() - t0) / 1000 };
}

/** LUTs a LUT-RAM primitive occupies (7-series / ECP5 slices), so the fit counts them with the logic. */
const LUT_RAM_LUTS: Record<string, number> = {
  RAM32X1S: 1, RAM32X1D: 2, RAM32M: 4, RAM32M16: 8, RAM64X1S: 1, RAM64X1D: 2, RAM64M: 4, RAM64M8: 8,
  RAM128X1S: 2, RAM128X1D: 4, RAM256X1S: 4, SRL16E: 1, SRLC16E: 1, SRLC32E: 1, TRELLIS_DPR16X4: 4,
};

/** Block RAMs in the device's native unit: RAMB18 counts half a 36 Kb block. */
function blockRamsOf(cells: Readonly<Record<string, number>>, target: SynthTarget): number {
  let n = 0;
  for (const [t, k] of Object.entries(cells)) {
    if (target === 'ice40' && /^SB_RAM40_4K/.test(t)) n += k;
    else if (target === 'ecp5' && /^(DP16KD|PDPW16KD)$/.test(t)) n += k;
    else if (target === 'xilinx' && /^RAMB36/.test(t)) n += k;
    else if (target === 'xilinx' && /^RAMB18/.test(t)) n += k / 2;
  }
  return n;
}

/** The fit resources of an area on a device. */
export function deviceResources(area: Area, target: SynthTarget): Resources {
  const lutRamLuts = Object.entries(area.cellsByType).reduce((s, [t, k]) => s + (LUT_RAM_LUTS[t] ?? 0) * k, 0);
  return { luts: (area.luts ?? 0) + lutRamLuts, ffs: area.ffs ?? 0, blockRams: blockRamsOf(area.cellsByType, target), dsps: area.dsps ?? 0 };
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;
export const utilisationOf = (r: Resources, capacity: Resources): Record<FitResource, number> =>
  Object.fromEntries(FIT_RESOURCES.map((k) => [k, capacity[k] > 0 ? round4(r[k] / capacity[k]) : r[k] > 0 ? Infinity : 0])) as Record<FitResource, number>;
export const overOf = (r: Resources, capacity: Resources): FitResource[] => FIT_RESOURCES.filter((k) => r[k] > capacity[k]);

export interface ArrayFit {
  readonly device: string;
  readonly target: SynthTarget;
  readonly fits: boolean;
  /** Resources the wrapped array needs more of than the device has. */
  readonly over: readonly FitResource[];
  readonly resources: Resources;
  readonly capacity: Resources;
  readonly utilisation: Readonly<Record<FitResource, number>>;
  /** The wrapper's ports as device pins, and the device's user I/O: not part of the fit (a Zynq's PS drives AXI inside the chip). */
  readonly pins: { readonly wrapper: number; readonly device: number; readonly package: string };
  readonly breakdown: {
    readonly glue: Resources;
    readonly tiles: Readonly<Record<string, { readonly count: number; readonly each: Resources }>>;
  };
  readonly synthesis: { readonly yosys: string; readonly seconds: number; readonly cached: boolean; readonly units: Readonly<Record<string, { readonly cached: boolean; readonly seconds: number }>> };
  readonly array: ArrayReport;
}

/** Synthesizes the wrapped array for the device's target and compares it with the datasheet. */
export async function fitArray(ir: HardwareIR, device: FpgaDevice, opts: FitOptions = {}): Promise<ArrayFit> {
  const target = device.synthTarget;
  const t0 = performance.now();
  const array = await synthArray(ir, { target, cacheDir: opts.cacheDir, log: opts.log });
  const glue = await synthWrapperGlue(ir, target, opts);
  let total = glue.area;
  const tiles: Record<string, { count: number; each: Resources }> = {};
  for (const [k, t] of Object.entries(array.tiles)) {
    total = addArea(target, total, t.area, t.count);
    tiles[k] = { count: t.count, each: deviceResources(t.area, target) };
  }
  const resources = deviceResources(total, target);
  const over = overOf(resources, device.capacity);
  const units = { ...array.run.units, [`${WRAPPER_MODULE} glue`]: { cached: glue.cached, seconds: Math.round(glue.seconds * 1000) / 1000 } };
  return {
    device: device.name, target, fits: over.length === 0, over, resources, capacity: device.capacity,
    utilisation: utilisationOf(resources, device.capacity),
    pins: { wrapper: wrapperPins(wrapperMap(ir)), device: device.ios, package: device.package },
    breakdown: { glue: deviceResources(glue.area, target), tiles },
    synthesis: { yosys: YOSYS_VERSION, seconds: Math.round((performance.now() - t0) / 10) / 100, cached: Object.values(units).every((u) => u.cached), units },
    array,
  };
}

// ---- the largest array of a tile mix ----

/** Tiles and border tracks of a width x height array of the spec's mix (generator/routing-graph.ts: every memRatio-th column is MEM). */
export function arrayShape(spec: ArchSpec, width: number, height: number) {
  const memCols = Math.floor(width / spec.memRatio);
  return { tiles: width * height, mem: memCols * height, pe: (width - memCols) * height, io: 2 * (width + height) * spec.tracks };
}

export interface GlueModel {
  /** Per resource: glue = c0 + c1 * tiles + c2 * border tracks. */
  readonly coefficients: Readonly<Record<FitResource, readonly [number, number, number]>>;
  /** The sizes synthesized to fit it. */
  readonly points: readonly { readonly width: number; readonly height: number; readonly glue: Resources }[];
}

/** Least squares over the points (normal equations of the three regressors). */
function fitLinear(rows: readonly (readonly [number, number, number])[], ys: readonly number[], twoTerms = false): [number, number, number] {
  const A = [[0, 0, 0], [0, 0, 0], [0, 0, 0]];
  if (twoTerms) A[2][2] = 1; // c2 = 0
  const b = [0, 0, 0];
  rows.forEach((r, i) => {
    for (let p = 0; p < 3; p++) {
      b[p] += r[p] * ys[i];
      for (let q = 0; q < 3; q++) A[p][q] += r[p] * r[q];
    }
  });
  // Gaussian elimination with partial pivoting.
  for (let c = 0; c < 3; c++) {
    let piv = c;
    for (let r = c + 1; r < 3; r++) if (Math.abs(A[r][c]) > Math.abs(A[piv][c])) piv = r;
    [A[c], A[piv]] = [A[piv], A[c]];
    [b[c], b[piv]] = [b[piv], b[c]];
    // Collinear sizes (only memRatio 64: one width): the glue is then affine in the tiles alone.
    if (Math.abs(A[c][c]) < 1e-9) return c === 2 ? fitLinear(rows.map((x) => [x[0], x[1], 0] as const), ys, true) : [ys[0], 0, 0];
    for (let r = c + 1; r < 3; r++) {
      const f = A[r][c] / A[c][c];
      for (let q = c; q < 3; q++) A[r][q] -= f * A[c][q];
      b[r] -= f * b[c];
    }
  }
  const x = [0, 0, 0];
  for (let r = 2; r >= 0; r--) {
    let s = b[r];
    for (let q = r + 1; q < 3; q++) s -= A[r][q] * x[q];
    x[r] = s / A[r][r];
  }
  return [x[0], x[1], x[2]];
}

export function predictGlue(model: GlueModel, spec: ArchSpec, width: number, height: number): Resources {
  const s = arrayShape(spec, width, height);
  return Object.fromEntries(FIT_RESOURCES.map((k) => {
    const [c0, c1, c2] = model.coefficients[k];
    return [k, Math.max(0, Math.ceil(c0 + c1 * s.tiles + c2 * s.io))];
  })) as Resources;
}

/** Synthesizes the glue of three small arrays of the mix (plus any given) and fits the model. */
export async function glueModel(spec: ArchSpec, target: SynthTarget, extra: readonly { width: number; height: number; glue: Resources }[] = [], opts: FitOptions = {}): Promise<GlueModel> {
  const r = spec.memRatio;
  const points: { width: number; height: number; glue: Resources }[] = [];
  // Sizes that separate the per-tile from the per-border-track glue (width is at most 64).
  const third: readonly [number, number] = 2 * r <= 64 ? [2 * r, 1] : r < 64 ? [r + 1, 1] : [r, 3];
  for (const [w, h] of [[r, 1], third, [r, 2]] as const) {
    const ir = buildIR(validateSpec({ ...spec, width: w, height: h }));
    points.push({ width: w, height: h, glue: deviceResources((await synthWrapperGlue(ir, target, opts)).area, target) });
  }
  for (const e of extra) if (!points.some((p) => p.width === e.width && p.height === e.height)) points.push(e);
  const rows = points.map((p) => {
    const s = arrayShape(spec, p.width, p.height);
    return [1, s.tiles, s.io] as const;
  });
  const coefficients = Object.fromEntries(FIT_RESOURCES.map((k) => [k, fitLinear(rows, points.map((p) => p.glue[k]))])) as unknown as GlueModel['coefficients'];
  return { coefficients, points };
}

export interface LargestArray {
  readonly width: number;
  readonly height: number;
  readonly tiles: number;
  readonly pe: number;
  readonly mem: number;
  readonly resources: Resources;
  readonly utilisation: Readonly<Record<FitResource, number>>;
  /** What runs out first when the array grows by a row or a column. */
  readonly limitedBy: readonly FitResource[];
}

/** Resources of a width x height array of the mix: glue from the model, tiles from their synthesis. */
export function mixResources(spec: ArchSpec, model: GlueModel, tiles: { pe: Resources; mem: Resources }, width: number, height: number): Resources {
  const s = arrayShape(spec, width, height);
  const g = predictGlue(model, spec, width, height);
  return Object.fromEntries(FIT_RESOURCES.map((k) => [k, g[k] + s.pe * tiles.pe[k] + s.mem * tiles.mem[k]])) as Resources;
}

/** The most tiles of the mix (width x height, up to the spec's 64 x 64) that fit; ties go to the squarer array. */
export function largestFit(spec: ArchSpec, model: GlueModel, tiles: { pe: Resources; mem: Resources }, capacity: Resources): LargestArray | null {
  let best: LargestArray | null = null;
  const fits = (w: number, h: number) => overOf(mixResources(spec, model, tiles, w, h), capacity).length === 0;
  for (let w = spec.memRatio; w <= 64; w++) {
    // Resources grow with the height: the tallest array of this width that fits.
    let h = 0;
    while (h < 64 && fits(w, h + 1)) h++;
    if (h === 0) continue;
    const s = arrayShape(spec, w, h);
    const better = !best || s.tiles > best.tiles || (s.tiles === best.tiles && Math.abs(w - h) < Math.abs(best.width - best.height));
    if (better) {
      const resources = mixResources(spec, model, tiles, w, h);
      const grow = [mixResources(spec, model, tiles, w + 1, h), mixResources(spec, model, tiles, w, h + 1)];
      const limitedBy = [...new Set(grow.flatMap((g) => overOf(g, capacity)))];
      best = { width: w, height: h, tiles: s.tiles, pe: s.pe, mem: s.mem, resources, utilisation: utilisationOf(resources, capacity), limitedBy };
    }
  }
  return best;
}

export interface LargestReport {
  /** The largest array of the mix on the device, or null when not even memRatio x 1 fits. */
  readonly largest: LargestArray | null;
  /** The smallest array of the mix (memRatio x 1) and what it needs, when nothing fits. */
  readonly smallest?: { readonly width: number; readonly height: number; readonly resources: Resources; readonly over: readonly FitResource[] };
  readonly glueModel: GlueModel;
  /** The model's prediction for the synthesized array against its synthesized glue (relative error per resource). */
  readonly glueCheck?: { readonly width: number; readonly height: number; readonly predicted: Resources; readonly synthesized: Resources };
}

/** The largest array of `fit`'s tile mix that fits the device (fit: the synthesized array, its tiles and glue). */
export async function largestArray(fit: ArrayFit, device: FpgaDevice, opts: FitOptions = {}): Promise<LargestReport> {
  const spec = fit.array.spec;
  const tiles = { pe: fit.breakdown.tiles.pe?.each, mem: fit.breakdown.tiles.mem?.each };
  if (!tiles.pe || !tiles.mem) throw new UserError(`the largest array needs both tile kinds synthesized: ${spec.width}x${spec.height} lacks one`);
  const model = await glueModel(spec, fit.target, [], opts);
  const glueCheck = { width: spec.width, height: spec.height, predicted: predictGlue(model, spec, spec.width, spec.height), synthesized: fit.breakdown.glue };
  const both = { pe: tiles.pe, mem: tiles.mem };
  const largest = largestFit(spec, model, both, device.capacity);
  if (largest) return { largest, glueModel: model, glueCheck };
  const smallestRes = mixResources(spec, model, both, spec.memRatio, 1);
  return { largest: null, smallest: { width: spec.memRatio, height: 1, resources: smallestRes, over: overOf(smallestRes, device.capacity) }, glueModel: model, glueCheck };
}
