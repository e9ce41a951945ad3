/**
 * The kernel pipeline shared by `basalt run`, `basalt demo` and the benches:
 * check every input, build the SAM graph, run it (golden stream model or the
 * RTL), compare with the reference, write the requested files. Returns the
 * report (the `--json` object) and a short text summary; throws UserError on
 * bad input or a limit the array cannot meet.
 */
import { CapacityError, UserError } from '../base/errors.ts';
import { checkOutputFits, mapKernel, type MappedKernel } from '../compiler/map-kernel.ts';
import { parseFormatOptions, parseOrderOption } from '../compiler/formats-spec.ts';
import { resolveKernel } from '../compiler/resolve.ts';
import { buildSamGraph, tileCounts, UnsupportedKernelError, type SamGraph } from '../compiler/sam-graph.ts';
import { nonZeros, tensorDiff, type Tensor } from '../formats/tensor.ts';
import { parseValueMode } from '../formats/values.ts';
import { buildIR } from '../generator/ir.ts';
import { archId, type ArchSpec } from '../generator/spec.ts';
import { evaluate } from '../golden/reference.ts';
import { runGraph, type GraphRun } from '../golden/run-graph.ts';
import { accesses, denseOnly, parseExpression, type Assignment } from '../lang/parse.ts';
import { runDense, type DenseRunResult } from './dense-run.ts';
import { runOnRtl } from '../sim/run-kernel.ts';
import { parseMaxCycles } from '../sim/stall.ts';
import { debugRun } from '../sim/debug.ts';
import { formatProfile, kernelProfile, type KernelProfile } from '../sim/profile.ts';
import { formatStreamDiff, type StreamDiff } from '../sim/stream-diff.ts';
import { checkTracePath } from '../sim/trace.ts';
import { checkOutputPath, fileKind, loadInput, parseInputOptions, tensorText, writeAllOrNothing } from './run-io.ts';
import { runTiled, type TiledResult } from './tiled-run.ts';

export const SIMULATORS = ['verilator', 'icarus', 'golden'] as const;
export type Simulator = (typeof SIMULATORS)[number];

export interface RunRequest {
  readonly spec: ArchSpec;
  readonly expr: string;
  readonly format: readonly string[];
  readonly order?: string;
  readonly input: readonly string[];
  readonly values: string;
  readonly output?: string;
  readonly dumpInputs?: string;
  readonly simulator: string;
  /** Cycle limit of an RTL run (default: a multiple of the golden model's idealCycles); hitting it throws a StallError. */
  readonly maxCycles?: string;
  /** Waveform of the RTL run: a .fst or .vcd file. */
  readonly trace?: string;
  /** Also run the debug model and report, per SAM graph edge, the cycles stalled and starved (sim/profile.ts). */
  readonly profile?: boolean;
  /** Progress lines (model builds); default: none. */
  readonly log?: (line: string) => void;
  /** Tile tasks done so far, of all (a tiled run). */
  readonly progress?: (done: number, total: number) => void;
  /** sparse | dense; default: dense when every tensor is dense (`d` in every mode) or the expression needs it. */
  readonly mode?: string;
}

export const MODES = ['sparse', 'dense'] as const;

