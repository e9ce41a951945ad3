/**
 * Golden reference: the exact result of an index expression on sparse tensors,
 * with the datapath's signed wrap-around at `dataWidth` bits after every + - *.
 *
 * Works on stored entries only, never on dense loops over shapes: each
 * subexpression becomes a relation (a list of coordinate tuples over some index
 * variables, with values); * is a hash join on the shared variables
 * (intersection), + and - a hash merge (either side, a missing side counts as 0), a sum
 * a hash aggregation. A sum directly over a product aggregates while joining, so
 * SpMSpM never materialises its (i,k,j) products.
 *
 * Structure: an output entry exists wherever the expression's sparsity pattern
 * produces one, even if the value there computes to 0 (like the hardware, which
 * writes computed zeros); tensorDiff ignores such zeros. A constant is defined
 * everywhere, so `b(i)+1` is dense in i.
 */
import { placeReductions, type ReducedExpr } from '../lang/reductions.ts';
import { accesses, parseExpression, type Access, type Assignment } from '../lang/parse.ts';
import { compareCoords, type Tensor } from '../formats/tensor.ts';
import { evaluateDense, shiftValue } from './dense-reference.ts';

/**
 * The datapath's +, - and * at `w` bits: the same results as golden/arith.ts's
 * wrapAdd/wrapSub/wrapMul (a test checks this), by shifts instead of float
 * modulo, which was most of SpMSpM's run time. `<< s >> s` sign-extends the low
 * w bits, and the shift's ToInt32 first reduces mod 2^32, exact for |x| < 2^53.
 */
export function datapathOps(w: number) {
  const s = 32 - w;
  const wrap = (x: number) => (x << s) >> s;
  return {
    wrap,
    add: (a: number, b: number) => ((a + b) << s) >> s,
    sub: (a: number, b: number) => ((a - b) << s) >> s,
    mul: (a: number, b: number) => (Math.imul(a, b) << s) >> s,
  };
}
type Ops = ReturnType<typeof datapathOps>;

export interface ReferenceOptions {
  /** Signed datapath width in bits (2..32). */
  readonly dataWidth: number;
  /** Output shape; by default taken from the sizes of its index variables. */
  readonly outputShape?: readonly number[];
}

/** A relation: entry k has coordinates tuples[k] (one per var) and value values[k]; no duplicate tuples. */
interface Rel {
  readonly vars: readonly string[];
  readonly tuples: number[][];
  readonly values: number[];
}

type Key = number | string;

/** Evaluates `expr` (text or parsed) on the named input tensors. */
export function evaluate(expr: Assignment | string, inputs: Readonly<Record<string, Tensor>>, opts: ReferenceOptions): Tensor {
  const a = typeof expr === 'string' ? parseExpression(expr) : expr;
  const w = opts.dataWidth;
  if (!Number.isInteger(w) || w < 2 || w > 32) throw new Error(`data width ${w} is not an integer in 2..32`);
  // Affine indices need dense loops (they name points the inputs may not store).
  if (accesses(a.rhs).some((acc) => acc.terms)) return evaluateDense(a, inputs, opts);
  const dims = indexSizes(a, inputs, opts.outputShape);
  const ctx: Ctx = { dims, ops: datapathOps(w), inputs, w };
  let rel = evalNode(placeReductions(a), ctx);
  rel = broadcast(rel, a.output.indices, ctx); // only if an output index is unused (parse refuses that)
  const pos = a.output.indices.map((v) => rel.vars.indexOf(v));
  const coords = rel.tuples.map((t) => pos.map((p) => t[p]));
  const order = coords.map((_, k) => k);
  const key = keyer(a.output.indices, pos.map((_, q) => q), ctx);
  if (coords.length > 0 && typeof key(coords[0]) === 'number') {
    const keys = coords.map((c) => key(c) as number); // row-major linear index: same order as compareCoords
    order.sort((x, y) => keys[x] - keys[y]);
  } else {
    order.sort((x, y) => compareCoords(coords[x], coords[y]));
  }
  return {
    shape: a.output.indices.map((v) => dims.get(v)!),
    coords: order.map((k) => coords[k]),
    values: order.map((k) => rel.values[k]),
  };
}

