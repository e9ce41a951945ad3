/**
 * The interconnect streaming check: routes configured only through a
 * bitstream (several hops, a fan-out to two destinations, FIFO-bypassed hops,
 * paths through a PE and a MEM core in pass mode), random tokens with random
 * valid/ready gaps, and every destination must receive exactly what was sent.
 */
import type { HardwareIR } from '../generator/ir.ts';
import { cbNodeId, coreOutNodeId, ioInNodeId, ioOutNodeId, tileIdOf } from '../generator/routing-graph.ts';
import { pathLatency, routeNet, type RoutedNet } from '../compiler/route.ts';
import { readBitstream, writeBitstream } from '../compiler/bitstream.ts';
import { encodeToken, S } from '../sam/tokens.ts';
import { mulberry32 } from '../base/prng.ts';
import { Job, runJob, type JobRunner } from './job.ts';

export interface Flow {
  readonly source: string;
  readonly sinks: readonly string[];
}
export interface StreamPlan {
  readonly nets: RoutedNet[];
  readonly flows: Flow[];
  readonly bypass: string[];
  readonly passTiles: number[];
  readonly bitstream: string;
}

/** Border position and tiles for the plan, scaled to the array so it fits any size of at least 4x4. */
export function planStreams(ir: HardwareIR): StreamPlan {
  const { width: Wd, height: H, tracks: T } = ir.spec;
  if (Wd < 4 || H < 4) throw new Error('the streaming check needs an array of at least 4x4');
  const used = new Set<string>();
  const take = (n: RoutedNet) => {
    for (const x of n.nodes) used.add(x);
    return n;
  };
  const memCol = ir.spec.memRatio - 1;
  const peCol = memCol === 0 ? 1 : 0;
  const pe = tileIdOf(ir.spec, peCol, Math.floor(H / 2));
  const mem = tileIdOf(ir.spec, memCol, H - 2);
  const tr = (k: number) => k % T;
  // A disjoint switch box keeps a token on its track: border to border, the destination track is the source's.
  const to = (k: number, from: number) => (ir.spec.sbTopology === 'disjoint' ? tr(from) : tr(k));
  const nets = [
    // Long haul west -> east with a turn.
    take(routeNet(ir, ioInNodeId('W', 1, tr(1)), [ioOutNodeId('E', H - 2, to(3, 1))], used)),
    // Fan-out: one source, two destinations.
    take(routeNet(ir, ioInNodeId('N', Wd - 2, tr(0)), [ioOutNodeId('S', Wd - 2, to(2, 0)), ioOutNodeId('E', H - 1, to(4, 0))], used)),
    // Through a PE core in pass mode: border -> CB -> core -> SB -> border.
    take(routeNet(ir, ioInNodeId('N', peCol, tr(2)), [cbNodeId(pe, 'in0')], used)),
    take(routeNet(ir, coreOutNodeId(pe, 'out0'), [ioOutNodeId('W', Math.floor(H / 2), tr(0))], used)),
    // Through a MEM core in pass mode.
    take(routeNet(ir, ioInNodeId('S', memCol, tr(4)), [cbNodeId(mem, 'in0')], used)),
    take(routeNet(ir, coreOutNodeId(mem, 'out0'), [ioOutNodeId('E', H - 3, tr(1))], used)),
  ];
  // Bypass the FIFOs of two east/south-bound hops of the long net.
  const bypass = nets[0].paths[0].filter((id) => ir.nodeById.get(id)!.bypassField).slice(1, 3);
  const passTiles = [pe, mem];
  const { text } = writeBitstream(ir, {
    connections: nets.flatMap((n) => n.connections),
    bypass,
    fields: passTiles.map((tile) => ({ tile, field: 'mode', value: ir.kinds[ir.tiles[tile].kind].core.modes.indexOf('pass') })),
  }, 'stream-check');
  const flows = [
    { source: nets[0].source, sinks: nets[0].sinks },
    { source: nets[1].source, sinks: nets[1].sinks },
    { source: nets[2].source, sinks: nets[3].sinks },
    { source: nets[4].source, sinks: nets[5].sinks },
  ];
  return { nets, flows, bypass, passTiles, bitstream: text };
}

