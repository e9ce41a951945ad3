/**
 * Kernels on tensors larger than the array: plan the tiles (compiler/tiling.ts),
 * map the tile graph once (as many copies as fit the array), run every task
 * on the RTL in one simulator process (or on the golden model), check every
 * task against the golden model, and combine the partial outputs.
 */
import { CapacityError } from '../base/errors.ts';
import { checkOutputFits, lowerForHardware, mapKernel, preloadSizes, type Layout, type MappedKernel } from '../compiler/map-kernel.ts';
import { resolveKernel, type Kernel } from '../compiler/resolve.ts';
import { buildSamGraph } from '../compiler/sam-graph.ts';
import { Combiner, gridTasks, outsideSums, reuseOrder, splitTask, taskInputs, tensorVars, tileShape, type TaskInputs, type TilePlan } from '../compiler/tiling.ts';
import type { LevelKind } from '../formats/fibertree.ts';
import { tensorDiff, type Tensor } from '../formats/tensor.ts';
import { buildIR, type HardwareIR } from '../generator/ir.ts';
import type { ArchSpec } from '../generator/spec.ts';
import { outputArrays, runGraph, type GraphRun } from '../golden/run-graph.ts';
import type { SamGraph } from '../sam/graph.ts';
import { primDef } from '../sam/prims/index.ts';
import { runTileBatches } from '../sim/tiles.ts';

export interface TiledRequest {
  readonly spec: ArchSpec;
  readonly kernel: Kernel;
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly simulator: 'verilator' | 'golden';
  readonly log?: (line: string) => void;
  /** Called after every batch of tasks with (tasks done, tasks in all). */
  readonly progress?: (done: number, total: number) => void;
  /** At most this many copies of the kernel on the array (default: as many as fit). */
  readonly maxCopies?: number;
}

export interface TiledResult {
  readonly output: Tensor;
  /** The whole run: load plus compute cycles, less the compute that overlapped loading. */
  readonly cycles: number;
  readonly idealCycles: number;
  readonly tiling: {
    readonly tileShape: Record<string, number>;
    readonly tiles: number;
    readonly copies: number;
    /** Cycles on the buses: bitstream, memory images, read-back. */
    readonly loadCycles: number;
    /** Cycles in which some copy was computing. */
    readonly computeCycles: number;
    /** Of those, the cycles the buses were busy too (loading or reading back another copy). */
    readonly overlapCycles: number;
  };
  readonly graph: SamGraph;
  readonly simSeconds: number;
  readonly simCycles: number;
}

interface Footprint {
  readonly reads: Map<string, Record<string, number>>;
  readonly golden: GraphRun;
}

/** The kernel rebuilt for the tile shape (the graph every task runs). */
function tileKernel(k: Kernel, plan: TilePlan, located: ReadonlySet<string>): Kernel {
  const shapes = Object.fromEntries([...plan.vars.keys()].map((t) => [t, tileShape(plan, t)]));
  return resolveKernel(k.assignment.text, Object.fromEntries(k.tensors.map((t) => [t.name, tileFormat(t, located)])), k.order, shapes);
}

/**
 * The dense input levels the kernel's graph locates (reads at the coordinates another operand
 * gives, never iterating them), as "tensor:level". Built at the whole kernel's sizes: a level
 * located there is located in a smaller tile too. None when the whole graph cannot be built.
 */
function locatedLevels(k: Kernel, dataWidth: number): Set<string> {
  try {
    const g = buildSamGraph(k, { dataWidth });
    return new Set(g.inputs.flatMap((b) => b.levels.flatMap((l) => (l.kind === 'd' && l.scanners.length === 0 ? [`${b.tensor}:${l.level}`] : []))));
  } catch (e) {
    if (e instanceof Error && e.name === 'UnsupportedKernelError') return new Set();
    throw e;
  }
}