interface Ctx {
  readonly dims: ReadonlyMap<string, number>;
  readonly ops: Ops;
  readonly inputs: Readonly<Record<string, Tensor>>;
  readonly w: number;
}

/** Size of every index variable, from the input shapes; inconsistent sizes are an error. */
function indexSizes(a: Assignment, inputs: Readonly<Record<string, Tensor>>, outputShape?: readonly number[]): Map<string, number> {
  const dims = new Map<string, number>();
  const from = new Map<string, string>();
  const bind = (acc: Access, shape: readonly number[]) => {
    if (shape.length !== acc.indices.length) throw new Error(`tensor ${acc.tensor} has order ${shape.length} but is used with ${acc.indices.length} indices`);
    acc.indices.forEach((v, m) => {
      const size = shape[m];
      const had = dims.get(v);
      if (had === undefined) {
        dims.set(v, size);
        from.set(v, `${acc.tensor} mode ${m}`);
      } else if (had !== size) {
        throw new Error(`index ${v} has size ${had} (${from.get(v)}) but ${size} (${acc.tensor} mode ${m})`);
      }
    });
  };
  for (const acc of accesses(a.rhs)) {
    const t = inputs[acc.tensor];
    if (!t) throw new Error(`no input tensor ${acc.tensor}`);
    bind(acc, t.shape);
  }
  if (outputShape) bind(a.output, outputShape);
  for (const v of a.output.indices) if (!dims.has(v)) throw new Error(`size of output index ${v} unknown`);
  return dims;
}

function evalNode(e: ReducedExpr, ctx: Ctx): Rel {
  switch (e.kind) {
    case 'access':
      return accessRel(e, ctx);
    case 'const':
      return { vars: [], tuples: [[]], values: [ctx.ops.wrap(e.value)] };
    case 'neg': {
      const r = evalNode(e.operand, ctx);
      return { vars: r.vars, tuples: r.tuples, values: r.values.map((v) => ctx.ops.sub(0, v)) };
    }
    case 'shift': {
      const r = evalNode(e.operand, ctx);
      return { vars: r.vars, tuples: r.tuples, values: r.values.map((v) => shiftValue(e.op, v, e.amount, ctx.w)) };
    }
    case 'binary': {
      const l = evalNode(e.left, ctx);
      const r = evalNode(e.right, ctx);
      if (e.op === '*') return multiply(l, r, ctx);
      return merge(l, r, e.op, ctx);
    }
    case 'sum': {
      if (e.body.kind === 'binary' && e.body.op === '*') {
        // Aggregate while joining: never hold every partial product at once.
        return sumOfProduct(evalNode(e.body.left, ctx), evalNode(e.body.right, ctx), e.vars, ctx);
      }
      const body = evalNode(e.body, ctx);
      const acc = aggregator(body.vars, e.vars, ctx);
      for (let k = 0; k < body.values.length; k++) acc.add(body.tuples[k], body.values[k]);
      return acc.result();
    }
  }
}

function accessRel(acc: Access, ctx: Ctx): Rel {
  const t = ctx.inputs[acc.tensor];
  // A repeated index (B(i,i)) keeps the diagonal; the parser refuses it, but stay correct.
  const vars = acc.indices.filter((v, m) => acc.indices.indexOf(v) === m);
  const pos = vars.map((v) => acc.indices.indexOf(v));
  const tuples: number[][] = [];
  const values: number[] = [];
  for (let k = 0; k < t.values.length; k++) {
    const c = t.coords[k];
    if (!acc.indices.every((v, m) => c[m] === c[acc.indices.indexOf(v)])) continue;
    tuples.push(pos.map((p) => c[p]));
    values.push(ctx.ops.wrap(t.values[k]));
  }
  return { vars, tuples, values };
}