export async function executeRun(req: RunRequest) {
  const spec = req.spec;
  const w = spec.dataWidth;
  if (!(SIMULATORS as readonly string[]).includes(req.simulator)) {
    throw new UserError(`--simulator '${req.simulator}' is not one of ${SIMULATORS.join(', ')}`);
  }
  const simulator = req.simulator as Simulator;
  const maxCycles = req.maxCycles === undefined ? undefined : parseMaxCycles(req.maxCycles);
  const rtlOnly = maxCycles !== undefined ? '--max-cycles' : req.trace !== undefined ? '--trace' : req.profile ? '--profile' : undefined;
  if (simulator === 'golden' && rtlOnly) throw new UserError(`${rtlOnly} needs an RTL simulator (--simulator verilator), not the golden model`);
  if (simulator === 'icarus' && req.profile) throw new UserError('--profile runs the Verilator debug model: use --simulator verilator');
  if (req.trace !== undefined) checkTracePath(req.trace);

  // Everything the user gave is checked before anything runs or is written.
  const assignment = parseExpression(req.expr);
  const formats = parseFormatOptions([...req.format]);
  const order = req.order === undefined ? undefined : parseOrderOption(req.order);
  const mode = parseValueMode(req.values);
  const arity = new Map<string, number>();
  for (const a of accesses(assignment.rhs)) arity.set(a.tensor, a.indices.length);
  const specs = parseInputOptions(req.input, [...arity.keys()], assignment.output.tensor);
  const inputs: Record<string, Tensor> = {};
  for (const [name, src] of specs) inputs[name] = loadInput(name, src, arity.get(name)!, mode, w);
  const dense = chooseMode(req, assignment, formats, simulator, rtlOnly);
  if (dense) {
    if (req.output !== undefined) checkOutputPath(req.output, assignment.output.indices.length);
    const r = await runDense({ spec, expr: req.expr, inputs, simulator: simulator === 'golden' ? 'golden' : 'verilator', log: req.log }).catch((e: unknown) => {
      // Auto mode: the sparse flow (with its tiler) takes what dense mode cannot lay out.
      if (req.mode === undefined && (e instanceof UnsupportedKernelError || e instanceof CapacityError) && !denseOnly(assignment.rhs)) return undefined;
      throw e;
    });
    if (r) return denseRunReport(req, r, assignment.output.tensor, inputs, formats, simulator);
  }
  const shapes = Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, t.shape]));
  const kernel = resolveKernel(req.expr, formats, order, shapes);
  if (req.output !== undefined) checkOutputPath(req.output, kernel.output.shape.length);
  // The whole kernel at once when it fits the array (or the golden model runs it); tile by tile otherwise.
  let whole: { graph: SamGraph; golden: GraphRun; mapped?: MappedKernel } | undefined;
  let wholeProblem: Error | undefined;
  try {
    const graph = buildSamGraph(kernel, { dataWidth: w });
    whole = { graph, golden: runGraph(graph, inputs) };
    if (simulator !== 'golden') {
      const mapped = mapKernel(buildIR(spec), graph, inputs);
      checkOutputFits(mapped, whole.golden.fibertree);
      whole = { ...whole, mapped };
    }
  } catch (e) {
    if (!(e instanceof CapacityError || (e instanceof UnsupportedKernelError && whole === undefined))) throw e;
    wholeProblem = e;
  }
  let graph: SamGraph;
  let output: Tensor;
  let cycles: number;
  let idealCycles: number;
  let sim = { seconds: 0, cyclesPerSecond: 0 };
  let limit: number | null = null;
  let streamDiff: StreamDiff | null = null;
  let tiling: TiledResult['tiling'] | null = null;
  let profile: KernelProfile | null = null;
  if (whole && (simulator === 'golden' || !wholeProblem)) {
    graph = whole.graph;
    output = whole.golden.output;
    cycles = idealCycles = whole.golden.idealCycles;
    if (simulator !== 'golden') {
      const r = await runOnRtl({ spec, kernel, graph, inputs, simulator, golden: whole.golden, ...(whole.mapped ? { mapped: whole.mapped } : {}), log: req.log, ...(maxCycles !== undefined ? { maxCycles } : {}), ...(req.trace !== undefined ? { trace: req.trace } : {}) });
      output = r.output;
      cycles = r.cycles;
      limit = r.maxCycles;
      streamDiff = r.streamDiff ?? null;
      sim = { seconds: r.simSeconds, cyclesPerSecond: r.simSeconds > 0 ? r.simCycles / r.simSeconds : 0 };
      if (req.profile) {
        const mapped = whole.mapped!;
        const run = await debugRun(mapped.ir, mapped, { maxCycles: r.maxCycles, log: req.log });
        // The same RTL with public signals: any other cycle count is a bug of the debug build.
        if (!run.ok || run.cycles !== r.cycles) throw new Error(`the debug model ran ${run.cycles} cycles (${run.ok ? 'done' : 'not done'}), the fast model ${r.cycles}`);
        profile = kernelProfile(mapped, run);
      }
    }
  } else {
    if (simulator === 'icarus' || rtlOnly) {
      const what = simulator === 'icarus' ? '--simulator icarus' : rtlOnly;
      throw new UserError(`${what} runs a kernel that fits the array whole, and this one needs tiling (${wholeProblem!.message})`);
    }
    const r = await runTiled({ spec, kernel, inputs, simulator: simulator === 'golden' ? 'golden' : 'verilator', log: req.log, progress: req.progress }).catch((e: unknown) => {
      // Say first what the whole kernel lacks; then why tiling cannot make up for it.
      if (!(e instanceof CapacityError)) throw e;
      // The same reason at every tile size (e.g. too few tiles for the graph): the whole kernel's message says it.
      if (e.message.endsWith(wholeProblem!.message)) throw wholeProblem!;
      throw new CapacityError(`${wholeProblem!.message}; tiling cannot help: ${e.message.replace(/^the kernel cannot be tiled onto this array: /, '')}`);
    });
    ({ graph, output, cycles, idealCycles, tiling } = r);
    sim = { seconds: r.simSeconds, cyclesPerSecond: r.simSeconds > 0 ? r.simCycles / r.simSeconds : 0 };
  }
  const reference = evaluate(kernel.assignment, inputs, { dataWidth: w, outputShape: kernel.output.shape });
  const diff = tensorDiff(output, reference);

  // Written only now, complete: a run that got this far has a full result to show, match or not.
  const files: { path: string; text: string }[] = [];
  const note = [`basalt run --expr ${req.expr}`];
  if (req.dumpInputs !== undefined) {
    for (const [name, t] of Object.entries(inputs)) files.push({ path: `${req.dumpInputs}/${name}${fileKind(t.shape.length)}`, text: tensorText(t, [...note, `input ${name}`]) });
  }
  if (req.output !== undefined) files.push({ path: req.output, text: tensorText(output, [...note, `output ${kernel.output.name}`]) });
  writeAllOrNothing(files);

  const tiles = tileCounts(graph);
  const nnz = nonZeros(output).values.length;
  const report = {
    match: diff === null,
    cycles,
    idealCycles,
    tiles,
    output: req.output ?? null,
    mode: 'sparse' as const,
    archId: archId(spec),
    sim,
    kernel: req.expr,
    simulator,
    nnz,
    diff,
    /** The first SAM graph edge whose tokens differ from the golden model's (RTL runs whose output differs). */
    streamDiff,
    maxCycles: limit,
    trace: req.trace ?? null,
    order: kernel.order,
    formats: Object.fromEntries(kernel.tensors.map((t) => [t.name, t.format.text])),
    dataWidth: w,
    inputs: Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, { shape: t.shape, nnz: t.values.length }])),
    graph: { nodes: graph.nodes.length, edges: graph.edges.length },
    ...(tiling ? { tiling } : {}),
    ...(profile ? { profile } : {}),
  };
  const summary =
    `${req.expr}  order ${kernel.order.join(',')}  graph ${graph.nodes.length} nodes (${tiles.pe} PE, ${tiles.mem} MEM)\n` +
    `${tiling ? `tiled: ${tiling.tiles} tile tasks of ${Object.entries(tiling.tileShape).map(([v, n]) => `${v}:${n}`).join(' ')} on ${tiling.copies} cop${tiling.copies === 1 ? 'y' : 'ies'}, ${tiling.loadCycles} load + ${tiling.computeCycles} compute cycles (${tiling.overlapCycles} of them overlapped)\n` : ''}` +
    `${simulator}: ${cycles} cycles (ideal ${idealCycles}), output nnz ${nnz}, ${diff === null ? 'matches the reference' : 'DIFFERS from the reference'}` +
    `${req.output !== undefined ? `, written to ${req.output}` : ''}\n` +
    `${streamDiff ? `${formatStreamDiff(streamDiff)}\n` : ''}${profile ? `${formatProfile(profile)}\n` : ''}${req.trace !== undefined ? `waveform written to ${req.trace}\n` : ''}`;
  return { report, summary };
}

