/**
 * Tiled kernels on the RTL (the `tiny` array: 256-word MEM tiles, 8 PE + 8
 * MEM): inputs several times larger than a MEM tile, with the shapes that
 * stress a tiler (rectangular, a dense row spanning every column tile, an
 * empty block, a power-law row distribution), every task run back to back in
 * one simulator process and the combined result exact against the reference.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { mulberry32 } from '../base/prng.ts';
import { makeTensor, tensorDiff, type Tensor } from '../formats/tensor.ts';
import { evaluate } from '../golden/reference.ts';
import { resolveKernel } from '../compiler/resolve.ts';
import { planTiles, runTiled } from '../flow/tiled-run.ts';
import { buildModel } from '../sim/verilator.ts';

const ir = presetIR('tiny');

/** rows x cols: row 3 dense, rows 40..79 empty when `gap`, otherwise row r has about 60/(r+1) nonzeros (power law). */
function stressMatrix(rows: number, cols: number, seed: number, gap: boolean): Tensor {
  const rand = mulberry32(seed);
  const entries = new Map<string, [number[], number]>();
  for (let r = 0; r < rows; r++) {
    if (gap && r >= 40 && r < 80) continue;
    const n = r === 3 ? cols : Math.max(1, Math.round(60 / (r + 1)));
    for (let k = 0; k < n; k++) {
      const c = r === 3 ? k : Math.floor(rand() * cols);
      entries.set(`${r},${c}`, [[r, c], 1 + Math.floor(rand() * 200) - 100]);
    }
  }
  return makeTensor([rows, cols], entries.values());
}

const dense = (n: number, seed: number): Tensor => {
  const rand = mulberry32(seed);
  return makeTensor([n], Array.from({ length: n }, (_, i) => [[i], 1 + Math.floor(rand() * 50)] as [number[], number]));
};

describe('tiled kernels on the RTL (tiny array)', () => {
  beforeAll(async () => { await buildModel(ir); });

  // Tiles store B compressed in both (flow/tiled-run.ts tileFormat): in CSR a tile's dense row
  // level would iterate all its empty rows.
  // The dense x: every task's output region is reused by the next, whose hidden zeros must be zeros.
  it.each([
    ['SpMV CSR, c dense', 'x(i)=B(i,j)*c(j)', { B: 'ds', c: 'd' }],
    ['SpMV DCSR, c dense', 'x(i)=B(i,j)*c(j)', { B: 'ss', c: 'd' }],
    ['SpMV CSR, c dense, x dense', 'x(i)=B(i,j)*c(j)', { B: 'ds', c: 'd', x: 'd' }],
    ['SpMV DCSR, c sparse, x dense', 'x(i)=B(i,j)*c(j)', { B: 'ss', c: 's', x: 'd' }],
  ] as const)('%s on a 300 x 700 power-law matrix with a dense row and an empty block', async (_, expr, formats) => {
    const inputs = { B: stressMatrix(300, 700, 5, true), c: dense(700, 6) };
    const kernel = resolveKernel(expr, formats, undefined, { B: inputs.B.shape, c: inputs.c.shape });
    // The dense row alone (700 coordinates) is larger than a MEM tile.
    expect(inputs.B.values.length).toBeGreaterThan(3 * 256);
    const r = await runTiled({ spec: ir.spec, kernel, inputs, simulator: 'verilator' });
    expect(r.tiling.tiles).toBeGreaterThan(2);
    const reference = evaluate(kernel.assignment, inputs, { dataWidth: 16, outputShape: kernel.output.shape });
    expect(tensorDiff(r.output, reference)).toBeNull();
    // The bus and the array work at once: the total is at least either and at most their sum.
    expect(r.cycles).toBeGreaterThanOrEqual(Math.max(r.tiling.loadCycles, r.tiling.computeCycles));
    expect(r.cycles).toBeLessThanOrEqual(r.tiling.loadCycles + r.tiling.computeCycles);
  });

  const vec = (n: number, at: readonly number[], seed: number): Tensor => {
    const rand = mulberry32(seed);
    return makeTensor([n], at.map((i) => [[i], 1 + Math.floor(rand() * 90)] as [number[], number]));
  };
  const range = (lo: number, n: number, step = 1) => Array.from({ length: n }, (_, k) => lo + k * step);

  // A vector level's MEM tile holds seg (2 words) and crd: 254 coordinates fill 256 words exactly.
  // A dot product, so the output (a scalar) takes no room.
  it.each([[254, 2], [255, 3]] as const)('a densest tile of %i coordinates (exactly at capacity, then one more) runs in %i tasks, exact', async (dense, want) => {
    const kernel = resolveKernel('x=b(i)*c(i)', {}, undefined, { b: [600], c: [600] });
    // The first half (0..299) holds `dense` coordinates of both vectors, the second half 100.
    const at = [...range(0, Math.min(dense, 254)), ...(dense > 254 ? [299] : []), ...range(300, 100, 3)];
    const inputs = { b: vec(600, at, 1), c: vec(600, at, 2) };
    const { tasks, layout } = planTiles(ir, { kernel, inputs });
    expect(tasks.length).toBe(want);
    const fullest = Math.max(...[...layout.reads.values()].map((r) => Object.values(r).reduce((a, n) => a + n, 0)));
    // One more splits that half in two: 0..149 holds 150 coordinates.
    expect(fullest).toBe(dense === 254 ? ir.spec.memDepth : 2 + 150);
    const r = await runTiled({ spec: ir.spec, kernel, inputs, simulator: 'verilator' });
    expect(r.tiling.tiles).toBe(want);
    const reference = evaluate(kernel.assignment, inputs, { dataWidth: 16, outputShape: kernel.output.shape });
    expect(tensorDiff(r.output, reference)).toBeNull();
  });

  it('tile pairs whose output is empty (both inputs non-empty, no common coordinate) combine with the others, exact', async () => {
    // Below column 100, B holds even columns and c odd ones; from 100 on both hold every third.
    const n = 300;
    const rand = mulberry32(3);
    const e: [number[], number][] = [];
    for (let r = 0; r < n; r += 2) for (let c = r % 3; c < n; c += 3) e.push([[r, c < 100 ? c - (c % 2) : c], 1 + Math.floor(rand() * 50)]);
    const B = makeTensor([n, n], new Map(e.map((x) => [x[0].join(), x])).values());
    const c = vec(n, [...range(1, 50, 2), ...range(100, 67, 3)], 4);
    const inputs = { B, c };
    const kernel = resolveKernel('x(i)=B(i,j)*c(j)', { B: 'ss', c: 's' }, undefined, { B: B.shape, c: c.shape });
    const { tasks, footprints } = planTiles(ir, { kernel, inputs });
    const empty = tasks.filter((t, k) => t.inputs.B.values.length > 0 && t.inputs.c.values.length > 0 && footprints[k].golden.output.values.length === 0);
    expect(empty.length).toBeGreaterThan(0);
    const r = await runTiled({ spec: ir.spec, kernel, inputs, simulator: 'verilator' });
    const reference = evaluate(kernel.assignment, inputs, { dataWidth: 16, outputShape: kernel.output.shape });
    expect(reference.values.length).toBeGreaterThan(0);
    expect(tensorDiff(r.output, reference)).toBeNull();
  });
});
