/**
 * Area of a whole array from one synthesis per distinct module: the top, each
 * tile kind, each core and each shared module (e.g. the FIFO) is a unit of its
 * own, with the other units' modules as black boxes; modules only one module
 * uses join that module's unit. So a tile kind is synthesized once however
 * many tiles the array has, and a unit's result depends only on its own files,
 * not on what else Yosys saw (the core of an array with 2 tracks is the same
 * as with 5), which also lets the cache share units between arrays.
 * array = top glue + sum of count x tile kind.
 * Each tile is split into its interconnect (SB/CB muxes, SB FIFOs, routing
 * config registers, config bus) and its core (core module, core config
 * registers), so a sweep shows what tracks and topology cost.
 */
import type { HardwareIR } from '../generator/ir.ts';
import type { TileKind } from '../generator/tile-kind.ts';
import { renderVerilog } from '../generator/emit.ts';
import { ModuleAreas, addArea, sumAreas, zeroArea, type Area, type Metric } from './area.ts';
import { configModules, type ConfigSplit } from './flows.ts';
import { defaultSynthCacheDir } from './cache.ts';
import { YOSYS_VERSION } from './run-yosys.ts';
import { runUnit, type Unit, type UnitCache, type UnitRun } from './units.ts';
import { fileOf, submodules, synthesisUnits } from './verilog-deps.ts';
import type { UnitStats } from './unit-stats.ts';
import { SynthError } from './errors.ts';
import type { SynthTarget } from './targets.ts';
import { GROUP_FIELD } from '../generator/tile-kind.ts';

export const TOP_MODULE = 'basalt_top';
export const FIFO_MODULE = 'basalt_fifo';
export const tileModule = (kind: string) => `basalt_${kind}_tile`;
export const coreModule = (kind: string) => `basalt_${kind}_core`;

/**
 * muxes: the tile module's own logic: SB and CB muxes and the fan-out ready AND;
 * fifos: the SB output FIFOs (basalt_fifo instances);
 * routingConfig: registers of SB/CB selects and FIFO bypasses;
 * configBus: config write decode and the read-back mux and register (shared by all registers);
 * coreConfig: registers of the core's fields (mode, ALU op, constants, base addresses);
 * core: the core module (input buffers, primitives, SRAM).
 */
export const TILE_PARTS = ['muxes', 'fifos', 'routingConfig', 'configBus', 'coreConfig', 'core'] as const;
export type TilePart = (typeof TILE_PARTS)[number];
/** The interconnect's share of a tile; the rest is the core's. */
export const INTERCONNECT_PARTS: readonly TilePart[] = ['muxes', 'fifos', 'routingConfig', 'configBus'];
export const CORE_PARTS: readonly TilePart[] = ['coreConfig', 'core'];

/** Metrics the interconnect share is given for. */
const SHARE_METRICS: Record<SynthTarget, readonly Metric[]> = {
  generic: ['cells', 'transistors'], ice40: ['cells', 'luts', 'ffs'], xilinx: ['cells', 'luts', 'ffs'], ecp5: ['cells', 'luts', 'ffs'],
};

export interface MemoryReport {
  readonly module: string;
  readonly name: string;
  /** Instances of the module in the tile. */
  readonly instances: number;
  readonly size: number;
  readonly width: number;
  readonly bits: number;
  /** generic: kept as a $mem cell; FPGA: what the target mapped it to. */
  readonly mappedTo: 'memory' | 'blockRam' | 'lutRam' | 'logic';
}

export interface TileReport {
  readonly module: string;
  readonly count: number;
  readonly area: Area;
  readonly parts: Readonly<Record<TilePart, Area>>;
  readonly interconnect: Area;
  readonly core: Area;
  /** interconnect / area, per metric. */
  readonly interconnectShare: Readonly<Partial<Record<Metric, number>>>;
  readonly memories: readonly MemoryReport[];
}

