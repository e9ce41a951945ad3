/**
 * The grid of `basalt sweep`: a JSON file naming a base array, the ArchSpec
 * fields to vary (value lists whose cartesian product gives the points, or an
 * explicit list of points), the kernels with their inputs (the syntax of
 * `basalt run`) and the synthesis targets for area. Everything is checked here,
 * before anything runs: an unknown field, an empty axis, an invalid value, an
 * invalid combination, a bad kernel or a missing input file is one UserError
 * naming the field.
 *
 * The normalized grid (every point as a full validated ArchSpec, the kernels,
 * the targets, the generator version, the content hash of each input file) is
 * hashed: two sweep directories hold parts of the same sweep exactly when their
 * hashes are equal. The grid's name and the location of its input files are
 * not part of it, so shards run on other machines still match.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';
import { UserError } from '../base/errors.ts';
import { parseFormatOptions, parseOrderOption } from '../compiler/formats-spec.ts';
import { resolveKernel } from '../compiler/resolve.ts';
import { parseValueMode } from '../formats/values.ts';
import { ArchSpecSchema, GENERATOR_VERSION, PRESETS, archId, validateSpec, type ArchSpec } from '../generator/spec.ts';
import { accesses, parseExpression } from '../lang/parse.ts';
import { SYNTH_TARGETS, type SynthTarget } from '../synth/targets.ts';
import { TARGET_METRICS, type Metric } from '../synth/area.ts';
import { loadInput, parseInputOptions } from './run-io.ts';
import { SIMULATORS } from './run.ts';

/** Bumped when the layout of grid.json or the point files changes. */
export const SWEEP_FORMAT = 1;

/** Simulators a sweep can use: the RTL through Verilator, or the golden stream model (no build, cycles = the ideal bound). */
export const SWEEP_SIMULATORS = ['verilator', 'golden'] as const satisfies readonly (typeof SIMULATORS)[number][];
export type SweepSimulator = (typeof SWEEP_SIMULATORS)[number];

export type SpecField = keyof ArchSpec;
export const SPEC_FIELDS = Object.keys(ArchSpecSchema.shape) as SpecField[];
const isSpecField = (k: string): k is SpecField => (SPEC_FIELDS as string[]).includes(k);

/** The figure each target's plots and Pareto fronts use by default. */
export const MAIN_METRIC: Record<SynthTarget, Metric> = { generic: 'transistors', ice40: 'luts', xilinx: 'luts', ecp5: 'luts' };

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** `{ error }` for zod: one message for a missing value, another for a wrong one. */
const req = (what: string) => ({ error: (iss: { input: unknown }) => (iss.input === undefined ? 'is required' : `must be ${what}`) });

const FieldValues = z.record(z.string(), z.unknown(), req('an object of ArchSpec fields'));

const KernelSchema = z.strictObject({
  name: z.string(req('a string')).regex(NAME, 'must be a name of letters, digits, _ . - (it names the plot files)'),
  expr: z.string(req('an index expression, like x(i)=B(i,j)*c(j)')).min(1, 'must not be empty'),
  formats: z.record(z.string(), z.string(req('a format like ds or ss:1,0')), req('an object TENSOR -> FORMAT')).default({}),
  order: z.string(req('a loop order like i,j')).optional(),
  inputs: z.record(z.string(), z.string(req('a file (.mtx/.tns) or random:SHAPE:DENSITY:SEED')), req('an object TENSOR -> FILE or random:SHAPE:DENSITY:SEED')),
  values: z.string(req('file, ones or seed:N')).default('file'),
});

const GridSchema = z.strictObject({
  name: z.string(req('a string')).regex(NAME, 'must be a name of letters, digits, _ . -').optional(),
  base: z.union([z.string(), z.looseObject({ preset: z.string(req('a preset name')).optional(), spec: z.string(req('a file name')).optional() })], req('a preset name or an object of ArchSpec fields (with "preset" or "spec")')),
  axes: z.record(z.string(), z.array(z.unknown(), req('a list of values')).min(1, 'must list at least one value'), req('an object FIELD -> list of values')).optional(),
  points: z.array(FieldValues, req('a list of objects of ArchSpec fields')).min(1, 'must list at least one point').optional(),
  kernels: z.array(KernelSchema, req('a list of kernels')).min(1, 'must list at least one kernel'),
  area: z
    .strictObject({
      targets: z.array(z.enum(SYNTH_TARGETS, { error: `must be one of ${SYNTH_TARGETS.join(', ')}` }), req('a list of synthesis targets')).min(1, 'must list at least one synthesis target'),
      plot: z.string(req('TARGET.METRIC, like generic.transistors')).optional(),
    }, req('an object { targets, plot }'))
    .default({ targets: ['generic'] }),
  simulator: z.enum(SWEEP_SIMULATORS, { error: `must be one of ${SWEEP_SIMULATORS.join(', ')}` }).default('verilator'),
});

