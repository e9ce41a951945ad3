/**
 * Tiling: a kernel whose tensors do not fit the array runs as tasks on
 * tiles. A task is a box of index ranges, one [lo, lo + len) per index
 * variable, each at most that variable's tile size; every task runs the same
 * SAM graph, built for the tile sizes, on the tiles of its inputs in
 * tile-local coordinates (coordinate - lo), so one placement, route and
 * bitstream serve every task. Outputs of tasks that differ only in reduced
 * variables are partial sums: the host adds them with the datapath's
 * wrap-around, after restoring the offsets.
 *
 * Which tasks exist: only those whose inputs can give a non-zero result (a
 * product needs every factor's tile non-empty, a sum any term's). A task whose
 * tiles overflow the array is split further along one variable (halved), never
 * truncated: its halves keep the tile size, only their ranges shrink.
 *
 * A term outside a sum over variable v (e.g. b(i) in b(i) - C(i,j)*d(j))
 * belongs to one task per output tile only: the tasks with a v-range starting
 * above 0 see that term's tensors as empty.
 */
import { CapacityError } from '../base/errors.ts';
import { makeTensor, type Tensor } from '../formats/tensor.ts';
import type { ReducedExpr } from '../lang/reductions.ts';
import { wrapAdd } from '../sam/arith.ts';
import type { Kernel } from './resolve.ts';

export type Ranges = Readonly<Record<string, { readonly lo: number; readonly len: number }>>;

export interface Task {
  /** Index ranges of the task, per variable. */
  readonly ranges: Ranges;
}

/** Index variables of each input tensor, per mode (tiling needs one access pattern per tensor). */
export function tensorVars(k: Kernel): Map<string, readonly string[]> {
  const vars = new Map<string, readonly string[]>();
  const visit = (e: ReducedExpr): void => {
    if (e.kind === 'access') {
      const old = vars.get(e.tensor);
      if (old && old.join(',') !== e.indices.join(',')) {
        throw new CapacityError(`tensor ${e.tensor} is accessed as ${e.tensor}(${old.join(',')}) and ${e.tensor}(${e.indices.join(',')}): a kernel with two access patterns of one tensor cannot be tiled`);
      }
      vars.set(e.tensor, e.indices);
    } else if (e.kind === 'neg') visit(e.operand);
    else if (e.kind === 'binary') {
      visit(e.left);
      visit(e.right);
    } else if (e.kind === 'sum') visit(e.body);
  };
  visit(k.reduced);
  return vars;
}

/** The entries of `t` inside the task's ranges, in tile-local coordinates, on a tile of shape `shape`. */
export function sliceTensor(t: Tensor, vars: readonly string[], ranges: Ranges, shape: readonly number[]): Tensor {
  const entries: [number[], number][] = [];
  t.coords.forEach((c, n) => {
    for (let m = 0; m < c.length; m++) {
      const r = ranges[vars[m]];
      if (c[m] < r.lo || c[m] >= r.lo + r.len) return;
    }
    entries.push([c.map((x, m) => x - ranges[vars[m]].lo), t.values[n]]);
  });
  // Already sorted: slicing keeps the order, and subtracting a per-mode offset keeps it too.
  return { shape, coords: entries.map((e) => e[0]), values: entries.map((e) => e[1]) };
}

/**
 * Tensors the later tiles of each reduced variable v must see as empty. The
 * result is affine in the sum over v: a + m * sum_v(...). Tiling v adds the
 * tasks' results, so the multiplier m may appear in every task but the
 * affine part a only in the tasks whose v-range starts at 0: its tensors are
 * hidden in the others. Throws when a tensor is in both parts, or the affine
 * part can be non-zero without any tensor (a constant added once per tile).
 */
export function outsideSums(k: Kernel): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const has = (e: ReducedExpr, v: string): boolean =>
    e.kind === 'sum' ? e.vars.includes(v) || has(e.body, v) : e.kind === 'neg' ? has(e.operand, v) : e.kind === 'binary' ? has(e.left, v) || has(e.right, v) : false;
  const tensorsOf = (e: ReducedExpr, into: Set<string>): Set<string> => {
    if (e.kind === 'access') into.add(e.tensor);
    else if (e.kind === 'neg') tensorsOf(e.operand, into);
    else if (e.kind === 'binary') (tensorsOf(e.left, into), tensorsOf(e.right, into));
    else if (e.kind === 'sum') tensorsOf(e.body, into);
    return into;
  };
  for (const v of k.reductionVars) {
    const hidden = new Set<string>();
    const kept = new Set<string>();
    const walk = (e: ReducedExpr): void => {
      if (!has(e, v)) {
        if (mayBeNonZero(e, () => true)) throw new CapacityError(`a constant term is added outside the sum over ${v}: each tile of ${v} would add it again, so the kernel cannot be tiled along ${v}`);
        tensorsOf(e, hidden);
      } else if (e.kind === 'sum' && e.vars.includes(v)) tensorsOf(e, kept);
      else if (e.kind === 'neg') walk(e.operand);
      else if (e.kind === 'sum') walk(e.body);
      else if (e.kind === 'binary' && e.op !== '*') (walk(e.left), walk(e.right));
      else if (e.kind === 'binary') {
        // A product with the sum: the other factor multiplies every tile's partial sum.
        const [withSum, factor] = has(e.left, v) ? [e.left, e.right] : [e.right, e.left];
        tensorsOf(factor, kept);
        walk(withSum);
      }
    };
    walk(k.reduced);
    const both = [...hidden].filter((t) => kept.has(t));
    if (both.length > 0) throw new CapacityError(`tensor ${both[0]} is used inside and outside the sum over ${v}: the kernel cannot be tiled along ${v}`);
    out.set(v, hidden);
  }
  return out;
}

