/**
 * A simulator model compiled once into a content-addressed cache directory:
 * the sources are staged in a private directory, compiled under a
 * machine-wide lock (flock), and the finished directory moves into the cache
 * inside the lock, so a process that waited finds it and compiles nothing.
 * Shared by the Verilator and Icarus models.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa, execaSync } from 'execa';

export interface CachedBuild {
  /** Cache directory of this model (its final place). */
  readonly dir: string;
  /** The product, relative to `dir` (e.g. `obj/Vbasalt_top`, `model.vvp`). */
  readonly product: string;
  /** Files to stage, relative to the build directory. */
  readonly files: ReadonlyMap<string, string>;
  /** Shell command that builds the product, run in the build directory. */
  readonly command: string;
  readonly lockFile: string;
  /** What failed in a message, e.g. 'Verilator build of 8x8-…'. */
  readonly what: string;
  readonly env?: Record<string, string>;
  readonly log?: () => void;
}

/**
 * What the compile itself cost, measured by GNU time around the build command (inside the lock,
 * so waiting for another build is not counted): wall and CPU seconds, and the peak resident memory
 * of its largest process (verilator or one compiler). Kept beside the product, so a cached model
 * still reports it; absent where GNU time is not installed as /usr/bin/time.
 */
export interface BuildCost { readonly wallSeconds: number; readonly cpuSeconds: number; readonly peakMb: number }

const TIME_BIN = '/usr/bin/time';
const COST_FILE = 'build-cost.txt';
let gnuTime: boolean | undefined;
/** GNU time (-f, -o) is there: another `time` (BSD, BusyBox) would break the build command. */
function hasGnuTime(): boolean {
  if (gnuTime === undefined) {
    const r = existsSync(TIME_BIN) ? execaSync(TIME_BIN, ['--version'], { reject: false, all: true }) : undefined;
    gnuTime = r !== undefined && r.exitCode === 0 && /GNU/.test(r.all ?? '');
  }
  return gnuTime;
}

function readCost(dir: string): BuildCost | undefined {
  const f = join(dir, COST_FILE);
  if (!existsSync(f)) return undefined;
  // -f '%e %U %S %M': elapsed, user, system seconds, max RSS in KB (the last line: time's own).
  const [e, u, sy, m] = readFileSync(f, 'utf8').trim().split('\n').pop()!.split(/\s+/).map(Number);
  return [e, u, sy, m].every(Number.isFinite) ? { wallSeconds: e, cpuSeconds: u + sy, peakMb: m / 1024 } : undefined;
}

export interface BuildResult {
  readonly path: string;
  /** Seconds this call spent compiling, waiting included (null when it came from the cache). */
  readonly seconds: number | null;
  readonly cost?: BuildCost;
}

export async function cachedBuild(b: CachedBuild): Promise<BuildResult> {
  const path = join(b.dir, b.product);
  const withCost = (r: { path: string; seconds: number | null }): BuildResult => {
    const cost = readCost(b.dir);
    return cost ? { ...r, cost } : r;
  };
  if (existsSync(path)) return withCost({ path, seconds: null });
  const t0 = performance.now();
  const tmp = `${b.dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const [name, text] of b.files) {
    mkdirSync(join(tmp, name, '..'), { recursive: true });
    writeFileSync(join(tmp, name), text);
  }
  b.log?.();
  // The command runs from a script, so GNU time measures all of it.
  writeFileSync(join(tmp, 'build.sh'), `${b.command}\n`);
  const timed = hasGnuTime() ? `${TIME_BIN} -f '%e %U %S %M' -o ${COST_FILE} ` : '';
  const cmd = `test -f '${path}' || { ${timed}sh -e build.sh && mv '${tmp}' '${b.dir}'; }`;
  try {
    await execa('flock', ['-x', b.lockFile, 'sh', '-c', cmd], { cwd: tmp, all: true, ...(b.env ? { env: b.env } : {}) });
  } catch (err) {
    const all = (err as { all?: string }).all ?? String(err);
    throw new Error(`${b.what} failed:\n${all.split('\n').slice(-30).join('\n')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(path)) throw new Error(`${b.what} produced no ${b.product}`);
  return withCost({ path, seconds: (performance.now() - t0) / 1000 });
}
