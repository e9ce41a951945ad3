/**
 * Runs a dense-mode kernel (compiler/dense-kernels.ts, compiler/dense-map.ts)
 * on the generated RTL: the bitstream and the resident arrays through the
 * config and memory ports, the streamed tensors through border inputs and the
 * outputs through border outputs (with optional random valid/ready gaps),
 * then `done`, then any MEM-resident output read back. The expected output
 * comes twice: the dense graph on the primitives' golden models, and the dense
 * reference evaluation; all three must agree exactly. Also: sparse and dense
 * kernels back to back in one simulator process.
 */
import { CapacityError } from '../base/errors.ts';
import { buildDenseGraph, type DenseTarget } from '../compiler/dense-kernels.ts';
import { assembleOutput, mapDense, runDenseGraph, type DenseGraph, type MappedDense } from '../compiler/dense-map.ts';
import { tensorDiff, type Tensor } from '../formats/tensor.ts';
import { buildIR, type HardwareIR } from '../generator/ir.ts';
import { archId, type ArchSpec } from '../generator/spec.ts';
import { evaluateDense } from '../golden/dense-reference.ts';
import { parseExpression } from '../lang/parse.ts';
import { wrapSigned } from '../sam/arith.ts';
import { decodeToken, encodeToken } from '../sam/tokens.ts';
import { CLEAR_ADDRESS } from '../generator/ir.ts';
import { Job, runJob, type JobResult } from '../sim/job.ts';
import { readOutput } from '../sim/run-kernel.ts';
import { appendKernel, markDirty, type Dirty, type SessionKernel } from '../sim/session.ts';
import { buildModel } from '../sim/verilator.ts';

export interface DenseRunResult {
  readonly mode: 'dense';
  readonly archId: string;
  readonly output: Tensor;
  /** Cycles from start until the streamed input was taken, and until done. */
  readonly cycles: number;
  /** One value (or multiply-accumulate) per cycle per pipeline once full. */
  readonly idealCycles: number;
  readonly tiles: { readonly pe: number; readonly mem: number };
  readonly layout: string;
  readonly nodes: number;
  readonly edges: number;
  readonly simSeconds: number;
  readonly simCycles: number;
  /** RTL == primitives' golden models == reference. */
  readonly ok: boolean;
  readonly mismatch?: string;
}

export interface DenseRunRequest {
  readonly spec: ArchSpec;
  readonly expr: string;
  readonly inputs: Readonly<Record<string, Tensor>>;
  /** Probability that the host withholds valid (and ready, on outputs) on a cycle (0 = never). */
  readonly stall?: number;
  readonly seed?: number;
  /** Most parallel copies of the pipeline (default 8). */
  readonly maxCopies?: number;
  /** The RTL (default), or the primitives' golden models only (cycles are then the ideal). */
  readonly simulator?: 'verilator' | 'golden';
  readonly log?: (line: string) => void;
}

/** The array's resources a dense layout may use. */
export function denseTarget(ir: HardwareIR, maxCopies?: number): DenseTarget {
  const count = (k: 'pe' | 'mem') => ir.tiles.filter((t) => t.kind === k).length;
  return { dataWidth: ir.spec.dataWidth, memDepth: ir.spec.memDepth, pe: count('pe'), mem: count('mem'), io: ir.graph.io.length, ...(maxCopies !== undefined ? { maxCopies } : {}) };
}

/** Compiles, maps and checks a dense kernel: everything before the simulator. */
export function prepareDense(req: DenseRunRequest): { ir: HardwareIR; graph: DenseGraph; mapped: MappedDense; fromGraph: Tensor; reference: Tensor } {
  const w = req.spec.dataWidth;
  const a = parseExpression(req.expr);
  const ir = buildIR(req.spec);
  const graph = buildDenseGraph(a, req.inputs, denseTarget(ir, req.maxCopies));
  const mapped = mapDense(ir, graph);
  const fromGraph = assembleOutput(graph, runDenseGraph(graph));
  const reference = evaluateDense(a, req.inputs, { dataWidth: w });
  return { ir, graph, mapped, fromGraph, reference };
}

/** The simulation job of a mapped dense kernel: memory image, bitstream, start, host streams, run, read-back. */
export function denseJob(m: MappedDense, w: number, opts: { stall?: number; seed?: number; limit: number }, job = new Job()): Job {
  const g = m.graph;
  for (const [addr, word] of m.memImage) job.memWrite(addr, word);
  job.bitstream(m.words);
  job.start();
  g.hostInputs.forEach((h, k) => job.source({ port: m.hostPorts.get(h.tensor)!, words: [...h.words, 'D' as const].map((t) => encodeToken(t, w)), seed: (opts.seed ?? 1) + k, stall: opts.stall ?? 0 }));
  g.outputs.forEach((o, k) => {
    if (o.kind === 'host') job.sink({ port: m.outputPorts[k], expect: o.indices.length + 1, seed: (opts.seed ?? 1) + 1000 + k, stall: opts.stall ?? 0 });
  });
  job.runStreams(opts.limit).runDone(opts.limit);
  g.outputs.forEach((o, k) => {
    if (o.kind === 'mem') job.memDump(m.outputPorts[k], o.indices.length);
  });
  return job;
}

