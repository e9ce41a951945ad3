/**
 * `basalt run`: compile a kernel to a SAM graph, run it, and check the result
 * against the golden reference (DESIGN.md "The basalt command").
 *
 * --simulator golden runs the graph on the golden stream model (cycles = the
 * ideal bound). verilator runs it on the generated array (sim/run-kernel.ts:
 * place, route, bitstream, simulate, read back); a graph that uses a
 * golden-only primitive (the sparse accumulator of Gustavson SpMSpM and SpMV
 * over CSC) is refused on an RTL simulator.
 */
import type { Command } from 'commander';
import { accesses, parseExpression } from '../../compiler/parse.ts';
import { parseFormatOptions, parseOrderOption } from '../../compiler/formats-spec.ts';
import { resolveKernel, type Kernel } from '../../compiler/resolve.ts';
import { buildSamGraph, tileCounts, type SamGraph } from '../../compiler/sam-graph.ts';
import type { ArchSpec } from '../../generator/spec.ts';
import { nonZeros, tensorDiff, type Tensor } from '../../formats/tensor.ts';
import { parseValueMode } from '../../formats/values.ts';
import { GOLDEN_ONLY_PRIM_NAMES } from '../../golden/prims/index.ts';
import { evaluate } from '../../golden/reference.ts';
import { runGraph } from '../../golden/run-graph.ts';
import { addArchOptions, loadSpec, type ArchOptions } from '../arch-options.ts';
import { UserError } from '../errors.ts';
import { runOnRtl } from '../../sim/run-kernel.ts';
import { checkOutputPath, fileKind, loadInput, parseInputOptions, tensorText, writeAllOrNothing } from '../run-io.ts';

const SIMULATORS = ['verilator', 'icarus', 'golden'] as const;
type Simulator = (typeof SIMULATORS)[number];

export interface RunOptions extends ArchOptions {
  expr: string;
  format: string[];
  order?: string;
  input: string[];
  values: string;
  output?: string;
  dumpInputs?: string;
  simulator: string;
  json?: boolean;
}

const collect = (v: string, prev: string[]) => [...prev, v];

export function registerRun(program: Command): void {
  addArchOptions(program.command('run').description('compile a kernel to a SAM graph, run it, and compare with the golden reference'))
    .requiredOption('--expr <expr>', 'kernel in index notation, e.g. x(i)=B(i,j)*c(j)')
    .option('--format <T=FMT>', 'storage format of a tensor, e.g. B=ds, C=ss:1,0 (repeatable; default all s)', collect, [])
    .option('--order <vars>', 'loop order, e.g. i,j,k (default: a concordant one)')
    .option('--input <T=SRC>', 'input tensor: T=FILE (.mtx/.tns) or T=random:SHAPE:DENSITY:SEED (repeatable)', collect, [])
    .option('--values <mode>', 'value conversion: file, ones or seed:N', 'file')
    .option('--output <file>', 'write the result (.mtx for order 0-2, .tns for order 3+)')
    .option('--dump-inputs <dir>', 'write every input tensor as used')
    .option('--simulator <name>', `${SIMULATORS.join(' | ')}`, 'verilator')
    .option('--json', 'print one JSON object')
    .action(async (opts: RunOptions) => {
      const { report, summary } = await executeRun(opts);
      process.stdout.write(opts.json ? JSON.stringify(report) + '\n' : summary);
      if (!report.match) {
        process.stderr.write(`basalt: ${report.simulator} output differs from the reference: ${report.diff}\n`);
        process.exitCode = 1;
      }
    });
}

