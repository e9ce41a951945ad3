import { describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { trackMap, SIDES, type Topology } from '../generator/topology.ts';
import { routeNet } from '../compiler/route.ts';
import { ioInNodeId, ioOutNodeId } from '../generator/routing-graph.ts';

describe('Hardware IR', () => {
  it('lays out MEM columns every memRatio-th column (Onyx: 3 PE then 1 MEM)', () => {
    const ir = presetIR('onyx');
    expect(ir.tiles.filter((t) => t.kind === 'pe').length).toBe(384);
    expect(ir.tiles.filter((t) => t.kind === 'mem').length).toBe(128);
    expect(ir.tiles.filter((t) => t.x === 3).every((t) => t.kind === 'mem')).toBe(true);
  });

  it.each(['disjoint', 'wilton', 'imran'] as Topology[])('%s maps every side pair as a permutation of tracks', (topo) => {
    for (const T of [1, 2, 5, 8]) {
      for (const a of SIDES) for (const b of SIDES) {
        if (a === b) continue;
        const out = new Set(Array.from({ length: T }, (_, t) => trackMap(topo, a, b, t, T)));
        expect(out.size).toBe(T);
      }
    }
  });

  it('every mux input names an existing node, and config fields fit their registers', () => {
    const ir = presetIR('default');
    for (const n of ir.graph.nodes) for (const i of n.inputs) expect(ir.nodeById.has(i)).toBe(true);
    for (const k of Object.values(ir.kinds)) {
      for (const f of k.fields) expect(f.lsb + f.width).toBeLessThanOrEqual(32);
      for (const m of k.muxes) expect(2 ** m.selWidth).toBeGreaterThan(m.inputs.length);
    }
  });

  it('bypassable FIFOs exist only on east- and south-bound outputs (no combinational loops)', () => {
    const ir = presetIR('default');
    for (const n of ir.graph.nodes) if (n.bypassField) expect(['E', 'S']).toContain(n.side);
  });

  it('routes between any two borders of the default array', () => {
    const ir = presetIR('default');
    const net = routeNet(ir, ioInNodeId('W', 0, 0), [ioOutNodeId('E', 7, 4)]);
    expect(net.paths[0][0]).toBe(ioInNodeId('W', 0, 0));
    expect(net.paths[0].at(-1)).toBe(ioOutNodeId('E', 7, 4));
    // Each step is a real mux input.
    for (const c of net.connections) expect(ir.nodeById.get(c.to)!.inputs).toContain(c.from);
  });
});
