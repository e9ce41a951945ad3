/**
 * Tile tasks of one mapped kernel in one simulator process, one model, one mapping: each batch
 * clears the array (FIFOs, config) and rewrites the bitstream (m.words: about a hundred words),
 * loads the memory images of up to `copies` tasks (one per copy of the kernel on the array; an
 * idle copy gets an empty task; only the words the SRAM does not hold already), restarts, runs
 * until `done`, and reads back what each task wrote (the golden run says how much). Memory-port
 * cycles and compute cycles are counted apart.
 */
import { CapacityError } from '../base/errors.ts';
import { copyNodeId, imageFor, type MappedKernel } from '../compiler/map-kernel.ts';
import type { Tensor } from '../formats/tensor.ts';
import { CLEAR_ADDRESS, decodeAddress, memAddress, type HardwareIR } from '../generator/ir.ts';
import { primDef } from '../sam/prims/index.ts';
import { outputArrays, type GraphRun } from '../golden/run-graph.ts';
import { Job, runJob } from './job.ts';
import { readOutput } from './run-kernel.ts';
import { defaultCycleLimit } from './stall.ts';
import { buildModel } from './verilator.ts';

export interface TileTask {
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly golden: GraphRun;
}

export interface TileBatchRun {
  /** Each task's output, tile-local. */
  readonly outputs: Tensor[];
  readonly loadCycles: number;
  readonly computeCycles: number;
  readonly simSeconds: number;
  readonly simCycles: number;
}

/** Words of each written region the task fills (golden sizes), per node of the graph. */
function readSizes(m: MappedKernel, golden: GraphRun): Map<string, Record<string, number>> {
  const out = new Map<string, Record<string, number>>();
  for (const n of m.single.nodes) {
    const b = n.binding;
    if (b?.kind !== 'output-level' && b?.kind !== 'output-vals') continue;
    out.set(n.id, Object.fromEntries(Object.entries(outputArrays(golden.fibertree, b)).map(([a, w]) => [a, w.length])));
  }
  return out;
}

export async function runTileBatches(
  ir: HardwareIR, m: MappedKernel, tasks: readonly TileTask[], opts: { log?: (line: string) => void; progress?: (done: number, total: number) => void } = {},
): Promise<TileBatchRun> {
  const job = new Job();
  const empty = Object.fromEntries(m.single.inputs.map((b) => [b.tensor, { shape: b.shape, coords: [], values: [] }]));
  const batches: { task: number; copy: number; sizes: Map<string, Record<string, number>> }[][] = [];
  // The words the memory port wrote that the SRAM still holds: a word an image needs again (a seg
  // entry, an operand tile another task shares) is not written twice. Tiles whose primitives write
  // their SRAM while running are never trusted.
  const writers = new Set<number>();
  for (let c = 0; c < m.copies; c++) for (const n of m.single.nodes) if (primDef(n.prim).rtl?.sramA === 'write') writers.add(m.placement.get(copyNodeId(n.id, c))!);
  const held = new Map<number, number>();
  for (let first = 0; first < tasks.length; first += m.copies) {
    const batch: (typeof batches)[number] = [];
    // Every batch starts from a cleared array (FIFOs, configuration), so nothing of the previous task remains.
    if (first > 0) job.cfgWrite(CLEAR_ADDRESS, 0);
    job.bitstream(m.words);
    for (let c = 0; c < m.copies; c++) {
      const t = first + c < tasks.length ? tasks[first + c] : undefined;
      // What the previous task wrote stays: only the words the golden run says this task writes are
      // read back, and the regions whose old contents would show (a dense output level's hidden
      // zeros) are zeroed by the image itself (its writer reserves them as zeros).
      for (const [a, w] of imageFor(m, t?.inputs ?? empty, c)) {
        if (held.get(a) === w) continue;
        job.memWrite(a, w);
        if (!writers.has(decodeAddress(a).tile)) held.set(a, w);
      }
      if (t) batch.push({ task: first + c, copy: c, sizes: readSizes(m, t.golden) });
    }
    const ideal = Math.max(...batch.map((b) => tasks[b.task].golden.idealCycles));
    job.start().runDone(defaultCycleLimit(ideal) * 2).stopIfTimeout();
    for (const b of batch) {
      for (const [node, arrays] of b.sizes) {
        const w = m.written.get(copyNodeId(node, b.copy))!;
        for (const [a, n] of Object.entries(arrays)) job.memDump(memAddress(w.tile, w.arrays[a].base), Math.max(1, n));
      }
    }
    batches.push(batch);
  }
  const model = await buildModel(ir, { log: opts.log });
  const res = await runJob(model.exe, job, { onProgress: (n) => opts.progress?.(Math.min(tasks.length, n * m.copies), tasks.length) });
  const outputs: Tensor[] = [];
  let dump = 0;
  batches.forEach((batch, i) => {
    const done = res.doneRuns[i];
    if (!done?.ok) {
      throw new CapacityError(`tile batch ${i} (tasks ${batch.map((b) => b.task).join(', ')}) did not finish within ${done?.cycles ?? 0} cycles; ` +
        'the run stopped there (a deadlock or a cycle limit: run that task\'s inputs whole with --max-cycles for the stall report)');
    }
    for (const b of batch) {
      const dumps = new Map<number, number[]>();
      for (const [, arrays] of b.sizes) for (const _ of Object.keys(arrays)) {
        const d = res.dumpList[dump++];
        dumps.set(d.addr, d.words);
      }
      outputs[b.task] = readOutput(ir, m, dumps, b.copy);
    }
  });
  const computeCycles = res.doneRuns.reduce((a, d) => a + d.cycles, 0);
  return { outputs, loadCycles: res.cycles - res.runCycles, computeCycles, simSeconds: res.runSeconds, simCycles: res.runCycles };
}