/** The whole run: check inputs, build the graph, simulate, compare, write files; returns the report (the --json object) and a short text summary. */
export async function executeRun(opts: RunOptions) {
  const spec = loadSpec(opts);
  const w = spec.dataWidth;
  if (!(SIMULATORS as readonly string[]).includes(opts.simulator)) {
    throw new UserError(`--simulator '${opts.simulator}' is not one of ${SIMULATORS.join(', ')}`);
  }
  const simulator = opts.simulator as Simulator;

  // Everything the user gave is checked before anything runs or is written.
  const assignment = parseExpression(opts.expr);
  const formats = parseFormatOptions(opts.format);
  const order = opts.order === undefined ? undefined : parseOrderOption(opts.order);
  const mode = parseValueMode(opts.values);
  const arity = new Map<string, number>();
  for (const a of accesses(assignment.rhs)) arity.set(a.tensor, a.indices.length);
  const specs = parseInputOptions(opts.input, [...arity.keys()], assignment.output.tensor);
  const inputs: Record<string, Tensor> = {};
  for (const [name, src] of specs) inputs[name] = loadInput(name, src, arity.get(name)!, mode, w);
  const shapes = Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, t.shape]));
  const kernel = resolveKernel(opts.expr, formats, order, shapes);
  if (opts.output !== undefined) checkOutputPath(opts.output, kernel.output.shape.length);
  const graph = buildSamGraph(kernel, { dataWidth: w });

  // The golden model has primitives the RTL lacks (the sparse accumulator): such a graph runs on golden only.
  const goldenOnly = [...new Set(graph.nodes.map((n) => n.prim).filter((p) => (GOLDEN_ONLY_PRIM_NAMES as readonly string[]).includes(p)))];
  if (simulator !== 'golden' && goldenOnly.length > 0) {
    throw new UserError(
      `--simulator ${simulator}: the SAM graph of loop order ${kernel.order.join(',')} uses ${goldenOnly.join(', ')} (sparse accumulator), ` +
        'which the RTL does not implement yet; use --simulator golden, or a loop order that sums innermost ' +
        '(SpMSpM: the inner product, --order i,j,k with --format C=ss:1,0)',
    );
  }
  const rtl = simulator === 'golden' ? null : runOnRtl;

  let output: Tensor;
  let cycles: number;
  let idealCycles: number;
  const golden = runGraph(graph, inputs);
  if (rtl === null || simulator === 'golden') {
    output = golden.output;
    cycles = idealCycles = golden.idealCycles;
  } else {
    const r = await rtl({ spec, kernel, graph, inputs, simulator, golden });
    output = r.output;
    cycles = r.cycles;
    idealCycles = golden.idealCycles;
  }
  const reference = evaluate(kernel.assignment, inputs, { dataWidth: w, outputShape: kernel.output.shape });
  const diff = tensorDiff(output, reference);

  // Written only now, complete: a run that got this far has a full result to show, match or not.
  const files: { path: string; text: string }[] = [];
  const note = [`basalt run --expr ${opts.expr}`];
  if (opts.dumpInputs !== undefined) {
    for (const [name, t] of Object.entries(inputs)) files.push({ path: `${opts.dumpInputs}/${name}${fileKind(t.shape.length)}`, text: tensorText(t, [...note, `input ${name}`]) });
  }
  if (opts.output !== undefined) files.push({ path: opts.output, text: tensorText(output, [...note, `output ${kernel.output.name}`]) });
  writeAllOrNothing(files);

  const tiles = tileCounts(graph);
  const nnz = nonZeros(output).values.length;
  const report = {
    match: diff === null,
    cycles,
    idealCycles,
    tiles,
    output: opts.output ?? null,
    kernel: opts.expr,
    simulator,
    nnz,
    diff,
    order: kernel.order,
    formats: Object.fromEntries(kernel.tensors.map((t) => [t.name, t.format.text])),
    dataWidth: w,
    inputs: Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, { shape: t.shape, nnz: t.values.length }])),
    graph: { nodes: graph.nodes.length, edges: graph.edges.length },
  };
  const summary =
    `${opts.expr}  order ${kernel.order.join(',')}  graph ${graph.nodes.length} nodes (${tiles.pe} PE, ${tiles.mem} MEM)\n` +
    `${simulator}: ${cycles} cycles (ideal ${idealCycles}), output nnz ${nnz}, ${diff === null ? 'matches the reference' : 'DIFFERS from the reference'}` +
    `${opts.output !== undefined ? `, written to ${opts.output}` : ''}\n`;
  return { report, summary };
}
