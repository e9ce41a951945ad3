/**
 * Tokens streamed through the generated array (Verilator), with routes set
 * only through a bitstream: several hops, a fan-out to two destinations, a
 * FIFO-bypassed path, and paths through PE and MEM cores in pass mode.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetIR, rng } from './helpers/arch.ts';
import { buildModel, type Model } from '../sim/verilator.ts';
import { Job, runJob } from '../sim/job.ts';
import { routeNet, type RoutedNet } from '../compiler/route.ts';
import { readBitstream, writeBitstream } from '../compiler/bitstream.ts';
import { encodeToken, S } from '../golden/tokens.ts';
import { cbNodeId, coreOutNodeId, ioInNodeId, ioOutNodeId, tileIdOf } from '../generator/routing-graph.ts';
import type { HardwareIR } from '../generator/ir.ts';

const ir = presetIR('default');
const W = ir.spec.dataWidth;
let model: Model;

function randomWords(n: number, seed: number): number[] {
  const r = rng(seed);
  const ctrl = () => {
    const p = r();
    return encodeToken(p < 0.5 ? S(Math.floor(r() * 4)) : p < 0.75 ? 'D' : 'N', W);
  };
  return Array.from({ length: n }, () => (r() < 0.8 ? Math.floor(r() * 2 ** W) : ctrl()));
}

const ioIndex = (ir: HardwareIR, id: string) => ir.nodeById.get(id)!.ioIndex!;

/** The test's nets, routed one after another so that none shares a node. */
function routeAll(): { nets: RoutedNet[]; bypass: string[]; passTiles: number[] } {
  const used = new Set<string>();
  const take = (n: RoutedNet) => { for (const x of n.nodes) used.add(x); return n; };
  const pe = tileIdOf(ir.spec, 1, 3);
  const mem = tileIdOf(ir.spec, 3, 5);
  expect(ir.tiles[pe].kind).toBe('pe');
  expect(ir.tiles[mem].kind).toBe('mem');
  const nets = [
    // Long haul west -> east with a turn.
    take(routeNet(ir, ioInNodeId('W', 2, 1), [ioOutNodeId('E', 5, 3)], used)),
    // Fan-out: one source, two destinations.
    take(routeNet(ir, ioInNodeId('N', 5, 0), [ioOutNodeId('S', 5, 2), ioOutNodeId('E', 6, 4)], used)),
    // Through a PE core (pass mode): border -> CB -> core -> SB -> border.
    take(routeNet(ir, ioInNodeId('N', 1, 2), [cbNodeId(pe, 'in0')], used)),
    take(routeNet(ir, coreOutNodeId(pe, 'out0'), [ioOutNodeId('W', 3, 0)], used)),
    // Through a MEM core (pass mode).
    take(routeNet(ir, ioInNodeId('S', 3, 4), [cbNodeId(mem, 'in1')], used)),
    take(routeNet(ir, coreOutNodeId(mem, 'out1'), [ioOutNodeId('E', 7, 1)], used)),
  ];
  // Bypass the FIFOs of two east/south-bound hops of the long net.
  const bypass = nets[0].paths[0].filter((id) => ir.nodeById.get(id)!.bypassField).slice(1, 3);
  expect(bypass.length).toBe(2);
  return { nets, bypass, passTiles: [pe, mem] };
}

describe('streaming through the default array (Verilator)', () => {
  beforeAll(async () => {
    model = await buildModel(ir, { log: console.log });
  });

  it('delivers every token in order, with fan-out, bypass and core hops, under random stalls', async () => {
    const { nets, bypass, passTiles } = routeAll();
    const { text } = writeBitstream(ir, {
      connections: nets.flatMap((n) => n.connections),
      bypass,
      fields: passTiles.map((tile) => ({ tile, field: 'mode', value: ir.kinds[ir.tiles[tile].kind].core.modes.indexOf('pass') })),
    }, 'stream-test');
    // The simulator is configured only through the bitstream text, as a user would.
    const words = readBitstream(ir, text);
    // End-to-end streams: source io port -> sink io ports.
    const flows = [
      { src: nets[0].source, dsts: nets[0].sinks },
      { src: nets[1].source, dsts: nets[1].sinks },
      { src: nets[2].source, dsts: nets[3].sinks },
      { src: nets[4].source, dsts: nets[5].sinks },
    ];
    const N = 10_000;
    const job = new Job().bitstream(words).start();
    const sent = flows.map((f, i) => randomWords(N, 100 + i));
    flows.forEach((f, i) => {
      job.source({ port: ioIndex(ir, f.src), words: sent[i], seed: 7 + i, stall: 0.3 });
      for (const [j, d] of f.dsts.entries()) job.sink({ port: ioIndex(ir, d), expect: N, seed: 50 + 10 * i + j, stall: 0.3 });
    });
    job.runStreams(20 * N);
    // Same routes, no gaps: one token per cycle after the pipeline fills.
    flows.forEach((f, i) => {
      job.source({ port: ioIndex(ir, f.src), words: sent[i], seed: 1, stall: 0 });
      for (const d of f.dsts) job.sink({ port: ioIndex(ir, d), expect: N, seed: 1, stall: 0 });
    });
    job.runStreams(20 * N);
    const res = await runJob(model.exe, job);
    expect(res.streamRuns.length).toBe(2);
    for (const run of res.streamRuns) {
      expect(run.ok).toBe(true);
      flows.forEach((f, i) => {
        for (const d of f.dsts) expect(run.sinks.get(ioIndex(ir, d))).toEqual(sent[i]);
      });
    }
    // Without stalls: N tokens in N cycles plus the path latency (at most a few cycles per hop).
    const longest = Math.max(...nets.map((n) => Math.max(...n.paths.map((p) => p.length))));
    expect(res.streamRuns[1].cycles).toBeLessThanOrEqual(N + 2 * (longest + 4));
    console.log(`stream: stalled run ${res.streamRuns[0].cycles} cycles, unstalled ${res.streamRuns[1].cycles} cycles for ${N} tokens; ${(res.cycles / res.seconds).toFixed(0)} cycles/s`);
  });

  it('fails loudly when a route is missing (a sink that gets nothing times out)', async () => {
    const { nets } = routeAll();
    // Configure everything except one switch-box hop in the middle of the long net.
    const conns = nets[0].connections.filter((_, i) => i !== 3);
    const { words } = writeBitstream(ir, { connections: conns }, 'broken');
    const job = new Job().bitstream(words).start()
      .source({ port: ioIndex(ir, nets[0].source), words: [1, 2, 3], seed: 1, stall: 0 })
      .sink({ port: ioIndex(ir, nets[0].sinks[0]), expect: 3, seed: 1, stall: 0 })
      .runStreams(200);
    const res = await runJob(model.exe, job);
    expect(res.streamRuns[0].ok).toBe(false);
    expect(res.streamRuns[0].sinks.get(ioIndex(ir, nets[0].sinks[0]))).toEqual([]);
  });
});
