/**
 * Tile tasks of one mapped kernel in one simulator process, one model, one mapping, one bitstream
 * (written once: every task runs under the same configuration). The copies of the kernel on the
 * array alternate between the start groups (compiler/map-kernel.ts copyGroup), and the host keeps
 * the one memory port busy: it loads the images of a group's next tasks (one per copy; an idle copy
 * gets an empty task; only the words the SRAM does not hold already) and starts that group, then
 * goes to the next group: waits for its done, reads back what its tasks wrote (the golden run says
 * how much), loads its next tasks, starts it, and so on. While one group computes, the port loads
 * another: load and compute overlap. A restart relies on done leaving every stream drained (the
 * cores clear their own state on start); every task is checked against the golden model, so a
 * leftover token would show as a wrong task, not a silent one. Memory-port cycles, compute spans
 * and their overlap are counted apart.
 */
import { CapacityError } from '../base/errors.ts';
import { copyGroup, copyNodeId, imageFor, type MappedKernel } from '../compiler/map-kernel.ts';
import type { Tensor } from '../formats/tensor.ts';
import { decodeAddress, memAddress, type HardwareIR } from '../generator/ir.ts';
import { START_GROUPS } from '../generator/tile-kind.ts';
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
  /** The whole job: loadCycles + computeCycles - overlapCycles. */
  readonly cycles: number;
  /** Cycles the host spent on the buses (bitstream, memory images, read-back). */
  readonly loadCycles: number;
  /** Cycles in which some copy was computing. */
  readonly computeCycles: number;
  /** Of those, the cycles the host was busy on the buses meanwhile (loading or reading back another copy): hidden behind loading. */
  readonly overlapCycles: number;
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
  // The words the memory port wrote that the SRAM still holds: a word an image needs again (a seg
  // entry, an operand tile another task shares) is not written twice. Tiles whose primitives write
  // their SRAM while running are never trusted.
  const writers = new Set<number>();
  for (let c = 0; c < m.copies; c++) for (const n of m.single.nodes) if (primDef(n.prim).rtl?.sramA === 'write') writers.add(m.placement.get(copyNodeId(n.id, c))!);
  const groups = Array.from({ length: START_GROUPS }, (_, g) => ({ g, copies: Array.from({ length: m.copies }, (_, c) => c).filter((c) => copyGroup(c) === g) }))
    .filter((x) => x.copies.length > 0);
  /** The image words a load of task i (undefined: an empty task) on copy c writes, given what the SRAMs hold so far. */
  const freshWords = () => {
    const held = new Map<number, number>();
    return (i: number | undefined, c: number): [number, number][] =>
      imageFor(m, i === undefined ? empty : tasks[i].inputs, c).filter(([a, w]) => {
        if (held.get(a) === w) return false;
        if (!writers.has(decodeAddress(a).tile)) held.set(a, w);
        return true;
      });
  };
  // Two task orders, each dealt round-robin to the copies: the caller's (neighbours share operand
  // tiles: flow/tiled-run.ts orders them so, and a copy's next task then finds much of its image in
  // its SRAM still) and smallest first (the tasks of a round are alike, so a load covers about the
  // compute it overlaps). With two groups the one the timing model below says is faster runs; with
  // one nothing overlaps, and the caller's order loads the least.
  const given = tasks.map((_, i) => i);
  const smallest = [...given].sort((x, y) => tasks[x].golden.idealCycles - tasks[y].golden.idealCycles || x - y);
  const order = groups.length < 2 || estimate(given) <= estimate(smallest) ? given : smallest;

  // Batches in the order the job waits for them (its run_group lines and dumps come in that order).
  const drained: Batch[] = [];
  const fresh = freshWords();
  job.bitstream(m.words);
  rounds(order, {
    load: (i, c) => { for (const [a, w] of fresh(i, c)) job.memWrite(a, w); },
    start: (b) => { job.startGroup(1 << b.group); },
    drain: (b) => {
      const ideal = Math.max(...b.items.map((x) => tasks[x.task].golden.idealCycles));
      job.runGroup(b.group, defaultCycleLimit(ideal) * 2).stopIfTimeout();
      for (const x of b.items) {
        for (const [node, arrays] of x.sizes) {
          const w = m.written.get(copyNodeId(node, x.copy))!;
          for (const [a, n] of Object.entries(arrays)) job.memDump(memAddress(w.tile, w.arrays[a].base), Math.max(1, n));
        }
      }
      drained.push(b);
    },
  });

  /**
   * The ping-pong over the groups: for each group in turn, wait for its running batch and read it
   * back, then load its copies' next tasks (an idle copy gets an empty task) and start it.
   */
  function rounds(ord: readonly number[], at: { load: (task: number | undefined, copy: number) => void; start: (b: Batch) => void; drain: (b: Batch) => void }): void {
    const queues: number[][] = Array.from({ length: m.copies }, () => []);
    ord.forEach((i, n) => queues[n % m.copies].push(i));
    const pending = new Map<number, Batch>();
    while (queues.some((q) => q.length > 0) || pending.size > 0) {
      for (const { g, copies } of groups) {
        const prev = pending.get(g);
        if (prev) {
          at.drain(prev);
          pending.delete(g);
        }
        if (!copies.some((c) => queues[c].length > 0)) continue;
        const items: Batch['items'] = [];
        for (const c of copies) {
          const i = queues[c].shift();
          // What the previous task wrote stays: only the words the golden run says this task writes are
          // read back, and the regions whose old contents would show (a dense output level's hidden
          // zeros) are zeroed by the image itself (its writer reserves them as zeros).
          at.load(i, c);
          if (i !== undefined) items.push({ task: i, copy: c, sizes: readSizes(m, tasks[i].golden) });
        }
        const b = { group: g, items };
        at.start(b);
        pending.set(g, b);
      }
    }
  }

  /** Cycles of an order by a model: a bus word per cycle (the held words skipped), compute = the golden bound x 1.5. */
  function estimate(ord: readonly number[]): number {
    const words = freshWords();
    let host = 0;
    const doneAt = new Map<number, number>();
    rounds(ord, {
      load: (i, c) => { host += words(i, c).length; },
      start: (b) => { doneAt.set(b.group, host + 1.5 * Math.max(0, ...b.items.map((x) => tasks[x.task].golden.idealCycles))); },
      drain: (b) => {
        host = Math.max(host, doneAt.get(b.group) ?? 0);
        for (const x of b.items) for (const [, arrays] of x.sizes) for (const n of Object.values(arrays)) host += Math.max(1, n) + 3;
      },
    });
    return host;
  }
  // Tasks finished after each run_group, for the progress callback.
  const doneAfter: number[] = [];
  for (const b of drained) doneAfter.push((doneAfter.at(-1) ?? 0) + b.items.length);
  const model = await buildModel(ir, { log: opts.log });
  const res = await runJob(model.exe, job, { onProgress: (n) => opts.progress?.(doneAfter[Math.min(n, doneAfter.length) - 1] ?? 0, tasks.length) });
  const outputs: Tensor[] = [];
  let dump = 0;
  drained.forEach((batch, i) => {
    const run = res.groupRuns[i];
    if (!run?.ok) {
      const what = run ? `did not finish within ${run.span} cycles` : 'got no result (the simulator stopped before it)';
      throw new CapacityError(`tile batch ${i} (tasks ${batch.items.map((b) => b.task).join(', ')}) ${what}; ` +
        'the run stopped there (a deadlock or a cycle limit: run that task\'s inputs whole with --max-cycles for the stall report)');
    }
    for (const b of batch.items) {
      const dumps = new Map<number, number[]>();
      for (const [, arrays] of b.sizes) for (const _ of Object.keys(arrays)) {
        const d = res.dumpList[dump++];
        dumps.set(d.addr, d.words);
      }
      outputs[b.task] = readOutput(ir, m, dumps, b.copy);
    }
  });
  // Every cycle the host waited, some group computed; the rest of the array's computing overlapped
  // the host's bus work.
  const waited = res.groupRuns.reduce((a, r) => a + r.waited, 0);
  return {
    outputs, cycles: res.cycles, loadCycles: res.cycles - waited, computeCycles: res.groupBusyCycles, overlapCycles: res.groupBusyCycles - waited,
    // The whole job is simulation (loading is simulated cycles too): its speed, not the waits' alone.
    simSeconds: res.seconds, simCycles: res.cycles,
  };
}

interface Batch {
  readonly group: number;
  readonly items: { task: number; copy: number; sizes: Map<string, Record<string, number>> }[];
}
