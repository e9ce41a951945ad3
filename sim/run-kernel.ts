/**
 * Runs a kernel on the generated RTL: place and route the SAM graph, write
 * the bitstream (routes + primitive configuration) and the memory images of
 * the input fibertrees, simulate until `done`, read the output levels and
 * values back through the memory port and decode them.
 */
import { buildIR, memAddress, type HardwareIR } from '../generator/ir.ts';
import type { ArchSpec } from '../generator/spec.ts';
import type { Kernel } from '../compiler/resolve.ts';
import type { GraphNode, SamGraph } from '../compiler/sam-graph-types.ts';
import { placeGraph, nodeMode, type Placement } from '../compiler/place.ts';
import { graphNets, routeGraph } from '../compiler/route-graph.ts';
import { writeBitstream, type FieldSetting } from '../compiler/bitstream.ts';
import { decode, encode, parseFormat, type Fibertree, type Level } from '../formats/fibertree.ts';
import type { Tensor } from '../formats/tensor.ts';
import { aluOpcode } from '../generator/alu-ops.ts';
import { wrapSigned, wrapUnsigned } from '../golden/arith.ts';
import { UserError } from '../cli/errors.ts';
import { buildModel } from './verilator.ts';
import { runGraph, type GraphRun } from '../golden/run-graph.ts';
import type { BitstreamWord } from '../compiler/bitstream.ts';
import { Job, runJob } from './job.ts';

export interface RtlRunRequest {
  readonly spec: ArchSpec;
  readonly kernel: Kernel;
  readonly graph: SamGraph;
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly simulator: 'verilator' | 'icarus';
  /** The golden run of the same graph, when the caller has it (sizes the output regions). */
  readonly golden?: GraphRun;
}
export interface RtlRunResult {
  readonly output: Tensor;
  readonly cycles: number;
}

export interface MappedKernel {
  readonly ir: HardwareIR;
  readonly placement: Placement;
  readonly bitstream: string;
  readonly words: readonly BitstreamWord[];
  /** (memory-port address, word) pairs preloading the input fibertrees. */
  readonly memImage: [number, number][];
  /** Where each output level and the values are written. */
  readonly outputs: { levels: { tile: number }[]; vals: { tile: number } };
}

/** Writers split their SRAM: seg in the lower half, crd in the upper. */
const segBase = () => 0;
const crdBase = (ir: HardwareIR) => ir.spec.memDepth / 2;

/**
 * A repeat whose input ref is the root stream `0, D` outputs ref 0 once per R
 * of its (top-level) repeat signal, with the same stops: in hardware, where R
 * is the data word 0, that is the repeat-signal stream itself. Such repeats
 * become wires, so no tile has to generate a root stream but the scanners.
 */
export function elideRootRepeats(g: SamGraph): SamGraph {
  const rootFed = new Set(g.roots.map((r) => `${r.node}.${r.port}`));
  const gone = g.nodes.filter((n) => n.prim === 'repeat' && rootFed.has(`${n.id}.in_ref`));
  if (gone.length === 0) return g;
  const ids = new Set(gone.map((n) => n.id));
  const edges = g.edges.flatMap((e) => {
    if (ids.has(e.to.node)) return [];
    if (!ids.has(e.from.node)) return [e];
    const sig = g.edges.find((x) => x.to.node === e.from.node && x.to.port === 'in_repsig');
    if (!sig) throw new Error(`repeat ${e.from.node} has no repeat signal`);
    return [{ ...e, from: sig.from }];
  });
  return { ...g, nodes: g.nodes.filter((n) => !ids.has(n.id)), edges, roots: g.roots.filter((r) => !ids.has(r.node)) };
}

