/**
 * Binds a parsed kernel to its formats, shapes and loop order, and refuses what
 * the hardware cannot run, naming the culprit: unknown tensors in options,
 * arity mismatches, inconsistent index sizes, a bad loop order, and discordant
 * traversals.
 *
 * Concordance: the hardware scans a tensor's stored levels top down (a level
 * scanner is fed by the references of the level above), so the index variables
 * of a tensor's levels, in storage order, must appear in the same relative
 * order in the loop order. E.g. with C `ss:1,0` in X(i,j)=B(i,k)*C(k,j), C's
 * levels are j then k, so j must come before k.
 */
import { defaultFormat, parseFormat, type FiberFormat } from '../formats/fibertree.ts';
import { accesses, accessToString, denseOnly, indexVariables, parseExpression, ParseError, type Access, type Assignment } from '../lang/parse.ts';
import { placeReductions, type ReducedExpr } from '../lang/reductions.ts';

export interface TensorInfo {
  readonly name: string;
  /** First access of the tensor (the output's access for the output). */
  readonly access: Access;
  readonly isOutput: boolean;
  readonly format: FiberFormat;
  readonly shape: readonly number[];
  /** Index variable of each stored level, top first. */
  readonly levelVars: readonly string[];
}

export interface Kernel {
  readonly assignment: Assignment;
  /** The right-hand side with its sums placed (compiler/reductions.ts). */
  readonly reduced: ReducedExpr;
  /** Output first, then inputs in order of first appearance. */
  readonly tensors: readonly TensorInfo[];
  readonly output: TensorInfo;
  /** Index variables, output ones first, then in order of appearance. */
  readonly indexVars: readonly string[];
  /** Index variables summed over (not in the output). */
  readonly reductionVars: readonly string[];
  readonly dims: Readonly<Record<string, number>>;
  /** Loop order: given, or the default concordant one. */
  readonly order: readonly string[];
}

/**
 * @param formats tensor name -> format text; tensors not named are compressed in every mode.
 * @param order loop order, or undefined for the default concordant order.
 * @param shapes tensor name -> shape; every input needs one, the output's is optional (derived).
 */
export function resolveKernel(
  exprText: string,
  formats: Readonly<Record<string, string>>,
  order: readonly string[] | undefined,
  shapes: Readonly<Record<string, readonly number[]>>,
): Kernel {
  const a = parseExpression(exprText);
  const fail = (problem: string, column?: number): never => {
    throw new ParseError(problem, exprText, column);
  };
  const dense = denseOnly(a.rhs);
  if (dense) fail(`${dense} needs dense mode (--mode dense, every tensor dense): the sparse flow has no such primitive`);
  const firstAccess = new Map<string, Access>();
  for (const acc of [a.output, ...accesses(a.rhs)]) if (!firstAccess.has(acc.tensor)) firstAccess.set(acc.tensor, acc);
  const names = [...firstAccess.keys()];

  for (const [what, rec] of [
    ['--format', formats],
    ['shape', shapes],
  ] as const) {
    for (const name of Object.keys(rec)) {
      if (!firstAccess.has(name)) fail(`${what === 'shape' ? 'a shape is given for' : '--format names'} tensor ${name}, which the expression does not use (it uses ${names.join(', ')})`);
    }
  }

  // Formats, with their arity.
  const fmts = new Map<string, FiberFormat>();
  for (const [name, acc] of firstAccess) {
    const text = formats[name];
    let f: FiberFormat;
    try {
      f = text === undefined ? defaultFormat(acc.indices.length) : parseFormat(text);
    } catch (e) {
      return fail(`format of ${name}: ${(e as Error).message}`, acc.column);
    }
    if (f.kinds.length !== acc.indices.length) {
      fail(`${accessToString(acc)} has ${acc.indices.length} ${acc.indices.length === 1 ? 'index' : 'indices'} but its format '${f.text}' has ${f.kinds.length} level(s)`, acc.column);
    }
    fmts.set(name, f);
  }

  // Shapes and index sizes; every access of a tensor is checked, so the message can point at it.
  const dims: Record<string, number> = {};
  const boundAt = new Map<string, string>();
  for (const acc of [a.output, ...accesses(a.rhs)]) {
    const shape = shapes[acc.tensor];
    if (shape === undefined) {
      if (acc === a.output) continue;
      fail(`no shape for input tensor ${acc.tensor}`, acc.column);
    }
    if (shape.length !== acc.indices.length) {
      fail(`${accessToString(acc)} has ${acc.indices.length} ${acc.indices.length === 1 ? 'index' : 'indices'} but its shape ${shape.join('x') || 'scalar'} has ${shape.length} mode(s)`, acc.column);
    }
    acc.indices.forEach((v, m) => {
      const here = `${accessToString(acc)} (mode ${m}) at column ${acc.indexColumns[m]}`;
      if (dims[v] === undefined) {
        dims[v] = shape[m];
        boundAt.set(v, here);
      } else if (dims[v] !== shape[m]) {
        fail(`index ${v} has size ${shape[m]} in ${here} but size ${dims[v]} in ${boundAt.get(v)}`, acc.indexColumns[m]);
      }
    });
  }

  const vars = indexVariables(a);
  const free = new Set(a.output.indices);
  const tensors: TensorInfo[] = names.map((name) => {
    const acc = firstAccess.get(name)!;
    const f = fmts.get(name)!;
    return {
      name,
      access: acc,
      isOutput: acc === a.output,
      format: f,
      shape: acc.indices.map((v) => dims[v]),
      levelVars: f.modeOrder.map((m) => acc.indices[m]),
    };
  });

  let loop: string[];
  if (order) {
    const shown = order.join(',');
    for (const v of order) if (!vars.includes(v)) fail(`loop order ${shown} names ${v}, which is not an index variable of the expression (${vars.join(', ')})`);
    const dup = order.find((v, k) => order.indexOf(v) !== k);
    if (dup !== undefined) fail(`loop order ${shown} lists ${dup} twice`);
    const missing = vars.filter((v) => !order.includes(v));
    if (missing.length > 0) fail(`loop order ${shown} lacks ${missing.join(', ')}: it must list every index variable (${vars.join(', ')})`);
    loop = [...order];
    for (const t of tensors) {
      const bad = discordance(t.levelVars, loop);
      if (bad) {
        const [first, second] = bad;
        fail(
          `discordant traversal: ${t.name} is stored as '${t.format.text}' (levels ${t.levelVars.join(',')}), but loop order ${shown} visits ${second} before ${first}; ` +
            `the hardware scans a tensor's levels top down, so ${first} must come before ${second} (change the order or ${t.name}'s format)`,
          t.access.column,
        );
      }
    }
  } else {
    loop = concordantOrder(vars, tensors, fail);
  }

  return {
    assignment: a,
    reduced: placeReductions(a),
    tensors,
    output: tensors[0],
    indexVars: vars,
    reductionVars: vars.filter((v) => !free.has(v)),
    dims,
    order: loop,
  };
}

