/**
 * Where each index variable is iterated, for the SAM graph builder.
 *
 * An output index is iterated over the whole expression; a summed index only
 * inside the body of its Sum (compiler/reductions.ts, then hoistSums). That subtree is the
 * variable's *scope*: every tensor access in it is scanned at that variable (if
 * it has it) or repeated along it (if not). A Sum's body is reduced one loop
 * level at a time, innermost first, by reducers when its summed variables are
 * the innermost loops of its body.
 *
 * A summed variable outside a variable it does not sum (a *late* variable)
 * needs a sparse accumulator (SAM SpAcc1, sam/prims/): Gustavson's
 * X(i,j)=sum_k B(i,k)*C(k,j) in loop order i,k,j, or SpMV over a CSC matrix
 * (order j,i). The one-level accumulator handles a Sum with exactly one late variable
 * v when the Sum is the whole of v's scope (v is an output variable and, after
 * hoistSums, the Sum is the right-hand side) and v is the innermost output
 * level. v is then iterated inside the Sum's body (its *physical* scope, so the
 * variable above it is the last summed one before it); summed variables after
 * v are reduced first, those before v are accumulated by one accumulator each,
 * innermost first. Two late variables u, v (the outer product, order k,i,j)
 * are accumulated by the two-level accumulator (SAM SpAcc2) under the same
 * conditions, when u, v are the two innermost output levels and no summed
 * variable lies between them; three or more are refused.
 */
import { accessToString, type Access } from '../lang/parse.ts';
import type { ReducedExpr, Sum } from '../lang/reductions.ts';
import type { Kernel, TensorInfo } from './resolve.ts';
import { UnsupportedKernelError } from './errors.ts';

export interface Leaf {
  readonly id: number;
  readonly access: Access;
  readonly tensor: TensorInfo;
  /** Index variable of each stored level of this access, top first. */
  readonly levelVars: readonly string[];
}

/** How a Sum with late variables is accumulated (see the file comment). */
export interface SpaccPlan {
  /** The (last) late variable: kept, iterated inside the summed variables in `before`. */
  readonly inner: string;
  /** With two late variables: the first, the output level above `inner` (a two-level accumulator). */
  readonly mid?: string;
  /** Summed variables before `inner`, in loop order: one accumulator each, last first. */
  readonly before: readonly string[];
  /** Summed variables after `inner`, in loop order: reduced first, innermost first. */
  readonly after: readonly string[];
}

export interface Scopes {
  readonly leaves: readonly Leaf[];
  leafOf(a: Access): Leaf;
  /** The subtree an index variable is iterated over. */
  scopeOf(v: string): ReducedExpr;
  /** Leaves inside a subtree. */
  leavesIn(e: ReducedExpr): readonly Leaf[];
  /** The variable iterated just above v around v's scope, or null at the top. */
  parentVar(v: string): string | null;
  /** The innermost variable still iterated around a Sum (its result lines up with it), or null. */
  outerVar(s: Sum): string | null;
  /** The sparse-accumulator plan of a Sum with a late variable, or null when reducers suffice. */
  spaccOf(s: Sum): SpaccPlan | null;
}

