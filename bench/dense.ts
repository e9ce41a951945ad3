/**
 * Dense mode figures (issue 14): y(i) = A(i,j) * x(j) on the default array's
 * RTL, cycles versus the ideal (one multiply-accumulate per cycle), with and without random
 * host stalls, and the wall time of the golden models versus the RTL run.
 *
 *   node bin/run-ts.js bench/dense.ts [rows] [cols]
 */
import { mulberry32, randInt } from '../base/prng.ts';
import { makeTensor } from '../formats/tensor.ts';
import { PRESETS } from '../generator/spec.ts';
import { runDenseMatVec } from '../flow/dense-run.ts';

const rows = Number(process.argv[2] ?? 32);
const cols = Number(process.argv[3] ?? 32);
const rng = mulberry32(5);
const A = makeTensor([rows, cols], Array.from({ length: rows * cols }, (_, k) => [[Math.floor(k / cols), k % cols], randInt(rng, -300, 300)] as [number[], number]));
const x = makeTensor([cols], Array.from({ length: cols }, (_, k) => [[k], randInt(rng, -300, 300)] as [number[], number]));
console.log(`dense y(i)=A(i,j)*x(j), ${rows}x${cols}, default array`);
console.log('host stall | ok | cycles | ideal | cycles/ideal | tiles | sim s | wall s');
for (const stall of [0, 0.3]) {
  const t = performance.now();
  const r = await runDenseMatVec({ spec: PRESETS.default, A, x, stall, log: (l) => console.log(l) });
  const wall = (performance.now() - t) / 1000;
  console.log(`${stall} | ${r.ok} | ${r.cycles} | ${r.idealCycles} | ${(r.cycles / r.idealCycles).toFixed(3)} | ${r.tiles.pe} PE + ${r.tiles.mem} MEM | ${r.simSeconds.toFixed(3)} | ${wall.toFixed(2)}`);
}