/** Key of the given tuple positions: a mixed-radix number when it fits 2^53, else a string. */
function keyer(vars: readonly string[], pick: readonly number[], ctx: Ctx): (t: readonly number[]) => Key {
  const sizes = pick.map((p) => ctx.dims.get(vars[p])!);
  const space = sizes.reduce((x, y) => x * y, 1);
  if (pick.length === 0) return () => 0;
  if (!Number.isSafeInteger(space)) return (t) => pick.map((p) => t[p]).join(',');
  return (t) => {
    let k = 0;
    for (let q = 0; q < pick.length; q++) k = k * sizes[q] + t[pick[q]];
    return k;
  };
}

/** Calls emit(li, ri, l*r) for every pair of entries of l and r that agree on the shared vars. */
function join(l: Rel, r: Rel, ctx: Ctx, emit: (li: number, ri: number, v: number) => void): void {
  const shared = l.vars.filter((v) => r.vars.includes(v));
  const lKey = keyer(l.vars, shared.map((v) => l.vars.indexOf(v)), ctx);
  const rKey = keyer(r.vars, shared.map((v) => r.vars.indexOf(v)), ctx);
  // Hash the smaller side, probe with the larger.
  const buildLeft = l.values.length < r.values.length;
  const [build, buildKey, probe, probeKey] = buildLeft ? [l, lKey, r, rKey] : [r, rKey, l, lKey];
  const table = new Map<Key, number[]>();
  for (let k = 0; k < build.values.length; k++) {
    const key = buildKey(build.tuples[k]);
    const list = table.get(key);
    if (list) list.push(k);
    else table.set(key, [k]);
  }
  const mul = ctx.ops.mul;
  for (let k = 0; k < probe.values.length; k++) {
    const hits = table.get(probeKey(probe.tuples[k]));
    if (!hits) continue;
    for (const h of hits) {
      const li = buildLeft ? h : k;
      const ri = buildLeft ? k : h;
      emit(li, ri, mul(l.values[li], r.values[ri]));
    }
  }
}

/** Variables of a join's result: l's, then those only r has. */
const joinedVars = (l: Rel, r: Rel): string[] => [...l.vars, ...r.vars.filter((v) => !l.vars.includes(v))];

function multiply(l: Rel, r: Rel, ctx: Ctx): Rel {
  const rRest = r.vars.map((_, p) => p).filter((p) => !l.vars.includes(r.vars[p]));
  const tuples: number[][] = [];
  const values: number[] = [];
  join(l, r, ctx, (li, ri, v) => {
    const t = l.tuples[li].slice();
    for (const p of rRest) t.push(r.tuples[ri][p]);
    tuples.push(t);
    values.push(v);
  });
  return { vars: joinedVars(l, r), tuples, values };
}

/** sum over `summed` of l*r, keyed straight from both sides' tuples (the SpMSpM hot loop). */
function sumOfProduct(l: Rel, r: Rel, summed: readonly string[], ctx: Ctx): Rel {
  const keep = joinedVars(l, r).filter((v) => !summed.includes(v));
  // Each kept variable is read from l (side 0) or r (side 1) at some position.
  const side = keep.map((v) => (l.vars.includes(v) ? 0 : 1));
  const pos = keep.map((v, q) => (side[q] === 0 ? l.vars.indexOf(v) : r.vars.indexOf(v)));
  const sizes = keep.map((v) => ctx.dims.get(v)!);
  const numeric = Number.isSafeInteger(sizes.reduce((x, y) => x * y, 1));
  const at = new Map<Key, number>();
  const tuples: number[][] = [];
  const values: number[] = [];
  const add = ctx.ops.add;
  join(l, r, ctx, (li, ri, v) => {
    const lt = l.tuples[li];
    const rt = r.tuples[ri];
    let key: Key;
    if (numeric) {
      key = 0;
      for (let q = 0; q < keep.length; q++) key = key * sizes[q] + (side[q] === 0 ? lt : rt)[pos[q]];
    } else {
      key = keep.map((_, q) => (side[q] === 0 ? lt : rt)[pos[q]]).join(',');
    }
    const i = at.get(key);
    if (i === undefined) {
      at.set(key, values.length);
      tuples.push(keep.map((_, q) => (side[q] === 0 ? lt : rt)[pos[q]]));
      values.push(v);
    } else {
      values[i] = add(values[i], v);
    }
  });
  return { vars: keep, tuples, values };
}

