/**
 * Golden reference of dense mode: an index expression evaluated by dense loops
 * over every index variable, so it also reads affine indices (`X(i+r,j+s)`)
 * and shifts (`>>` arithmetic, `>>>` logical, by a constant). Values wrap at
 * the datapath width after every operation, as the hardware's do. Sizes come
 * from the input shapes: a variable alone in a mode takes the mode's size; in
 * an affine mode of size n, i+r with r of size k gives i the size n-k+1 (a
 * valid convolution), and a mode the loops would overrun is refused.
 */
import { UserError } from '../base/errors.ts';
import { denseValues, fromDenseValues, type Tensor } from '../formats/tensor.ts';
import { accessToString, accesses, modeTerms, parseExpression, type Access, type Assignment } from '../lang/parse.ts';
import { placeReductions, type ReducedExpr } from '../lang/reductions.ts';
import { datapathOps, type ReferenceOptions } from './reference.ts';

/** Size of every index variable of a dense expression (see the file comment). */
export function denseIndexSizes(a: Assignment, shapes: Readonly<Record<string, readonly number[]>>, outputShape?: readonly number[]): Map<string, number> {
  const sizes = new Map<string, number>();
  const from = new Map<string, string>();
  const reads = accesses(a.rhs);
  const modes: { acc: Access; m: number; terms: readonly string[]; size: number }[] = [];
  for (const acc of reads) {
    const shape = shapes[acc.tensor];
    if (!shape) throw new UserError(`no input tensor ${acc.tensor}`);
    if (shape.length !== acc.indices.length) throw new UserError(`tensor ${acc.tensor} has order ${shape.length} but ${accessToString(acc)} uses ${acc.indices.length} indices`);
    modeTerms(acc).forEach((terms, m) => modes.push({ acc, m, terms, size: shape[m] }));
  }
  if (outputShape) a.output.indices.forEach((v, m) => modes.push({ acc: a.output, m, terms: [v], size: outputShape[m] }));
  const bind = (v: string, size: number, where: string) => {
    const had = sizes.get(v);
    if (had === undefined) {
      sizes.set(v, size);
      from.set(v, where);
    } else if (had !== size) {
      throw new UserError(`index ${v} has size ${had} (${from.get(v)}) but ${size} (${where})`);
    }
  };
  for (const md of modes) if (md.terms.length === 1) bind(md.terms[0], md.size, `${md.acc.tensor} mode ${md.m}`);
  // Affine modes: the one variable without a size gets what is left of the mode.
  for (let changed = true; changed; ) {
    changed = false;
    for (const md of modes.filter((x) => x.terms.length > 1)) {
      const open = md.terms.filter((v) => !sizes.has(v));
      if (open.length !== 1) continue;
      const left = md.size - md.terms.filter((v) => sizes.has(v)).reduce((s, v) => s + sizes.get(v)! - 1, 0);
      if (left < 1) throw new UserError(`stencil out of bounds: ${accessToString(md.acc)} mode ${md.m} has size ${md.size}, smaller than the window of ${md.terms.filter((v) => sizes.has(v)).join('+')}`);
      bind(open[0], left, `${md.acc.tensor} mode ${md.m} minus the window`);
      changed = true;
    }
  }
  for (const md of modes) {
    const unknown = md.terms.filter((v) => !sizes.has(v));
    if (unknown.length > 0) throw new UserError(`cannot size index ${unknown.join(', ')} of ${accessToString(md.acc)}: give each affine mode at most one index not sized elsewhere`);
    const reach = md.terms.reduce((s, v) => s + sizes.get(v)! - 1, 0) + 1;
    if (reach > md.size) throw new UserError(`stencil out of bounds: ${accessToString(md.acc)} mode ${md.m} reaches ${reach} entries (${md.terms.map((v) => `${v} < ${sizes.get(v)}`).join(', ')}) but has ${md.size}`);
  }
  return sizes;
}

/** The shift operators at `w` bits (amounts 0..w-1, as the ALU shifts). */
export function shiftValue(op: '>>' | '>>>', v: number, amount: number, w: number): number {
  if (!Number.isSafeInteger(amount) || amount < 0 || amount >= w) throw new UserError(`a shift by ${amount}: the ${w}-bit datapath shifts by 0..${w - 1}`);
  const wrap = datapathOps(w).wrap;
  if (op === '>>') return Math.floor(wrap(v) / 2 ** amount);
  const unsigned = wrap(v) < 0 ? wrap(v) + 2 ** w : wrap(v);
  return wrap(Math.floor(unsigned / 2 ** amount));
}

/** Evaluates a dense expression on every point of its output. */
export function evaluateDense(expr: Assignment | string, inputs: Readonly<Record<string, Tensor>>, opts: ReferenceOptions): Tensor {
  const a = typeof expr === 'string' ? parseExpression(expr) : expr;
  const w = opts.dataWidth;
  const ops = datapathOps(w);
  const sizes = denseIndexSizes(a, Object.fromEntries(Object.entries(inputs).map(([n, t]) => [n, t.shape])), opts.outputShape);
  const data = new Map(Object.entries(inputs).map(([n, t]) => [n, denseValues(t).map(ops.wrap)]));
  const env = new Map<string, number>();
  const read = (acc: Access): number => {
    const t = inputs[acc.tensor];
    let k = 0;
    modeTerms(acc).forEach((terms, m) => (k = k * t.shape[m] + terms.reduce((s, v) => s + env.get(v)!, 0)));
    return data.get(acc.tensor)![k];
  };
  const value = (e: ReducedExpr): number => {
    switch (e.kind) {
      case 'access':
        return read(e);
      case 'const':
        return ops.wrap(e.value);
      case 'neg':
        return ops.sub(0, value(e.operand));
      case 'shift':
        return shiftValue(e.op, value(e.operand), e.amount, w);
      case 'binary': {
        const l = value(e.left);
        const r = value(e.right);
        return e.op === '+' ? ops.add(l, r) : e.op === '-' ? ops.sub(l, r) : ops.mul(l, r);
      }
      case 'sum': {
        let acc = 0;
        const loop = (q: number): void => {
          if (q === e.vars.length) return void (acc = ops.add(acc, value(e.body)));
          for (let x = 0; x < sizes.get(e.vars[q])!; x++) {
            env.set(e.vars[q], x);
            loop(q + 1);
          }
        };
        loop(0);
        return acc;
      }
    }
  };
  const tree = placeReductions(a);
  const shape = a.output.indices.map((v) => sizes.get(v)!);
  const values: number[] = [];
  const point = (q: number): void => {
    if (q === shape.length) return void values.push(value(tree));
    for (let x = 0; x < shape[q]; x++) {
      env.set(a.output.indices[q], x);
      point(q + 1);
    }
  };
  point(0);
  return fromDenseValues(shape, values);
}