export function mapKernel(ir: HardwareIR, graph: SamGraph, inputs: Readonly<Record<string, Tensor>>): MappedKernel {
  const g = elideRootRepeats(graph);
  // Coordinates travel as data words: every mode size must fit the datapath.
  for (const t of [...g.inputs, g.output]) {
    const big = t.shape.findIndex((s) => s > 2 ** ir.spec.dataWidth);
    if (big >= 0) throw new UserError(`tensor ${t.tensor}: mode ${big} has size ${t.shape[big]}, but coordinates on the ${ir.spec.dataWidth}-bit datapath reach ${2 ** ir.spec.dataWidth - 1}: use --set dataWidth=32 (with memWidth=32)`);
  }
  for (const r of g.roots) {
    const n = g.nodes.find((x) => x.id === r.node);
    if (n?.prim !== 'level-scanner') throw new UserError(`node ${r.node} (${n?.label}) reads the root stream, which only scanners can generate on this array`);
  }
  const placement = placeGraph(ir, g);
  const nets = graphNets(ir, g, placement);
  const routed = routeGraph(ir, nets);
  const trees = new Map<string, Fibertree>();
  for (const b of g.inputs) trees.set(b.tensor, encode(inputs[b.tensor], parseFormat(b.format, b.shape.length)));
  const rootFed = new Set(g.roots.map((r) => r.node));
  const fields: FieldSetting[] = [];
  const memImage: [number, number][] = [];
  const depth = ir.spec.memDepth;
  const dw = ir.spec.dataWidth;
  const fit = (what: string, words: number, room: number) => {
    if (words > room) throw new UserError(`${what} needs ${words} SRAM words but a MEM tile holds ${room} here: use --set memDepth=${2 ** Math.ceil(Math.log2(words * (room < depth ? 2 : 1)))} (at most 65536) or a smaller input`);
  };
  const load = (tile: number, base: number, words: readonly number[]) => words.forEach((w, i) => memImage.push([memAddress(tile, base + i), wrapUnsigned(w, dw)]));

  for (const n of g.nodes) {
    const tile = placement.get(n.id)!;
    const m = nodeMode(n);
    const set = (field: string, value: number) => fields.push({ tile, field, value });
    set('mode', m.code);
    configure(n, set);
  }
  function configure(n: GraphNode, set: (f: string, v: number) => void): void {
    const tile = placement.get(n.id)!;
    switch (n.prim) {
      case 'level-scanner': {
        if (rootFed.has(n.id)) set('root', 1);
        if (n.config.level.kind === 'd') {
          if (n.config.level.size >= 2 ** dw) throw new UserError(`dense level of size ${n.config.level.size} does not fit the ${dw}-bit datapath`);
          set('dense', 1);
          set('dim', n.config.level.size);
          return;
        }
        const b = n.binding;
        if (b?.kind !== 'input-level') throw new Error(`scanner ${n.id} has no input-level binding`);
        const level = trees.get(b.tensor)!.levels[b.level] as Extract<Level, { kind: 's' }>;
        fit(`tensor ${b.tensor} level ${b.level} (seg + crd)`, level.seg.length + level.crd.length, depth);
        load(tile, 0, level.seg);
        load(tile, level.seg.length, level.crd);
        set('seg_base', 0);
        set('crd_base', level.seg.length);
        return;
      }
      case 'value-array': {
        const b = n.binding;
        if (b?.kind !== 'input-vals') throw new Error(`value array ${n.id} has no input-vals binding`);
        const vals = trees.get(b.tensor)!.vals;
        fit(`tensor ${b.tensor} values`, vals.length, depth);
        load(tile, 0, vals);
        set('val_base', 0);
        return;
      }
      case 'level-writer':
        if (n.config.mode === 'vals') set('val_base', 0);
        else {
          set('seg_base', segBase());
          set('crd_base', crdBase(ir));
          if (n.config.dropEmpty) set('drop_empty', 1);
        }
        return;
      case 'alu':
        set('op', aluOpcode(n.config.op));
        if (n.config.constant !== undefined) {
          set('const', wrapUnsigned(n.config.constant, dw));
          set('const_en', 1);
        }
        return;
      default:
        return;
    }
  }
  const { text, words } = writeBitstream(ir, { connections: routed.flatMap((r) => r.connections), fields }, g.kernel);
  const outputs = {
    levels: g.output.levels.map((l) => ({ tile: placement.get(l.writer)! })),
    vals: { tile: placement.get(g.output.values)! },
  };
  return { ir, placement, bitstream: text, words, memImage, outputs };
}

/** Rebuilds the output fibertree from the writers' SRAM: each level has one fiber per coordinate of the level above. */
export function readOutput(ir: HardwareIR, g: SamGraph, m: MappedKernel, dumps: ReadonlyMap<number, number[]>): Tensor {
  const half = ir.spec.memDepth / 2;
  const dw = ir.spec.dataWidth;
  const levels: Level[] = [];
  let fibers = 1;
  for (const [i, l] of m.outputs.levels.entries()) {
    const segWords = dumps.get(memAddress(l.tile, segBase()))!;
    const crdWords = dumps.get(memAddress(l.tile, crdBase(ir)))!;
    if (fibers + 1 > half) throw new Error(`output level ${i}: ${fibers} fibers overflow the writer's seg region`);
    const seg = segWords.slice(0, fibers + 1);
    const n = seg[fibers];
    if (n > half) throw new Error(`output level ${i}: ${n} coordinates overflow the writer's crd region`);
    levels.push({ kind: 's', seg, crd: crdWords.slice(0, n) });
    fibers = n;
  }
  const valWords = dumps.get(memAddress(m.outputs.vals.tile, 0))!;
  const vals = valWords.slice(0, fibers).map((w) => wrapSigned(w, dw));
  return decode({ format: parseFormat(g.output.format, g.output.shape.length), levels, vals }, g.output.shape);
}

export async function runOnRtl(req: RtlRunRequest): Promise<RtlRunResult> {
  if (req.simulator !== 'verilator') throw new UserError(`--simulator ${req.simulator}: only verilator runs the array model so far`);
  const ir = buildIR(req.spec);
  const m = mapKernel(ir, req.graph, req.inputs);
  // The writers' regions must hold the result: sized from the golden run before simulating.
  const gold = req.golden ?? runGraph(req.graph, req.inputs);
  const half = ir.spec.memDepth / 2;
  gold.fibertree.levels.forEach((l, i) => {
    if (l.kind !== 's') return;
    const need = Math.max(l.seg.length, l.crd.length);
    if (need > half) throw new UserError(`output level ${i} needs ${need} words but a writer holds ${half} (half a MEM tile): use --set memDepth=${2 ** Math.ceil(Math.log2(2 * need))} (at most 65536)`);
  });
  if (gold.fibertree.vals.length > ir.spec.memDepth) throw new UserError(`the output has ${gold.fibertree.vals.length} values but a MEM tile holds ${ir.spec.memDepth}: use a larger --set memDepth`);
  const model = await buildModel(ir, { log: (s) => process.stderr.write(`basalt: ${s}\n`) });
  const job = new Job();
  for (const [a, w] of m.memImage) job.memWrite(a, w);
  job.bitstream(m.words);
  job.start().runDone(200_000 + 200 * m.memImage.length);
  for (const l of m.outputs.levels) job.memDump(memAddress(l.tile, segBase()), half).memDump(memAddress(l.tile, crdBase(ir)), half);
  job.memDump(memAddress(m.outputs.vals.tile, 0), ir.spec.memDepth);
  const res = await runJob(model.exe, job);
  const done = res.doneRuns[0];
  if (!done?.ok) throw new UserError(`the array did not finish: no 'done' within ${done?.cycles ?? 0} cycles (a stream stalled)`);
  return { output: readOutput(ir, req.graph, m, res.memDumps), cycles: done.cycles };
}
