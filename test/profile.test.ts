/**
 * Where the cycles go (sim/profile.ts): the debug model's per-edge counts on the default array must
 * agree with the golden model token for token, and account for every cycle of the run.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { presetIR } from './helpers/arch.ts';
import { TABLE, graphOf, randomInputs, uniformDims } from '../flow/kernel-table.ts';
import { mapKernel } from '../compiler/map-kernel.ts';
import { runGraph } from '../golden/run-graph.ts';
import { buildModel } from '../sim/verilator.ts';
import { debugRun } from '../sim/debug.ts';
import { defaultCycleLimit } from '../sim/stall.ts';
import { kernelProfile, formatProfile } from '../sim/profile.ts';

const ir = presetIR('default');

describe('kernel profile on the default array', () => {
  beforeAll(async () => {
    await buildModel(ir, { variant: { debug: true } });
  }, 1_800_000);

  for (const name of ['SpMV CSR, c dense', 'SpMSpM inner product', 'elementwise add']) {
    it(`${name}: every edge passes the golden tokens; passed + stalled + starved = the run's cycles`, async () => {
      const c = TABLE.find((k) => k.name === name)!;
      const dims = uniformDims(c, 9);
      const { graph } = graphOf(c, dims);
      const inputs = randomInputs(c, dims, 0.4, 5);
      const gold = runGraph(graph, inputs);
      const m = mapKernel(ir, graph, inputs);
      const run = await debugRun(ir, m, { maxCycles: defaultCycleLimit(gold.idealCycles) });
      expect(run.ok).toBe(true);
      const p = kernelProfile(m, run);
      expect(p.cycles).toBe(run.cycles);
      // Edges of the mapped graph (hardware lowering turned repeats of the root stream into wires).
      expect(p.edges.map((e) => e.index).sort((a, b) => a - b)).toEqual(m.graph.edges.map((_, i) => i));
      const same = (a: { node: string; port: string }, b: { node: string; port: string }) => a.node === b.node && a.port === b.port;
      let compared = 0;
      for (const e of p.edges) {
        expect(e.tokens + e.stalled + e.starved, e.edge).toBe(run.cycles);
        const me = m.graph.edges[e.index];
        const k = graph.edges.findIndex((x) => same(x.from, me.from) && same(x.to, me.to));
        if (k < 0) continue;
        expect(e.tokens, e.edge).toBe(gold.edgeTokens[k].length);
        compared++;
      }
      expect(compared).toBeGreaterThanOrEqual(m.graph.edges.length - 2);
      // Most stalled first; the bottleneck is a node of the graph that some edge waited on.
      for (let i = 1; i < p.edges.length; i++) expect(p.edges[i - 1].stalled).toBeGreaterThanOrEqual(p.edges[i].stalled);
      if (p.edges[0].stalled > 0) {
        expect(p.bottleneck!.stalled).toBe(p.edges[0].stalled);
        expect(graph.nodes.some((n) => p.bottleneck!.node.startsWith(`${n.id} '${n.label}'`))).toBe(true);
      } else expect(p.bottleneck).toBeNull();
      expect(formatProfile(p)).toContain(`where the ${run.cycles} cycles go`);
    });
  }

  it('basalt run --profile --json adds the profile; the golden model refuses --profile', async () => {
    const args = ['bin/basalt.js', 'run', '--preset', 'default', '--expr', 'x(i)=B(i,j)*c(j)', '--format', 'B=ds', '--format', 'c=d',
      '--input', 'B=random:20x20:0.2:3', '--input', 'c=random:20:1:5', '--values', 'seed:1', '--profile', '--json'];
    const r = await execa('node', args, { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.match).toBe(true);
    expect(j.profile.cycles).toBe(j.cycles);
    expect(j.profile.edges).toHaveLength(j.graph.edges);
    for (const e of j.profile.edges) expect(e.tokens + e.stalled + e.starved).toBe(j.cycles);
    const g = await execa('node', [...args, '--simulator', 'golden'], { reject: false });
    expect(g.exitCode).toBe(1);
    expect(g.stderr.trim()).toBe('basalt: --profile needs an RTL simulator (--simulator verilator), not the golden model');
  });
});