/** Merge for + and -: each side first broadcast over the variables only the other has. */
function merge(l0: Rel, r0: Rel, op: '+' | '-', ctx: Ctx): Rel {
  const vars = [...l0.vars, ...r0.vars.filter((v) => !l0.vars.includes(v))];
  const l = broadcast(l0, vars, ctx);
  const r = broadcast(r0, vars, ctx);
  const key = keyer(vars, vars.map((_, p) => p), ctx);
  const at = new Map<Key, number>();
  const tuples = l.tuples.slice();
  const values = l.values.slice();
  for (let k = 0; k < tuples.length; k++) at.set(key(tuples[k]), k);
  for (let k = 0; k < r.values.length; k++) {
    const rv = r.values[k];
    const i = at.get(key(r.tuples[k]));
    if (i === undefined) {
      tuples.push(r.tuples[k]);
      values.push(op === '+' ? rv : ctx.ops.sub(0, rv));
    } else {
      values[i] = op === '+' ? ctx.ops.add(values[i], rv) : ctx.ops.sub(values[i], rv);
    }
  }
  return { vars, tuples, values };
}

/** Re-expresses `r` over `vars` (a superset), repeating each entry over the full range of every new variable. */
function broadcast(r: Rel, vars: readonly string[], ctx: Ctx): Rel {
  const pos = vars.map((v) => r.vars.indexOf(v));
  if (vars.length === r.vars.length && pos.every((p, q) => p === q)) return r;
  const missing = vars.map((_, q) => q).filter((q) => pos[q] < 0);
  if (missing.some((q) => ctx.dims.get(vars[q]) === 0)) return { vars: [...vars], tuples: [], values: [] };
  const tuples: number[][] = [];
  const values: number[] = [];
  for (let k = 0; k < r.values.length; k++) {
    const base = pos.map((p) => (p < 0 ? 0 : r.tuples[k][p]));
    // Odometer over the missing variables.
    const t = base.slice();
    for (;;) {
      tuples.push(t.slice());
      values.push(r.values[k]);
      let q = missing.length - 1;
      for (; q >= 0; q--) {
        const m = missing[q];
        if (++t[m] < ctx.dims.get(vars[m])!) break;
        t[m] = 0;
      }
      if (q < 0) break;
    }
  }
  return { vars: [...vars], tuples, values };
}

/** Sums values over `summed` variables, keyed by the rest. */
function aggregator(vars: readonly string[], summed: readonly string[], ctx: Ctx) {
  const keep = vars.map((_, p) => p).filter((p) => !summed.includes(vars[p]));
  const key = keyer(vars, keep, ctx);
  const at = new Map<Key, number>();
  const tuples: number[][] = [];
  const values: number[] = [];
  return {
    add(t: readonly number[], v: number): void {
      const k = key(t);
      const i = at.get(k);
      if (i === undefined) {
        at.set(k, tuples.length);
        tuples.push(keep.map((p) => t[p]));
        values.push(v);
      } else {
        values[i] = ctx.ops.add(values[i], v);
      }
    },
    result: (): Rel => ({ vars: keep.map((p) => vars[p]), tuples, values }),
  };
}