export interface ArrayReport {
  readonly archId: string;
  readonly target: SynthTarget;
  readonly yosys: string;
  readonly spec: HardwareIR['spec'];
  readonly tiles: Readonly<Record<string, TileReport>>;
  /** The top level without its tiles: bus registers, address decode, read-back, border FIFOs. */
  readonly glue: { readonly module: string; readonly area: Area; readonly parts: { readonly fifos: Area; readonly logic: Area } };
  readonly array: {
    readonly area: Area;
    readonly interconnect: Area;
    readonly core: Area;
    readonly interconnectShare: Readonly<Partial<Record<Metric, number>>>;
  };
  /** How this report was obtained: the only part that differs between a cold and a cached call. */
  readonly run: { readonly seconds: number; readonly units: Readonly<Record<string, { readonly cached: boolean; readonly seconds: number }>> };
}

export interface SynthArrayOptions {
  readonly target?: SynthTarget;
  /** Cache directory; null: no cache. Default: .cache/synth in the checkout ($BASALT_SYNTH_CACHE). */
  readonly cacheDir?: string | null;
  /** Progress lines: each unit Yosys has to synthesize, as it starts. */
  readonly log?: (line: string) => void;
}

/** Routing and core fields of a tile kind, checked to cover every config field. */
export function configSplitOf(kind: TileKind): ConfigSplit {
  const routingFields = kind.muxes.flatMap((m) => (m.bypassField ? [m.selField, m.bypassField] : [m.selField]));
  // The start group picks when the core starts: it belongs to the core's config.
  const coreFields = [...kind.core.fields.map((f) => f.name), GROUP_FIELD];
  const known = new Set([...routingFields, ...coreFields]);
  const other = kind.fields.filter((f) => !known.has(f.name)).map((f) => f.name);
  if (other.length) throw new SynthError(`${tileModule(kind.kind)}: config field(s) ${other.join(', ')} are neither routing nor core fields`);
  return { routingFields, coreFields };
}

/** A unit's modules as RTL, the modules they instantiate from other units as black boxes (ports only). */
function unitOf(files: ReadonlyMap<string, string>, members: readonly string[], configSplit?: ConfigSplit): Unit {
  const read = members.map(fileOf);
  const others = new Set(members.flatMap((m) => submodules(files, m)).filter((m) => !members.includes(m)));
  const blackboxes = [...others].sort().map(fileOf);
  return { top: members[0], read, blackboxes, files: new Map([...read, ...blackboxes].map((f) => [f, files.get(f)!])), ...(configSplit ? { configSplit } : {}) };
}

const ratio = (a: number | undefined, b: number | undefined) => (b ? Math.round(((a ?? 0) / b) * 1e4) / 1e4 : 0);
const shareOf = (target: SynthTarget, part: Area, whole: Area) => Object.fromEntries(SHARE_METRICS[target].map((m) => [m, ratio(part[m], whole[m])]));

/** How many instances of each module the flattened `top` holds (top included, once). */
function instanceCounts(areas: ModuleAreas, top: string, k = 1, acc = new Map<string, number>()): Map<string, number> {
  acc.set(top, (acc.get(top) ?? 0) + k);
  for (const [sub, n] of Object.entries(areas.instances(top))) instanceCounts(areas, sub, k * n, acc);
  return acc;
}

function memoriesOf(areas: ModuleAreas, top: string): MemoryReport[] {
  const out: MemoryReport[] = [];
  for (const [module, instances] of [...instanceCounts(areas, top)].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const m of areas.stats[module].memories) {
      const flat = areas.flat(module);
      const mappedTo = areas.target === 'generic' ? 'memory' : flat.blockRams ? 'blockRam' : flat.lutRams ? 'lutRam' : 'logic';
      out.push({ module, name: m.name, instances, size: m.size, width: m.width, bits: m.size * m.width, mappedTo });
    }
  }
  return out;
}

