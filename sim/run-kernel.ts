/**
 * Runs a mapped kernel on the generated RTL: load the memory image and the
 * bitstream, simulate until `done`, read the written arrays back through the
 * memory port and decode the output fibertree.
 */
import { CapacityError, UserError } from '../base/errors.ts';
import { checkOutputFits, copyNodeId, mapKernel, type MappedKernel } from '../compiler/map-kernel.ts';
import type { Kernel } from '../compiler/resolve.ts';
import { decode, parseFormat, type Level } from '../formats/fibertree.ts';
import type { Tensor } from '../formats/tensor.ts';
import { buildIR, memAddress, type HardwareIR } from '../generator/ir.ts';
import type { ArchSpec } from '../generator/spec.ts';
import { OUTPUT_ARRAYS, runGraph, type GraphRun } from '../golden/run-graph.ts';
import { wrapSigned } from '../sam/arith.ts';
import type { SamGraph } from '../sam/graph.ts';
import { buildIcarusModel, decodeKnown } from './icarus.ts';
import { runJob } from './job.ts';
import { kernelJob } from './kernel-job.ts';
import { buildModel } from './verilator.ts';
import { defaultCycleLimit, stallError } from './stall.ts';
import { findFirstWrongEdge, type StreamDiff } from './stream-diff.ts';
import { traceFormat, withTraceFile } from './trace.ts';
import { tensorDiff } from '../formats/tensor.ts';

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
  /** Cycle limit of the run (default: defaultCycleLimit of the golden model's idealCycles); hitting it throws a StallError. */
  readonly maxCycles?: number;
  /** Write the waveform of the whole job to this .fst or .vcd file (a traced model, built and cached separately). */
  readonly trace?: string;
  /** The graph already mapped onto the spec's array (by a caller that checked it fits), not mapped again. */
  readonly mapped?: MappedKernel;
}
export interface RtlRunResult {
  readonly output: Tensor;
  readonly cycles: number;
  /** The simulator's run phase only. */
  readonly simSeconds: number;
  readonly simCycles: number;
  /** The cycle limit the run had. */
  readonly maxCycles: number;
  /** When the output differs from the golden model's: the first SAM graph edge carrying a wrong token (a debug rerun). */
  readonly streamDiff?: StreamDiff | null;
}

/** The written arrays of a node, from the memory dumps. */
function arraysOf(m: MappedKernel, node: string, dumps: ReadonlyMap<number, number[]>, want: readonly string[]): Record<string, number[]> {
  const w = m.written.get(node);
  if (!w) throw new Error(`node ${node} writes no arrays`);
  return Object.fromEntries(want.map((a) => {
    const r = w.arrays[a];
    if (!r) throw new Error(`node ${node} wrote no '${a}' array`);
    const words = dumps.get(memAddress(w.tile, r.base));
    if (!words) throw new Error(`node ${node}: its '${a}' region was not read back`);
    return [a, words.slice(0, r.capacity)];
  }));
}

/** Rebuilds the output fibertree (of copy `copy`) from the writers' SRAM: each level has one fiber per coordinate of the level above. */
export function readOutput(ir: HardwareIR, m: MappedKernel, dumps: ReadonlyMap<number, number[]>, copy = 0): Tensor {
  const out = m.graph.output;
  const levels: Level[] = [];
  let fibers = 1;
  for (const [i, l] of out.levels.entries()) {
    if (l.kind === 'd') {
      levels.push({ kind: 'd', size: l.size });
      fibers *= l.size;
      continue;
    }
    const { seg: segWords, crd: crdWords } = arraysOf(m, copyNodeId(l.writer, copy), dumps, OUTPUT_ARRAYS['output-level']);
    if (fibers + 1 > segWords.length) throw new Error(`output level ${i}: ${fibers} fibers overflow the writer's seg region`);
    const seg = segWords.slice(0, fibers + 1);
    const n = seg[fibers];
    if (n > crdWords.length) throw new Error(`output level ${i}: ${n} coordinates overflow the writer's crd region`);
    levels.push({ kind: 's', seg, crd: crdWords.slice(0, n) });
    fibers = n;
  }
  const vals = arraysOf(m, copyNodeId(out.values, copy), dumps, OUTPUT_ARRAYS['output-vals']).vals.slice(0, fibers).map((w) => wrapSigned(w, ir.spec.dataWidth));
  return decode({ format: parseFormat(out.format, out.shape.length), levels, vals }, out.shape);
}

export async function runOnRtl(req: RtlRunRequest): Promise<RtlRunResult> {
  const m = req.mapped ?? mapKernel(buildIR(req.spec), req.graph, req.inputs);
  const ir = m.ir;
  // The writers' regions must hold the result: sized from the golden run before simulating.
  const golden = req.golden ?? runGraph(req.graph, req.inputs);
  checkOutputFits(m, golden.fibertree);
  if (req.simulator === 'icarus' && req.trace !== undefined) throw new UserError('--trace: waveforms come from the Verilator model (use --simulator verilator)');
  // Both run the same job on the same RTL; Icarus (4-state) also fails on an X the testbench samples.
  const model = req.simulator === 'icarus'
    ? await buildIcarusModel(ir, { log: req.log ?? (() => {}) })
    : (await buildModel(ir, { log: req.log, ...(req.trace !== undefined ? { variant: { trace: traceFormat(req.trace) } } : {}) })).exe;
  const limit = req.maxCycles ?? defaultCycleLimit(golden.idealCycles);
  const job = kernelJob(m, limit);
  const res = await withTraceFile(req.trace, (trace) => runJob(model, job, { trace }));
  const done = res.doneRuns[0];
  if (!done) throw new CapacityError(`the array did not finish: the simulator stopped before 'done' (exit ${res.exitCode})`);
  if (!done.ok) throw await stallError(ir, m, limit, req.log);
  const output = decodeKnown(res, ir.spec.dataWidth, (dumps) => readOutput(ir, m, dumps));
  const streamDiff = tensorDiff(output, golden.output) === null ? undefined : await findFirstWrongEdge(ir, m, req.graph, golden, { maxCycles: limit, log: req.log });
  return { output, cycles: done.cycles, simSeconds: res.runSeconds, simCycles: res.runCycles, maxCycles: limit, ...(streamDiff !== undefined ? { streamDiff } : {}) };
}
