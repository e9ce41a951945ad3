/**
 * Builds one flat Verilator model per arch and reuses it for every job.
 * Cache key: arch-id plus a hash of the rendered RTL, the C++ driver and the
 * flags, so a generator change can never hand back a stale model. Builds take
 * a machine-wide lock: two Verilator builds at once would thrash two cores.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { execa } from 'execa';
import type { HardwareIR } from '../generator/ir.ts';
import { renderVerilog } from '../generator/emit.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CACHE_DIR = process.env.BASALT_CACHE ?? join(ROOT, '.cache', 'verilator');
const LOCK_FILE = process.env.BASALT_BUILD_LOCK ?? '/tmp/basalt-verilator-build.lock';

const VERILATOR_FLAGS = [
  '--cc', '--exe', '--build', '-j', '2', '-O3', '--x-assign', 'fast', '--x-initial', 'fast',
  '--top-module', 'basalt_top', '-Wno-fatal', '-Wno-lint', '-Wno-style',
  // Verilator compiles the model with -Os by default; -O2 runs markedly faster.
  '-CFLAGS', '-O2', '-MAKEFLAGS', 'OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O2',
];

export interface Model {
  readonly exe: string;
  readonly dir: string;
  /** True when this call compiled it, false when it came from the cache. */
  readonly built: boolean;
  readonly buildSeconds: number;
}

function renderDriver(ir: HardwareIR): string {
  const tpl = readFileSync(join(ROOT, 'templates', 'tb_main.cpp.hbs'), 'utf8');
  return Handlebars.compile(tpl, { noEscape: true, strict: true })({
    generatorVersion: ir.generatorVersion, archId: ir.archId, w: ir.wordWidth, nio: ir.graph.io.length, memReadLatency: ir.memReadLatency, cfgReadLatency: ir.cfgReadLatency,
  });
}

export async function buildModel(ir: HardwareIR, opts: { log?: (s: string) => void } = {}): Promise<Model> {
  const files = renderVerilog(ir);
  const driver = renderDriver(ir);
  const h = createHash('sha256');
  for (const [n, t] of [...files].sort()) h.update(n).update('\0').update(t).update('\0');
  h.update(driver).update(VERILATOR_FLAGS.join(' '));
  const dir = join(CACHE_DIR, `${ir.archId}-${h.digest('hex').slice(0, 12)}`);
  const exe = join(dir, 'obj', 'Vbasalt_top');
  if (existsSync(exe)) return { exe, dir, built: false, buildSeconds: 0 };

  mkdirSync(CACHE_DIR, { recursive: true });
  const t0 = performance.now();
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(join(tmp, 'src'), { recursive: true });
  for (const [n, t] of files) if (n.endsWith('.v')) writeFileSync(join(tmp, 'src', n), t);
  writeFileSync(join(tmp, 'src', 'tb_main.cpp'), driver);
  opts.log?.(`building Verilator model for ${ir.archId} (cached afterwards) ...`);
  const vfiles = [...files.keys()].filter((n) => n.endsWith('.v')).map((n) => join('src', n));
  // flock serialises builds across processes (test workers, parallel CLI runs).
  const args = ['-x', LOCK_FILE, 'sh', '-c', `test -x '${exe}' || verilator ${VERILATOR_FLAGS.map((f) => `'${f}'`).join(' ')} --Mdir obj -o Vbasalt_top ${vfiles.join(' ')} src/tb_main.cpp`];
  try {
    await execa('flock', args, { cwd: tmp, env: { OBJCACHE: existsOnPath('ccache') ? 'ccache' : '' }, all: true });
  } catch (err) {
    const all = (err as { all?: string }).all ?? String(err);
    rmSync(tmp, { recursive: true, force: true });
    throw new Error(`Verilator build failed for ${ir.archId}:\n${all.split('\n').slice(-30).join('\n')}`);
  }
  if (!existsSync(exe)) {
    try {
      renameSync(tmp, dir);
    } catch {
      // Another process finished the same build first; theirs is identical.
    }
  }
  rmSync(tmp, { recursive: true, force: true });
  return { exe, dir, built: true, buildSeconds: (performance.now() - t0) / 1000 };
}

function existsOnPath(bin: string): boolean {
  return (process.env.PATH ?? '').split(':').some((p) => p && existsSync(join(p, bin)));
}
