/**
 * A synthesis unit: one module (a tile kind, or the array top with the tiles
 * as black boxes) with the files it reads and its script, run through Yosys
 * or fetched from the cache.
 */
import { ASYNC_FF_MAP, OUT, unitScript, type UnitScript } from './flows.ts';
import { YOSYS_VERSION, runYosysScript } from './run-yosys.ts';
import { hashKey, readCache, writeCache } from './cache.ts';
import { parseUnitStats, type UnitStats } from './unit-stats.ts';
import type { SynthTarget } from './targets.ts';

/** Bumped when the cached value's shape or meaning changes without the script changing. */
const CACHE_SCHEMA = 'synth-unit-1';

export interface Unit extends UnitScript {
  /** The files the script reads (RTL and black boxes), by name. */
  readonly files: ReadonlyMap<string, string>;
}

export interface UnitRun {
  readonly stats: UnitStats;
  readonly cached: boolean;
  readonly seconds: number;
}

export interface UnitCache {
  readonly dir: string;
  /**
   * Text as hashed: the arch-id appears only in the generated header comment,
   * so hashing without it lets arrays with identical tiles share their
   * tile results (a sweep over array sizes synthesizes each tile once).
   */
  readonly normalize?: (text: string) => string;
}

export function unitKey(u: Unit, target: SynthTarget, normalize: (text: string) => string = (t) => t): string {
  const parts = [CACHE_SCHEMA, YOSYS_VERSION, target, u.top, unitScript(target, u).join('\n'), ASYNC_FF_MAP.text];
  for (const name of [...u.files.keys()].sort()) parts.push(name, normalize(u.files.get(name)!));
  return hashKey(parts);
}

/** `onSynthesize` is called when Yosys has to run (a cache miss). */
export async function runUnit(u: Unit, target: SynthTarget, cache?: UnitCache, onSynthesize?: () => void): Promise<UnitRun> {
  const t0 = performance.now();
  const label = `${u.top}-${target}`;
  const key = cache ? unitKey(u, target, cache.normalize) : '';
  if (cache) {
    const hit = readCache<UnitStats>(cache.dir, label, key);
    if (hit) return { stats: hit, cached: true, seconds: (performance.now() - t0) / 1000 };
  }
  onSynthesize?.();
  const outputs = [OUT.stat, OUT.mems, ...(target === 'generic' ? [OUT.cmos] : [])];
  const run = await runYosysScript(u.files, unitScript(target, u), outputs, `${u.top} (${target})`, target === 'generic' ? [ASYNC_FF_MAP] : []);
  const blackboxes = new Set((u.blackboxes ?? []).map((f) => f.replace(/\.v$/, '')));
  const stats = parseUnitStats({ stat: run.outputs[OUT.stat], mems: run.outputs[OUT.mems], cmos: run.outputs[OUT.cmos] }, blackboxes);
  if (cache) writeCache(cache.dir, label, key, stats);
  return { stats, cached: false, seconds: (performance.now() - t0) / 1000 };
}