export interface GridKernel {
  readonly name: string;
  readonly expr: string;
  /** Tensor -> format, as `--format T=FMT` takes it. */
  readonly formats: Readonly<Record<string, string>>;
  readonly order: string | null;
  /** Tensor -> source as written: a path relative to the grid file, or random:SHAPE:DENSITY:SEED. */
  readonly inputs: Readonly<Record<string, string>>;
  /** Tensor -> sha256 of the file's bytes (random inputs: none). */
  readonly inputHashes: Readonly<Record<string, string>>;
  readonly values: string;
}

export interface GridPoint {
  /** 0-based position in the grid: the shard assignment and the point file name follow from it. */
  readonly index: number;
  /** The fields this point sets on the base, in axis order. */
  readonly set: Readonly<Partial<Record<SpecField, unknown>>>;
  readonly spec: ArchSpec;
  readonly archId: string;
}

/** The normalized grid: what the hash covers. */
export interface NormalizedGrid {
  readonly format: number;
  readonly generator: string;
  readonly base: ArchSpec;
  /** Fields that vary, in order (the table's spec columns). */
  readonly fields: readonly SpecField[];
  readonly points: readonly GridPoint[];
  readonly kernels: readonly GridKernel[];
  readonly area: { readonly targets: readonly SynthTarget[]; readonly plot: { readonly target: SynthTarget; readonly metric: Metric } };
  readonly simulator: SweepSimulator;
}

export interface Grid {
  readonly name: string;
  readonly hash: string;
  readonly grid: NormalizedGrid;
  /** Directory the grid file's relative input paths start from (not hashed). */
  readonly baseDir: string;
}

/** ['kernels', 0, 'inputs', 'B'] -> kernels[0].inputs.B */
export function fieldPath(path: readonly PropertyKey[]): string {
  let s = '';
  for (const p of path) s += typeof p === 'number' ? `[${p}]` : `${s ? '.' : ''}${String(p)}`;
  return s || '(grid)';
}

/** JSON with sorted object keys: the form the hash is taken over. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v).sort().filter((k) => (v as Record<string, unknown>)[k] !== undefined).map((k) => `${JSON.stringify(k)}:${canonicalJson((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

export const gridHash = (g: NormalizedGrid): string => createHash('sha256').update(canonicalJson(g)).digest('hex').slice(0, 16);

/** The point as a short label: `tracks=2 fifoDepth=4` (or `base`). */
export function pointLabel(set: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(set).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`);
  return parts.length ? parts.join(' ') : 'base';
}

/** One field value checked on its own (type and range), so the message can name the axis entry. */
function checkValue(where: string, field: string, value: unknown): void {
  if (!isSpecField(field)) throw new UserError(`${where}: unknown ArchSpec field '${field}' (known: ${SPEC_FIELDS.join(', ')})`);
  const r = ArchSpecSchema.shape[field].safeParse(value);
  if (!r.success) throw new UserError(`${where}: ${r.error.issues[0]?.message ?? 'invalid value'} (got ${JSON.stringify(value)})`);
}

function readJson(file: string, what: string): unknown {
  if (!existsSync(file) || !statSync(file).isFile()) throw new UserError(`${what} ${file}: file not found`);
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new UserError(`${what} ${file}: not valid JSON (${(e as Error).message.split('\n')[0]})`);
  }
}

function baseSpec(where: string, base: z.infer<typeof GridSchema>['base'], dir: string): Record<string, unknown> {
  const fields: Record<string, unknown> = typeof base === 'string' ? {} : { ...base };
  const preset = typeof base === 'string' ? base : base.preset;
  const specFile = typeof base === 'string' ? undefined : base.spec;
  delete fields.preset;
  delete fields.spec;
  if (preset !== undefined && specFile !== undefined) throw new UserError(`${where}: field 'base': give either "preset" or "spec", not both`);
  let start: Record<string, unknown>;
  if (specFile !== undefined) {
    const path = isAbsolute(specFile) ? specFile : resolve(dir, specFile);
    let raw = readJson(path, `${where}: field 'base.spec':`) as Record<string, unknown>;
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${where}: field 'base.spec': ${specFile} is not a JSON object of ArchSpec fields`);
    if ('spec' in raw && 'archId' in raw) raw = raw.spec as Record<string, unknown>; // an arch.json of `basalt gen`
    start = { ...raw };
    for (const [k, v] of Object.entries(start)) checkValue(`${where}: field 'base.spec' (${specFile}): field '${k}'`, k, v);
  } else {
    const name = preset ?? 'default';
    if (!Object.hasOwn(PRESETS, name)) throw new UserError(`${where}: field 'base${typeof base === 'string' ? '' : '.preset'}': unknown preset '${name}' (known: ${Object.keys(PRESETS).join(', ')})`);
    start = { ...PRESETS[name] };
  }
  for (const [k, v] of Object.entries(fields)) checkValue(`${where}: field 'base.${k}'`, k, v);
  return { ...start, ...fields };
}