/** Can the task's result be non-zero, given which of its input tiles are empty? */
function mayBeNonZero(e: ReducedExpr, empty: (tensor: string) => boolean): boolean {
  switch (e.kind) {
    case 'access':
      return !empty(e.tensor);
    case 'const':
      return e.value !== 0;
    case 'shift':
      throw new Error('a shift reached the sparse flow (resolveKernel refuses it)');
    case 'neg':
      return mayBeNonZero(e.operand, empty);
    case 'sum':
      return mayBeNonZero(e.body, empty);
    case 'binary':
      return e.op === '*' ? mayBeNonZero(e.left, empty) && mayBeNonZero(e.right, empty) : mayBeNonZero(e.left, empty) || mayBeNonZero(e.right, empty);
  }
}

export interface TaskInputs {
  readonly task: Task;
  /** Every input tensor's tile, tile-local, on the tile shape. */
  readonly inputs: Record<string, Tensor>;
}

export interface TilePlan {
  /** Tile size per index variable: the shape the graph is built for. */
  readonly tile: Readonly<Record<string, number>>;
  readonly vars: ReadonlyMap<string, readonly string[]>;
  /** Tensors each reduced variable's later tiles see as empty. */
  readonly outside: ReadonlyMap<string, ReadonlySet<string>>;
}

export function tileShape(plan: TilePlan, tensor: string): number[] {
  return plan.vars.get(tensor)!.map((v) => plan.tile[v]);
}

/** The inputs of one task, or null when its result is zero whatever the hardware does. */
export function taskInputs(k: Kernel, plan: TilePlan, inputs: Readonly<Record<string, Tensor>>, task: Task): TaskInputs | null {
  const hidden = new Set<string>();
  for (const [v, ts] of plan.outside) if (task.ranges[v].lo > 0) for (const t of ts) hidden.add(t);
  const tiles: Record<string, Tensor> = {};
  for (const [name, vars] of plan.vars) {
    const shape = tileShape(plan, name);
    tiles[name] = hidden.has(name) ? { shape, coords: [], values: [] } : sliceTensor(inputs[name], vars, task.ranges, shape);
  }
  if (!mayBeNonZero(k.reduced, (t) => tiles[t].values.length === 0)) return null;
  return { task, inputs: tiles };
}

/** The grid of tasks of a plan over the kernel's dims, before splitting. */
export function gridTasks(k: Kernel, plan: TilePlan): Task[] {
  let tasks: Record<string, { lo: number; len: number }>[] = [{}];
  for (const v of k.indexVars) {
    const t = plan.tile[v];
    const next: typeof tasks = [];
    for (const r of tasks) for (let lo = 0; lo < k.dims[v]; lo += t) next.push({ ...r, [v]: { lo, len: Math.min(t, k.dims[v] - lo) } });
    tasks = next;
  }
  return tasks.map((ranges) => ({ ranges }));
}

/**
 * Tasks in the order that reloads the least: a variable whose tiles change more input words
 * (the mean tile size of every input it indexes) varies more slowly. Consecutive tasks then share the
 * large operand tiles (MTTKRP's dense C and D rows, SpMV's c), which the memory images keep in SRAM.
 */
export function reuseOrder(tasks: readonly TaskInputs[], plan: TilePlan): TaskInputs[] {
  const words = new Map<string, number>();
  for (const t of tasks) for (const [name, x] of Object.entries(t.inputs)) words.set(name, (words.get(name) ?? 0) + x.values.length / tasks.length);
  const vars = [...new Set([...plan.vars.values()].flat())];
  const cost = (v: string) => [...plan.vars].reduce((a, [name, vs]) => a + (vs.includes(v) ? (words.get(name) ?? 0) : 0), 0);
  const slowFirst = vars.map((v, i) => ({ v, i, c: cost(v) })).sort((a, b) => b.c - a.c || a.i - b.i).map((x) => x.v);
  const lo = (t: TaskInputs, v: string) => t.task.ranges[v]?.lo ?? 0;
  return [...tasks].sort((a, b) => {
    for (const v of slowFirst) if (lo(a, v) !== lo(b, v)) return lo(a, v) - lo(b, v);
    return 0;
  });
}

/** The two halves of a task along `v`. */
export function splitTask(task: Task, v: string): [Task, Task] {
  const r = task.ranges[v];
  const a = Math.ceil(r.len / 2);
  return [{ ranges: { ...task.ranges, [v]: { lo: r.lo, len: a } } }, { ranges: { ...task.ranges, [v]: { lo: r.lo + a, len: r.len - a } } }];
}

/** Adds a task's output tile (tile-local) into the whole result: offsets restored, partial sums wrapped. */
export class Combiner {
  private readonly acc = new Map<string, { coords: number[]; value: number }>();
  constructor(private readonly shape: readonly number[], private readonly outVars: readonly string[], private readonly dataWidth: number) {}

  add(tile: Tensor, ranges: Ranges): void {
    tile.coords.forEach((c, n) => {
      const g = c.map((x, m) => x + ranges[this.outVars[m]].lo);
      const key = g.join(',');
      const old = this.acc.get(key);
      this.acc.set(key, { coords: g, value: old ? wrapAdd(old.value, tile.values[n], this.dataWidth) : tile.values[n] });
    });
  }

  result(): Tensor {
    return makeTensor(this.shape, [...this.acc.values()].map((e) => [e.coords, e.value] as [number[], number]));
  }
}
