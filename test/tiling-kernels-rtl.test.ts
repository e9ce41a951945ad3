/**
 * Every kernel of the DESIGN.md table tiled on the `default` array's RTL (2048-word MEM tiles):
 * random inputs several times a MEM tile's words, so no kernel fits whole; every task runs back to
 * back in one simulator process (on as many copies as fit), is checked against the golden model,
 * and the combined result equals the whole-tensor reference. A kernel of one large tensor gets one
 * of 2.2 MEM tiles; several matrices (or 3-tensors) get 1.1 MEM tiles each, denser
 * and so smaller in every mode, because its work grows with mode size x nonzeros; SDDMM's dense
 * factors get a short k.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { CapacityError } from '../base/errors.ts';
import { buildSamGraph } from '../compiler/sam-graph.ts';
import { mapKernel } from '../compiler/map-kernel.ts';
import { SPACC_TABLE, TABLE, kernelOf, randomInputs, uniformDims, type KernelCase } from '../flow/kernel-table.ts';
import { runTiled } from '../flow/tiled-run.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { evaluate } from '../golden/reference.ts';
import { buildModel } from '../sim/verilator.ts';
import { presetIR } from './helpers/arch.ts';

const ir = presetIR('default');
const depth = ir.spec.memDepth;

/** Mode sizes, density, and the MEM tiles' worth of nonzeros the inputs must exceed in all. */
function sizing(c: KernelCase): { dims: Record<string, number>; density: number; words: number } {
  const orders = Object.values(c.inputs).map((v) => v.length);
  const order = Math.max(...orders);
  const size = (words: number, density: number, o = order) => Math.ceil(((words * depth) / density) ** (1 / o));
  if (c.name === 'SDDMM') return { dims: { ...uniformDims(c, size(2.2, 0.4, 2)), k: 6 }, density: 0.4, words: 2 * depth };
  if (order >= 2 && orders.filter((o) => o === order).length >= 2) return { dims: uniformDims(c, size(1.1, 0.55)), density: 0.55, words: 2 * depth };
  return { dims: uniformDims(c, size(2.2, 0.4)), density: 0.4, words: 2 * depth };
}

describe('every kernel tiled on the default array (RTL)', () => {
  beforeAll(async () => { await buildModel(ir); });

  it.each([...TABLE, ...SPACC_TABLE].map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const { dims, density, words } = sizing(c);
    const inputs = randomInputs(c, dims, Object.fromEntries(Object.entries(c.inputs).map(([t, v]) => [t, v.length === 0 ? 1 : density])), 23);
    const kernel = kernelOf(c, dims);
    expect(Object.values(inputs).reduce((a, t) => a + t.values.length, 0)).toBeGreaterThan(words);
    expect(() => mapKernel(ir, buildSamGraph(kernel, { dataWidth: ir.spec.dataWidth }), inputs)).toThrow(CapacityError);
    const r = await runTiled({ spec: ir.spec, kernel, inputs, simulator: 'verilator' });
    expect(r.tiling.tiles).toBeGreaterThan(1);
    const reference = evaluate(kernel.assignment, inputs, { dataWidth: ir.spec.dataWidth, outputShape: kernel.output.shape });
    expect(tensorDiff(r.output, reference)).toBeNull();
    // The bus and the array work at once: the total is at least either and at most their sum.
    expect(r.cycles).toBeGreaterThanOrEqual(Math.max(r.tiling.loadCycles, r.tiling.computeCycles));
    expect(r.cycles).toBeLessThanOrEqual(r.tiling.loadCycles + r.tiling.computeCycles);
    expect(r.tiling.computeCycles).toBeGreaterThanOrEqual(Math.ceil(r.idealCycles / r.tiling.copies));
  });
});
