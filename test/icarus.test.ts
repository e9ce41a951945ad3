/**
 * Icarus Verilog, the second simulator (sim/icarus.ts, templates/tb_icarus.v.hbs):
 * the same job files on the same generated RTL give the same outputs and the
 * same cycle counts as Verilator, and 4-state simulation fails a run on an X
 * the testbench samples (planted uninitialised registers). On a tiny array:
 * Icarus runs the default 8x8 at a few hundred cycles/s, so the default-array
 * comparisons (SpMV on west0067, SpMSpM on karate) are in bench/icarus.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetIR, rng } from './helpers/arch.ts';
import { TABLE, graphOf, randomInputs, uniformDims } from '../flow/kernel-table.ts';
import { buildModel, type Model } from '../sim/verilator.ts';
import { buildIcarusModel, compileIcarus, decodeKnown, icarusSources, type IcarusModel } from '../sim/icarus.ts';
import { Job, runJob, UnknownValueError } from '../sim/job.ts';
import { readOutput, runOnRtl } from '../sim/run-kernel.ts';
import { runStreamCheck } from '../sim/stream-check.ts';
import { mapKernel } from '../compiler/map-kernel.ts';
import { runGraph } from '../golden/run-graph.ts';
import { evaluate } from '../golden/reference.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { configAddress, memAddress } from '../generator/ir.ts';

// The arch of stream-variants.test.ts, so one Verilator build serves both files.
const ir = presetIR('tiny', { sbTopology: 'disjoint', tracks: 3, fifoDepth: 4 });
const kernel = (name: string) => TABLE.find((k) => k.name === name)!;

/** A copy of the RTL with the first `count` matches of `from` in `file` deleted: a planted bug. */
function planted(file: string, from: RegExp, count: number) {
  const src = icarusSources(ir);
  let text = src.files.get(file)!;
  for (let i = 0; i < count; i++) {
    expect(text, `${file}: ${from}`).toMatch(from);
    text = text.replace(from, '');
  }
  return compileIcarus({ name: `${ir.archId}-planted`, files: new Map(src.files).set(file, text) });
}