/** Cartesian product of the axes, first axis outermost (varies slowest). */
function product(axes: Readonly<Record<string, readonly unknown[]>>): Record<string, unknown>[] {
  let out: Record<string, unknown>[] = [{}];
  for (const [k, values] of Object.entries(axes)) out = out.flatMap((p) => values.map((v) => ({ ...p, [k]: v })));
  return out;
}

function checkKernel(where: string, j: number, k: GridKernel, dir: string, dataWidths: ReadonlySet<number>): void {
  const wrap = <T>(field: string, f: () => T): T => {
    try {
      return f();
    } catch (e) {
      if (e instanceof UserError) throw new UserError(`${where}: field 'kernels[${j}]${field}' (kernel '${k.name}'): ${e.message}`);
      throw e;
    }
  };
  const assignment = wrap('.expr', () => parseExpression(k.expr));
  const formats = wrap('.formats', () => parseFormatOptions(kernelFormatOptions(k)));
  const order = k.order === null ? undefined : wrap('.order', () => parseOrderOption(k.order!));
  const mode = wrap('.values', () => parseValueMode(k.values));
  const arity = new Map<string, number>();
  for (const a of accesses(assignment.rhs)) arity.set(a.tensor, a.indices.length);
  const specs = wrap('.inputs', () => parseInputOptions(kernelInputOptions(k, dir), [...arity.keys()], assignment.output.tensor));
  for (const w of dataWidths) {
    const shapes: Record<string, number[]> = {};
    for (const [name, src] of specs) shapes[name] = [...wrap(`.inputs.${name}`, () => loadInput(name, src, arity.get(name)!, mode, w)).shape];
    wrap('', () => resolveKernel(k.expr, formats, order, shapes));
  }
}

/** The kernel's inputs as `--input T=SRC` options, file paths resolved against the grid's directory. */
export function kernelInputOptions(k: GridKernel, dir: string): string[] {
  return Object.entries(k.inputs).map(([t, src]) => `${t}=${src.startsWith('random:') || isAbsolute(src) ? src : resolve(dir, src)}`);
}

export const kernelFormatOptions = (k: GridKernel): string[] => Object.entries(k.formats).map(([t, f]) => `${t}=${f}`);

