/**
 * Every kernel of the DESIGN.md table tiled on the default array's RTL (issue 10; prints
 * measurements, not a test): random inputs whose largest tensor holds about `scale` times a MEM
 * tile's words, planned into tiles, run back to back on as many copies as fit, exact against the
 * reference. Per kernel: nonzeros, tile shape, tasks, copies, load and compute cycles, wall time.
 * Usage: node bin/run-ts.js bench/tiling-kernels.ts [scale=3] [name-substring ...]
 */
import { runTiled } from '../flow/tiled-run.ts';
import { SPACC_TABLE, TABLE, kernelOf, randomInputs, uniformDims } from '../flow/kernel-table.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { evaluate } from '../golden/reference.ts';
import { PRESETS, validateSpec } from '../generator/spec.ts';

const spec = validateSpec(PRESETS.default);
const [scaleArg, ...only] = process.argv.slice(2);
const scale = Number(scaleArg ?? 3);
const density = 0.4;
// Per tensor order, the size whose tensor holds scale x memDepth nonzeros at this density.
const sizeFor = (order: number) => Math.ceil(((scale * spec.memDepth) / density) ** (1 / order));

console.log(`scale ${scale} x ${spec.memDepth} words, density ${density}`);
console.log('kernel                                  nnz  tile                 tasks copies   load cyc compute cyc   wall s  exact');
for (const c of [...TABLE, ...SPACC_TABLE]) {
  if (only.length > 0 && !only.some((s) => c.name.includes(s))) continue;
  const order = Math.max(...Object.values(c.inputs).map((v) => v.length));
  const dims = uniformDims(c, sizeFor(order));
  const inputs = randomInputs(c, dims, Object.fromEntries(Object.entries(c.inputs).map(([t, v]) => [t, v.length === 0 ? 1 : density])), 11);
  const kernel = kernelOf(c, dims);
  const nnz = Object.values(inputs).reduce((a, t) => a + t.values.length, 0);
  const t0 = performance.now();
  try {
    const r = await runTiled({ spec, kernel, inputs, simulator: 'verilator' });
    const s = (performance.now() - t0) / 1000;
    const reference = evaluate(kernel.assignment, inputs, { dataWidth: spec.dataWidth, outputShape: kernel.output.shape });
    const t = r.tiling;
    console.log(`${c.name.padEnd(36)} ${String(nnz).padStart(6)}  ${JSON.stringify(t.tileShape).padEnd(20)} ${String(t.tiles).padStart(5)} ${String(t.copies).padStart(6)} ${String(t.loadCycles).padStart(10)} ${String(t.computeCycles).padStart(11)} ${s.toFixed(1).padStart(8)}  ${tensorDiff(r.output, reference) === null}`);
  } catch (e) {
    console.log(`${c.name.padEnd(36)} ${String(nnz).padStart(6)}  failed: ${(e as Error).message.slice(0, 300)}`);
  }
}
