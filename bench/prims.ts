/**
 * Figures for the SAM primitives (not a test; prints measurements):
 *  - cycles per token of every primitive on its core harness without stalls
 *    (tiny preset), on the random cases of `basalt prim` and on long streams,
 *    with the fixed latency per case over the item bound;
 *  - simulation speed of the core harnesses (cycles/s);
 *  - Yosys (generic) cell counts: PE and MEM tiles and cores with all
 *    primitives, and each primitive module alone.
 * Usage: node bin/run-ts.js bench/prims.ts [--preset tiny] [--cases N]
 */
import { PRESETS, validateSpec } from '../generator/spec.ts';
import { buildIR } from '../generator/ir.ts';
import { renderVerilog } from '../generator/emit.ts';
import { primMode, type TileKindName } from '../generator/cores.ts';
import { coreModules, primModules } from '../generator/core-context.ts';
import {
  buildCoreHarness, firstMismatch, itemCycleBound, maxStreamTokens, randomHarnessCases, runPrimJob, HARNESS_PRIMS,
  type HarnessCase,
} from '../sim/prim-harness.ts';
import type { Model } from '../sim/verilator.ts';
import { flatCells, synthesize } from '../synth/yosys.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const preset = arg('--preset', 'tiny');
const N = Number(arg('--cases', '300'));
const ir = buildIR(validateSpec(PRESETS[preset]));

const models: Partial<Record<TileKindName, Model>> = {};
for (const kind of ['pe', 'mem'] as const) {
  models[kind] = await buildCoreHarness(ir, kind, { log: (s) => console.log(s) });
  if (models[kind]!.built) console.log(`  built ${kind} core harness in ${models[kind]!.buildSeconds.toFixed(0)} s`);
}

const pad = (s: string | number, n: number) => String(s).padStart(n);
console.log(`\ncycles per token without stalls, ${preset} (${ir.archId}); tokens = most tokens on one stream per case`);
console.log('  random: the cases of `basalt prim`; cyc/bound: cycles over the item bound (sim/prim-harness.ts itemCycleBound);');
console.log('  latency max: most cycles over the item bound in one case; long: cases with >= 100 tokens on a stream');
console.log(`${'primitive'.padEnd(14)}${pad('random: cyc/tok', 17)}${pad('cyc/bound', 11)}${pad('latency max', 13)}${pad('long: cyc/tok', 15)}${pad('cyc/bound', 11)}`);
const speed: Record<string, { cycles: number; seconds: number }> = { pe: { cycles: 0, seconds: 0 }, mem: { cycles: 0, seconds: 0 } };
for (const prim of HARNESS_PRIMS) {
  const kind = primMode(prim).kind;
  const figures = async (cases: HarnessCase[]) => {
    const job = await runPrimJob(ir, models[kind]!, cases, { stall: 0 });
    speed[kind].cycles += job.simCycles;
    speed[kind].seconds += job.simSeconds;
    let cycles = 0;
    let tokens = 0;
    let bound = 0;
    let latency = 0;
    for (const r of job.results) {
      if (firstMismatch(r, ir.spec.dataWidth)) throw new Error(`${prim}: case ${r.index} does not match the golden model`);
      const c = cases[r.index];
      cycles += r.cycles;
      tokens += maxStreamTokens(c);
      bound += itemCycleBound(c);
      latency = Math.max(latency, r.cycles - itemCycleBound(c));
    }
    return { cycles, tokens, bound, latency };
  };
  const rnd = await figures(randomHarnessCases(ir, prim, N, 1));
  // Long streams: cases of larger fibers (still within the tiny SRAM) with at least 100 tokens on a stream.
  const long = await figures(randomHarnessCases(ir, prim, 600, 2, { maxDim: 12, maxLevels: 3 }).filter((c) => maxStreamTokens(c) >= 100).slice(0, 40));
  console.log(
    `${prim.padEnd(14)}${pad((rnd.cycles / rnd.tokens).toFixed(3), 17)}${pad((rnd.cycles / rnd.bound).toFixed(3), 11)}${pad(rnd.latency, 13)}` +
      `${pad((long.cycles / long.tokens).toFixed(3), 15)}${pad((long.cycles / long.bound).toFixed(3), 11)}`,
  );
}
for (const kind of ['pe', 'mem'] as const) {
  console.log(`core harness ${kind}: ${(speed[kind].cycles / speed[kind].seconds).toFixed(0)} cycles/s (${speed[kind].cycles} cycles incl. config and memory port)`);
}

console.log(`\nyosys generic cell counts, ${preset}`);
const files = renderVerilog(ir);
for (const kind of ['pe', 'mem'] as const) {
  const r = await synthesize(files, `basalt_${kind}_tile`);
  const tile = flatCells(r, `basalt_${kind}_tile`);
  const core = flatCells(r, `basalt_${kind}_core`);
  console.log(`${kind.toUpperCase()} tile: ${tile} cells, of which the core (all primitives, buffers, muxes) ${core}`);
  for (const m of coreModules(kind)) console.log(`  ${m.module.padEnd(28)} ${pad(flatCells(r, m.module), 6)}  (${m.prims.map((d) => d.name).join(', ')})`);
}
for (const m of primModules(ir).filter((x) => x.module.startsWith('basalt_ibuf'))) {
  const r = await synthesize(files, m.module);
  console.log(`  ${m.module.padEnd(28)} ${pad(flatCells(r, m.module), 6)}  (per core input)`);
}
