/**
 * Start groups (generator/tile-kind.ts START_GROUPS): copies of a kernel in different groups start,
 * finish and are loaded independently, so the memory port loads one copy while another computes.
 * The contract on the RTL (tiny array): start_group starts only its group, group_done never shows a
 * previous run's done, a group restarts without a clear; and the tile scheduler's overlap.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { mulberry32 } from '../base/prng.ts';
import { resolveKernel } from '../compiler/resolve.ts';
import { buildSamGraph } from '../compiler/sam-graph.ts';
import { copyNodeId, imageFor, mapKernel, type MappedKernel } from '../compiler/map-kernel.ts';
import { decodeAddress, fieldOf, memAddress } from '../generator/ir.ts';
import { GROUP_FIELD } from '../generator/tile-kind.ts';
import { makeTensor, tensorDiff, type Tensor } from '../formats/tensor.ts';
import { runGraph } from '../golden/run-graph.ts';
import { evaluate } from '../golden/reference.ts';
import { Job, runJob } from '../sim/job.ts';
import { readOutput } from '../sim/run-kernel.ts';
import { buildModel } from '../sim/verilator.ts';
import { runTiled } from '../flow/tiled-run.ts';

const ir = presetIR('tiny');
const N = 200;
const kernel = resolveKernel('x(i)=b(i)*3', { b: 's' }, undefined, { b: [N] });
const graph = buildSamGraph(kernel, { dataWidth: 16 });

function sparseVector(n: number, count: number, seed: number): Tensor {
  const rand = mulberry32(seed);
  const at = new Map<number, number>();
  while (at.size < count) at.set(Math.floor(rand() * n), 1 + Math.floor(rand() * 1000));
  return makeTensor([n], [...at].map(([i, v]) => [[i], v] as [number[], number]));
}

/** Every written region of copy `copy`, dumped whole; the decoded output once the job ran. */
function dumpOutput(job: Job, m: MappedKernel, copy: number): (dumps: { addr: number; words: number[] }[]) => Tensor {
  const regions = [...m.single.nodes].flatMap((n) => {
    const w = m.written.get(copyNodeId(n.id, copy));
    return w ? Object.values(w.arrays).map((r) => memAddress(w.tile, r.base)) : [];
  });
  const capacity = (addr: number) => {
    for (const w of m.written.values()) for (const r of Object.values(w.arrays)) if (memAddress(w.tile, r.base) === addr) return r.capacity;
    throw new Error('no region');
  };
  for (const a of regions) job.memDump(a, capacity(a));
  return (dumps) => readOutput(ir, m, new Map(dumps.map((d) => [d.addr, d.words])), copy);
}