/**
 * An input's levels inside a tile: a dense level above a compressed one is stored compressed,
 * unless the graph locates it. Most rows of a tile are empty, and a scanned dense level iterates
 * every one of them (a cycle or more each); compressed, a tile holds and visits only its non-empty
 * rows. A located level is never iterated, and compressed it would have to be intersected instead
 * (in Gustavson's C, a scan of C's whole row level per row of B). The values and the result are
 * the same.
 */
function tileKinds(t: Kernel['tensors'][number], located: ReadonlySet<string>): readonly LevelKind[] {
  const kinds = t.format.kinds;
  const last = kinds.lastIndexOf('s');
  return t.isOutput ? kinds : kinds.map((x, l) => (l < last && !located.has(`${t.name}:${l}`) ? 's' : x));
}

function tileFormat(t: Kernel['tensors'][number], located: ReadonlySet<string>): string {
  const text = t.format.text;
  return tileKinds(t, located).join('') + (text.includes(':') ? text.slice(text.indexOf(':')) : '');
}

/** The most tasks of one tile shape can need; beyond, the kernel is too sparse for the tile size chosen. */
const MAX_TASKS = 200_000;

/**
 * Tile sizes and tasks such that every task fits the array with one memory layout: every array a MEM
 * tile preloads gets a region as large as the largest task needs, and the writers' regions hold every
 * task's output. The tile size starts at the whole dimension (at most what a coordinate word holds)
 * and halves while the graph does not map; a task that overflows is split.
 */
export function planTiles(ir: HardwareIR, req: Pick<TiledRequest, 'kernel' | 'inputs'>): { plan: TilePlan; tk: Kernel; graph: SamGraph; tasks: TaskInputs[]; layout: Layout; footprints: Footprint[] } {
  const k = req.kernel;
  const dw = ir.spec.dataWidth;
  const depth = ir.spec.memDepth;
  const vars = tensorVars(k);
  const outside = outsideSums(k);
  const tile: Record<string, number> = Object.fromEntries(k.indexVars.map((v) => [v, Math.min(k.dims[v], 2 ** dw)]));
  // A dense level's array is as large as the tile whatever the task (and a scanned one iterates
  // the tile's empty rest): along those variables the tile shrinks instead of the task splitting.
  const located = locatedLevels(k, dw);
  const denseVars = new Set(k.tensors.flatMap((t) => { const kinds = tileKinds(t, located); return t.levelVars.filter((_, l) => kinds[l] === 'd'); }));
  plan: for (;;) {
    const plan: TilePlan = { tile, vars, outside };
    let tk: Kernel;
    let graph: SamGraph;
    try {
      tk = tileKernel(k, plan, located);
      graph = buildSamGraph(tk, { dataWidth: dw });
      // The graph's own limits (accumulator width, dense sizes, placement, routing), on an empty task.
      const empty = Object.fromEntries([...vars.keys()].map((t) => [t, { shape: tileShape(plan, t), coords: [], values: [] }]));
      mapKernel(ir, graph, empty);
    } catch (e) {
      if (!(e instanceof CapacityError) && !(e instanceof Error && e.name === 'UnsupportedKernelError')) throw e;
      const v = k.indexVars.filter((x) => tile[x] > 1).sort((a, b) => tile[b] - tile[a])[0];
      if (v === undefined) throw new CapacityError(`the kernel cannot be tiled onto this array: ${(e as Error).message}`);
      tile[v] = Math.ceil(tile[v] / 2);
      continue;
    }
    const grid = gridTasks(k, plan);
    if (grid.length > MAX_TASKS) throw new CapacityError(`tiling needs ${grid.length} tile tasks (tile ${JSON.stringify(tile)}): too many; use a larger --set memDepth`);
    let tasks = grid.map((t) => taskInputs(k, plan, req.inputs, t)).filter((t): t is TaskInputs => t !== null);
    const foot = new Map<TaskInputs, Footprint>();
    const footprint = (t: TaskInputs): Footprint => {
      let f = foot.get(t);
      if (!f) {
        // The golden run only when the output checks need it: a task too large for its inputs'
        // regions is split first, and a whole tensor's streams can be huge (TTV's c, re-scanned per fiber).
        let golden: GraphRun | undefined;
        foot.set(t, (f = { reads: preloadSizes(ir, graph, t.inputs), get golden() { return (golden ??= runGraph(graph, t.inputs)); } }));
      }
      return f;
    };
    for (let round = 0; ; round++) {
      if (round > 64 * (tasks.length + 1)) throw new CapacityError('tiling does not converge: a task keeps overflowing after splitting');
      const layout = layoutOf(tasks.map(footprint));
      const problem = firstOverflow(ir, graph, layout, tasks, footprint, depth);
      if (!problem) return { plan, tk, graph, tasks, layout, footprints: tasks.map(footprint) };
      const { task, vars: along } = problem;
      const v = along.filter((x) => task.task.ranges[x].len > 1).sort((a, b) => task.task.ranges[b].len - task.task.ranges[a].len)[0];
      if (v === undefined) throw new CapacityError(`the kernel cannot be tiled onto this array: ${problem.why} even for a single coordinate`);
      if (denseVars.has(v)) {
        tile[v] = Math.ceil(task.task.ranges[v].len / 2);
        continue plan;
      }
      const halves = splitTask(task.task, v).map((h) => taskInputs(k, plan, req.inputs, h)).filter((t): t is TaskInputs => t !== null);
      tasks = tasks.flatMap((t) => (t === task ? halves : [t]));
    }
  }
}

