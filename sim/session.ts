/**
 * Several kernels back to back in one simulator process, with nothing of one
 * leaking into the next (the reconfiguration hazard). Before every kernel but
 * the first the job issues the array-clear command (generator/ir.ts
 * CLEAR_ADDRESS: every config register of every tile to zero, every FIFO
 * emptied; the cores' own state is cleared by `start` as always) and writes
 * zeros over the SRAM words the kernel writes without preloading them (its
 * output and scratch regions) wherever an earlier kernel of the session left
 * data (its preloaded words, and what its writers filled). Preloaded words are
 * overwritten by the kernel's own image anyway.
 */
import { decodeAddress, CLEAR_ADDRESS, memAddress, type HardwareIR } from '../generator/ir.ts';
import type { MappedKernel } from '../compiler/map-kernel.ts';
import type { Tensor } from '../formats/tensor.ts';
import { outputArrays, type GraphRun } from '../golden/run-graph.ts';
import { Job, runJob } from './job.ts';
import { readOutput } from './run-kernel.ts';
import { buildModel } from './verilator.ts';

export interface SessionKernel {
  readonly mapped: MappedKernel;
  readonly maxCycles: number;
  /**
   * The golden run of the kernel, when the caller has it: then only the words its output writers
   * fill (the golden output's sizes) count as dirty afterwards, not their whole regions, which keeps
   * the zeroing before later kernels short. Without it every written region counts in full.
   */
  readonly golden?: GraphRun;
}

export interface SessionRun {
  readonly ok: boolean;
  readonly cycles: number;
  /** The decoded output (undefined when the kernel did not finish). */
  readonly output?: Tensor;
  /** Every written region as read back after the kernel: node -> array -> words. */
  readonly regions: ReadonlyMap<string, Readonly<Record<string, number[]>>>;
}

export interface SessionOptions {
  /**
   * Clear between kernels (default true). false leaves the previous kernel's configuration, FIFO
   * contents and SRAM data in place: only for showing what would leak.
   */
  readonly isolate?: boolean;
  readonly log?: (line: string) => void;
}

/** Word ranges [from, to) per MEM tile that hold data of an earlier kernel. */
export type Dirty = Map<number, [number, number][]>;

export function markDirty(d: Dirty, tile: number, from: number, to: number): void {
  const r = d.get(tile) ?? [];
  r.push([from, to]);
  d.set(tile, r);
}

/** Words of [from, to) that some dirty range covers, ascending, each once. */
function dirtyWords(d: Dirty, tile: number, from: number, to: number): number[] {
  const hit = new Set<number>();
  for (const [a, b] of d.get(tile) ?? []) for (let w = Math.max(a, from); w < Math.min(b, to); w++) hit.add(w);
  return [...hit].sort((x, y) => x - y);
}

/** Words at the start of each written array the kernel fills: the golden output's sizes, else the whole region. */
function writtenWords(m: MappedKernel, node: string, array: string, capacity: number, golden?: GraphRun): number {
  const b = m.graph.nodes.find((n) => n.id === node)?.binding;
  if (!golden || (b?.kind !== 'output-level' && b?.kind !== 'output-vals')) return capacity;
  const used = outputArrays(golden.fibertree, b)[array];
  return used === undefined ? capacity : Math.min(capacity, used.length);
}

/** Appends one kernel to a session's job; returns how many memory dumps it adds. */
export function appendKernel(job: Job, m: MappedKernel, maxCycles: number, dirty: Dirty, first: boolean, isolate: boolean, golden?: GraphRun): number {
  if (!first && isolate) {
    job.cfgWrite(CLEAR_ADDRESS, 0);
    for (const w of m.written.values()) {
      for (const r of Object.values(w.arrays)) for (const word of dirtyWords(dirty, w.tile, r.base, r.base + r.capacity)) job.memWrite(memAddress(w.tile, word), 0);
    }
  }
  for (const [a, w] of m.memImage) job.memWrite(a, w);
  job.bitstream(m.words);
  job.start().runDone(maxCycles);
  let dumps = 0;
  for (const w of m.written.values()) {
    for (const r of Object.values(w.arrays)) {
      job.memDump(memAddress(w.tile, r.base), r.capacity);
      dumps++;
    }
  }
  for (const [a] of m.memImage) {
    const { tile, index } = decodeAddress(a);
    markDirty(dirty, tile, index, index + 1);
  }
  for (const [node, w] of m.written) {
    for (const [a, r] of Object.entries(w.arrays)) markDirty(dirty, w.tile, r.base, r.base + writtenWords(m, node, a, r.capacity, golden));
  }
  return dumps;
}

/** Runs the kernels one after another in one process of the (fast) array model. */
export async function runSession(ir: HardwareIR, kernels: readonly SessionKernel[], opts: SessionOptions = {}): Promise<SessionRun[]> {
  const job = new Job();
  const dirty: Dirty = new Map();
  const dumpCounts = kernels.map((k, i) => appendKernel(job, k.mapped, k.maxCycles, dirty, i === 0, opts.isolate !== false, k.golden));
  const model = await buildModel(ir, { log: opts.log });
  const res = await runJob(model.exe, job);
  let next = 0;
  return kernels.map((k, i) => {
    const m = k.mapped;
    const dumps = res.dumpList.slice(next, next + dumpCounts[i]);
    next += dumpCounts[i];
    const done = res.doneRuns[i];
    const byAddress = new Map(dumps.map((d) => [d.addr, d.words]));
    const regions = new Map([...m.written].map(([node, w]) => [node, Object.fromEntries(Object.entries(w.arrays).map(([a, r]) => [a, byAddress.get(memAddress(w.tile, r.base)) ?? []]))]));
    if (!done?.ok) return { ok: false, cycles: done?.cycles ?? k.maxCycles, regions };
    return { ok: true, cycles: done.cycles, output: readOutput(ir, m, byAddress), regions };
  });
}
