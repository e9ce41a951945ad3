/**
 * Builds one flat Verilator model per arch and reuses it for every job.
 * Cache key: arch-id plus a hash of the rendered RTL, the C++ driver and the
 * flags, so a generator change can never hand back a stale model. Builds take
 * a machine-wide lock: two Verilator builds at once would thrash two cores.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execaSync } from 'execa';
import { cachedBuild, type BuildCost } from './build-cache.ts';
import { ADDRESS_INDEX_SHIFT, type HardwareIR } from '../generator/ir.ts';
import { renderVerilog } from '../generator/emit.ts';
import { renderTemplate } from '../generator/render.ts';
import { debugVerilatorConfig } from '../generator/debug-signals.ts';
import { START_GROUPS } from '../generator/tile-kind.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = () => process.env.BASALT_CACHE ?? join(ROOT, '.cache', 'verilator');
const LOCK_FILE = process.env.BASALT_BUILD_LOCK ?? '/tmp/basalt-verilator-build.lock';

const VERILATOR_FLAGS = [
  '--cc', '--exe', '--build', '-j', '2', '-O3', '--x-assign', 'fast', '--x-initial', 'fast',
  '-Wno-fatal', '-Wno-lint', '-Wno-style',
  // -Os for the model code: measured faster than -O2 on large arrays (instruction cache). -O0 for
  // the code run once (constructors, the symbol table of public signals): it only costs build time.
  '-MAKEFLAGS', 'OPT_FAST=-Os OPT_SLOW=-O0 OPT_GLOBAL=-Os',
];

export interface Model {
  readonly exe: string;
  readonly dir: string;
  /** True when this call compiled it, false when it came from the cache. */
  readonly built: boolean;
  readonly buildSeconds: number;
  /** The compile's own wall/CPU time and peak memory (sim/build-cache.ts), where measured. */
  readonly cost?: BuildCost;
}

export interface ModelSources {
  /** Cache-directory prefix, e.g. the arch-id, or `<arch-id>-pe-core`. */
  readonly name: string;
  /** Verilog files by name (other files in the map are ignored). */
  readonly files: ReadonlyMap<string, string>;
  readonly top: string;
  /** The C++ driver (main). */
  readonly driver: string;
  /** Modules Verilator must keep as shared code rather than inline per instance. */
  readonly noInline?: readonly string[];
  /** More Verilator flags (e.g. --trace-fst) and Verilator config lines (e.g. public_flat_rd). */
  readonly flags?: readonly string[];
  readonly config?: readonly string[];
}

/**
 * Which array model: the fast one (default), a debug one whose routing-node signals are public
 * (probes and samples, sim/debug.ts), and/or a traced one (`--trace-fst` or `--trace`). Each
 * variant is its own build with its own cache entry; the fast model is the same build as ever.
 */
export interface ModelVariant {
  readonly debug?: boolean;
  readonly trace?: TraceFormat;
}
export type TraceFormat = 'fst' | 'vcd';

function renderDriver(ir: HardwareIR, v: ModelVariant = {}): string {
  return renderTemplate('tb_main.cpp.hbs', {
    generatorVersion: ir.generatorVersion, archId: ir.archId, addressIndexShift: ADDRESS_INDEX_SHIFT, nio: ir.graph.io.length,
    io: ir.graph.io.map((p) => ({ k: p.index })), memReadLatency: ir.memReadLatency, cfgReadLatency: ir.cfgReadLatency,
    debug: v.debug === true, traceFormat: v.trace ?? false, traceClass: v.trace === 'fst' ? 'Fst' : 'Vcd', groupCount: START_GROUPS,
  });
}

/** Cache-name suffix of a variant: '' for the fast model. */
const variantSuffix = (v: ModelVariant) => `${v.debug ? '-debug' : ''}${v.trace ? `-trace-${v.trace}` : ''}`;

/** The array model: basalt_top with the job-file driver. */
export function buildModel(ir: HardwareIR, opts: { log?: (s: string) => void; variant?: ModelVariant } = {}): Promise<Model> {
  const v = opts.variant ?? {};
  // Tiles stay un-inlined: one copy of the tile code serves all instances, so
  // the per-cycle code of a large array fits the CPU caches (measured: the
  // default array runs an order of magnitude faster than fully inlined).
  return buildVerilatorModel({
    name: `${ir.archId}${variantSuffix(v)}`, files: renderVerilog(ir), top: 'basalt_top', driver: renderDriver(ir, v), noInline: ['basalt_pe_tile', 'basalt_mem_tile'],
    ...(v.debug ? { config: debugVerilatorConfig() } : {}),
    ...(v.trace ? { flags: [v.trace === 'fst' ? '--trace-fst' : '--trace'] } : {}),
  }, opts);
}