describe('start groups', () => {
  const b = [sparseVector(N, 60, 1), sparseVector(N, 60, 2), sparseVector(N, 90, 3)];
  // Laid out for the largest input, so every image fits its regions.
  const m = mapKernel(ir, graph, { b: b[2] }, { copies: 2 });

  it('copy 0 stays in group 0 (no field written), copy 1 is group 1 on every tile it uses', () => {
    expect(m.copies).toBe(2);
    const groupOf = (tile: number) => {
      const f = fieldOf(ir, tile, GROUP_FIELD);
      const w = m.words.find((x) => decodeAddress(x.address).tile === tile && decodeAddress(x.address).index === f.reg);
      return w ? (w.data >>> f.lsb) & (2 ** f.width - 1) : 0;
    };
    for (const n of m.single.nodes) {
      expect(groupOf(m.placement.get(n.id)!)).toBe(0);
      expect(groupOf(m.placement.get(copyNodeId(n.id, 1))!)).toBe(1);
    }
  });

  it('on the RTL: a group starts alone, finishes alone, and restarts without a clear (polled right after its start)', async () => {
    const golden = b.map((x) => runGraph(graph, { b: x }).output);
    const job = new Job().bitstream(m.words);
    for (const [a, w] of imageFor(m, { b: b[0] }, 0)) job.memWrite(a, w);
    for (const [a, w] of imageFor(m, { b: b[1] }, 1)) job.memWrite(a, w);
    job.startGroup(1).runGroup(0, 5000); // run 0: copy 0
    job.runGroup(1, 200); // run 1: never started, so never done
    const out0 = dumpOutput(job, m, 0);
    job.startGroup(2).runGroup(1, 5000); // run 2: copy 1
    const out1 = dumpOutput(job, m, 1);
    // Group 0 again on other data, with group 0's previous done still standing when it starts.
    for (const [a, w] of imageFor(m, { b: b[2] }, 0)) job.memWrite(a, w);
    job.startGroup(1).runGroup(0, 5000); // run 3
    const out2 = dumpOutput(job, m, 0);
    // The global start starts both groups; group 0's done of run 3 must not stand for this run either.
    job.start().runGroup(0, 5000).runGroup(1, 5000); // runs 4, 5
    const res = await runJob((await buildModel(ir)).exe, job);
    expect(res.groupRuns.map((r) => r.ok)).toEqual([true, false, true, true, true, true]);
    expect(res.groupRuns[1]).toMatchObject({ waited: 0, span: 0 });
    // Polled right after its start, a group's wait is its whole span: its done came from this run
    // (as long as a run of its 60 or 90 entries), not from the one before.
    for (const [run, entries] of [[0, 60], [3, 90], [4, 90]]) {
      expect(res.groupRuns[run].span).toBeGreaterThan(entries);
      expect(res.groupRuns[run].waited).toBe(res.groupRuns[run].span);
    }
    const dumps = res.dumpList;
    const per = dumps.length / 3;
    expect(tensorDiff(out0(dumps.slice(0, per)), golden[0])).toBeNull();
    expect(tensorDiff(out1(dumps.slice(per, 2 * per)), golden[1])).toBeNull();
    expect(tensorDiff(out2(dumps.slice(2 * per)), golden[2])).toBeNull();
  });
});

describe('tile batches on two groups (tiny array)', () => {
  beforeAll(async () => { await buildModel(ir); });

  it('loads one copy while the other computes: same result, fewer cycles than one copy, the hidden compute counted', async () => {
    const big = resolveKernel('x(i)=b(i)*3', { b: 's' }, undefined, { b: [6000] });
    const inputs = { b: sparseVector(6000, 1500, 7) };
    const reference = evaluate(big.assignment, inputs, { dataWidth: 16, outputShape: big.output.shape });
    const two = await runTiled({ spec: ir.spec, kernel: big, inputs, simulator: 'verilator' });
    const one = await runTiled({ spec: ir.spec, kernel: big, inputs, simulator: 'verilator', maxCopies: 1 });
    for (const r of [two, one]) {
      expect(tensorDiff(r.output, reference)).toBeNull();
      // The bus and the array work at once: the total is at least either and at most their sum.
      expect(r.cycles).toBeGreaterThanOrEqual(Math.max(r.tiling.loadCycles, r.tiling.computeCycles));
      expect(r.cycles).toBeLessThanOrEqual(r.tiling.loadCycles + r.tiling.computeCycles);
      expect(r.tiling.tiles).toBeGreaterThan(4);
    }
    expect(two.tiling.copies).toBe(2);
    expect(one.tiling.overlapCycles).toBe(0);
    expect(one.cycles).toBe(one.tiling.loadCycles + one.tiling.computeCycles);
    // Most of the compute hides behind the other copy's loading: more than two copies computing side
    // by side without overlap would give (half the compute, on top of the same loading).
    expect(two.tiling.overlapCycles).toBeGreaterThan(two.tiling.computeCycles / 2);
    expect(two.cycles).toBeLessThan(one.tiling.loadCycles + one.tiling.computeCycles / 4);
  });
});
