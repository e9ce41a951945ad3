/**
 * The streaming check on other interconnects (Verilator, tiny arrays): a
 * disjoint switch box with 3 tracks and 4-deep FIFOs, and an imran switch box
 * with 3-deep FIFOs on a 32-bit datapath. Same routes (multi-hop, fan-out,
 * bypassed FIFOs, through PE and MEM cores), every token checked.
 */
import { describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { buildModel } from '../sim/verilator.ts';
import { runStreamCheck } from '../sim/stream-check.ts';

describe.each([
  ['disjoint, 3 tracks, fifoDepth 4', { sbTopology: 'disjoint' as const, tracks: 3, fifoDepth: 4 }],
  ['imran, fifoDepth 3, 32-bit', { sbTopology: 'imran' as const, fifoDepth: 3, dataWidth: 32 as const, memWidth: 32 }],
])('streaming through a tiny %s array', (_name, overrides) => {
  const ir = presetIR('tiny', overrides);
  it('delivers 3,000 random tokens per stream exactly, with and without stalls, at one token per cycle', async () => {
    const model = await buildModel(ir);
    const N = 3000;
    const res = await runStreamCheck(ir, model.exe, { tokens: N, stalls: [0.4, 0], seed: 3 });
    for (const run of res.runs) {
      expect(run.ok).toBe(true);
      run.received.forEach((perSink, i) => perSink.forEach((got) => expect(got).toEqual(res.sent[i])));
    }
    expect(res.plan.flows[1].sinks).toHaveLength(2);
    expect(res.plan.bypass).toHaveLength(2);
    expect(res.runs[1].cycles).toBeGreaterThanOrEqual(N + res.fillLatency);
    expect(res.runs[1].cycles).toBeLessThanOrEqual(N + res.fillLatency + 2);
    expect(res.runs[0].cycles).toBeGreaterThan(N * 1.3);
  });
});
