/**
 * The simulation job of a mapped kernel, one for every driver (the array's
 * own, and the AXI4-Lite wrapper's, which plays it as bus transactions):
 * the memory image, the bitstream, start, run until done, then every written
 * region read back through the memory port.
 */
import type { MappedKernel } from '../compiler/map-kernel.ts';
import { memAddress } from '../generator/ir.ts';
import { Job } from './job.ts';

/** Cycles a kernel may run before it counts as stalled. */
export const kernelCycleLimit = (m: MappedKernel): number => 200_000 + 200 * m.memImage.length;

export function kernelJob(m: MappedKernel, limit = kernelCycleLimit(m)): Job {
  const job = new Job();
  for (const [a, w] of m.memImage) job.memWrite(a, w);
  job.bitstream(m.words);
  job.start().runDone(limit);
  for (const w of m.written.values()) for (const r of Object.values(w.arrays)) job.memDump(memAddress(w.tile, r.base), r.capacity);
  return job;
}