function tileReport(areas: ModuleAreas, kind: string, count: number): TileReport {
  const { target } = areas;
  const module = tileModule(kind);
  const cfg = configModules(module);
  const partOf: Record<string, TilePart> = { [FIFO_MODULE]: 'fifos', [cfg.routing]: 'routingConfig', [cfg.bus]: 'configBus', [cfg.core]: 'coreConfig', [coreModule(kind)]: 'core' };
  const parts = Object.fromEntries(TILE_PARTS.map((p) => [p, zeroArea(target)])) as Record<TilePart, Area>;
  parts.muxes = areas.own(module);
  for (const [sub, n] of Object.entries(areas.instances(module))) {
    const p = partOf[sub];
    if (!p) throw new SynthError(`${module}: instance of ${sub} belongs to no tile part`);
    parts[p] = addArea(target, parts[p], areas.flat(sub), n);
  }
  const area = areas.flat(module);
  const interconnect = sumAreas(target, INTERCONNECT_PARTS.map((p) => parts[p]));
  const core = sumAreas(target, CORE_PARTS.map((p) => parts[p]));
  return { module, count, area, parts, interconnect, core, interconnectShare: shareOf(target, interconnect, area), memories: memoriesOf(areas, module) };
}

/** Synthesizes each distinct module once and reports per tile kind and for the array. */
export async function synthArray(ir: HardwareIR, opts: SynthArrayOptions = {}): Promise<ArrayReport> {
  const target = opts.target ?? 'generic';
  const t0 = performance.now();
  const files = renderVerilog(ir);
  const counts = new Map<string, number>();
  for (const t of ir.tiles) counts.set(t.kind, (counts.get(t.kind) ?? 0) + 1);
  const kinds = Object.keys(ir.kinds).filter((k) => counts.has(k)) as (keyof typeof ir.kinds)[];
  const cacheDir = opts.cacheDir === undefined ? defaultSynthCacheDir() : opts.cacheDir;
  const archId = ir.archId;
  const cache: UnitCache | undefined = cacheDir === null ? undefined : { dir: cacheDir, normalize: (text) => text.split(archId).join('<arch-id>') };

  const splits = new Map(kinds.map((k) => [tileModule(k), configSplitOf(ir.kinds[k])]));
  const stats: Record<string, UnitStats[string]> = {};
  const units: Record<string, { cached: boolean; seconds: number }> = {};
  const roots = new Set(kinds.flatMap((k) => [tileModule(k), coreModule(k)]));
  for (const [module, members] of synthesisUnits(files, TOP_MODULE, roots)) {
    const unit = unitOf(files, members, splits.get(module));
    const r: UnitRun = await runUnit(unit, target, cache, () => opts.log?.(`${module} (${target}) ...`));
    units[module] = { cached: r.cached, seconds: round(r.seconds) };
    for (const [name, m] of Object.entries(r.stats)) {
      if (name in stats) throw new SynthError(`module ${name} came out of two synthesis units`);
      stats[name] = m;
    }
  }
  const areas = new ModuleAreas(target, stats);

  const tiles: Record<string, TileReport> = {};
  for (const k of kinds) tiles[k] = tileReport(areas, k, counts.get(k)!);

  const topInstances = areas.instances(TOP_MODULE);
  for (const k of kinds) {
    if (topInstances[tileModule(k)] !== counts.get(k)) throw new SynthError(`${TOP_MODULE} holds ${topInstances[tileModule(k)] ?? 0} ${tileModule(k)} instances, the IR ${counts.get(k)}`);
  }
  let glueFifos = zeroArea(target);
  for (const [sub, n] of Object.entries(topInstances)) {
    if (sub === FIFO_MODULE) glueFifos = addArea(target, glueFifos, areas.flat(sub), n);
    else if (!kinds.some((k) => tileModule(k) === sub)) throw new SynthError(`${TOP_MODULE}: instance of ${sub} is neither a tile nor a border FIFO`);
  }
  const glueLogic = areas.own(TOP_MODULE);
  const glue = { module: TOP_MODULE, area: addArea(target, glueLogic, glueFifos), parts: { fifos: glueFifos, logic: glueLogic } };

  let interconnect = zeroArea(target);
  let core = zeroArea(target);
  for (const t of Object.values(tiles)) {
    interconnect = addArea(target, interconnect, t.interconnect, t.count);
    core = addArea(target, core, t.core, t.count);
  }
  const area = areas.flat(TOP_MODULE);
  return {
    archId, target, yosys: YOSYS_VERSION, spec: ir.spec, tiles, glue,
    array: { area, interconnect, core, interconnectShare: shareOf(target, interconnect, area) },
    run: { seconds: round((performance.now() - t0) / 1000), units },
  };
}

const round = (s: number) => Math.round(s * 1000) / 1000;
