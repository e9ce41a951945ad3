/**
 * Synthesis of one module (and everything under it) with Yosys: cells per
 * module, refusing designs with latches or `check` problems. The array report
 * (one run per tile kind, cached) is synth/array.ts; both use the same scripts.
 */
import { z } from 'zod';
import { ASYNC_FF_MAP, OUT, unitScript } from './flows.ts';
import { runYosysScript } from './run-yosys.ts';
import type { SynthTarget } from './targets.ts';

export { SYNTH_TARGETS, type SynthTarget } from './targets.ts';
export { SynthError } from './errors.ts';

export interface ModuleStat {
  readonly cells: number;
  readonly cellsByType: Record<string, number>;
  readonly wires: number;
}
export interface SynthReport {
  readonly top: string;
  readonly target: SynthTarget;
  readonly modules: Record<string, ModuleStat>;
  /** Cells of the top with every submodule instance expanded. */
  readonly totalCells: number;
  readonly log: string;
}

const StatJson = z.object({
  modules: z.record(z.string(), z.object({ num_cells: z.number(), num_wires: z.number(), num_cells_by_type: z.record(z.string(), z.number()) })),
  design: z.object({ num_cells: z.number() }).optional(),
});

/** Synthesizes `top` from every `.v` file in `sources`, hierarchy kept (see synth/flows.ts). */
export async function synthesize(sources: ReadonlyMap<string, string>, top: string, target: SynthTarget = 'generic'): Promise<SynthReport> {
  const read = [...sources.keys()].filter((f) => f.endsWith('.v'));
  const run = await runYosysScript(sources, unitScript(target, { top, read }), [OUT.stat], `${top} (${target})`, target === 'generic' ? [ASYNC_FF_MAP] : []);
  const stat = StatJson.parse(JSON.parse(run.outputs[OUT.stat]));
  const modules: Record<string, ModuleStat> = {};
  for (const [name, m] of Object.entries(stat.modules)) {
    modules[name.replace(/^\\/, '')] = { cells: m.num_cells, wires: m.num_wires, cellsByType: m.num_cells_by_type };
  }
  return { top, target, modules, totalCells: stat.design?.num_cells ?? modules[top]?.cells ?? 0, log: run.log };
}

/** Leaf cells of a module with submodule instances expanded (Yosys `stat` design total, computed per module). */
export function flatCells(report: SynthReport, module: string): number {
  const m = report.modules[module];
  if (!m) throw new Error(`no module ${module} in the synthesis report`);
  let total = 0;
  for (const [type, n] of Object.entries(m.cellsByType)) {
    // Yosys keeps $scopeinfo markers of flattened instances: names, not hardware.
    if (type === '$scopeinfo') continue;
    const sub = type.replace(/^\\/, '');
    total += report.modules[sub] ? n * flatCells(report, sub) : n;
  }
  return total;
}
