/**
 * Tiling (compiler/tiling.ts, flow/tiled-run.ts): slicing and combining on
 * their own, then every kernel of the table planned onto an array whose MEM
 * tiles are far too small for it, run task by task on the golden model and
 * combined: the result equals the reference exactly (reductions split across
 * tiles, affine terms added once, accumulators and dense outputs included).
 */
import { describe, expect, it } from 'vitest';
import { Combiner, reuseOrder, sliceTensor, type TaskInputs } from '../compiler/tiling.ts';
import { buildSamGraph } from '../compiler/sam-graph.ts';
import { mapKernel } from '../compiler/map-kernel.ts';
import { CapacityError } from '../base/errors.ts';
import { tensorDiff, type Tensor } from '../formats/tensor.ts';
import { evaluate } from '../golden/reference.ts';
import { SPACC_TABLE, TABLE, kernelOf, randomInputs, uniformDims } from '../flow/kernel-table.ts';
import { planTiles, runTiled } from '../flow/tiled-run.ts';
import { presetIR } from './helpers/arch.ts';

// 64 words per MEM tile: every kernel below needs several tiles of its inputs.
const small = presetIR('default', { memDepth: 64, accWidth: 64 });

describe('slicing and combining', () => {
  const t: Tensor = { shape: [6, 5], coords: [[0, 1], [2, 4], [3, 0], [5, 3]], values: [1, 2, 3, 4] };

  it('tasks are ordered so that the variable indexing the largest operand tiles changes slowest', () => {
    // C(j,k) is a dense 4 x 8 tile in every task, B(i,k) a few entries: k should change slowest, i fastest.
    const tile = (n: number): Tensor => ({ shape: [n], coords: Array.from({ length: n }, (_, x) => [x]), values: Array.from({ length: n }, () => 1) });
    const tasks: TaskInputs[] = [];
    for (const i of [0, 8]) for (const k of [0, 8, 16]) tasks.push({ task: { ranges: { i: { lo: i, len: 8 }, k: { lo: k, len: 8 } } }, inputs: { B: tile(2), C: tile(32) } });
    const plan = { tile: { i: 8, k: 8, j: 4 }, vars: new Map([['B', ['i', 'k']], ['C', ['j', 'k']]]), outside: new Map() };
    const order = reuseOrder(tasks, plan).map((t) => `${t.task.ranges.k.lo}/${t.task.ranges.i.lo}`);
    expect(order).toEqual(['0/0', '0/8', '8/0', '8/8', '16/0', '16/8']);
  });

  it('a slice keeps the coordinates in range, shifted to the tile origin', () => {
    const s = sliceTensor(t, ['i', 'j'], { i: { lo: 2, len: 3 }, j: { lo: 0, len: 4 } }, [3, 4]);
    expect(s).toEqual({ shape: [3, 4], coords: [[1, 0]], values: [3] });
  });

  it('the combiner places partial outputs at their origin and adds overlapping ones with the datapath wrap-around', () => {
    const c = new Combiner([4], ['i'], 16);
    c.add({ shape: [2], coords: [[0], [1]], values: [30000, 5] }, { i: { lo: 2, len: 2 } });
    c.add({ shape: [2], coords: [[0]], values: [30000] }, { i: { lo: 2, len: 2 } });
    c.add({ shape: [2], coords: [[1]], values: [-7] }, { i: { lo: 0, len: 2 } });
    expect(c.result()).toEqual({ shape: [4], coords: [[1], [2], [3]], values: [-7, ((60000 + 32768) % 65536) - 32768, 5] });
  });
});

describe('every kernel tiled on the golden model equals the reference', () => {
  it.each([...TABLE, ...SPACC_TABLE].map((c) => [c.name, c] as const))('%s', async (_, c) => {
    // Sized by the largest tensor's order so that each case needs a few tiles, not thousands.
    const order = Math.max(...Object.values(c.inputs).map((v) => v.length));
    const dims = uniformDims(c, [0, 200, 24, 8][order]);
    const inputs = randomInputs(c, dims, Object.fromEntries(Object.entries(c.inputs).map(([t, v]) => [t, v.length === 0 ? 1 : 0.4])), 7);
    const kernel = kernelOf(c, dims);
    // The kernel does not fit whole: its inputs overflow the MEM tiles.
    expect(() => mapKernel(small, buildSamGraph(kernel, { dataWidth: 16 }), inputs)).toThrow(CapacityError);
    const r = await runTiled({ spec: small.spec, kernel, inputs, simulator: 'golden' });
    expect(r.tiling.tiles).toBeGreaterThan(1);
    const reference = evaluate(kernel.assignment, inputs, { dataWidth: 16, outputShape: kernel.output.shape });
    expect(tensorDiff(r.output, reference)).toBeNull();
  });
});

describe('tile plans', () => {
  it('every task fits the one memory layout of the tile graph', () => {
    const c = TABLE.find((k) => k.name === 'SpMV CSR, c dense')!;
    const dims = { i: 40, j: 40 };
    const inputs = randomInputs(c, dims, 0.5, 3);
    const { tasks, layout } = planTiles(small, { kernel: kernelOf(c, dims), inputs });
    expect(tasks.length).toBeGreaterThan(1);
    for (const regions of layout.reads.values()) expect(Object.values(regions).reduce((a, n) => a + n, 0)).toBeLessThanOrEqual(64);
    // The tasks cover the iteration space: every nonzero of B lands in exactly one task.
    const seen = tasks.reduce((a, t) => a + t.inputs.B.values.length, 0);
    expect(seen).toBe(inputs.B.values.length);
  });

  it('tiles store a scanned dense level compressed, and keep a located one dense', () => {
    // Gustavson with CSR operands: B's rows are iterated (compressed in a tile: only its non-empty
    // rows), C's rows are located by B's column coordinates (dense: no intersection with C's rows).
    const c = SPACC_TABLE.find((k) => k.name === 'SpMSpM Gustavson')!;
    const dims = { i: 40, k: 40, j: 40 };
    const kernel = kernelOf(c, dims, { B: 'ds', C: 'ds' });
    const { tk, graph, tasks } = planTiles(small, { kernel, inputs: randomInputs(c, dims, 0.3, 5) });
    expect(tasks.length).toBeGreaterThan(1);
    expect(Object.fromEntries(tk.tensors.filter((t) => !t.isOutput).map((t) => [t.name, t.format.text]))).toEqual({ B: 'ss', C: 'ds' });
    expect(graph.inputs.find((b) => b.tensor === 'C')!.levels[0].scanners).toEqual([]);
  });

  it('refuses, with the reason, a kernel whose graph does not fit the array at any tile size', async () => {
    const tiny = presetIR('tiny');
    const c = SPACC_TABLE.find((k) => k.name === 'SpMSpM Gustavson')!;
    const dims = uniformDims(c, 8);
    await expect(runTiled({ spec: tiny.spec, kernel: kernelOf(c, dims), inputs: randomInputs(c, dims, 0.5, 1), simulator: 'verilator' }))
      .rejects.toThrow(/the kernel cannot be tiled onto this array: .*MEM tiles/);
  });
});
