/**
 * Stall report and stream-level diff on the default array (real Verilator
 * runs, fast and debug models): a bitstream with one hop of a route removed
 * must stall with a report naming that edge at that place; a wrong primitive
 * config must be traced to the first SAM graph edge carrying a wrong token;
 * a correct mapping records exactly the golden tokens on every edge.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { withField, withoutHop, fieldValue } from './helpers/bitstream-edit.ts';
import { SPACC_TABLE, TABLE, graphOf, randomInputs, uniformDims } from '../flow/kernel-table.ts';
import { mapKernel } from '../compiler/map-kernel.ts';
import { edgeLabel, netMap, topologicalEdges } from '../compiler/net-map.ts';
import { runGraph } from '../golden/run-graph.ts';
import { aluOpcode } from '../sam/prims/index.ts';
import { wrapAdd, wrapMul } from '../sam/arith.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { buildModel } from '../sim/verilator.ts';
import { debugRun } from '../sim/debug.ts';
import { runSession } from '../sim/session.ts';
import { defaultCycleLimit, formatStallReport, stallError, stallReport, StallError } from '../sim/stall.ts';
import { expectedEdgeTokens, findFirstWrongEdge, formatStreamDiff, streamDiff } from '../sim/stream-diff.ts';

const ir = presetIR('default');
const SPMV = TABLE.find((k) => k.name === 'SpMV CSR, c dense')!;

function setup(name: string, size = 6, seed = 1) {
  const c = [...TABLE, ...SPACC_TABLE].find((k) => k.name === name)!;
  const dims = uniformDims(c, size);
  const { graph } = graphOf(c, dims);
  const inputs = randomInputs(c, dims, 0.5, seed);
  const m = mapKernel(ir, graph, inputs);
  const golden = runGraph(graph, inputs);
  return { graph, inputs, m, golden, limit: defaultCycleLimit(golden.idealCycles) };
}

describe('debugging tools on the default array', () => {
  beforeAll(async () => {
    await buildModel(ir);
    await buildModel(ir, { variant: { debug: true } });
  });

  it('a route with one hop removed stalls, and the report names that edge, tile and track', async () => {
    const { m } = setup(SPMV.name);
    // The first edge (topologically) whose route passes at least two switch boxes: cut its second one.
    const nets = netMap(m);
    const edge = topologicalEdges(m.graph).find((e) => nets.some((n) => n.sinks.some((s) => s.edge === e && s.path.length >= 4)))!;
    const sink = nets.flatMap((n) => n.sinks).find((s) => s.edge === edge)!;
    const cut = sink.path[2];
    const node = ir.nodeById.get(cut)!;
    const tile = ir.tiles[node.tile!];
    const broken = withoutHop(ir, m, cut);

    const [fast] = await runSession(ir, [{ mapped: broken, maxCycles: 3000 }]);
    expect(fast.ok).toBe(false);
    expect(fast.cycles).toBe(3000);

    const err = await stallError(ir, broken, 3000);
    expect(err).toBeInstanceOf(StallError);
    const r = err.report;
    expect(r.deadlock).toBe(true);
    // The first place of the report is the broken hop, on the edge it carries.
    const lost = r.places.filter((p) => p.kind === 'lost');
    expect(lost).toHaveLength(1);
    expect(r.places[0]).toMatchObject({ kind: 'lost', node: cut, tile: { id: tile.id, x: tile.x, y: tile.y }, side: node.side, track: node.track });
    expect(r.places[0].edges).toContain(edge);
    expect(r.places[0].edge).toContain(edgeLabel(m.graph, m.graph.edges[edge]).split(' -> ')[1]);
    // Its consumer waits on the empty input.
    expect(r.places.some((p) => p.kind === 'waiting' && p.node === sink.path[sink.path.length - 1] && p.edges.includes(edge))).toBe(true);
    const text = formatStallReport(r);
    expect(text).toContain(`tile (${tile.x},${tile.y}) switch box output ${node.side} track ${node.track}`);
    expect(text).toContain(edgeLabel(m.graph, m.graph.edges[edge]).split(' -> ')[0]);
    expect(err.message).toMatch(/^the array did not finish: no 'done' within 3000 cycles \(deadlock\); first stuck place: .* at tile \(/);
    // The intact mapping finishes on the same model and has nothing stuck.
    const [ok] = await runSession(ir, [{ mapped: m, maxCycles: 3000 }]);
    expect(ok.ok).toBe(true);
  });

  it('a wrong ALU op in the bitstream: the diff names the ALU output edge, the token index, expected and got', async () => {
    const { graph, m, golden, limit } = setup(SPMV.name);
    const alu = m.graph.nodes.find((n) => n.prim === 'alu')!;
    const tile = m.placement.get(alu.id)!;
    expect(fieldValue(ir, m, tile, 'op')).toBe(aluOpcode('mul'));
    const broken = withField(ir, m, tile, 'op', aluOpcode('add'));

    const [fast] = await runSession(ir, [{ mapped: broken, maxCycles: limit }]);
    expect(fast.ok).toBe(true);
    expect(tensorDiff(fast.output!, golden.output)).not.toBeNull();

    const d = await findFirstWrongEdge(ir, broken, graph, golden, { maxCycles: limit });
    expect(d).not.toBeNull();
    const out = m.graph.edges.findIndex((e) => e.from.node === alu.id);
    expect(d!.edgeIndex).toBe(out);
    expect(d!.edge).toBe(edgeLabel(m.graph, m.graph.edges[out]));
    expect(d!.at).toBe('source');
    expect(d!.complete).toBe(true);
    // The first value pair whose sum differs from its product, as the golden operand streams have it.
    const expected = expectedEdgeTokens(graph, golden, m.graph);
    const [a, b] = ['val_a', 'val_b'].map((p) => expected[m.graph.edges.findIndex((e) => e.to.node === alu.id && e.to.port === p)]);
    const i = a.findIndex((t, k) => typeof t === 'number' && wrapAdd(t, b[k] as number, 16) !== wrapMul(t, b[k] as number, 16));
    expect(d!.index).toBe(i);
    expect(d!.expected).toBe(String(wrapMul(a[i] as number, b[i] as number, 16)));
    expect(d!.got).toBe(String(wrapAdd(a[i] as number, b[i] as number, 16)));
    expect(d!.laterEdges).toBeGreaterThan(0);
    expect(formatStreamDiff(d!)).toMatch(new RegExp(`^first wrong stream: ${alu.id} 'mul'\\.out_val -> .*, token ${i}: expected ${d!.expected}, got ${d!.got}`));
  });

  it('a wrong scanner base in the bitstream: the diff names that scanner\'s coordinate stream', async () => {
    const { graph, m, golden, limit } = setup(SPMV.name);
    const scan = m.graph.nodes.find((n) => n.prim === 'level-scanner' && n.binding?.kind === 'input-level' && n.label.includes('(s)'))!;
    const tile = m.placement.get(scan.id)!;
    const broken = withField(ir, m, tile, 'crd_base', fieldValue(ir, m, tile, 'crd_base') + 1);
    const d = await findFirstWrongEdge(ir, broken, graph, golden, { maxCycles: limit });
    expect(d).not.toBeNull();
    expect(m.graph.edges[d!.edgeIndex].from).toEqual({ node: scan.id, port: 'out_crd' });
    expect(d!.at).toBe('source');
  });

  it('records exactly the golden tokens on every edge of correct mappings (including hardware-lowered edges)', async () => {
    for (const name of ['SpMV CSR, c dense', 'SDDMM', 'TTM', 'SpMSpM inner product', 'SpMSpM Gustavson', 'MatTransMul scaled (constants)']) {
      const { graph, m, golden, limit } = setup(name, 5, 2);
      const run = await debugRun(ir, m, { maxCycles: limit, record: true });
      expect(run.ok, name).toBe(true);
      expect(streamDiff(ir, m, run, expectedEdgeTokens(graph, golden, m.graph)), name).toBeNull();
      // Nothing is stuck after done.
      expect(stallReport(ir, m, run).places, name).toEqual([]);
    }
  });
});