export type RunReport = Awaited<ReturnType<typeof executeRun>>['report'];

/** Whether a run goes to dense mode (see RunRequest.mode); refuses what dense mode cannot take. */
function chooseMode(req: RunRequest, a: Assignment, formats: Readonly<Record<string, string>>, simulator: Simulator, rtlOnly: string | undefined): boolean {
  if (req.mode !== undefined && !(MODES as readonly string[]).includes(req.mode)) throw new UserError(`--mode '${req.mode}' is not one of ${MODES.join(', ')}`);
  const tensors = [a.output.tensor, ...accesses(a.rhs).map((x) => x.tensor)];
  const allDense = tensors.every((t) => formats[t] !== undefined && /^d+$/.test(formats[t]));
  const needed = denseOnly(a.rhs) !== undefined;
  const dense = req.mode === 'dense' || (req.mode === undefined && (allDense || needed));
  if (!dense) return false;
  // Chosen only by the formats: what dense mode lacks sends the run to the sparse flow, as before.
  if (req.mode === undefined && !needed && (req.order !== undefined || simulator === 'icarus' || rtlOnly)) return false;
  const sparseFormat = Object.entries(formats).find(([, f]) => !/^d+$/.test(f));
  if (sparseFormat) throw new UserError(`--format ${sparseFormat[0]}=${sparseFormat[1]}: dense mode stores every tensor dense (d in every mode)`);
  if (req.order !== undefined) throw new UserError('--order is the sparse flow\'s loop order: dense mode chooses its own');
  if (simulator === 'icarus' || rtlOnly) throw new UserError(`${simulator === 'icarus' ? '--simulator icarus' : rtlOnly} runs in sparse mode only (this run is dense mode)`);
  return true;
}

