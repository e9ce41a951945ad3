/**
 * Synthesis with Yosys compiled to WebAssembly (@yowasp/yosys): no system
 * install, same binary everywhere. Reports cells per module and refuses
 * designs with latches or `check` problems.
 */
import { runYosys } from '@yowasp/yosys';

export const SYNTH_TARGETS = ['generic', 'ice40', 'xilinx', 'ecp5'] as const;
export type SynthTarget = (typeof SYNTH_TARGETS)[number];

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

export class SynthError extends Error {}

const LATCHES = 't:$dlatch t:$adlatch t:$dlatchsr t:$_DLATCH_* t:$_DLATCHSR_*';

function script(top: string, target: SynthTarget, files: string[]): string[] {
  const read = files.map((f) => `read_verilog ${f}`);
  const front = [`hierarchy -check -top ${top}`, 'proc', `select -assert-none ${LATCHES}`];
  const back = ['hierarchy -check', 'check -assert', `select -assert-none ${LATCHES}`, 'tee -q -o stat.json stat -json'];
  if (target === 'generic') {
    // The default `synth` flow minus memory_map: SRAMs stay one $mem cell each
    // instead of thousands of flip-flops, as a memory compiler would provide them.
    return [...read, ...front, `synth -top ${top} -run coarse:fine`, 'opt -fast -full', 'techmap', 'opt -fast', 'abc -fast', 'opt -fast', ...back];
  }
  return [...read, ...front, `synth_${target} -top ${top}`, ...back];
}

interface StatJson {
  modules: Record<string, { num_cells: number; num_wires: number; num_cells_by_type: Record<string, number> }>;
  design?: { num_cells: number };
}

export async function synthesize(sources: Map<string, string>, top: string, target: SynthTarget = 'generic'): Promise<SynthReport> {
  const names = [...sources.keys()].filter((f) => f.endsWith('.v'));
  const tree: Record<string, string> = {};
  for (const n of names) tree[n] = sources.get(n)!;
  let log = '';
  const decoder = new TextDecoder();
  const sink = (bytes: Uint8Array | null) => {
    if (bytes) log += decoder.decode(bytes, { stream: true });
  };
  let out: Record<string, unknown>;
  try {
    out = (await runYosys(['-q', '-p', script(top, target, names).join('; ')], tree, { stdout: sink, stderr: sink })) as Record<string, unknown>;
  } catch (err) {
    const tail = log.split('\n').filter((l) => /ERROR|Warning|Error/.test(l)).slice(-10).join('\n');
    throw new SynthError(`yosys failed on ${top} (${target}): ${tail || (err as Error).message}`);
  }
  const raw = out['stat.json'];
  const text = typeof raw === 'string' ? raw : decoder.decode(raw as Uint8Array);
  const stat = JSON.parse(text) as StatJson;
  const modules: Record<string, ModuleStat> = {};
  for (const [name, m] of Object.entries(stat.modules)) {
    modules[name.replace(/^\\/, '')] = { cells: m.num_cells, wires: m.num_wires, cellsByType: m.num_cells_by_type };
  }
  return { top, target, modules, totalCells: stat.design?.num_cells ?? modules[top]?.cells ?? 0, log };
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