/** Random words: 80 % data, the rest stop, done and empty tokens. */
export function randomWords(n: number, seed: number, dataWidth: number): number[] {
  const r = mulberry32(seed);
  const ctrl = () => {
    const p = r();
    return encodeToken(p < 0.5 ? S(Math.floor(r() * 4)) : p < 0.75 ? 'D' : 'N', dataWidth);
  };
  return Array.from({ length: n }, () => (r() < 0.8 ? Math.floor(r() * 2 ** dataWidth) : ctrl()));
}

export interface StreamRun {
  readonly stall: number;
  readonly ok: boolean;
  readonly cycles: number;
  /** Per flow and sink: did it receive exactly the sent words? */
  readonly exact: boolean[][];
  readonly received: number[][][];
  /** Ready/valid violations the sinks saw (the run is not ok when there are any). */
  readonly protocol: readonly string[];
}
export interface StreamCheckResult {
  readonly plan: StreamPlan;
  readonly tokens: number;
  readonly sent: number[][];
  readonly runs: StreamRun[];
  readonly cyclesPerSecond: number;
  readonly longestPath: number;
  /** FIFOs on the slowest flow (routing-graph `fifo` nodes not bypassed; a core in pass mode adds its input buffer). */
  readonly fillLatency: number;
}

const ioIndex = (ir: HardwareIR, id: string) => ir.nodeById.get(id)!.ioIndex!;

export async function runStreamCheck(ir: HardwareIR, exe: string | JobRunner, opts: { tokens: number; stalls: number[]; seed: number }): Promise<StreamCheckResult> {
  const plan = planStreams(ir);
  // The simulator is configured only through the bitstream text, as a user would.
  const words = readBitstream(ir, plan.bitstream);
  const N = opts.tokens;
  const sent = plan.flows.map((_, i) => randomWords(N, opts.seed + i, ir.spec.dataWidth));
  const job = new Job().bitstream(words).start();
  for (const [r, stall] of opts.stalls.entries()) {
    plan.flows.forEach((f, i) => {
      job.source({ port: ioIndex(ir, f.source), words: sent[i], seed: opts.seed * 31 + r * 7 + i, stall });
      f.sinks.forEach((d, j) => job.sink({ port: ioIndex(ir, d), expect: N, seed: opts.seed * 17 + r * 11 + 3 * i + j, stall }));
    });
    job.runStreams(50 * N + 1000);
  }
  const res = await runJob(exe, job);
  const runs = res.streamRuns.map((run, r) => {
    const received = plan.flows.map((f) => f.sinks.map((d) => run.sinks.get(ioIndex(ir, d)) ?? []));
    const exact = received.map((perSink, i) => perSink.map((got) => got.length === N && got.every((w, k) => w === sent[i][k])));
    return { stall: opts.stalls[r], ok: run.ok, cycles: run.cycles, exact, received, protocol: run.protocol };
  });
  const longestPath = Math.max(...plan.nets.map((n) => Math.max(...n.paths.map((p) => p.length))));
  const bypassed = new Set(plan.bypass);
  const lat = (net: RoutedNet) => Math.max(...net.paths.map((p) => pathLatency(ir, p, bypassed)));
  // Flows 2 and 3 are two nets each, joined by a core's input buffer.
  const n = plan.nets;
  const fillLatency = Math.max(lat(n[0]), lat(n[1]), lat(n[2]) + 1 + lat(n[3]), lat(n[4]) + 1 + lat(n[5]));
  return { plan, tokens: N, sent, runs, cyclesPerSecond: res.cycles / res.seconds, longestPath, fillLatency };
}