/** The output words of a dense job's result, per output. */
export function denseWords(m: MappedDense, w: number, res: JobResult, run = 0): number[][] {
  const streams = res.streamRuns[run];
  return m.graph.outputs.map((o, k) => {
    const words = o.kind === 'host' ? streams.sinks.get(m.outputPorts[k]) ?? [] : res.memDumps.get(m.outputPorts[k]) ?? [];
    return words.map((x) => decodeToken(x, w)).filter((t): t is number => typeof t === 'number').map((v) => wrapSigned(v, w));
  });
}

export const denseLimit = (g: DenseGraph) => 100_000 + 20 * g.idealCycles;

export async function runDense(req: DenseRunRequest): Promise<DenseRunResult> {
  const w = req.spec.dataWidth;
  const { ir, graph, mapped, fromGraph, reference } = prepareDense(req);
  const common = { mode: 'dense' as const, archId: archId(req.spec), idealCycles: graph.idealCycles, layout: graph.layout, tiles: mapped.tiles, nodes: graph.nodes.length, edges: graph.edges.length };
  if (req.simulator === 'golden') {
    const mismatch = tensorDiff(fromGraph, reference) ?? undefined;
    return { ...common, output: fromGraph, cycles: graph.idealCycles, simSeconds: 0, simCycles: 0, ok: mismatch === undefined, ...(mismatch ? { mismatch } : {}) };
  }
  const model = (await buildModel(ir, { log: req.log })).exe;
  const limit = denseLimit(graph);
  const res = await runJob(model, denseJob(mapped, w, { stall: req.stall, seed: req.seed, limit }));
  const streams = res.streamRuns[0];
  const done = res.doneRuns[0];
  if (!streams?.ok || !done?.ok) throw new CapacityError(`dense ${graph.kernel}: the array did not finish within ${limit} cycles`);
  const output = assembleOutput(graph, denseWords(mapped, w, res));
  const mismatch = tensorDiff(output, fromGraph) ?? tensorDiff(fromGraph, reference) ?? undefined;
  return { ...common, output, cycles: streams.cycles + done.cycles, simSeconds: res.runSeconds, simCycles: res.runCycles, ok: mismatch === undefined, ...(mismatch ? { mismatch } : {}) };
}

/** One kernel of a mixed session: a mapped sparse kernel, or a prepared dense one. */
export type MixedKernel = { readonly kind: 'sparse'; readonly kernel: SessionKernel } | { readonly kind: 'dense'; readonly mapped: MappedDense };

export interface MixedRun {
  readonly kind: 'sparse' | 'dense';
  readonly ok: boolean;
  readonly cycles: number;
  readonly output?: Tensor;
}

/**
 * Sparse and dense kernels back to back in one process of the same model (issue 14: same
 * silicon). Between kernels the array is cleared (config, FIFOs) as in sim/session.ts; a dense
 * kernel's MEM tiles count as dirty in full afterwards (line buffers fill their SRAM), so a later
 * sparse kernel's output regions there are zeroed first; a dense kernel's own output regions are
 * zeroed by its memory image.
 */
export async function runMixedSession(ir: HardwareIR, kernels: readonly MixedKernel[], opts: { log?: (line: string) => void } = {}): Promise<MixedRun[]> {
  const w = ir.spec.dataWidth;
  const job = new Job();
  const dirty: Dirty = new Map();
  const dumps: number[] = [];
  kernels.forEach((k, i) => {
    if (k.kind === 'sparse') return void dumps.push(appendKernel(job, k.kernel.mapped, k.kernel.maxCycles, dirty, i === 0, true, k.kernel.golden));
    if (i > 0) job.cfgWrite(CLEAR_ADDRESS, 0);
    denseJob(k.mapped, w, { limit: denseLimit(k.mapped.graph) }, job);
    dumps.push(k.mapped.graph.outputs.filter((o) => o.kind === 'mem').length);
    for (const t of k.mapped.usedMemTiles) markDirty(dirty, t, 0, ir.spec.memDepth);
  });
  const model = await buildModel(ir, { log: opts.log });
  const res = await runJob(model.exe, job);
  let dump = 0;
  let stream = 0;
  return kernels.map((k, i) => {
    const done = res.doneRuns[i];
    const mine = res.dumpList.slice(dump, dump + dumps[i]);
    dump += dumps[i];
    if (k.kind === 'sparse') {
      if (!done?.ok) return { kind: 'sparse', ok: false, cycles: done?.cycles ?? 0 };
      return { kind: 'sparse', ok: true, cycles: done.cycles, output: readOutput(ir, k.kernel.mapped, new Map(mine.map((d) => [d.addr, d.words]))) };
    }
    const streams = res.streamRuns[stream++];
    if (!streams?.ok || !done?.ok) return { kind: 'dense', ok: false, cycles: (streams?.cycles ?? 0) + (done?.cycles ?? 0) };
    const memDumps = new Map(mine.map((d) => [d.addr, d.words]));
    const words = denseWords(k.mapped, w, { ...res, streamRuns: [streams], memDumps });
    return { kind: 'dense', ok: true, cycles: streams.cycles + done.cycles, output: assembleOutput(k.mapped.graph, words) };
  });
}
