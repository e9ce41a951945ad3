/**
 * The debug run of a mapped kernel: the same job as the fast run (memory
 * image, bitstream, start, run until done or the cycle limit) on the debug
 * model (sim/verilator.ts, variant `debug`), with a probe at every
 * routing-graph node of every routed net. A probe counts the tokens passing
 * its node (and records them when asked); when the run ends the driver samples
 * what each node holds and whether each consumer waits. The stall report
 * (sim/stall.ts) and the stream-level diff (sim/stream-diff.ts) read it.
 *
 * Measured (default 8x8 array, SpMV on west0067, 4,598 cycles, a shared 2-core machine): the debug
 * model runs 5-12% slower than the fast one, 20-25% when recording every token; a traced model
 * (FST, every signal) about 10x slower, 0.7 MB for the whole job. Builds (wall clock, with other
 * builds queued on the lock): fast 9 min, debug 14 min, traced FST 17 min; each once per RTL.
 */
import { netMap, type NetInfo } from '../compiler/net-map.ts';
import type { MappedKernel } from '../compiler/map-kernel.ts';
import { nodeSignals, type Signal } from '../generator/debug-signals.ts';
import type { HardwareIR } from '../generator/ir.ts';
import { wrapSigned } from '../sam/arith.ts';
import { decodeToken, tokenToString } from '../sam/tokens.ts';
import { Job, runJob, type ProbeResult } from './job.ts';
import { buildModel } from './verilator.ts';

/** What the run saw at one routing-graph node. */
export interface NodeState {
  readonly node: string;
  /** Tokens that passed the node, the last one, the run cycle of the last one, and all of them when recorded. */
  readonly passed: ProbeResult;
  /** At the end: a token offered at the node's output and whether it was taken (FIFO heads, core outputs). */
  readonly head?: { readonly valid: boolean; readonly ready: boolean; readonly word: number };
  /** Tokens in the node's FIFO at the end. */
  readonly occupancy?: number;
  /** Connection boxes at the end: a token arriving, the core input buffer holding one, the core done. */
  readonly arriving?: boolean;
  readonly buffered?: boolean;
  readonly coreDone?: boolean;
}

export interface DebugRun {
  readonly ok: boolean;
  readonly cycles: number;
  readonly limit: number;
  readonly nets: readonly NetInfo[];
  readonly nodes: ReadonlyMap<string, NodeState>;
  readonly runSeconds: number;
}

export interface DebugOptions {
  readonly maxCycles: number;
  /** Record every token at each net's source and sinks (the stream-level diff), not only count them. */
  readonly record?: boolean;
  readonly log?: (line: string) => void;
}

/** Runs the mapped kernel (its bitstream as given: tests pass broken ones) on the debug model. */
export async function debugRun(ir: HardwareIR, m: MappedKernel, opts: DebugOptions): Promise<DebugRun> {
  const nets = netMap(m);
  const model = await buildModel(ir, { log: opts.log, variant: { debug: true } });
  const job = new Job();
  for (const [a, w] of m.memImage) job.memWrite(a, w);
  job.bitstream(m.words);
  const ids: string[] = [];
  const sample = (name: string, s: Signal) => job.sample(name, s.scope, s.name);
  for (const net of nets) {
    const ends = new Set([net.source, ...net.sinks.map((s) => s.path[s.path.length - 1])]);
    for (const node of net.nodes) {
      const sig = nodeSignals(ir, node);
      const id = ids.push(node) - 1;
      job.probe({ id, record: opts.record === true && ends.has(node), scope: sig.pass.valid.scope, valid: sig.pass.valid.name, ready: sig.pass.ready.name, data: sig.pass.data.name });
      if (sig.head) {
        sample(`${id}.hv`, sig.head.valid);
        sample(`${id}.hr`, sig.head.ready);
        sample(`${id}.hd`, sig.head.data);
      }
      if (sig.occupancy) sample(`${id}.occ`, sig.occupancy);
      if (sig.buffered) {
        sample(`${id}.pv`, sig.pass.valid);
        sample(`${id}.buf`, sig.buffered);
      }
      if (sig.done) sample(`${id}.done`, sig.done);
    }
  }
  job.start().runDone(opts.maxCycles);
  const res = await runJob(model.exe, job);
  const done = res.doneRuns[0];
  if (!done) throw new Error(`debug model: the run produced no result (exit ${res.exitCode})`);
  const nodes = new Map<string, NodeState>();
  ids.forEach((node, id) => {
    const passed = done.probes.get(id);
    if (!passed) throw new Error(`debug model: no probe result for ${node}`);
    const s = (k: string) => done.samples.get(`${id}.${k}`);
    const hv = s('hv');
    nodes.set(node, {
      node, passed,
      ...(hv !== undefined ? { head: { valid: hv !== 0, ready: s('hr') !== 0, word: s('hd') ?? 0 } } : {}),
      ...(s('occ') !== undefined ? { occupancy: s('occ') } : {}),
      ...(s('buf') !== undefined ? { arriving: s('pv') !== 0, buffered: s('buf') !== 0 } : {}),
      ...(s('done') !== undefined ? { coreDone: s('done') !== 0 } : {}),
    });
  });
  return { ok: done.ok, cycles: done.cycles, limit: opts.maxCycles, nets, nodes, runSeconds: res.runSeconds };
}

/** A stream word as a token (`S0`, `D`, `5`; values signed on a 'val' stream; 'nothing' for no word). */
export function wordText(word: number | undefined, dw: number, kind: string): string {
  if (word === undefined) return 'nothing';
  try {
    const t = decodeToken(word, dw);
    return typeof t === 'number' && kind === 'val' ? String(wrapSigned(t, dw)) : tokenToString(t);
  } catch {
    return `0x${word.toString(16)}`;
  }
}