/** The first pair of levels [upper, lower] that the loop order visits lower-first, or null when concordant. */
function discordance(levelVars: readonly string[], loop: readonly string[]): [string, string] | null {
  for (let l = 1; l < levelVars.length; l++) {
    if (loop.indexOf(levelVars[l - 1]) > loop.indexOf(levelVars[l])) return [levelVars[l - 1], levelVars[l]];
  }
  return null;
}

/**
 * A loop order under which every tensor is concordant: a topological order of
 * the "level above before level below" constraints, preferring output indices
 * and then order of appearance (so SpMSpM with C ss:1,0 gets i,j,k, and with all
 * ss gets Gustavson's i,k,j). Refuses when the constraints form a cycle.
 */
function concordantOrder(vars: readonly string[], tensors: readonly TensorInfo[], fail: (problem: string, column?: number) => never): string[] {
  const edges: { from: string; to: string; by: TensorInfo }[] = [];
  for (const t of tensors) for (let l = 1; l < t.levelVars.length; l++) edges.push({ from: t.levelVars[l - 1], to: t.levelVars[l], by: t });
  const order: string[] = [];
  const left = new Set(vars);
  while (left.size > 0) {
    const next = vars.find((v) => left.has(v) && !edges.some((e) => e.to === v && left.has(e.from)));
    if (next === undefined) {
      const cycle = findCycle([...left], edges.filter((e) => left.has(e.from) && left.has(e.to)));
      const why = cycle.map((e) => `${e.by.name} ('${e.by.format.text}') needs ${e.from} before ${e.to}`).join(', ');
      return fail(`no loop order is concordant with the formats: ${why}; change a format's mode order`);
    }
    order.push(next);
    left.delete(next);
  }
  return order;
}

function findCycle<E extends { from: string; to: string }>(nodes: string[], edges: E[]): E[] {
  // Every remaining node has an incoming edge, so walking edges backwards must revisit a node.
  const path: E[] = [];
  const seenAt = new Map<string, number>();
  let v = nodes[0];
  while (!seenAt.has(v)) {
    seenAt.set(v, path.length);
    const e = edges.find((x) => x.to === v)!;
    path.push(e);
    v = e.from;
  }
  return path.slice(seenAt.get(v)).reverse();
}
