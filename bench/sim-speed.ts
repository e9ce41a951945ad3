/**
 * Simulation and build speed of the array models (issue 15). Not a test; prints measurements.
 * Per preset: the Verilator build (cold: empty ccache and model cache; warm: ccache only) with its
 * wall/CPU time and peak memory, then simulated cycles per second of the run phase only (no build,
 * no process start, no job parsing): a long streaming run and a long kernel (SpMV CSR with a
 * sparse vector of half the columns, scanned and intersected once per row: rows x columns / 2
 * tokens). The machine is shared and noisy, so every
 * speed is the best of --runs runs.
 * Usage: node bin/run-ts.js bench/sim-speed.ts [--presets tiny,default,onyx] [--cold] [--runs 3]
 */
import { parseArgs } from 'node:util';
import { PRESETS, validateSpec } from '../generator/spec.ts';
import { buildIR } from '../generator/ir.ts';
import { buildModel, type Model } from '../sim/verilator.ts';
import { runStreamCheck } from '../sim/stream-check.ts';
import { executeRun } from '../flow/run.ts';
import { coldAndWarmBuilds } from './cold-build.ts';

const { values: opt } = parseArgs({
  options: { presets: { type: 'string', default: 'tiny,default,onyx' }, cold: { type: 'boolean', default: false }, runs: { type: 'string', default: '3' } },
});
const runs = Number(opt.runs);
const presets = opt.presets.split(',');

const fmtCost = (m: Model) => (m.cost ? `${m.cost.wallSeconds.toFixed(0)} s wall, ${m.cost.cpuSeconds.toFixed(0)} s CPU, peak ${m.cost.peakMb.toFixed(0)} MB` : 'cost not measured (no /usr/bin/time)');

async function best(n: number, f: () => Promise<{ cycles: number; seconds: number }>) {
  let top = { cycles: 0, seconds: Infinity };
  for (let i = 0; i < n; i++) {
    const r = await f();
    if (r.seconds < top.seconds) top = r;
  }
  return { ...top, perSecond: top.cycles / top.seconds };
}

for (const name of presets) {
  const spec = validateSpec(PRESETS[name as keyof typeof PRESETS]);
  const ir = buildIR(spec);
  console.log(`${name} (${spec.width}x${spec.height}, arch ${ir.archId}):`);
  if (opt.cold) {
    const { cold, warm } = await coldAndWarmBuilds(ir);
    console.log(`  build cold: ${fmtCost(cold)}`);
    console.log(`  build warm (ccache hit): ${fmtCost(warm)}`);
  }
  const model = await buildModel(ir);
  console.log(`  model: ${model.built ? `built now, ${model.buildSeconds.toFixed(0)} s` : 'cached'}; ${fmtCost(model)}`);

  const stream = await best(runs, async () => {
    const r = await runStreamCheck(ir, model.exe, { tokens: 20_000, stalls: [0], seed: 3 });
    if (!r.runs.every((x) => x.exact.flat().every(Boolean))) throw new Error(`${name}: a streamed token was wrong`);
    const cycles = r.runs.reduce((a, x) => a + x.cycles, 0);
    return { cycles, seconds: cycles / r.cyclesPerSecond };
  });
  console.log(`  streaming: ${stream.perSecond.toFixed(0)} cycles/s (${stream.cycles} cycles, best of ${runs})`);

  // Rows x columns / 2 tokens on the sparse-vector scan; nonzeros sized to fit one MEM tile.
  const n = Math.min(300, Math.floor(Math.sqrt(spec.memDepth * 40)));
  const density = Math.min(0.2, (spec.memDepth * 0.6) / (n * n));
  const kernel = await best(runs, async () => {
    const { report } = await executeRun({
      spec, expr: 'x(i)=B(i,j)*c(j)', format: ['B=ds', 'c=s'], input: [`B=random:${n}x${n}:${density.toFixed(4)}:3`, `c=random:${n}:0.5:5`], values: 'seed:1', simulator: 'verilator',
    });
    if (!report.match) throw new Error(`${name}: SpMV result differs from the reference`);
    return { cycles: report.cycles, seconds: report.sim.seconds };
  });
  console.log(`  SpMV CSR ${n}x${n}, sparse c: ${kernel.perSecond.toFixed(0)} cycles/s (${kernel.cycles} cycles, ${kernel.seconds.toFixed(2)} s run phase, best of ${runs})`);
}