/** `reduced` is the kernel's expression after hoistSums. */
export function analyseScopes(k: Kernel, reduced: ReducedExpr): Scopes {
  const text = k.assignment.text;
  const fail = (problem: string): never => {
    throw new UnsupportedKernelError(text, problem);
  };
  const pos = new Map(k.order.map((v, i) => [v, i]));
  const parent = new Map<ReducedExpr, ReducedExpr | null>();
  const leavesUnder = new Map<ReducedExpr, Leaf[]>();
  const leaves: Leaf[] = [];
  const byAccess = new Map<Access, Leaf>();
  const scope = new Map<string, ReducedExpr>();
  for (const v of k.assignment.output.indices) scope.set(v, reduced);

  const walk = (e: ReducedExpr, up: ReducedExpr | null): Leaf[] => {
    parent.set(e, up);
    let here: Leaf[] = [];
    if (e.kind === 'access') {
      const tensor = k.tensors.find((t) => t.name === e.tensor)!;
      const leaf: Leaf = { id: leaves.length, access: e, tensor, levelVars: tensor.format.modeOrder.map((m) => e.indices[m]) };
      leaves.push(leaf);
      byAccess.set(e, leaf);
      here = [leaf];
    } else if (e.kind === 'neg') here = walk(e.operand, e);
    else if (e.kind === 'binary') here = [...walk(e.left, e), ...walk(e.right, e)];
    else if (e.kind === 'sum') {
      for (const v of e.vars) scope.set(v, e.body);
      here = walk(e.body, e);
    }
    leavesUnder.set(e, here);
    return here;
  };
  walk(reduced, null);

  const within = (inner: ReducedExpr, outer: ReducedExpr): boolean => {
    for (let x: ReducedExpr | null | undefined = inner; x; x = parent.get(x)) if (x === outer) return true;
    return false;
  };

  // Each access must be scanned top down in loop order (resolve checks the first access of each tensor only).
  for (const leaf of leaves) {
    for (let l = 1; l < leaf.levelVars.length; l++) {
      const [a, b] = [leaf.levelVars[l - 1], leaf.levelVars[l]];
      if (pos.get(a)! > pos.get(b)!) {
        fail(`discordant traversal: ${accessToString(leaf.access)} is stored as '${leaf.tensor.format.text}' (levels ${leaf.levelVars.join(',')}) but loop order ${k.order.join(',')} visits ${b} before ${a}`);
      }
    }
  }

  // Summed variables must be the innermost loops of their Sum's body, or be
  // accumulated by a one-level accumulator (exactly one late variable, see above).
  const sums: Sum[] = [];
  for (const e of parent.keys()) if (e.kind === 'sum') sums.push(e);
  const outerVars = (s: Sum) => k.order.filter((v) => within(s, scope.get(v)!));
  const accumulators = new Map<Sum, SpaccPlan>();
  for (const s of sums) {
    const outer = outerVars(s);
    const summed = [...s.vars].sort((x, y) => pos.get(x)! - pos.get(y)!);
    const first = summed[0];
    const late = outer.filter((v) => pos.get(v)! > pos.get(first)!);
    if (late.length === 0) continue;
    const r = summed.filter((x) => pos.get(x)! < pos.get(late[late.length - 1])!).join(',');
    const why = `loop order ${k.order.join(',')} sums over ${r} outside the loop over ${late.join(',')}, which it does not sum: accumulating partial sums across ${r}`;
    const instead =
      `order the loops with ${r} after ${late.join(',')}, changing formats to stay concordant ` +
      `(SpMSpM: the inner product, order i,j,k with the second matrix stored ss:1,0)`;
    if (late.length > 2) {
      fail(
        `${why} into a ${late.length}-level result needs a ${late.length}-level sparse accumulator, which the primitive set lacks ` +
          `(the sparse accumulators merge one or two levels: at most two variables they do not sum may be iterated inside the summed ones); ${instead}`,
      );
    }
    const v = late[late.length - 1];
    const u = late.length === 2 ? late[0] : undefined;
    const outLevels = k.output.levelVars;
    const kept = u === undefined ? [v] : [u, v];
    const innermost = outLevels.slice(-kept.length).join(',') === kept.join(',');
    if (scope.get(v) !== s || !innermost) {
      fail(
        `${why} needs a sparse accumulator, which the graph builder uses only when the sum is the whole right-hand side ` +
          `(after moving sums through products) and ${kept.join(',')} ${kept.length === 1 ? 'is the innermost level' : 'are the two innermost levels'} of the output` +
          `${!innermost ? ` (they are ${outLevels.slice(-kept.length).join(',') || 'none'})` : ''}; ${instead}`,
      );
    }
    if (u !== undefined && summed.some((x) => pos.get(x)! > pos.get(u)! && pos.get(x)! < pos.get(v)!)) {
      fail(`${why} with a summed variable between ${u} and ${v} is not supported by the two-level accumulator; ${instead}`);
    }
    const firstKept = u ?? v;
    accumulators.set(s, {
      inner: v, ...(u === undefined ? {} : { mid: u }),
      before: summed.filter((x) => pos.get(x)! < pos.get(firstKept)!), after: summed.filter((x) => pos.get(x)! > pos.get(v)!),
    });
  }
  // A accumulated variable is iterated inside the summed ones: its physical scope is the Sum's body.
  for (const [s, plan] of accumulators) {
    scope.set(plan.inner, s.body);
    if (plan.mid) scope.set(plan.mid, s.body);
  }

  const parentVar = (v: string): string | null => {
    const sv = scope.get(v)!;
    let best: string | null = null;
    for (const u of k.order) {
      if (u === v) break;
      if (within(sv, scope.get(u)!)) best = u;
    }
    return best;
  };
  const outerVar = (s: Sum): string | null => {
    const outer = outerVars(s);
    return outer.length > 0 ? outer[outer.length - 1] : null;
  };

  return {
    leaves,
    leafOf: (a) => byAccess.get(a)!,
    scopeOf: (v) => scope.get(v)!,
    leavesIn: (e) => leavesUnder.get(e)!,
    parentVar,
    outerVar,
    spaccOf: (s) => accumulators.get(s) ?? null,
  };
}

/**
 * Moves every Sum up through products (and negations) to the top of its
 * product term: sum_k(X)*Y = sum_k(X*Y) when Y does not use k. Same values and
 * the same sparsity pattern, but fewer, larger Sums: MTTKRP's
 * sum_l(sum_k(B(i,k,l)*C(j,k))*D(j,l)) becomes sum_k,l(B*C*D), whose k and l are
 * the two innermost loops, which the reducer can sum; split, sum_k would sit
 * outside the loop over l. Sums never cross + or -.
 */
export function hoistSums(e: ReducedExpr): ReducedExpr {
  const strip = (x: ReducedExpr): { vars: string[]; body: ReducedExpr } => {
    switch (x.kind) {
      case 'access':
      case 'const':
        return { vars: [], body: x };
      case 'shift':
        throw new Error('a shift reached the sparse flow (resolveKernel refuses it)');
      case 'neg': {
        const o = strip(x.operand);
        return { vars: o.vars, body: { ...x, operand: o.body } };
      }
      case 'sum': {
        const b = strip(x.body);
        return { vars: [...x.vars, ...b.vars], body: b.body };
      }
      case 'binary': {
        if (x.op !== '*') return { vars: [], body: { ...x, left: hoistSums(x.left), right: hoistSums(x.right) } };
        const l = strip(x.left);
        const r = strip(x.right);
        return { vars: [...l.vars, ...r.vars], body: { ...x, left: l.body, right: r.body } };
      }
    }
  };
  const t = strip(e);
  return t.vars.length > 0 ? { kind: 'sum', vars: t.vars, body: t.body } : t.body;
}
