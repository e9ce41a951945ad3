/**
 * A simulator model compiled once into a content-addressed cache directory:
 * the sources are staged in a private directory, compiled under a
 * machine-wide lock (flock), and the finished directory moves into the cache
 * inside the lock, so a process that waited finds it and compiles nothing.
 * Shared by the Verilator and Icarus models.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';

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

/** The product's path, and the seconds this call spent compiling (null when it came from the cache). */
export async function cachedBuild(b: CachedBuild): Promise<{ path: string; seconds: number | null }> {
  const path = join(b.dir, b.product);
  if (existsSync(path)) return { path, seconds: null };
  const t0 = performance.now();
  const tmp = `${b.dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  for (const [name, text] of b.files) {
    mkdirSync(join(tmp, name, '..'), { recursive: true });
    writeFileSync(join(tmp, name), text);
  }
  b.log?.();
  const cmd = `test -f '${path}' || { ${b.command} && mv '${tmp}' '${b.dir}'; }`;
  try {
    await execa('flock', ['-x', b.lockFile, 'sh', '-c', cmd], { cwd: tmp, all: true, ...(b.env ? { env: b.env } : {}) });
  } catch (err) {
    const all = (err as { all?: string }).all ?? String(err);
    throw new Error(`${b.what} failed:\n${all.split('\n').slice(-30).join('\n')}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  if (!existsSync(path)) throw new Error(`${b.what} produced no ${b.product}`);
  return { path, seconds: (performance.now() - t0) / 1000 };
}
