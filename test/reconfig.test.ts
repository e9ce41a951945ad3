/**
 * The reconfiguration hazard (real Verilator runs on the default array):
 * different kernels back to back in one simulator process. The later kernels
 * leave tiles the earlier ones configured untouched, write SRAM regions they
 * filled and read words they wrote; with the array-clear command between them
 * every result is exact and no earlier data remains in a region a later kernel
 * uses. Without it the same sequence goes wrong, so the test can fail.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { withoutHop } from './helpers/bitstream-edit.ts';
import { TABLE, graphOf, randomInputs, uniformDims } from '../flow/kernel-table.ts';
import { mapKernel, type MappedKernel } from '../compiler/map-kernel.ts';
import { outputArrays, runGraph, type GraphRun } from '../golden/run-graph.ts';
import { evaluate } from '../golden/reference.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { decodeAddress } from '../generator/ir.ts';
import { buildModel } from '../sim/verilator.ts';
import { runSession, type SessionRun } from '../sim/session.ts';
import { defaultCycleLimit } from '../sim/stall.ts';

const ir = presetIR('default');

interface Kernel { name: string; m: MappedKernel; golden: GraphRun; reference: ReturnType<typeof evaluate>; limit: number }

function kernel(name: string, seed: number): Kernel {
  const c = TABLE.find((k) => k.name === name)!;
  const dims = uniformDims(c, 6);
  const { kernel: k, graph } = graphOf(c, dims);
  const inputs = randomInputs(c, dims, 0.5, seed);
  const golden = runGraph(graph, inputs);
  const reference = evaluate(k.assignment, inputs, { dataWidth: 16, outputShape: k.output.shape });
  return { name, m: mapKernel(ir, graph, inputs), golden, reference, limit: defaultCycleLimit(golden.idealCycles) };
}

const tilesOf = (m: MappedKernel) => new Set(m.words.map((w) => decodeAddress(w.address).tile));

/** Words of a kernel's output regions past what it wrote (golden sizes): must be zero when nothing leaked. */
function leftovers(k: Kernel, run: SessionRun): number[] {
  const out: number[] = [];
  for (const [node, arrays] of run.regions) {
    const b = k.m.graph.nodes.find((n) => n.id === node)?.binding;
    if (b?.kind !== 'output-level' && b?.kind !== 'output-vals') continue;
    for (const [a, used] of Object.entries(outputArrays(k.golden.fibertree, b))) out.push(...arrays[a].slice(used.length).filter((w) => w !== 0));
  }
  return out;
}

describe('kernels back to back in one simulator process', () => {
  // TTM, then SpMV (leaves 14 of TTM's tiles configured and untouched, writes over TTM's output
  // regions), then elementwise mul (reads SRAM words SpMV wrote), then TTM again on other data.
  let ks: Kernel[];
  beforeAll(async () => {
    ks = [kernel('TTM', 1), kernel('SpMV CSR, c sparse', 2), kernel('elementwise mul', 3), kernel('TTM', 4)];
    await buildModel(ir);
  });

  it('the sequence exercises the hazard: untouched configured tiles, reused SRAM regions', () => {
    const [ttm, spmv, emul] = ks;
    expect([...tilesOf(ttm.m)].filter((t) => !tilesOf(spmv.m).has(t)).length).toBeGreaterThan(5);
    const overlap = (a: MappedKernel, words: [number, number][]) => words.some(([addr]) => {
      const { tile, index } = decodeAddress(addr);
      return [...a.written.values()].some((w) => w.tile === tile && Object.values(w.arrays).some((r) => index >= r.base && index < r.base + r.capacity));
    });
    // elementwise mul preloads words SpMV wrote; SpMV's output regions cover words TTM wrote.
    expect(overlap(spmv.m, emul.m.memImage)).toBe(true);
    const spmvRegions = [...spmv.m.written.values()].flatMap((w) => Object.values(w.arrays).map((r) => [((r.base << 16) | w.tile) >>> 0, 0] as [number, number]));
    expect(overlap(ttm.m, spmvRegions)).toBe(true);
  });

  it('with the array clear between kernels, every result is exact and no earlier data is left in a region a kernel writes', async () => {
    const runs = await runSession(ir, ks.map((k) => ({ mapped: k.m, maxCycles: k.limit, golden: k.golden })));
    runs.forEach((r, i) => {
      expect(r.ok, ks[i].name).toBe(true);
      expect(tensorDiff(r.output!, ks[i].reference), ks[i].name).toBeNull();
      expect(leftovers(ks[i], r), ks[i].name).toEqual([]);
    });
    // Each kernel takes as many cycles as it does alone in a fresh process.
    for (const [i, k] of ks.entries()) {
      const [alone] = await runSession(ir, [{ mapped: k.m, maxCycles: k.limit }]);
      expect(runs[i].cycles, k.name).toBe(alone.cycles);
    }
  });

  it('without it, the same sequence goes wrong (the test can fail)', async () => {
    const runs = await runSession(ir, ks.map((k) => ({ mapped: k.m, maxCycles: k.limit, golden: k.golden })), { isolate: false });
    expect(runs[0].ok).toBe(true);
    const wrong = runs.slice(1).filter((r, i) => !r.ok || tensorDiff(r.output!, ks[i + 1].reference) !== null || leftovers(ks[i + 1], r).length > 0);
    expect(wrong.length).toBeGreaterThan(0);
  });

  it('a kernel that stalls with tokens in its FIFOs leaves nothing behind for the next one on the same routes', async () => {
    const spmv = ks[1];
    // Cut the last hop into some consumer: everything upstream backs up into the FIFOs and stalls.
    const path = spmv.m.nets.flatMap((n) => n.paths).find((p) => p.length >= 4)!;
    const broken = withoutHop(ir, spmv.m, path[path.length - 2]);
    const [stalled, good] = await runSession(ir, [{ mapped: broken, maxCycles: 2000 }, { mapped: spmv.m, maxCycles: spmv.limit, golden: spmv.golden }]);
    expect(stalled.ok).toBe(false);
    expect(good.ok).toBe(true);
    expect(tensorDiff(good.output!, spmv.reference)).toBeNull();
    const [alone] = await runSession(ir, [{ mapped: spmv.m, maxCycles: spmv.limit }]);
    expect(good.cycles).toBe(alone.cycles);
    // The same bitstream rewrites every register the stalled run used: what leaks without the clear
    // is what its FIFOs still hold.
    const [, leaky] = await runSession(ir, [{ mapped: broken, maxCycles: 2000 }, { mapped: spmv.m, maxCycles: spmv.limit }], { isolate: false });
    expect(leaky.ok && tensorDiff(leaky.output!, spmv.reference) === null && leaky.cycles === alone.cycles).toBe(false);
  });
});
