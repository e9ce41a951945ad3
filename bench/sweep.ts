/**
 * Figures for `basalt sweep` (not a test; prints measurements): wall time of
 * the README's example sweep (examples/sweep-small.json) through the CLI with
 * --jobs 2 and --jobs 1,
 *   cold: empty model, synthesis and ccache caches (private ones, so nothing
 *         else on the machine is disturbed or helps);
 *   warm: the caches the cold run filled, a new --out (synthesis and models
 *         cached: gen, cache look-ups and simulation only);
 *   resume: the same --out again (every point done: nothing runs).
 * Beside wall time: CPU seconds of the whole process tree, the sum of the
 * points' build seconds (which include waiting for the machine-wide build
 * lock: other users' builds show up there) and synthesis seconds.
 * Usage: node bin/run-ts.js bench/sweep.ts [--jobs 2,1] [--grid FILE] [--warm-only]
 */
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SweepTable } from '../flow/sweep-results.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const grid = arg('--grid', 'examples/sweep-small.json');
const jobsList = arg('--jobs', '2,1').split(',').map(Number);
const warmOnly = process.argv.includes('--warm-only');

/** CPU seconds of this process's waited-for children (and theirs), from /proc (Linux). */
function childCpu(): number {
  const f = readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return (Number(rest[13]) + Number(rest[14])) / 100; // cutime + cstime, in clock ticks of 1/100 s
}

const temps: string[] = [];
const temp = (what: string) => {
  const d = mkdtempSync(join(tmpdir(), `basalt-bench-sweep-${what}-`));
  temps.push(d);
  return d;
};

async function run(label: string, jobs: number, out: string, env: Record<string, string>): Promise<void> {
  const c0 = childCpu();
  const load = loadavg()[0];
  const t0 = performance.now();
  const r = await execa('node', ['bin/basalt.js', 'sweep', '--grid', grid, '--out', out, '--jobs', String(jobs), '--json'], { env, reject: false });
  const wall = (performance.now() - t0) / 1000;
  const cpu = childCpu() - c0;
  if (r.exitCode !== 0) throw new Error(`sweep exited ${r.exitCode}: ${r.stderr}`);
  const s = JSON.parse(r.stdout) as { ran: number; skipped: number; statuses: Record<string, number> };
  const t = JSON.parse(readFileSync(join(out, 'results.json'), 'utf8')) as SweepTable;
  const perPoint = new Map<number, { build: number; synth: number; built: boolean }>();
  for (const row of t.rows) perPoint.set(row.point as number, { build: (row.buildSeconds as number) ?? 0, synth: (row.synthSeconds as number) ?? 0, built: row.modelBuilt === true });
  const build = [...perPoint.values()].reduce((a, p) => a + p.build, 0);
  const synth = [...perPoint.values()].reduce((a, p) => a + p.synth, 0);
  const built = [...perPoint.values()].filter((p) => p.built).length;
  console.log(
    `${label.padEnd(6)} --jobs ${jobs}: ${wall.toFixed(1)} s wall, ${cpu.toFixed(1)} s CPU (load ${load.toFixed(1)} at start); ran ${s.ran}, skipped ${s.skipped}; ` +
      `rows ${Object.entries(s.statuses).filter(([, n]) => n).map(([k, n]) => `${n} ${k}`).join(', ')}; ` +
      (s.ran ? `models built ${built}, build ${build.toFixed(1)} s (with lock waits), synthesis ${synth.toFixed(1)} s, summed over points` : ''),
  );
}

try {
  console.log(`grid ${grid}; ${jobsList.map((j) => `--jobs ${j}`).join(', ')}; machine: ${(await execa('nproc')).stdout} cores`);
  for (const jobs of jobsList) {
    const caches = { BASALT_CACHE: temp('models'), BASALT_SYNTH_CACHE: temp('synth'), CCACHE_DIR: temp('ccache') };
    const env = warmOnly ? {} : caches;
    if (!warmOnly) await run('cold', jobs, temp('out'), env);
    const out = temp('out');
    await run('warm', jobs, out, env);
    await run('resume', jobs, out, env);
  }
} finally {
  for (const d of temps) rmSync(d, { recursive: true, force: true });
}