function fileHash(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Reads, validates and normalizes a grid file; throws UserError naming the field. */
export function loadGrid(file: string): Grid {
  const where = `grid ${file}`;
  const raw = readJson(file, 'grid');
  return normalizeGrid(raw, { where, dir: dirname(resolve(file)), name: basename(file).replace(/\.json$/i, '') });
}

export function normalizeGrid(raw: unknown, at: { where: string; dir: string; name: string }): Grid {
  const { where, dir } = at;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new UserError(`${where}: expected a JSON object with base, axes or points, and kernels`);
  const parsed = GridSchema.safeParse(raw);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    if (i.code === 'unrecognized_keys') {
      const parent = i.path.length ? `field '${fieldPath(i.path)}': ` : '';
      const known = i.path.length === 0 ? Object.keys(GridSchema.shape) : i.path[0] === 'kernels' ? Object.keys(KernelSchema.shape) : ['targets', 'plot'];
      throw new UserError(`${where}: ${parent}unknown field(s) ${i.keys.map((k) => `'${k}'`).join(', ')} (known: ${known.join(', ')})`);
    }
    throw new UserError(`${where}: field '${fieldPath(i.path)}': ${i.message}`);
  }
  const g = parsed.data;
  if ((g.axes === undefined) === (g.points === undefined)) throw new UserError(`${where}: give either "axes" (value lists, their cartesian product) or "points" (a list of ArchSpec field objects), ${g.axes ? 'not both' : 'one of them'}`);

  const base = baseSpec(where, g.base, dir);
  let sets: Record<string, unknown>[];
  if (g.axes !== undefined) {
    if (Object.keys(g.axes).length === 0) throw new UserError(`${where}: field 'axes': must name at least one ArchSpec field`);
    for (const [k, values] of Object.entries(g.axes)) {
      if (!isSpecField(k)) throw new UserError(`${where}: field 'axes.${k}': unknown ArchSpec field '${k}' (known: ${SPEC_FIELDS.join(', ')})`);
      values.forEach((v, j) => checkValue(`${where}: field 'axes.${k}[${j}]'`, k, v));
      const seen = new Set(values.map((v) => canonicalJson(v)));
      if (seen.size !== values.length) throw new UserError(`${where}: field 'axes.${k}': lists a value twice`);
    }
    sets = product(g.axes);
  } else {
    sets = g.points!.map((p, j) => {
      for (const [k, v] of Object.entries(p)) checkValue(`${where}: field 'points[${j}].${k}'`, k, v);
      return { ...p };
    });
  }
  const fields: SpecField[] = [];
  for (const s of sets) for (const k of Object.keys(s)) if (!fields.includes(k as SpecField)) fields.push(k as SpecField);

  const byId = new Map<string, number>();
  const points: GridPoint[] = sets.map((set, index) => {
    const spec = validateSpec({ ...base, ...set }, `${where}: point ${index + 1} (${pointLabel(set)})`);
    const id = archId(spec);
    const twin = byId.get(id);
    if (twin !== undefined) throw new UserError(`${where}: points ${twin + 1} (${pointLabel(sets[twin])}) and ${index + 1} (${pointLabel(set)}) are the same array`);
    byId.set(id, index);
    return { index, set: set as GridPoint['set'], spec, archId: id };
  });

  const names = new Set<string>();
  const kernels: GridKernel[] = g.kernels.map((k, j) => {
    if (names.has(k.name)) throw new UserError(`${where}: field 'kernels[${j}].name': kernel name '${k.name}' is used twice`);
    names.add(k.name);
    const inputHashes: Record<string, string> = {};
    for (const [t, src] of Object.entries(k.inputs)) {
      if (src.startsWith('random:')) continue;
      const path = isAbsolute(src) ? src : resolve(dir, src);
      if (!existsSync(path) || !statSync(path).isFile()) throw new UserError(`${where}: field 'kernels[${j}].inputs.${t}': file ${src} not found (relative paths start at the grid file's directory, ${dir})`);
      inputHashes[t] = fileHash(path);
    }
    const kernel: GridKernel = { name: k.name, expr: k.expr, formats: k.formats, order: k.order ?? null, inputs: k.inputs, inputHashes, values: k.values };
    checkKernel(where, j, kernel, dir, new Set(points.map((p) => p.spec.dataWidth)));
    return kernel;
  });

  const targets = [...g.area.targets];
  if (new Set(targets).size !== targets.length) throw new UserError(`${where}: field 'area.targets': lists a target twice`);
  let plot = { target: targets[0], metric: MAIN_METRIC[targets[0]] };
  if (g.area.plot !== undefined) {
    const [t, m, ...rest] = g.area.plot.split('.');
    if (rest.length || !targets.includes(t as SynthTarget) || !TARGET_METRICS[t as SynthTarget].includes(m as Metric)) {
      throw new UserError(`${where}: field 'area.plot': '${g.area.plot}' is not TARGET.METRIC for a listed target (e.g. ${targets.map((x) => `${x}.${MAIN_METRIC[x]}`).join(', ')}; metrics: ${TARGET_METRICS[targets[0]].join(', ')})`);
    }
    plot = { target: t as SynthTarget, metric: m as Metric };
  }

  const grid: NormalizedGrid = {
    format: SWEEP_FORMAT, generator: GENERATOR_VERSION, base: validateSpecLoose(base), fields, points, kernels,
    area: { targets, plot }, simulator: g.simulator,
  };
  return { name: g.name ?? at.name, hash: gridHash(grid), grid, baseDir: dir };
}

/** The base in canonical key order, for the hash (it may be invalid on its own: only its points must be valid). */
function validateSpecLoose(base: Record<string, unknown>): ArchSpec {
  const out: Record<string, unknown> = {};
  for (const k of SPEC_FIELDS) if (k in base) out[k] = base[k];
  return out as ArchSpec;
}

/** Points of shard K of N (1-based): every N-th point, starting at K-1. Deterministic, and the shards' sizes differ by at most one. */
export function shardPoints<T extends { readonly index: number }>(points: readonly T[], shard: { k: number; n: number } | undefined): T[] {
  return shard === undefined ? [...points] : points.filter((p) => p.index % shard.n === shard.k - 1);
}

/** '2/4' -> { k: 2, n: 4 }. */
export function parseShard(text: string): { k: number; n: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!m || n < 1 || k < 1 || k > n || n > 100_000) throw new UserError(`--shard '${text}': expected K/N with 1 <= K <= N, like 1/4`);
  return { k, n };
}
