/**
 * Runs a dense-mode kernel (compiler/dense-map.ts) on the generated RTL: the
 * bitstream and the resident arrays through the config and memory ports, the
 * streamed tensor through a border input (with optional random valid gaps),
 * then `done`, then the output read back. The expected output comes twice: the
 * dense graph on the primitives' golden models, and the reference evaluation of
 * the expression; all three must agree exactly.
 */
import { CapacityError, UserError } from '../base/errors.ts';
import { denseMatVecGraph, mapDense, runDenseGraph } from '../compiler/dense-map.ts';
import { makeTensor, tensorDiff, type Tensor } from '../formats/tensor.ts';
import { buildIR } from '../generator/ir.ts';
import { archId, type ArchSpec } from '../generator/spec.ts';
import { evaluate } from '../golden/reference.ts';
import { wrapSigned } from '../sam/arith.ts';
import { encodeToken, type Stream } from '../sam/tokens.ts';
import { Job, runJob } from '../sim/job.ts';
import { buildModel } from '../sim/verilator.ts';

/** Row-major values of a tensor, zeros where it stores nothing. */
export function denseValues(t: Tensor): number[] {
  const out = new Array<number>(t.shape.reduce((a, b) => a * b, 1)).fill(0);
  t.coords.forEach((c, k) => {
    let i = 0;
    for (let m = 0; m < c.length; m++) i = i * t.shape[m] + c[m];
    out[i] = t.values[k];
  });
  return out;
}

export interface DenseRunResult {
  readonly mode: 'dense';
  readonly archId: string;
  readonly output: Tensor;
  /** Cycles from start until the streamed input was taken, and until done. */
  readonly cycles: number;
  /** One multiply-accumulate per cycle once the pipeline is full: rows x cols. */
  readonly idealCycles: number;
  readonly tiles: { readonly pe: number; readonly mem: number };
  readonly simSeconds: number;
  /** RTL == primitives' golden models == reference. */
  readonly ok: boolean;
  readonly mismatch?: string;
}

export interface DenseMatVecRequest {
  readonly spec: ArchSpec;
  readonly A: Tensor;
  readonly x: Tensor;
  /** Probability that the host withholds valid on a cycle (0 = a token every cycle). */
  readonly stall?: number;
  readonly seed?: number;
  readonly log?: (line: string) => void;
}

export async function runDenseMatVec(req: DenseMatVecRequest): Promise<DenseRunResult> {
  const w = req.spec.dataWidth;
  if (req.A.shape.length !== 2 || req.x.shape.length !== 1) throw new UserError(`y(i)=A(i,j)*x(j) needs a matrix A and a vector x, not orders ${req.A.shape.length} and ${req.x.shape.length}`);
  const [rows, cols] = req.A.shape;
  if (req.x.shape[0] !== cols) throw new UserError(`index j has size ${cols} in A (mode 1) but size ${req.x.shape[0]} in x (mode 0)`);
  const kernel = 'y(i)=A(i,j)*x(j)';
  const ir = buildIR(req.spec);
  const x = denseValues(req.x).map((v) => wrapSigned(v, w));
  const a = denseValues(req.A).map((v) => wrapSigned(v, w));
  const g = denseMatVecGraph(kernel, rows, cols, x, w);
  if (rows > ir.spec.memDepth) throw new CapacityError(`y has ${rows} entries but a MEM tile holds ${ir.spec.memDepth}: use --set memDepth=${2 ** Math.ceil(Math.log2(rows))}`);
  const m = mapDense(ir, g);

  // The primitives' golden models on the same graph.
  const aStream: Stream = [...a, 'D'];
  const yWords = runDenseGraph(g, { A: aStream });
  const toTensor = (vals: readonly number[]) => makeTensor([rows], vals.map((v, i) => [[i], v] as [number[], number]));
  const fromGraph = toTensor(yWords.slice(0, rows));
  const reference = evaluate(kernel, { A: req.A, x: req.x }, { dataWidth: w });

  const model = (await buildModel(ir, { log: req.log })).exe;
  const limit = 100_000 + 20 * rows * cols;
  const job = new Job();
  for (const [addr, word] of m.memImage) job.memWrite(addr, word);
  job.bitstream(m.words);
  job.start();
  job.source({ port: m.hostPorts.get('A')!, words: aStream.map((t) => encodeToken(t, w)), seed: req.seed ?? 1, stall: req.stall ?? 0 });
  job.runStreams(limit).runDone(limit).memDump(m.outputAddress, rows);
  const res = await runJob(model, job);
  const streams = res.streamRuns[0];
  const done = res.doneRuns[0];
  if (!streams?.ok || !done?.ok) throw new CapacityError(`dense ${kernel}: the array did not finish within ${limit} cycles`);
  const output = toTensor((res.memDumps.get(m.outputAddress) ?? []).map((v) => wrapSigned(v, w)));
  const mismatch = tensorDiff(output, fromGraph) ?? tensorDiff(fromGraph, reference) ?? undefined;
  return {
    mode: 'dense', archId: archId(req.spec), output, cycles: streams.cycles + done.cycles, idealCycles: rows * cols,
    tiles: m.tiles, simSeconds: res.runSeconds, ok: mismatch === undefined, ...(mismatch ? { mismatch } : {}),
  };
}
