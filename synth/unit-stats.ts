/**
 * Per-module statistics of one synthesis unit, parsed from the files the
 * unit script writes (synth/flows.ts): cells by type after mapping, the local
 * transistor estimate (generic), and the memories as the RTL declared them.
 * This is what the cache stores; areas and parts are derived from it.
 */
import { z } from 'zod';
import { SynthError } from './errors.ts';
import { CMOS_COSTED } from './targets.ts';

export interface Memory {
  readonly name: string;
  /** Words and bits per word ($mem_v2 SIZE and WIDTH). */
  readonly size: number;
  readonly width: number;
}

export interface ModuleStats {
  /** Cells after mapping; submodule instances appear under the submodule's name. */
  readonly cellsByType: Readonly<Record<string, number>>;
  /** Generic target: transistors of this module's own cells (`stat -tech cmos`), submodules not included. */
  readonly transistors?: number;
  /** Generic target: own cells `stat -tech cmos` has no cost for (memories excepted: they are reported as bits). */
  readonly uncosted?: Readonly<Record<string, number>>;
  readonly memories: readonly Memory[];
}

export type UnitStats = Readonly<Record<string, ModuleStats>>;

const StatJson = z.object({
  modules: z.record(z.string(), z.object({
    num_cells_by_type: z.record(z.string(), z.number()).optional(),
    estimated_num_transistors: z.union([z.string(), z.number()]).optional(),
  })),
});
const MemJson = z.object({
  modules: z.record(z.string(), z.object({
    cells: z.record(z.string(), z.object({ type: z.string(), parameters: z.record(z.string(), z.union([z.string(), z.number()])) })).optional(),
  })),
});

const bare = (name: string) => name.replace(/^\\/, '');
/** Yosys writes parameters as binary strings (or numbers with -compat-int). */
const param = (v: string | number | undefined, what: string): number => {
  const n = typeof v === 'number' ? v : v !== undefined && /^[01]+$/.test(v) ? parseInt(v, 2) : NaN;
  if (!Number.isFinite(n)) throw new SynthError(`unreadable memory parameter ${what}: ${String(v)}`);
  return n;
};
const sorted = (r: Record<string, number>): Record<string, number> => Object.fromEntries(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function parse<T>(schema: z.ZodType<T>, text: string, what: string): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SynthError(`unreadable ${what} from yosys: ${(e as Error).message}`);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new SynthError(`unexpected ${what} from yosys: ${r.error.issues[0]?.message ?? 'bad shape'}`);
  return r.data;
}

export function parseUnitStats(files: { stat: string; mems: string; cmos?: string }, blackboxes: ReadonlySet<string> = new Set()): UnitStats {
  const stat = parse(StatJson, files.stat, 'stat -json');
  const mems = parse(MemJson, files.mems, 'memory list');
  const cmos = files.cmos === undefined ? undefined : parse(StatJson, files.cmos, 'stat -json -tech cmos');
  const names = new Set(Object.keys(stat.modules).map(bare));
  const out: Record<string, ModuleStats> = {};
  for (const [raw, m] of Object.entries(stat.modules)) {
    const name = bare(raw);
    const cellsByType = sorted(Object.fromEntries(Object.entries(m.num_cells_by_type ?? {}).map(([t, n]) => [bare(t), n])));
    const memories = Object.entries(mems.modules[raw]?.cells ?? mems.modules[name]?.cells ?? {})
      .filter(([, c]) => c.type === '$mem_v2')
      .map(([cell, c]) => ({ name: bare(cell), size: param(c.parameters.SIZE, `${name}.${cell}.SIZE`), width: param(c.parameters.WIDTH, `${name}.${cell}.WIDTH`) }))
      .sort((a, b) => (a.name < b.name ? -1 : 1));
    let transistors: number | undefined;
    let uncosted: Record<string, number> | undefined;
    if (cmos) {
      const c = cmos.modules[raw];
      if (!c) throw new SynthError(`no transistor estimate for module ${name}`);
      // "552+" means some cells had no cost: submodule instances, memories, or (listed) anything else.
      transistors = parseInt(String(c.estimated_num_transistors ?? '0'), 10);
      uncosted = {};
      for (const [t, n] of Object.entries(c.num_cells_by_type ?? {})) {
        const type = bare(t);
        if (!CMOS_COSTED.has(type) && !names.has(type) && !blackboxes.has(type) && type !== '$mem_v2' && type !== '$scopeinfo') uncosted[type] = n;
      }
      uncosted = sorted(uncosted);
    }
    out[name] = { cellsByType, memories, ...(transistors === undefined ? {} : { transistors, uncosted }) };
  }
  return out;
}
