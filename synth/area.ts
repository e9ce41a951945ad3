/**
 * Areas: cell counts by type plus the figures of the target (generic:
 * flip-flops, transistors, SRAM bits; FPGA: LUTs, flip-flops, block RAMs,
 * DSPs, ...), for one module's own cells or with its submodules expanded.
 */
import { FPGA_CLASSES, cellClass, type FpgaClass, type SynthTarget } from './targets.ts';
import type { UnitStats } from './unit-stats.ts';
import { SynthError } from './errors.ts';

/**
 * cells: leaf cells after mapping (a $mem SRAM is one cell);
 * transistors: `stat -tech cmos` estimate of the logic, SRAMs excluded;
 * uncostedCells: cells the estimate had no cost for (other than SRAMs), expected 0;
 * sramBits: bits of the memories the RTL declares (generic: kept as $mem cells; FPGA: mapped to RAM primitives).
 */
export type Metric = 'cells' | 'transistors' | 'uncostedCells' | 'sramBits' | FpgaClass;

export const TARGET_METRICS: Record<SynthTarget, readonly Metric[]> = {
  generic: ['cells', 'ffs', 'transistors', 'uncostedCells', 'sramBits'],
  ice40: ['cells', ...FPGA_CLASSES, 'sramBits'],
  xilinx: ['cells', ...FPGA_CLASSES, 'sramBits'],
  ecp5: ['cells', ...FPGA_CLASSES, 'sramBits'],
};

export type Area = Readonly<Partial<Record<Metric, number>>> & { readonly cellsByType: Readonly<Record<string, number>> };

const byName = <T>(r: Record<string, T>): Record<string, T> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

export function zeroArea(target: SynthTarget): Area {
  return { ...Object.fromEntries(TARGET_METRICS[target].map((m) => [m, 0])), cellsByType: {} };
}

/** a + k * b, metric by metric and cell type by cell type. */
export function addArea(target: SynthTarget, a: Area, b: Area, k = 1): Area {
  const cells: Record<string, number> = { ...a.cellsByType };
  for (const [t, n] of Object.entries(b.cellsByType)) cells[t] = (cells[t] ?? 0) + k * n;
  const metrics = Object.fromEntries(TARGET_METRICS[target].map((m) => [m, (a[m] ?? 0) + k * (b[m] ?? 0)]));
  return { ...metrics, cellsByType: byName(cells) };
}

export const sumAreas = (target: SynthTarget, areas: readonly Area[]): Area => areas.reduce((acc, a) => addArea(target, acc, a), zeroArea(target));

/**
 * Areas of synthesized modules. `stats` holds every module of the design
 * (each from the unit that synthesized it); instances of a module not in
 * `stats` (a black box) are left out.
 */
export class ModuleAreas {
  private readonly flatMemo = new Map<string, Area>();

  constructor(
    readonly target: SynthTarget,
    readonly stats: UnitStats,
  ) {}

  private module(name: string) {
    const m = this.stats[name];
    if (!m) throw new SynthError(`no module ${name} in the synthesis results`);
    return m;
  }

  /** Instances of synthesized submodules in `name`, by module. */
  instances(name: string): Record<string, number> {
    return Object.fromEntries(Object.entries(this.module(name).cellsByType).filter(([t]) => t in this.stats));
  }

  /** The module's own cells: no submodule instances. */
  own(name: string): Area {
    const m = this.module(name);
    const cellsByType: Record<string, number> = {};
    for (const [t, n] of Object.entries(m.cellsByType)) {
      // $scopeinfo marks where a flattened instance was: a name, not hardware.
      if (t in this.stats || t === '$scopeinfo') continue;
      cellsByType[t] = n;
    }
    const metrics: Partial<Record<Metric, number>> = {};
    for (const metric of TARGET_METRICS[this.target]) metrics[metric] = 0;
    for (const [t, n] of Object.entries(cellsByType)) {
      metrics.cells! += n;
      const c = cellClass(this.target, t);
      if (c) metrics[c] = (metrics[c] ?? 0) + n;
    }
    metrics.sramBits = m.memories.reduce((s, mem) => s + mem.size * mem.width, 0);
    if (this.target === 'generic') {
      metrics.transistors = m.transistors ?? 0;
      metrics.uncostedCells = Object.values(m.uncosted ?? {}).reduce((s, n) => s + n, 0);
    }
    return { ...metrics, cellsByType: byName(cellsByType) };
  }

  /** The module with every submodule instance expanded. */
  flat(name: string): Area {
    let a = this.flatMemo.get(name);
    if (!a) {
      a = this.own(name);
      for (const [sub, n] of Object.entries(this.instances(name))) a = addArea(this.target, a, this.flat(sub), n);
      this.flatMemo.set(name, a);
    }
    return a;
  }
}