/** The region of each preloaded array: the largest any task needs. */
function layoutOf(feet: readonly Footprint[]): Layout {
  const reads = new Map<string, Record<string, number>>();
  for (const f of feet) {
    for (const [node, arrays] of f.reads) {
      const r = reads.get(node) ?? {};
      for (const [a, n] of Object.entries(arrays)) r[a] = Math.max(r[a] ?? 0, n);
      reads.set(node, r);
    }
  }
  return { reads };
}

/** The first place that does not fit: a MEM tile whose regions overflow, or an output region a task overflows. */
function firstOverflow(
  ir: HardwareIR, graph: SamGraph, layout: Layout, tasks: readonly TaskInputs[], footprint: (t: TaskInputs) => Footprint, depth: number,
): { task: TaskInputs; vars: readonly string[]; why: string } | undefined {
  const g = lowerForHardware(graph);
  const tensorVarsOf = (node: string): readonly string[] => {
    const b = g.nodes.find((n) => n.id === node)?.binding;
    if (b?.kind === 'input-level' || b?.kind === 'input-vals') return graph.inputs.find((x) => x.tensor === b.tensor)!.levels.map((l) => l.indexVar);
    return graph.output.levels.map((l) => l.indexVar);
  };
  for (const [node, regions] of layout.reads) {
    const total = Object.values(regions).reduce((a, n) => a + n, 0);
    if (total <= depth) continue;
    // The task with the largest share of this tile's regions.
    const worst = [...tasks].sort((a, b) => sum(footprint(b).reads.get(node)) - sum(footprint(a).reads.get(node)))[0];
    return { task: worst, vars: tensorVarsOf(node), why: `node ${node} needs ${total} SRAM words of ${depth}` };
  }
  for (const n of g.nodes) {
    const writes = primDef(n.prim).arrays?.writes ?? [];
    const b = n.binding;
    if (writes.length === 0 || (b?.kind !== 'output-level' && b?.kind !== 'output-vals')) continue;
    const reads = Object.values(layout.reads.get(n.id) ?? {}).reduce((a, x) => a + x, 0);
    const capacity = Math.floor((depth - reads) / writes.length);
    for (const t of tasks) {
      const need = outputArrays(footprint(t).golden.fibertree, b);
      const over = Object.entries(need).find(([, words]) => words.length > capacity);
      if (over) return { task: t, vars: graph.output.levels.map((l) => l.indexVar), why: `the output's ${over[0]} needs ${over[1].length} words of ${capacity}` };
    }
  }
  return undefined;
}