function denseRunReport(req: RunRequest, r: DenseRunResult, outputName: string, inputs: Readonly<Record<string, Tensor>>, formats: Readonly<Record<string, string>>, simulator: Simulator) {
  const diff = r.mismatch ?? null;
  const note = [`basalt run --mode dense --expr ${req.expr}`];
  const files: { path: string; text: string }[] = [];
  if (req.dumpInputs !== undefined) {
    for (const [name, t] of Object.entries(inputs)) files.push({ path: `${req.dumpInputs}/${name}${fileKind(t.shape.length)}`, text: tensorText(t, [...note, `input ${name}`]) });
  }
  if (req.output !== undefined) files.push({ path: req.output, text: tensorText(r.output, [...note, `output ${outputName}`]) });
  writeAllOrNothing(files);
  const nnz = nonZeros(r.output).values.length;
  const tensors = Object.keys(inputs);
  const report = {
    match: diff === null,
    cycles: r.cycles,
    idealCycles: r.idealCycles,
    tiles: r.tiles,
    output: req.output ?? null,
    mode: 'dense' as const,
    archId: r.archId,
    sim: { seconds: r.simSeconds, cyclesPerSecond: r.simSeconds > 0 ? r.simCycles / r.simSeconds : 0 },
    kernel: req.expr,
    simulator,
    nnz,
    diff,
    layout: r.layout,
    formats: Object.fromEntries([outputName, ...tensors].map((t) => [t, formats[t] ?? 'd'.repeat((inputs[t]?.shape ?? r.output.shape).length)])),
    dataWidth: req.spec.dataWidth,
    inputs: Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, { shape: t.shape, nnz: t.values.length }])),
    graph: { nodes: r.nodes, edges: r.edges },
  };
  const summary =
    `${req.expr}  dense mode: ${r.layout}, ${r.tiles.pe} PE + ${r.tiles.mem} MEM tiles\n` +
    `${simulator}: ${r.cycles} cycles (ideal ${r.idealCycles}), output nnz ${nnz}, ${diff === null ? 'matches the reference' : 'DIFFERS from the reference'}` +
    `${req.output !== undefined ? `, written to ${req.output}` : ''}\n`;
  return { report, summary };
}