describe('Icarus Verilog on a tiny array', () => {
  let ver: Model;
  let ica: IcarusModel;
  beforeAll(async () => {
    ver = await buildModel(ir);
    ica = await buildIcarusModel(ir);
  });

  it.each([
    ['SpMV CSR, c dense', [[1, 0.5], [2, 0.2]]],
    ['SpMV DCSR, c sparse', [[3, 0.4]]],
    ['MatTransMul', [[4, 0.5]]],
  ] as const)('%s: the same output and cycle count as Verilator', async (name, cases) => {
    const c = kernel(name);
    for (const [seed, density] of cases) {
      const dims = uniformDims(c, 4);
      const { kernel: k, graph } = graphOf(c, dims);
      const inputs = randomInputs(c, dims, density, seed);
      const gold = runGraph(graph, inputs);
      const ref = evaluate(k.assignment, inputs, { dataWidth: 16, outputShape: k.output.shape });
      const v = await runOnRtl({ spec: ir.spec, kernel: k, graph, inputs, simulator: 'verilator', golden: gold });
      const i = await runOnRtl({ spec: ir.spec, kernel: k, graph, inputs, simulator: 'icarus', golden: gold });
      expect(tensorDiff(i.output, ref), `seed ${seed}`).toBeNull();
      expect(tensorDiff(i.output, v.output)).toBeNull();
      expect(i.cycles, `seed ${seed}`).toBe(v.cycles);
      expect(i.simCycles).toBe(v.simCycles);
      expect(i.cycles).toBeGreaterThan(gold.idealCycles);
    }
  });

  it('streams with random stalls: every token, and the same cycle counts as Verilator (same stall RNG)', async () => {
    const opts = { tokens: 300, stalls: [0.4, 0], seed: 3 };
    const [v, i] = [await runStreamCheck(ir, ver.exe, opts), await runStreamCheck(ir, ica, opts)];
    for (const run of i.runs) {
      expect(run.ok).toBe(true);
      run.received.forEach((perSink, f) => perSink.forEach((got) => expect(got).toEqual(i.sent[f])));
    }
    expect(i.runs.map((r) => r.cycles)).toEqual(v.runs.map((r) => r.cycles));
    expect(i.runs[0].cycles).toBeGreaterThan(opts.tokens * 1.3);
    expect(i.runs[1].cycles).toBeLessThanOrEqual(opts.tokens + i.fillLatency + 2);
  });

  it('config registers and SRAM words read back as in Verilator; every register resets to a known 0', async () => {
    const r = rng(11);
    const job = new Job();
    const regs = ir.tiles.flatMap((t) => ir.kinds[t.kind].registers.map((reg) => configAddress(t.id, reg.index)));
    for (const a of regs) job.cfgWrite(a, Math.floor(r() * 2 ** 32) >>> 0);
    for (const a of regs) job.cfgRead(a);
    const mems = ir.tiles.filter((t) => t.kind === 'mem').map((t) => memAddress(t.id, Math.floor(r() * ir.spec.memDepth)));
    for (const a of mems) job.memWrite(a, Math.floor(r() * 2 ** 16));
    for (const a of mems) job.memRead(a);
    const resetJob = new Job();
    for (const a of regs) resetJob.cfgRead(a);
    const reset = await runJob(ica, resetJob);
    expect([...reset.cfgReads.values()]).toEqual(regs.map(() => 0));
    const [v, i] = [await runJob(ver.exe, job), await runJob(ica, job)];
    expect(i.cfgReads.size).toBe(regs.length);
    expect([...i.cfgReads]).toEqual([...v.cfgReads]);
    expect([...i.memReads]).toEqual([...v.memReads]);
    expect([...i.cfgReads.values()].filter((x) => x !== 0).length).toBeGreaterThan(regs.length / 2);
    expect(i.cycles).toBe(v.cycles);
  });

  /** The job runOnRtl runs (sim/run-kernel.ts), for a planted model or a planted memory image. */
  function spmv() {
    const c = kernel('SpMV CSR, c dense');
    const dims = uniformDims(c, 4);
    const { graph } = graphOf(c, dims);
    const inputs = randomInputs(c, dims, 0.5, 1);
    const m = mapKernel(ir, graph, inputs);
    const job = (skip = -1) => {
      const j = new Job();
      for (const [a, w] of m.memImage) if (a !== skip) j.memWrite(a, w);
      j.bitstream(m.words).start().runDone(5000);
      for (const w of m.written.values()) for (const r of Object.values(w.arrays)) j.memDump(memAddress(w.tile, r.base), r.capacity);
      return j;
    };
    return { m, inputs, gold: runGraph(graph, inputs), job };
  }

  it('an accumulator without reset: the X sum is named at the read-back word it reaches', async () => {
    // The reduce's sum loses its reset and its clear on start: the first fiber sums onto X. The sums
    // go straight to the value writer (no decision on them), so the X is caught at the read-back.
    const model = await planted('basalt_prim_reduce.v', /sum_q <= 16'd0;/, 2);
    const { m, job } = spmv();
    const res = await runJob(model, job());
    expect(res.doneRuns[0].ok).toBe(true);
    const vals = m.written.get(m.graph.output.values)!;
    const word = memAddress(vals.tile, vals.arrays.vals.base).toString(16).padStart(8, '0');
    const decode = () => decodeKnown(res, 16, (d) => readOutput(ir, m, d));
    expect(decode).toThrow(UnknownValueError);
    expect(decode).toThrow(new RegExp(`^X \\(unknown value\\) on mem_rdata at cycle \\d+: .*read-back of memory address ${word}, word 0 `));
  });

  it('an SRAM word the memory image leaves out: Icarus names the read-back word it reaches, Verilator reads 0', async () => {
    const { m, inputs, gold, job } = spmv();
    // Leave out c(j) for the first j that B uses; row i0 then sums onto an uninitialised word.
    const B = inputs.B;
    const j = Math.min(...B.coords.map((x) => x[1]));
    const i0 = Math.min(...B.coords.filter((x) => x[1] === j).map((x) => x[0]));
    const cVals = m.graph.nodes.find((n) => n.binding?.kind === 'input-vals' && n.binding.tensor === 'c')!;
    const skip = memAddress(m.placement.get(cVals.id)!, j);
    const res = await runJob(ica, job(skip));
    expect(res.doneRuns[0].ok).toBe(true);
    // Unwritten SRAM reads as X past every written region too; only a word the output depends on fails.
    expect([...res.memDumpUnknown.values()].reduce((n, u) => n + u.indices.length, 0)).toBeGreaterThan(100);
    const vals = m.written.get(m.graph.output.values)!;
    const level = gold.fibertree.levels[0];
    const k = level.kind === 's' ? level.crd.indexOf(i0) : -1;
    expect(k).toBeGreaterThanOrEqual(0);
    const word = memAddress(vals.tile, vals.arrays.vals.base + k).toString(16).padStart(8, '0');
    const decode = () => decodeKnown(res, 16, (d) => readOutput(ir, m, d));
    expect(decode).toThrow(UnknownValueError);
    expect(decode).toThrow(new RegExp(`^X \\(unknown value\\) on mem_rdata at cycle \\d+: .*read-back of memory address ${word}, word ${k} `));
    // 2-state Verilator runs the same job to a result without complaint.
    const v = await runJob(ver.exe, job(skip));
    expect(v.memDumpUnknown.size).toBe(0);
    expect(() => decodeKnown(v, 16, (d) => readOutput(ir, m, d))).not.toThrow();
  });

  it('a FIFO count without reset: the first border valid is named with its cycle', async () => {
    const model = await planted('basalt_fifo.v', /count_q <= \d+'d0;/, 1);
    const err = await runJob(model, new Job().start().runDone(100)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UnknownValueError);
    // Two reset cycles and the start cycle: the run's first sample.
    expect(err).toMatchObject({ signal: 'io_out0_valid', cycle: 3 });
    expect((err as Error).message).toBe('X (unknown value) on io_out0_valid at cycle 3: uninitialised state reached an output (2-state Verilator reads it as 0)');
  });
});
