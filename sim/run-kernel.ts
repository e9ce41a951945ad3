/**
 * Runs a mapped kernel on the generated RTL: load the memory image and the
 * bitstream, simulate until `done`, read the written arrays back through the
 * memory port and decode the output fibertree.
 */
import { CapacityError, UserError } from '../base/errors.ts';
import { checkOutputFits, mapKernel, type MappedKernel } from '../compiler/map-kernel.ts';
import type { Kernel } from '../compiler/resolve.ts';
import { decode, parseFormat, type Level } from '../formats/fibertree.ts';
import type { Tensor } from '../formats/tensor.ts';
import { buildIR, memAddress, type HardwareIR } from '../generator/ir.ts';
import type { ArchSpec } from '../generator/spec.ts';
import { OUTPUT_ARRAYS, runGraph, type GraphRun } from '../golden/run-graph.ts';
import { wrapSigned } from '../sam/arith.ts';
import type { SamGraph } from '../sam/graph.ts';
import { runJob } from './job.ts';
import { kernelCycleLimit, kernelJob } from './kernel-job.ts';
import { buildModel } from './verilator.ts';

export interface RtlRunRequest {
  readonly spec: ArchSpec;
  readonly kernel: Kernel;
  readonly graph: SamGraph;
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly simulator: 'verilator' | 'icarus';
  /** The golden run of the same graph, when the caller has it (sizes the output regions). */
  readonly golden?: GraphRun;
  /** Progress lines (model builds); default: none. */
  readonly log?: (line: string) => void;
}
export interface RtlRunResult {
  readonly output: Tensor;
  readonly cycles: number;
  /** The simulator's run phase only. */
  readonly simSeconds: number;
  readonly simCycles: number;
}

/** The written arrays of a node, from the memory dumps. */
function arraysOf(m: MappedKernel, node: string, dumps: ReadonlyMap<number, number[]>, want: readonly string[]): Record<string, number[]> {
  const w = m.written.get(node);
  if (!w) throw new Error(`node ${node} writes no arrays`);
  return Object.fromEntries(want.map((a) => {
    const r = w.arrays[a];
    if (!r) throw new Error(`node ${node} wrote no '${a}' array`);
    return [a, dumps.get(memAddress(w.tile, r.base))!.slice(0, r.capacity)];
  }));
}

/** Rebuilds the output fibertree from the writers' SRAM: each level has one fiber per coordinate of the level above. */
export function readOutput(ir: HardwareIR, m: MappedKernel, dumps: ReadonlyMap<number, number[]>): Tensor {
  const out = m.graph.output;
  const levels: Level[] = [];
  let fibers = 1;
  for (const [i, l] of out.levels.entries()) {
    if (l.kind === 'd') {
      levels.push({ kind: 'd', size: l.size });
      fibers *= l.size;
      continue;
    }
    const { seg: segWords, crd: crdWords } = arraysOf(m, l.writer, dumps, OUTPUT_ARRAYS['output-level']);
    if (fibers + 1 > segWords.length) throw new Error(`output level ${i}: ${fibers} fibers overflow the writer's seg region`);
    const seg = segWords.slice(0, fibers + 1);
    const n = seg[fibers];
    if (n > crdWords.length) throw new Error(`output level ${i}: ${n} coordinates overflow the writer's crd region`);
    levels.push({ kind: 's', seg, crd: crdWords.slice(0, n) });
    fibers = n;
  }
  const vals = arraysOf(m, out.values, dumps, OUTPUT_ARRAYS['output-vals']).vals.slice(0, fibers).map((w) => wrapSigned(w, ir.spec.dataWidth));
  return decode({ format: parseFormat(out.format, out.shape.length), levels, vals }, out.shape);
}

export async function runOnRtl(req: RtlRunRequest): Promise<RtlRunResult> {
  if (req.simulator !== 'verilator') throw new UserError(`--simulator ${req.simulator}: only verilator runs the array model so far`);
  const ir = buildIR(req.spec);
  const m = mapKernel(ir, req.graph, req.inputs);
  // The writers' regions must hold the result: sized from the golden run before simulating.
  checkOutputFits(m, (req.golden ?? runGraph(req.graph, req.inputs)).fibertree);
  const model = await buildModel(ir, { log: req.log });
  const limit = kernelCycleLimit(m);
  const res = await runJob(model.exe, kernelJob(m, limit));
  const done = res.doneRuns[0];
  if (!done?.ok) throw new CapacityError(`the array did not finish: no 'done' within ${done?.cycles ?? limit} cycles (a stream stalled)`);
  return { output: readOutput(ir, m, res.memDumps), cycles: done.cycles, simSeconds: res.runSeconds, simCycles: res.runCycles };
}