const sum = (r: Record<string, number> | undefined) => Object.values(r ?? {}).reduce((a, n) => a + n, 0);

/** Runs the kernel tile by tile; the combined result and the figures. */
export async function runTiled(req: TiledRequest): Promise<TiledResult> {
  const ir = buildIR(req.spec);
  const planned = planTiles(ir, req);
  const { plan, graph, layout } = planned;
  const tasks = reuseOrder(planned.tasks, plan);
  const footOf = new Map(planned.tasks.map((t, i) => [t, planned.footprints[i]]));
  const footprints = tasks.map((t) => footOf.get(t)!);
  const k = req.kernel;
  const outVars = k.output.access.indices;
  const combine = new Combiner(k.output.shape, outVars, ir.spec.dataWidth);
  const idealCycles = footprints.reduce((a, f) => a + f.golden.idealCycles, 0);
  const tileShapeOut = Object.fromEntries(k.indexVars.map((v) => [v, plan.tile[v]]));
  if (req.simulator === 'golden') {
    tasks.forEach((t, i) => combine.add(footprints[i].golden.output, t.task.ranges));
    return {
      output: combine.result(), cycles: idealCycles, idealCycles, graph, simSeconds: 0, simCycles: 0,
      tiling: { tileShape: tileShapeOut, tiles: tasks.length, copies: 1, loadCycles: 0, computeCycles: idealCycles, overlapCycles: 0 },
    };
  }
  const m = mapCopies(ir, graph, tasks[0]?.inputs ?? {}, layout, Math.min(req.maxCopies ?? Infinity, Math.max(1, tasks.length)));
  for (const f of footprints) checkOutputFits(m, f.golden.fibertree);
  const run = await runTileBatches(ir, m, tasks.map((t, i) => ({ inputs: t.inputs, golden: footprints[i].golden })), { log: req.log, progress: req.progress });
  run.outputs.forEach((out, i) => {
    const diff = tensorDiff(out, footprints[i].golden.output);
    if (diff !== null) throw new CapacityError(`tile task ${i} (${describeRanges(tasks[i].task.ranges)}) differs from the golden model: ${diff}`);
    combine.add(out, tasks[i].task.ranges);
  });
  return {
    output: combine.result(), cycles: run.cycles, idealCycles, graph, simSeconds: run.simSeconds, simCycles: run.simCycles,
    tiling: { tileShape: tileShapeOut, tiles: tasks.length, copies: m.copies, loadCycles: run.loadCycles, computeCycles: run.computeCycles, overlapCycles: run.overlapCycles },
  };
}

const describeRanges = (r: TaskInputs['task']['ranges']) => Object.entries(r).map(([v, x]) => `${v} ${x.lo}..${x.lo + x.len - 1}`).join(', ');

/** The most copies of the graph that place and route on the array, at most `most`. */
function mapCopies(ir: HardwareIR, graph: SamGraph, sample: Readonly<Record<string, Tensor>>, layout: Layout, most: number): MappedKernel {
  const one = mapKernel(ir, graph, sample, { layout });
  const g = one.graph;
  const need = { pe: g.nodes.filter((n) => n.tile === 'pe').length, mem: g.nodes.filter((n) => n.tile === 'mem').length };
  const have = { pe: ir.tiles.filter((t) => t.kind === 'pe').length, mem: ir.tiles.filter((t) => t.kind === 'mem').length };
  let copies = Math.min(most, need.pe > 0 ? Math.floor(have.pe / need.pe) : Infinity, need.mem > 0 ? Math.floor(have.mem / need.mem) : Infinity);
  for (; copies > 1; copies--) {
    try {
      return mapKernel(ir, graph, sample, { layout, copies });
    } catch (e) {
      if (!(e instanceof CapacityError)) throw e;
    }
  }
  return one;
}
