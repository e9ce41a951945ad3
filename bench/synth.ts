/**
 * Figures for `basalt synth` (not a test; prints measurements):
 *   time and area of default and onyx, generic target, cold (empty cache) and
 *   cached; onyx after default (shared modules); default on ice40, xilinx,
 *   ecp5; the interconnect share of each tile.
 * Usage: node bin/run-ts.js bench/synth.ts [--skip-fpga]
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, validateSpec } from '../generator/spec.ts';
import { buildIR } from '../generator/ir.ts';
import { TILE_PARTS, synthArray, type ArrayReport } from '../synth/array.ts';
import type { SynthTarget } from '../synth/targets.ts';

const skipFpga = process.argv.includes('--skip-fpga');
const fresh = () => mkdtempSync(join(tmpdir(), 'basalt-bench-synth-'));
const pct = (f: number | undefined) => `${((f ?? 0) * 100).toFixed(1)}%`;
const num = (n: number | undefined) => (n ?? 0).toLocaleString('en-US');

/** Wall seconds, and CPU seconds of this process (Yosys runs in it): the machine may be shared. */
async function timed(preset: string, target: SynthTarget, cacheDir: string): Promise<{ r: ArrayReport; s: number; cpu: number }> {
  const ir = buildIR(validateSpec(PRESETS[preset]));
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const r = await synthArray(ir, { target, cacheDir });
  const c = process.cpuUsage(c0);
  return { r, s: (performance.now() - t0) / 1000, cpu: (c.user + c.system) / 1e6 };
}

function describe(label: string, { r, s, cpu }: { r: ArrayReport; s: number; cpu: number }): void {
  const synthesized = Object.entries(r.run.units).filter(([, u]) => !u.cached);
  const slowest = [...synthesized].sort(([, a], [, b]) => b.seconds - a.seconds).slice(0, 3).map(([m, u]) => `${m} ${u.seconds.toFixed(1)} s`);
  console.log(`${label}: ${s.toFixed(2)} s wall, ${cpu.toFixed(2)} s CPU (${synthesized.length}/${Object.keys(r.run.units).length} modules synthesized${slowest.length ? `; slowest ${slowest.join(', ')}` : ''})`);
  const a = r.array.area;
  const main = r.target === 'generic' ? `${num(a.transistors)} transistors, ${num(a.sramBits)} SRAM bits` : `${num(a.luts)} LUTs, ${num(a.ffs)} FFs, ${num(a.blockRams)} BRAMs, ${num(a.dsps)} DSPs`;
  console.log(`  array ${r.spec.width}x${r.spec.height}: ${num(a.cells)} cells, ${main}; glue ${num(r.glue.area.cells)} cells; interconnect ${pct(r.array.interconnectShare[r.target === 'generic' ? 'transistors' : 'luts'])}`);
}

function shares(r: ArrayReport): void {
  const metric = r.target === 'generic' ? 'transistors' : 'luts';
  for (const t of Object.values(r.tiles)) {
    const parts = TILE_PARTS.map((p) => `${p} ${pct((t.parts[p][metric] ?? 0) / (t.area[metric] || 1))}`).join(', ');
    const mems = t.memories.map((m) => `${m.module} ${m.size}x${m.width} -> ${m.mappedTo}`).join(', ');
    const fpga = r.target === 'generic' ? `${num(t.area.transistors)} T` : `${num(t.area.luts)} LUTs ${num(t.area.ffs)} FFs ${num(t.area.blockRams)} BRAMs ${num(t.area.dsps)} DSPs`;
    console.log(`  ${t.module} x${t.count}: ${num(t.area.cells)} cells, ${fpga}; interconnect ${pct(t.interconnectShare[metric])} of ${metric} (${parts})${mems ? `; ${mems}` : ''}`);
  }
}

async function cliCachedSeconds(preset: string, cacheDir: string): Promise<number> {
  const t0 = performance.now();
  await execa('node', ['bin/basalt.js', 'synth', '--preset', preset, '--json'], { env: { BASALT_SYNTH_CACHE: cacheDir } });
  return (performance.now() - t0) / 1000;
}

const dirs: string[] = [];
const dir = () => {
  const d = fresh();
  dirs.push(d);
  return d;
};

try {
  const defDir = dir();
  const defCold = await timed('default', 'generic', defDir);
  describe('default generic, cold', defCold);
  shares(defCold.r);
  describe('default generic, cached', await timed('default', 'generic', defDir));
  console.log(`  CLI (node start included): basalt synth --preset default --json, cached: ${(await cliCachedSeconds('default', defDir)).toFixed(2)} s wall`);

  const onyxDir = dir();
  const onyxCold = await timed('onyx', 'generic', onyxDir);
  describe('onyx generic, cold', onyxCold);
  shares(onyxCold.r);
  describe('onyx generic, cached', await timed('onyx', 'generic', onyxDir));
  console.log(`  CLI (node start included): basalt synth --preset onyx --json, cached: ${(await cliCachedSeconds('onyx', onyxDir)).toFixed(2)} s wall`);
  describe('onyx generic after default (cache shared with default)', await timed('onyx', 'generic', defDir));

  if (!skipFpga) {
    for (const target of ['ice40', 'xilinx', 'ecp5'] as const) {
      const run = await timed('default', target, dir());
      describe(`default ${target}, cold`, run);
      shares(run.r);
    }
  }
} finally {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}
