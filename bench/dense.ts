/**
 * Dense mode figures (issue 14) on the default array's RTL: each dense kernel
 * of the issue, cycles versus the ideal (one value or multiply-accumulate per
 * cycle per pipeline once full), the layout and tiles used, with and without
 * random host stalls, and the wall time of the golden reference versus the
 * RTL run (build excluded: the model is cached).
 *
 *   node bin/run-ts.js bench/dense.ts [kernel ...]     (pointwise gaussian matvec gemm conv)
 */
import { mulberry32, randInt } from '../base/prng.ts';
import { fromDenseValues, type Tensor } from '../formats/tensor.ts';
import { PRESETS } from '../generator/spec.ts';
import { evaluateDense } from '../golden/dense-reference.ts';
import { runDense } from '../flow/dense-run.ts';

const rng = mulberry32(5);
const rand = (shape: number[], lo: number, hi: number): Tensor => fromDenseValues(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => randInt(rng, lo, hi)));
const GAUSS = fromDenseValues([3, 3], [24, 30, 24, 30, 37, 30, 24, 30, 24]);

export const DENSE_KERNELS: Record<string, { expr: string; inputs: () => Record<string, Tensor> }> = {
  pointwise: { expr: 'Y(i,j)=A(i,j)*2', inputs: () => ({ A: rand([64, 64], -20000, 20000) }) },
  gaussian: { expr: 'Y(i,j)=(W(r,s)*X(i+r,j+s))>>>8', inputs: () => ({ W: GAUSS, X: rand([64, 64], 0, 255) }) },
  matvec: { expr: 'y(i)=A(i,j)*x(j)', inputs: () => ({ A: rand([32, 32], -300, 300), x: rand([32], -300, 300) }) },
  gemm: { expr: 'C(i,j)=A(i,k)*B(k,j)', inputs: () => ({ A: rand([32, 32], -100, 100), B: rand([32, 32], -100, 100) }) },
  conv: { expr: 'Y(c,i,j)=W(c,r,s)*X(i+r,j+s)', inputs: () => ({ W: rand([4, 3, 3], -8, 8), X: rand([32, 32], -100, 100) }) },
};

const pick = process.argv.slice(2);
console.log('kernel | host stall | ok | cycles | ideal | cycles/ideal | layout | tiles | golden s | sim s');
for (const name of pick.length ? pick : Object.keys(DENSE_KERNELS)) {
  const k = DENSE_KERNELS[name];
  if (!k) throw new Error(`unknown kernel ${name} (known: ${Object.keys(DENSE_KERNELS).join(' ')})`);
  const inputs = k.inputs();
  const t = performance.now();
  evaluateDense(k.expr, inputs, { dataWidth: PRESETS.default.dataWidth });
  const golden = (performance.now() - t) / 1000;
  for (const stall of [0, 0.3]) {
    const r = await runDense({ spec: PRESETS.default, expr: k.expr, inputs, stall, log: (l) => console.log(l) });
    console.log(`${name} \`${k.expr}\` | ${stall} | ${r.ok} | ${r.cycles} | ${r.idealCycles} | ${(r.cycles / r.idealCycles).toFixed(3)} | ${r.layout} | ${r.tiles.pe} PE + ${r.tiles.mem} MEM | ${golden.toFixed(3)} | ${r.simSeconds.toFixed(3)}`);
  }
}
