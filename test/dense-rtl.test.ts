/**
 * Dense mode (issue 14) on the default array's RTL: every dense kernel of the
 * issue (pointwise, the 3x3 gaussian, matrix-vector, matrix product, a
 * convolution with output channels, elementwise with shifts), each checked
 * three ways (RTL == the dense graph on the primitives' golden models == the
 * dense reference evaluation); a sparse and a dense kernel back to back in one
 * simulator process; bad dense input refused before simulating.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32, randInt } from '../base/prng.ts';
import { mapKernel } from '../compiler/map-kernel.ts';
import { fromDenseValues, tensorDiff, type Tensor } from '../formats/tensor.ts';
import { decodeAddress } from '../generator/ir.ts';
import { PRESETS } from '../generator/spec.ts';
import { evaluateDense } from '../golden/dense-reference.ts';
import { evaluate } from '../golden/reference.ts';
import { runGraph } from '../golden/run-graph.ts';
import { graphOf, randomInputs, TABLE, uniformDims } from '../flow/kernel-table.ts';
import { prepareDense, runDense, runMixedSession } from '../flow/dense-run.ts';
import { buildModel } from '../sim/verilator.ts';
import { defaultCycleLimit } from '../sim/stall.ts';
import { presetIR } from './helpers/arch.ts';

const spec = PRESETS.default;
const rng = mulberry32(11);
const rand = (shape: number[], lo: number, hi: number): Tensor => fromDenseValues(shape, Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => randInt(rng, lo, hi)));
const GAUSS = fromDenseValues([3, 3], [24, 30, 24, 30, 37, 30, 24, 30, 24]);

async function exact(expr: string, inputs: Record<string, Tensor>, opts: { stall?: number; maxCopies?: number } = {}) {
  const r = await runDense({ spec, expr, inputs, ...opts });
  expect(r.mismatch).toBeUndefined();
  expect(r.ok).toBe(true);
  // Independently of the run's own check: the RTL output against the reference.
  expect(tensorDiff(r.output, evaluateDense(expr, inputs, { dataWidth: spec.dataWidth }))).toBeNull();
  expect(r.output.values.some((v) => v !== 0)).toBe(true);
  expect(r.mode).toBe('dense');
  expect(r.cycles).toBeGreaterThanOrEqual(r.idealCycles);
  return r;
}

describe('dense kernels on the default array', () => {
  beforeAll(async () => {
    await buildModel(presetIR('default'));
  }, 600_000);

  it('pointwise Y(i,j)=A(i,j)*2 on 64x64: 8 copies, near one value per cycle each', async () => {
    const r = await exact('Y(i,j)=A(i,j)*2', { A: rand([64, 64], -20000, 20000) }); // doubling wraps at 16 bits
    expect(r.output.shape).toEqual([64, 64]);
    expect(r.tiles).toEqual({ pe: 8, mem: 0 });
    expect(r.idealCycles).toBe(512);
    expect(r.cycles).toBeLessThan(r.idealCycles * 1.1);
  });

  it('3x3 gaussian blur (24/30/24, 30/37/30, 24/30/24, >>> 8) on 64x64 -> 62x62: line buffers, 8 bands', async () => {
    const r = await exact('Y(i,j)=(W(r,s)*X(i+r,j+s))>>>8', { W: GAUSS, X: rand([64, 64], 0, 255) });
    expect(r.output.shape).toEqual([62, 62]);
    expect(r.tiles).toEqual({ pe: 48, mem: 16 });
    expect(r.cycles).toBeLessThan(r.idealCycles * 1.15);
  });

  it('the gaussian as one pipeline, with random host stalls on input and output', async () => {
    const r = await exact('Y(i,j)=(W(r,s)*X(i+r,j+s))>>>8', { W: GAUSS, X: rand([20, 33], 0, 255) }, { stall: 0.3, maxCopies: 1 });
    expect(r.tiles).toEqual({ pe: 6, mem: 2 });
    expect(r.cycles).toBeGreaterThan(r.idealCycles);
  });

  it('matrix-vector 32x32 (products overflow 16 bits) and 7x19 with stalls', async () => {
    const r = await exact('y(i)=A(i,j)*x(j)', { A: rand([32, 32], -2000, 2000), x: rand([32], -2000, 2000) });
    expect(r.tiles).toEqual({ pe: 1, mem: 2 });
    expect(r.cycles).toBeLessThan(r.idealCycles * 1.1);
    await exact('y(i)=A(i,j)*x(j)', { A: rand([7, 19], -50, 50), x: rand([19], -50, 50) }, { stall: 0.4 });
  });

  it('matrix product 32x32 by 32x32: 8 copies over column blocks, A fanned out', async () => {
    const r = await exact('C(i,j)=A(i,k)*B(k,j)', { A: rand([32, 32], -100, 100), B: rand([32, 32], -100, 100) });
    expect(r.tiles).toEqual({ pe: 8, mem: 9 });
    expect(r.idealCycles).toBe(32 * 32 * 32 / 8);
    expect(r.cycles).toBeLessThan(r.idealCycles * 1.1);
    // Non-square, a shift, fewer copies than columns would allow at 3.
    await exact('C(i,j)=(A(i,k)*B(k,j))>>2', { A: rand([5, 7], -100, 100), B: rand([7, 6], -100, 100) }, { maxCopies: 4 });
    // A logical shift (and a second one) follow the accumulator as ALUs.
    await exact('C(i,j)=(A(i,k)*B(k,j))>>>3>>1', { A: rand([4, 6], -100, 100), B: rand([6, 4], -100, 100) });
    await exact('y(i)=(A(i,j)*x(j))>>>2', { A: rand([5, 9], -100, 100), x: rand([9], -100, 100) });
  });

  it('2-D convolution with 4 output channels, 3x3 weights, on 32x32', async () => {
    const r = await exact('Y(c,i,j)=W(c,r,s)*X(i+r,j+s)', { W: rand([4, 3, 3], -8, 8), X: rand([32, 32], -100, 100) });
    expect(r.output.shape).toEqual([4, 30, 30]);
    expect(r.cycles).toBeLessThan(r.idealCycles * 1.25);
  });

  it('elementwise with two inputs, a constant, neg and both shifts; a 2x2 stencil; a row stencil', async () => {
    await exact('Z(i,j)=(A(i,j)-3*B(i,j))>>1', { A: rand([9, 11], -3000, 3000), B: rand([9, 11], -3000, 3000) }, { stall: 0.2 });
    await exact('Z(i)=-(A(i)>>>3)+B(i)*A(i)', { A: rand([40], -3000, 3000), B: rand([40], -30, 30) });
    await exact('Y(i,j)=W(r,s)*X(r+i,j+s)', { W: rand([2, 2], -5, 5), X: rand([12, 10], -100, 100) });
    await exact('Y(i,j)=W(r,s)*X(i+r,j+s)', { W: rand([1, 3], -5, 5), X: rand([6, 10], -100, 100) });
  });

  it('refuses bad dense input before simulating, naming the problem', async () => {
    const run = (expr: string, inputs: Record<string, Tensor>) => () => prepareDense({ spec, expr, inputs });
    expect(run('C(i,j)=A(i,k)*B(k,j)', { A: rand([4, 5], 0, 3), B: rand([6, 3], 0, 3) })).toThrow(/index k has size 5 \(A mode 1\) but 6 \(B mode 0\)/);
    expect(run('Y(i,j)=W(r,s)*X(i+r,j+s)', { W: GAUSS, X: rand([2, 8], 0, 3) })).toThrow(/stencil out of bounds: X\(i\+r,j\+s\) mode 0 has size 2, smaller than the window of r/);
    expect(run('Y(i,j)=W(r,s)*X(i+r,j+s)', { W: rand([4, 4], 0, 3), X: rand([8, 8], 0, 3) })).toThrow(/a 4x4 window: the row filters and line buffers build windows of up to 3x3/);
    expect(run('Y(i,j)=A(i,j)>>16', { A: rand([2, 2], 0, 3) })).toThrow(/a shift by 16: the 16-bit datapath shifts by 0\.\.15/);
    expect(run('y(i)=A(j,i)*x(j)', { A: rand([3, 3], 0, 3), x: rand([3], 0, 3) })).toThrow(/dense mode runs elementwise kernels, .* this expression is none of them/);
    expect(run('Y(i,j)=A(j,i)', { A: rand([3, 3], 0, 3) })).toThrow(/read every input as the output is indexed, Y\(i,j\): A\(j,i\) is not/);
    expect(run('y(i)=A(i,j)*x(j)', { A: rand([3000, 2], 0, 3), x: rand([2], 0, 3) })).toThrow(/y has 3000 entries but a MEM tile holds 2048: use --set memDepth=4096/);
  });
});

describe('same silicon: sparse and dense kernels back to back in one simulator process', () => {
  it('SpMV, the gaussian, SpMV again on one model: all exact, nothing of one leaks into the next', async () => {
    const ir = presetIR('default');
    const c = TABLE.find((k) => k.name === 'SpMV CSR, c sparse')!;
    const dims = uniformDims(c, 12);
    const { kernel: k, graph } = graphOf(c, dims);
    const inputs = randomInputs(c, dims, 0.5, 3);
    const golden = runGraph(graph, inputs);
    const sparse = { kind: 'sparse' as const, kernel: { mapped: mapKernel(ir, graph, inputs), maxCycles: defaultCycleLimit(golden.idealCycles), golden } };
    const dinputs = { W: GAUSS, X: rand([24, 24], 0, 255) };
    const dense = prepareDense({ spec, expr: 'Y(i,j)=(W(r,s)*X(i+r,j+s))>>>8', inputs: dinputs });
    // The dense kernel reconfigures tiles and reuses MEM tiles the sparse one configured and filled: a leak would show.
    const tilesOf = (words: readonly { address: number }[]) => new Set(words.map((w) => decodeAddress(w.address).tile));
    const sparseTiles = tilesOf(sparse.kernel.mapped.words);
    expect([...tilesOf(dense.mapped.words)].filter((t) => sparseTiles.has(t)).length).toBeGreaterThan(3);
    const sparseMem = new Set(sparse.kernel.mapped.memImage.map(([a]) => decodeAddress(a).tile));
    expect(dense.mapped.usedMemTiles.some((t) => sparseMem.has(t))).toBe(true);
    const runs = await runMixedSession(ir, [sparse, { kind: 'dense', mapped: dense.mapped }, sparse]);
    const reference = evaluate(k.assignment, inputs, { dataWidth: 16, outputShape: k.output.shape });
    expect(runs.map((r) => r.ok)).toEqual([true, true, true]);
    expect(runs.map((r) => r.kind)).toEqual(['sparse', 'dense', 'sparse']);
    expect(tensorDiff(runs[0].output!, reference)).toBeNull();
    expect(tensorDiff(runs[1].output!, dense.reference)).toBeNull();
    expect(tensorDiff(runs[2].output!, reference)).toBeNull();
    expect(runs[2].cycles).toBe(runs[0].cycles);
  });
});
