/**
 * Tokens streamed through the generated default array (Verilator), with
 * routes set only through a bitstream: several hops, a fan-out to two
 * destinations, a FIFO-bypassed path, and paths through PE and MEM cores.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { buildModel, type Model } from '../sim/verilator.ts';
import { Job, runJob } from '../sim/job.ts';
import { planStreams, runStreamCheck } from '../sim/stream-check.ts';
import { readBitstream, writeBitstream } from '../compiler/bitstream.ts';
import { configAddress, fieldOf } from '../generator/ir.ts';

const ir = presetIR('default');
let model: Model;

describe('streaming through the default array (Verilator)', () => {
  beforeAll(async () => {
    model = await buildModel(ir);
  });

  it('plans the required route shapes', () => {
    const plan = planStreams(ir);
    expect(plan.flows[1].sinks.length).toBe(2); // fan-out
    expect(plan.bypass.length).toBe(2);
    expect(plan.nets[0].paths[0].length).toBeGreaterThan(8); // many hops
  });

  it('delivers 10,000 random tokens per stream exactly, with and without random stalls', async () => {
    const N = 10_000;
    const res = await runStreamCheck(ir, model.exe, { tokens: N, stalls: [0.3, 0.6, 0], seed: 5 });
    expect(res.runs.length).toBe(3);
    for (const run of res.runs) {
      expect(run.ok).toBe(true);
      run.received.forEach((perSink, i) => perSink.forEach((got) => expect(got).toEqual(res.sent[i])));
    }
    // No gaps: one token per cycle once the pipeline is full; filling it costs one cycle per FIFO (routing-graph latency).
    expect(res.fillLatency).toBeGreaterThan(4);
    expect(res.runs[2].cycles).toBeGreaterThanOrEqual(N + res.fillLatency);
    expect(res.runs[2].cycles).toBeLessThanOrEqual(N + res.fillLatency + 2);
    // Stalls really happened: the stalled runs take longer.
    expect(res.runs[0].cycles).toBeGreaterThan(N * 1.2);
  });

  it('a config write stops the cores until the next start (no half-configured run moves tokens)', async () => {
    const plan = planStreams(ir);
    const words = readBitstream(ir, plan.bitstream);
    const pe = plan.passTiles[0];
    const f = fieldOf(ir, pe, 'mode');
    const modeWord = words.find((w) => w.address === configAddress(pe, f.reg))!;
    const flow = plan.flows[2]; // border -> PE core (pass) -> border
    const src = ir.nodeById.get(flow.source)!.ioIndex!;
    const dst = ir.nodeById.get(flow.sinks[0])!.ioIndex!;
    const job = new Job().bitstream(words).start()
      .source({ port: src, words: [1, 2, 3], seed: 1, stall: 0 }).sink({ port: dst, expect: 3, seed: 1, stall: 0 }).runStreams(300)
      .cfgWrite(modeWord.address, modeWord.data)
      .source({ port: src, words: [4, 5, 6], seed: 1, stall: 0 }).sink({ port: dst, expect: 3, seed: 1, stall: 0 }).runStreams(300);
    const res = await runJob(model.exe, job);
    expect(res.streamRuns[0].ok).toBe(true);
    expect(res.streamRuns[0].sinks.get(dst)).toEqual([1, 2, 3]);
    expect(res.streamRuns[1].ok).toBe(false);
    expect(res.streamRuns[1].sinks.get(dst)).toEqual([]);
  });

  it('a missing hop starves the destination (the check can fail)', async () => {
    const plan = planStreams(ir);
    const conns = plan.nets[0].connections.filter((_, i) => i !== 3);
    const { words } = writeBitstream(ir, { connections: conns }, 'broken');
    const src = ir.nodeById.get(plan.nets[0].source)!.ioIndex!;
    const dst = ir.nodeById.get(plan.nets[0].sinks[0])!.ioIndex!;
    const job = new Job().bitstream(words).start()
      .source({ port: src, words: [1, 2, 3], seed: 1, stall: 0 })
      .sink({ port: dst, expect: 3, seed: 1, stall: 0 })
      .runStreams(300);
    const res = await runJob(model.exe, job);
    expect(res.streamRuns[0].ok).toBe(false);
    expect(res.streamRuns[0].sinks.get(dst)).toEqual([]);
  });
});
