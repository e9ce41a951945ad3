/**
 * Figures for the generator foundation (not a test; prints measurements):
 *   gen wall time (default, onyx), Verilator build of default (cold: empty
 *   ccache and model cache; warm: ccache only), streaming simulation speed,
 *   Yosys cell counts.
 * Usage: node bin/run-ts.js bench/foundation.ts [--skip-build]
 */
import { execa } from 'execa';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PRESETS, validateSpec } from '../generator/spec.ts';
import { buildIR } from '../generator/ir.ts';
import { renderVerilog } from '../generator/emit.ts';
import { buildModel } from '../sim/verilator.ts';
import { runStreamCheck } from '../sim/stream-check.ts';
import { coldAndWarmBuilds } from './cold-build.ts';
import { flatCells, synthesize } from '../synth/yosys.ts';

const skipBuild = process.argv.includes('--skip-build');

async function genTime(preset: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-'));
  const t0 = performance.now();
  await execa('node', ['bin/basalt.js', 'gen', '--preset', preset, '--out', join(dir, 'out')]);
  const s = (performance.now() - t0) / 1000;
  rmSync(dir, { recursive: true, force: true });
  return s;
}

for (const p of ['default', 'onyx']) {
  const runs = [await genTime(p), await genTime(p), await genTime(p)];
  console.log(`gen ${p}: ${Math.min(...runs).toFixed(2)} s wall (best of 3, whole CLI incl. node start)`);
}

const ir = buildIR(validateSpec(PRESETS.default));
if (!skipBuild) {
  const { cold, warm } = await coldAndWarmBuilds(ir);
  console.log(`verilator build default, cold (empty ccache): ${cold.buildSeconds.toFixed(0)} s`);
  console.log(`verilator build default, warm (ccache hit, no model cache): ${warm.buildSeconds.toFixed(0)} s`);
}
const model = await buildModel(ir);
const res = await runStreamCheck(ir, model.exe, { tokens: 50_000, stalls: [0, 0.3], seed: 3 });
const streamCycles = res.runs.reduce((a, r) => a + r.cycles, 0);
console.log(`simulation default while streaming: ${res.cyclesPerSecond.toFixed(0)} cycles/s (${streamCycles} stream cycles, all exact: ${res.runs.every((r) => r.exact.flat().every(Boolean))})`);

const tiny = renderVerilog(buildIR(validateSpec(PRESETS.tiny)));
const def = renderVerilog(ir);
for (const [name, files, top] of [['tiny', tiny, 'basalt_pe_tile'], ['tiny', tiny, 'basalt_mem_tile'], ['tiny', tiny, 'basalt_top'], ['default', def, 'basalt_pe_tile'], ['default', def, 'basalt_mem_tile']] as const) {
  const r = await synthesize(files, top);
  console.log(`yosys generic ${name} ${top}: ${flatCells(r, top)} cells`);
}
