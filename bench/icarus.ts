/**
 * Icarus Verilog against Verilator on the default array: build/compile time
 * (cold, into fresh cache directories, ccache off), then the same `basalt run`
 * jobs on both, SpMV on west0067 (CSR) and inner-product SpMSpM on karate:
 * wall time, run-phase time, cycles (must be equal) and the written outputs
 * (must be byte-identical). Not a test; prints measurements. Takes minutes:
 * Icarus runs this array at a few hundred cycles/s.
 * Usage: node bin/run-ts.js bench/icarus.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { executeRun } from '../flow/run.ts';
import { buildIR } from '../generator/ir.ts';
import { PRESETS, validateSpec } from '../generator/spec.ts';
import { buildIcarusModel } from '../sim/icarus.ts';
import { buildModel } from '../sim/verilator.ts';

const spec = validateSpec(PRESETS.default);
const ir = buildIR(spec);
const tmp = mkdtempSync(join(tmpdir(), 'basalt-bench-icarus-'));
const REAL = resolve(dirname(fileURLToPath(import.meta.url)), '../../shared/data/mtx/real');

console.log(`default array ${ir.archId}, ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at start`);

// Cold builds: fresh cache directories; ccache off so the Verilator figure is a real C++ build.
const saved = { ...process.env };
process.env.BASALT_CACHE = join(tmp, 'verilator');
process.env.BASALT_ICARUS_CACHE = join(tmp, 'icarus');
process.env.CCACHE_DISABLE = '1';
const ver = await buildModel(ir);
const ica = await buildIcarusModel(ir);
process.env.BASALT_CACHE = saved.BASALT_CACHE;
process.env.BASALT_ICARUS_CACHE = saved.BASALT_ICARUS_CACHE;
process.env.CCACHE_DISABLE = saved.CCACHE_DISABLE;
if (saved.BASALT_CACHE === undefined) delete process.env.BASALT_CACHE;
if (saved.BASALT_ICARUS_CACHE === undefined) delete process.env.BASALT_ICARUS_CACHE;
if (saved.CCACHE_DISABLE === undefined) delete process.env.CCACHE_DISABLE;
console.log(`build (cold)   verilator ${ver.buildSeconds.toFixed(1)} s   icarus ${ica.buildSeconds.toFixed(1)} s`);
// The runs below use the usual caches (built now if missing, not timed).
await buildModel(ir);
await buildIcarusModel(ir);

const jobs = [
  { title: 'SpMV CSR west0067', expr: 'x(i)=B(i,j)*c(j)', format: ['B=ds', 'c=d'], input: [`B=${REAL}/west0067.mtx`, 'c=random:67:1:5'] },
  { title: 'SpMSpM inner karate^2', expr: 'X(i,j)=B(i,k)*C(k,j)', format: ['B=ss', 'C=ss:1,0'], input: [`B=${REAL}/karate.mtx`, `C=${REAL}/karate.mtx`] },
];
console.log('job                      simulator   cycles  wall s   run s  cycles/s  match  same output');
for (const j of jobs) {
  const res = [];
  for (const simulator of ['verilator', 'icarus'] as const) {
    const output = join(tmp, `${simulator}.mtx`);
    const t0 = performance.now();
    const { report } = await executeRun({ spec, expr: j.expr, format: j.format, input: j.input, values: 'seed:1', simulator, output });
    res.push({ simulator, report, wall: (performance.now() - t0) / 1000, text: readFileSync(output, 'utf8') });
  }
  const same = res[0].text === res[1].text && res[0].report.cycles === res[1].report.cycles;
  for (const r of res) {
    console.log(
      `${j.title.padEnd(24)} ${r.simulator.padEnd(9)} ${String(r.report.cycles).padStart(8)} ${r.wall.toFixed(1).padStart(7)} ${r.report.sim.seconds.toFixed(2).padStart(7)} ${r.report.sim.cyclesPerSecond.toFixed(0).padStart(9)}  ${String(r.report.match).padEnd(5)}  ${same}`,
    );
  }
}
console.log(`load average ${loadavg()[0].toFixed(1)} at the end`);
rmSync(tmp, { recursive: true, force: true });