let toolchainId: string | undefined;
/** Verilator and C++ compiler versions: part of the cache key, so an upgrade rebuilds. */
function toolchain(): string {
  toolchainId ??= [execaSync('verilator', ['--version'], { reject: false }).stdout, execaSync('g++', ['--version'], { reject: false }).stdout.split('\n')[0]].join('|');
  return toolchainId;
}

/** Builds (or fetches from the cache) a flat Verilator model; the executable is `V<top>`. */
export async function buildVerilatorModel(src: ModelSources, opts: { log?: (s: string) => void } = {}): Promise<Model> {
  const h = createHash('sha256');
  const vnames = [...src.files.keys()].filter((n) => n.endsWith('.v')).sort();
  for (const n of vnames) h.update(n).update('\0').update(src.files.get(n)!).update('\0');
  const vlt = ['`verilator_config', ...(src.noInline ?? []).flatMap((m) => sharedModuleConfig(m, src.files)), ...(src.config ?? [])].join('\n') + '\n';
  const flags = [...VERILATOR_FLAGS, ...(src.flags ?? [])];
  h.update(src.top).update(src.driver).update(flags.join(' ')).update(vlt).update(toolchain());
  const dir = join(cacheDir(), `${src.name}-${h.digest('hex').slice(0, 12)}`);
  const exeName = `V${src.top}`;
  mkdirSync(cacheDir(), { recursive: true });
  const files = new Map([...vnames.map((n) => [`src/${n}`, src.files.get(n)!] as const), ['src/tb_main.cpp', src.driver], ['src/control.vlt', vlt]]);
  const verilate = `verilator ${flags.map((f) => `'${f}'`).join(' ')} --top-module ${src.top} --Mdir obj -o ${exeName} src/control.vlt ${vnames.map((n) => `src/${n}`).join(' ')} src/tb_main.cpp`;
  // flock serialises builds across processes (test workers, helpers, parallel CLI runs).
  const r = await cachedBuild({
    dir, product: `obj/${exeName}`, files, command: verilate, lockFile: LOCK_FILE, what: `Verilator build of ${src.name}`,
    env: { OBJCACHE: existsOnPath('ccache') ? 'ccache' : '' }, log: () => opts.log?.(`building Verilator model ${src.name} (cached afterwards) ...`),
  });
  return { exe: r.path, dir, built: r.seconds !== null, buildSeconds: r.seconds ?? 0, ...(r.cost ? { cost: r.cost } : {}) };
}

/** The input port names of module `m` in its file `<m>.v` (ANSI port list, one port per line, as the templates write them). */
function moduleInputs(m: string, files: ReadonlyMap<string, string>): string[] {
  const text = files.get(`${m}.v`);
  const start = text?.search(new RegExp(`^module ${m}\\b`, 'm')) ?? -1;
  if (text === undefined || start < 0) throw new Error(`no module ${m} in ${m}.v among the model sources`);
  const head = text.slice(start, text.indexOf(');', start));
  const ports = [...head.matchAll(/^\s*input\s+(?:wire\s+|reg\s+)?(?:signed\s+)?(?:\[[^\]]*\]\s*)?(\w+)/gm)].map((x) => x[1]);
  // Without them the model still works, only 1.6-1.8x slower: say so rather than lose it silently.
  if (ports.filter((p) => p !== 'clk' && p !== 'rst_n').length === 0) throw new Error(`module ${m}: no input ports found in its port list`);
  return ports;
}

/**
 * A module kept as one shared copy of code for all its instances: not inlined, and its inputs
 * public (read-only), so Verilator cannot fold a neighbour's signal or an instance's constant into
 * the module's code, which would make each instance's code different. Measured on default (SpMV,
 * callgrind and wall clock): 64 per-instance copies of the tile code before, 1.6-1.8x slower than
 * the shared copy; all ports public instead of inputs only: the same speed, but a symbol table
 * per port and instance that g++ took over 15 minutes to compile on onyx.
 */
function sharedModuleConfig(m: string, files: ReadonlyMap<string, string>): string[] {
  // The clock and reset are the same top-level signal in every instance: they may stay private.
  const ports = moduleInputs(m, files).filter((p) => p !== 'clk' && p !== 'rst_n');
  return [`no_inline -module "${m}"`, ...ports.map((p) => `public_flat_rd -module "${m}" -var "${p}"`)];
}

function existsOnPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').some((p) => p && existsSync(join(p, bin)));
}
