/**
 * SAM graph construction (the Custard algorithm of Hsu et al., ASPLOS 2023)
 * from a resolved kernel.
 *
 * Coordinates: index variables are visited in loop order. In the variable's
 * scope (compiler/sam-scopes.ts) every access that stores it at its next level
 * gets a level scanner fed by the access's current reference stream; the
 * scanners' coordinate streams are merged along the expression tree,
 * intersect for `*` and union for `+`/`-`; every access of the scope that lacks
 * the variable has its reference repeated once per merged coordinate. A term of
 * `+`/`-` that lacks the variable is dense in it: it joins the union through a
 * dense scanner (it is defined at every coordinate, as the reference says).
 *
 * Joiners carry one reference per side, so a joiner whose side holds several
 * tensors is instantiated once per reference pair (all copies see the same
 * coordinates, so their outputs line up); Onyx used wider unions instead.
 *
 * Values: value arrays read the final references; ALUs apply + - * (constants
 * as the ALU's constant operand); each Sum reduces its variables, innermost
 * first. The reducer emits a value for every stop, so below an empty fiber of
 * the level the sums line up with it produces a spurious 0; when that can
 * happen, the sums are re-aligned by an intersect whose second coordinate
 * stream is "the level's coordinate, once per fiber" (a size-1 dense scan of
 * the level, summed by a second reducer). A sparse output drops coordinates
 * whose summed fibers were empty (crd-drop), as SAM's value crd-drop does;
 * its reducers then drop empty fibers' sums too (dropEmpty), which removes the
 * spurious zeros as well, so the sums and the kept coordinates line up with no
 * re-alignment (an intersect against the dropped coordinates would have to
 * buffer a sum per dropped coordinate, and a long run of them deadlocked).
 *
 * A Sum whose summed variable lies outside a kept one (Gustavson's order
 * i,k,j; SpMV over CSC) is accumulated by sparse accumulators instead
 * (compiler/sam-scopes.ts SpaccPlan): summed variables inside the kept one j are
 * reduced and aligned to j's coordinates first, then one spacc per summed
 * variable outside j, innermost first, merges the j fibers of each of its
 * fibers; the last spacc's coordinates are the output's innermost level.
 * spacc exists in the golden model only (no RTL yet).
 *
 * Output: one level writer per (compressed) output level, outer levels after
 * crd-drop where an inner fiber may be empty; a value writer for the values.
 */
import { wrapAdd, wrapMul, wrapSub } from '../sam/arith.ts';
import type { AluOp } from '../sam/prims/index.ts';
import { reducedToString, type ReducedExpr, type Sum } from '../lang/reductions.ts';
import type { Kernel } from './resolve.ts';
import { GraphBuilder, ROOT } from './sam-graph-builder.ts';
import type { GraphNode, InputBinding, OutputBinding, PortRef, SamGraph } from '../sam/graph.ts';
import { UnsupportedKernelError } from './errors.ts';
import { analyseScopes, hoistSums, type Leaf, type SpaccPlan } from './sam-scopes.ts';

export * from '../sam/graph.ts';
export { UnsupportedKernelError } from './errors.ts';
export { toDot } from './sam-dot.ts';

export interface SamGraphOptions {
  /** Datapath width: the ALUs' and reducers' wrap-around. */
  readonly dataWidth: number;
}

/** A reference stream, and whether it may carry N (the missing side of a union). */
interface Ref {
  readonly port: PortRef;
  readonly mayBeN: boolean;
}

/** The merged coordinates of one variable in (part of) its scope, with each scanned access's reference. */
interface Merged {
  readonly crd: PortRef;
  /** A reference aligned with crd, for joiner inputs whose side scans no tensor. */
  readonly anyRef: Ref;
  readonly refs: Map<number, Ref>;
  /** Every fiber holds every coordinate (dense scans of N-free references only). */
  readonly full: boolean;
  /** A fiber may be empty. */
  readonly mayBeEmpty: boolean;
}

/**
 * A dense level of an input, not scanned yet: an intersection locates it instead (TACO's locate:
 * reference = parent reference x size + coordinate, computed from the other side's coordinates),
 * so a sparse operand meeting a dense one costs its own coordinates, not the dense fiber's size.
 */
interface DenseAccess {
  readonly kind: 'dense';
  readonly leaf: Leaf;
  readonly v: string;
}
type Access = Merged | DenseAccess;
const isDense = (a: Access): a is DenseAccess => (a as DenseAccess).kind === 'dense';

interface VarInfo {
  readonly crd: PortRef;
  readonly mayBeEmpty: boolean;
  /** The stream may hold empty fibers (of this level or inherited from above). */
  readonly loneStops: boolean;
}

type Val = { readonly kind: 'const'; readonly value: number } | { readonly kind: 'stream'; readonly port: PortRef };

export function buildSamGraph(k: Kernel, opts: SamGraphOptions): SamGraph {
  const w = opts.dataWidth;
  const text = k.assignment.text;
  const fail = (problem: string): never => {
    throw new UnsupportedKernelError(text, problem);
  };
  if (!Number.isInteger(w) || w < 2 || w > 32) throw new Error(`sam-graph: dataWidth ${w} is not an integer in 2..32`);
  const out = k.output;
  const kinds = out.format.kinds;
  // A compressed level below a dense level that is below a compressed one would need the dense level's
  // position count at run time to close its seg array: not supported.
  const firstS = kinds.indexOf('s');
  const sds = kinds.findIndex((kind, l) => kind === 's' && kinds.slice(firstS + 1, l).includes('d'));
  if (firstS >= 0 && sds > firstS) {
    fail(`output ${out.name} has format '${out.format.text}': a compressed level below a dense level below a compressed one is not supported (use d for level ${sds} or s for the levels above it)`);
  }
  /** Positions of a dense output level: its values' places (the product of its and all outer sizes, at most). */
  const outSizes = out.levelVars.map((v) => k.dims[v]);
  const positions = (l: number) => outSizes.slice(0, l + 1).reduce((a, n) => a * n, 1);
  if (kinds.includes('d') && positions(kinds.length - 1) > 2 ** w) {
    fail(`output ${out.name} has format '${out.format.text}': its dense levels have ${positions(kinds.length - 1)} positions, beyond the ${w}-bit datapath`);
  }
  const lastDense = kinds.length > 0 && kinds[kinds.length - 1] === 'd';

  const root = hoistSums(k.reduced);
  const scopes = analyseScopes(k, root);
  const b = new GraphBuilder();
  const state = new Map<number, { next: number; ref: Ref }>();
  for (const leaf of scopes.leaves) state.set(leaf.id, { next: 0, ref: { port: ROOT, mayBeN: false } });
  const vars = new Map<string, VarInfo>();
  const info = (v: string) => vars.get(v)!;

  const inputs = new Map<string, InputBinding>();
  for (const t of k.tensors) {
    if (t.isOutput) continue;
    inputs.set(t.name, {
      tensor: t.name,
      format: t.format.text,
      shape: t.shape,
      levels: t.format.kinds.map((kind, level) => ({ level, indexVar: t.levelVars[level], kind, scanners: [] })),
      valueArrays: [],
    });
  }

  // ---- coordinates -------------------------------------------------------

  const alu = (op: AluOp, a: PortRef, c: PortRef | number): PortRef => {
    const constant = typeof c === 'number' ? c : undefined;
    const id = b.add('alu', constant === undefined ? { op, dataWidth: w } : { op, dataWidth: w, constant }, constant === undefined ? op : `${op} ${constant}`);
    b.connect(a, id, 'val_a', 'val');
    if (typeof c !== 'number') b.connect(c, id, 'val_b', 'val');
    return b.out(id, 'out_val');
  };

  const scan = (leaf: Leaf, v: string): Merged => {
    const st = state.get(leaf.id)!;
    const t = leaf.tensor;
    const level = st.next;
    const kind = t.format.kinds[level];
    const size = t.shape[t.format.modeOrder[level]];
    const id = b.add('level-scanner', { level: kind === 'd' ? { kind, size } : { kind } }, `scan ${t.name}.${v} (${kind})`, {
      binding: { kind: 'input-level', tensor: t.name, level },
      indexVar: v,
    });
    b.connect(st.ref.port, id, 'in_ref', 'ref');
    inputs.get(t.name)!.levels[level].scanners.push(id);
    const full = kind === 'd' && size > 0 && !st.ref.mayBeN;
    const ref = { port: b.out(id, 'out_ref'), mayBeN: false };
    return { crd: b.out(id, 'out_crd'), anyRef: ref, refs: new Map([[leaf.id, ref]]), full, mayBeEmpty: !full };
  };

  const force = (a: Access): Merged => (isDense(a) ? scan(a.leaf, a.v) : a);

  /** A dense level may be located when its fibers are full (an N-free parent) and its positions are signed-safe ALU words. */
  const locatable = (leaf: Leaf): boolean => {
    const st = state.get(leaf.id)!;
    const t = leaf.tensor;
    const level = st.next;
    if (t.format.kinds[level] !== 'd' || st.ref.mayBeN) return false;
    const sizes = t.format.modeOrder.slice(0, level + 1).map((mode) => t.shape[mode]);
    // Positions of this level: products of sizes down to it (the other levels' positions are at most their counts).
    return sizes[level] > 0 && sizes.reduce((a, n) => a * n, 1) <= 2 ** (w - 1);
  };

  /** m's coordinates select the dense level of d directly: its reference is parent x size + coordinate. */
  const locate = (m: Merged, d: DenseAccess): Merged => {
    const st = state.get(d.leaf.id)!;
    const t = d.leaf.tensor;
    const level = st.next;
    let ref = m.crd;
    // Level 0 hangs off the root reference 0: its positions are the coordinates themselves.
    if (level > 0) {
      const hold = b.add('crd-hold', {}, `hold ${t.name} ref along ${d.v}`, { indexVar: d.v });
      b.connect(st.ref.port, hold, 'in_outer', 'ref');
      b.connect(m.crd, hold, 'in_inner', 'crd');
      ref = alu('add', alu('mul', b.out(hold, 'out_outer'), t.shape[t.format.modeOrder[level]]), m.crd);
    }
    const refs = new Map(m.refs);
    refs.set(d.leaf.id, { port: ref, mayBeN: false });
    return { crd: m.crd, anyRef: m.anyRef, refs, full: m.full, mayBeEmpty: m.mayBeEmpty };
  };

  const intersect = (l: Access, r: Access, v: string): Merged => {
    if (isDense(r)) return locate(force(l), r);
    if (isDense(l)) return locate(r, l);
    return join('intersect', l, r, v);
  };

  const join = (prim: 'intersect' | 'union', l: Merged, r: Merged, v: string): Merged => {
    const la = [...l.refs];
    const ra = [...r.refs];
    const copies = Math.max(1, la.length, ra.length);
    const refs = new Map<number, Ref>();
    let first: { crd: PortRef; ref: Ref } | undefined;
    for (let t = 0; t < copies; t++) {
      const a = la.length > 0 ? la[Math.min(t, la.length - 1)][1] : l.anyRef;
      const c = ra.length > 0 ? ra[Math.min(t, ra.length - 1)][1] : r.anyRef;
      const id = b.add(prim, {}, `${prim} ${v}${copies > 1 ? ` #${t + 1}` : ''}`, { indexVar: v });
      b.connect(l.crd, id, 'crd_a', 'crd');
      b.connect(a.port, id, 'ref_a', 'ref');
      b.connect(r.crd, id, 'crd_b', 'crd');
      b.connect(c.port, id, 'ref_b', 'ref');
      const refA = { port: b.out(id, 'out_ref_a'), mayBeN: prim === 'union' || a.mayBeN };
      const refB = { port: b.out(id, 'out_ref_b'), mayBeN: prim === 'union' || c.mayBeN };
      if (t < la.length) refs.set(la[t][0], refA);
      if (t < ra.length) refs.set(ra[t][0], refB);
      first ??= { crd: b.out(id, 'out_crd'), ref: refA };
    }
    const full = prim === 'intersect' ? l.full && r.full : l.full || r.full;
    const mayBeEmpty = prim === 'intersect' ? !full : l.mayBeEmpty && r.mayBeEmpty;
    return { crd: first!.crd, anyRef: first!.ref, refs, full, mayBeEmpty };
  };

  /** A term of + or - that lacks v, made dense in v (its tensors are repeated along v afterwards). */
  const denseTerm = (term: ReducedExpr, v: string): Merged => {
    const own = scopes.leavesIn(term);
    const pv = scopes.parentVar(v);
    // One tensor: scan only where it is present. Otherwise wherever the level above has a coordinate.
    const feed: Ref = own.length === 1 ? state.get(own[0].id)!.ref : { port: pv === null ? ROOT : info(pv).crd, mayBeN: false };
    const size = k.dims[v];
    const id = b.add('level-scanner', { level: { kind: 'd', size } }, `dense ${v} for ${reducedToString(term)}`, { indexVar: v });
    b.connect(feed.port, id, 'in_ref', own.length === 1 ? 'ref' : 'crd');
    const full = size > 0 && !feed.mayBeN;
    return { crd: b.out(id, 'out_crd'), anyRef: { port: b.out(id, 'out_ref'), mayBeN: false }, refs: new Map(), full, mayBeEmpty: !full };
  };

  const merge = (e: ReducedExpr, v: string): Access | null => {
    switch (e.kind) {
      case 'access': {
        const leaf = scopes.leafOf(e);
        if (leaf.levelVars[state.get(leaf.id)!.next] !== v) return null;
        return locatable(leaf) ? { kind: 'dense', leaf, v } : scan(leaf, v);
      }
      case 'const':
        return null;
      case 'shift':
        throw new Error('a shift reached the sparse flow (resolveKernel refuses it)');
      case 'neg':
        return merge(e.operand, v);
      case 'sum':
        return merge(e.body, v);
      case 'binary': {
        const l = merge(e.left, v);
        const r = merge(e.right, v);
        if (!l || !r) {
          if (e.op === '*' || (!l && !r)) return l ?? r;
          // + or -: the other term is defined at every coordinate of v.
          return l ? join('union', force(l), denseTerm(e.right, v), v) : join('union', denseTerm(e.left, v), force(r!), v);
        }
        return e.op === '*' ? intersect(l, r, v) : join('union', force(l), force(r), v);
      }
    }
  };

  for (const v of k.order) {
    const scope = scopes.scopeOf(v);
    const access = merge(scope, v);
    if (!access) throw new Error(`sam-graph: no access iterates ${v}`);
    const m = force(access);
    const pv = scopes.parentVar(v);
    vars.set(v, { crd: m.crd, mayBeEmpty: m.mayBeEmpty, loneStops: m.mayBeEmpty || (pv !== null && info(pv).loneStops) });
    let repsig: PortRef | null = null;
    for (const leaf of scopes.leavesIn(scope)) {
      const st = state.get(leaf.id)!;
      const ref = m.refs.get(leaf.id);
      if (ref) {
        st.ref = ref;
        st.next++;
        continue;
      }
      if (leaf.levelVars[st.next] === v) throw new Error(`sam-graph: ${leaf.tensor.name} was not scanned at ${v}`);
      if (!repsig) {
        const g = b.add('repeat-sig', {}, `repsig ${v}`, { indexVar: v });
        b.connect(m.crd, g, 'in_crd', 'crd');
        repsig = b.out(g, 'out_repsig');
      }
      const id = b.add('repeat', {}, `repeat ${leaf.tensor.name} along ${v}`, { indexVar: v });
      b.connect(st.ref.port, id, 'in_ref', 'ref');
      b.connect(repsig, id, 'in_repsig', 'repsig');
      st.ref = { port: b.out(id, 'out_ref'), mayBeN: st.ref.mayBeN };
    }
  }

  // ---- values ------------------------------------------------------------

  const fold = { '+': wrapAdd, '-': wrapSub, '*': wrapMul } as const;
  const opName = { '+': 'add', '-': 'sub', '*': 'mul' } as const;
  let droppedInnermost: PortRef | null = null;
  /** The innermost output level's coordinates when a spacc produced them, and whether a fiber may be empty. */
  let accumulated: { crd: PortRef; mayBeEmpty: boolean; mid?: PortRef } | null = null;

  /** Re-aligns sums that line up with u's level (plus a spurious 0 per empty fiber) to `target` (u's crd, or a crd-drop of it). */
  const alignSums = (sums: PortRef, u: string, target: PortRef): PortRef => {
    if (k.dims[u] > 2 ** (w - 1)) {
      fail(`aligning sums to ${u} routes its coordinates through a reducer, which holds ${w}-bit signed values: ${u} has size ${k.dims[u]} > ${2 ** (w - 1)}`);
    }
    const once = b.add('level-scanner', { level: { kind: 'd', size: 1 } }, `once per ${u}`, { indexVar: u });
    b.connect(info(u).crd, once, 'in_ref', 'crd');
    const crdPerFiber = b.add('reduce', { dataWidth: w }, `crd ${u} per fiber`, { indexVar: u });
    b.connect(b.out(once, 'out_ref'), crdPerFiber, 'in_val', 'ref');
    const id = b.add('intersect', {}, `align sums to ${u}`, { indexVar: u });
    b.connect(target, id, 'crd_a', 'crd');
    b.connect(target, id, 'ref_a', 'crd');
    b.connect(b.out(crdPerFiber, 'out_val'), id, 'crd_b', 'crd');
    b.connect(sums, id, 'ref_b', 'val');
    return b.out(id, 'out_ref_b');
  };

  const crdDrop = (outer: PortRef, inner: PortRef, label: string): PortRef => {
    const id = b.add('crd-drop', {}, label);
    b.connect(outer, id, 'in_outer', 'crd');
    b.connect(inner, id, 'in_inner', 'crd');
    return b.out(id, 'out_outer');
  };

  /**
   * A Sum with a late variable j (its body's values line up with j's coordinates):
   * reducers for the summed variables inside j, re-aligned to j (dropping j
   * coordinates whose reduced fibers were empty); then one spacc per summed
   * variable outside j, innermost first. Returns the values; the coordinates go
   * to `accumulated` (the plan guarantees j is the output's innermost level).
   */
  const accumulateSum = (s: Sum, plan: SpaccPlan, body: PortRef): PortRef => {
    const j = plan.inner;
    let x = body;
    let crd = info(j).crd;
    if (plan.after.length > 0) {
      const drop = plan.after.some((r) => info(r).mayBeEmpty);
      x = reducers(x, plan.after, drop);
      if (drop) {
        crd = dropEmptyFibers(j, crd, plan.after);
      } else if (info(j).loneStops) {
        x = alignSums(x, j, crd);
      }
    }
    let mayBeEmpty = info(j).mayBeEmpty || plan.after.some((r) => info(r).mayBeEmpty);
    if (plan.mid) {
      // Two late variables (i, j): two-level accumulators, one per summed variable before i.
      let mid = info(plan.mid).crd;
      for (const r of [...plan.before].reverse()) {
        const id = b.add('spacc2', { dataWidth: w, midSize: k.dims[plan.mid], innerSize: k.dims[j] }, `spacc2 ${r} into ${plan.mid},${j}`, { indexVar: r });
        b.connect(info(r).crd, id, 'in_crd_outer', 'crd');
        b.connect(mid, id, 'in_crd_mid', 'crd');
        b.connect(crd, id, 'in_crd_inner', 'crd');
        b.connect(x, id, 'in_val', 'val');
        mid = b.out(id, 'out_crd_mid');
        crd = b.out(id, 'out_crd_inner');
        x = b.out(id, 'out_val');
        mayBeEmpty ||= info(r).mayBeEmpty || info(plan.mid).mayBeEmpty;
      }
      if (s !== root) throw new Error('sam-graph: a spacc sum must be the whole right-hand side');
      accumulated = { crd, mayBeEmpty, mid };
      return x;
    }
    for (const r of [...plan.before].reverse()) {
      const id = b.add('spacc', { dataWidth: w, innerSize: k.dims[j] }, `spacc ${r} into ${j}`, { indexVar: r });
      b.connect(info(r).crd, id, 'in_crd_outer', 'crd');
      b.connect(crd, id, 'in_crd_inner', 'crd');
      b.connect(x, id, 'in_val', 'val');
      crd = b.out(id, 'out_crd');
      x = b.out(id, 'out_val');
      mayBeEmpty ||= info(r).mayBeEmpty;
    }
    if (s !== root) throw new Error('sam-graph: a spacc sum must be the whole right-hand side');
    accumulated = { crd, mayBeEmpty };
    return x;
  };

  const reduceSum = (s: Sum): PortRef => {
    const body = value(s.body);
    if (body.kind === 'const') return fail(`the sum over ${s.vars.join(',')} has a constant body`);
    const plan = scopes.spaccOf(s);
    if (plan) return accumulateSum(s, plan, body.port);
    const pos = (v: string) => k.order.indexOf(v);
    const summed = [...s.vars].sort((x, y) => pos(x) - pos(y));
    const u = scopes.outerVar(s);
    // The root sum writes the innermost output level: drop its coordinates whose sums were empty
    // (a dense level keeps them: their values are 0, which a dense level stores anyway).
    const drop = u !== null && s === root && !lastDense && summed.some((r) => info(r).mayBeEmpty);
    const x = reducers(body.port, summed, drop);
    if (u === null) return x;
    if (drop) {
      droppedInnermost = dropEmptyFibers(u, info(u).crd, summed);
      return x;
    }
    return info(u).loneStops ? alignSums(x, u, info(u).crd) : x;
  };

  /** u's coordinates `crd` without those whose fibers over the summed variables (outermost first) are all empty. */
  const dropEmptyFibers = (u: string, crd: PortRef, summed: readonly string[]): PortRef => {
    let inner = info(summed[summed.length - 1]).crd;
    for (let q = summed.length - 2; q >= 0; q--) inner = crdDrop(info(summed[q]).crd, inner, `drop ${summed[q]}|${summed[q + 1]}`);
    return crdDrop(crd, inner, `drop ${u}|${summed[0]}`);
  };

  /**
   * One reducer per summed variable, innermost first. With `dropEmpty` a fiber without values
   * emits no sum, so the sums line up with the crd-drop of the level above (what a sparse output
   * writes) without a re-alignment, which would buffer one sum per dropped coordinate.
   */
  const reducers = (body: PortRef, summed: readonly string[], dropEmpty: boolean): PortRef => {
    let x = body;
    for (const r of [...summed].reverse()) {
      const id = b.add('reduce', { dataWidth: w, ...(dropEmpty ? { dropEmpty } : {}) }, `reduce ${r}`, { indexVar: r });
      b.connect(x, id, 'in_val', 'val');
      x = b.out(id, 'out_val');
    }
    return x;
  };

  const value = (e: ReducedExpr): Val => {
    switch (e.kind) {
      case 'access': {
        const leaf = scopes.leafOf(e);
        const id = b.add('value-array', {}, `vals ${leaf.tensor.name}`, { binding: { kind: 'input-vals', tensor: leaf.tensor.name } });
        b.connect(state.get(leaf.id)!.ref.port, id, 'in_ref', 'ref');
        inputs.get(leaf.tensor.name)!.valueArrays.push(id);
        return { kind: 'stream', port: b.out(id, 'out_val') };
      }
      case 'const':
        return { kind: 'const', value: wrapAdd(e.value, 0, w) };
      case 'shift':
        throw new Error('a shift reached the sparse flow (resolveKernel refuses it)');
      case 'neg': {
        const x = value(e.operand);
        return x.kind === 'const' ? { kind: 'const', value: wrapSub(0, x.value, w) } : { kind: 'stream', port: alu('mul', x.port, -1) };
      }
      case 'sum':
        return { kind: 'stream', port: reduceSum(e) };
      case 'binary': {
        const l = value(e.left);
        const r = value(e.right);
        if (l.kind === 'const' && r.kind === 'const') return { kind: 'const', value: fold[e.op](l.value, r.value, w) };
        if (l.kind === 'stream' && r.kind === 'stream') return { kind: 'stream', port: alu(opName[e.op], l.port, r.port) };
        if (l.kind === 'stream' && r.kind === 'const') return { kind: 'stream', port: alu(opName[e.op], l.port, r.value) };
        const c = (l as { value: number }).value;
        const x = (r as { port: PortRef }).port;
        // No reversed subtract: c - x = (x * -1) + c.
        return { kind: 'stream', port: e.op === '-' ? alu('add', alu('mul', x, -1), c) : alu(opName[e.op], x, c) };
      }
    }
  };

  const result = value(root);
  if (result.kind === 'const') return fail('the right-hand side is constant');

  // ---- output ------------------------------------------------------------

  const lv = out.levelVars;
  const crds = lv.map((v) => info(v).crd);
  const dropped = lv.map(() => false);
  if (droppedInnermost) {
    crds[lv.length - 1] = droppedInnermost;
    dropped[lv.length - 1] = true;
  }
  const acc = accumulated as { crd: PortRef; mayBeEmpty: boolean; mid?: PortRef } | null;
  if (acc) crds[lv.length - 1] = acc.crd;
  if (acc?.mid) crds[lv.length - 2] = acc.mid;
  // A two-level accumulator emits an i only with j's under it; the group as a whole may be empty.
  const mayBeEmpty = (l: number) =>
    acc && l === lv.length - 1 ? (acc.mid ? false : acc.mayBeEmpty) : acc?.mid && l === lv.length - 2 ? acc.mayBeEmpty : info(lv[l]).mayBeEmpty;
  // Drop coordinates only of compressed levels whose compressed child may be empty: a dense level keeps
  // every coordinate, and an empty fiber below a dense level is padding.
  for (let l = lv.length - 2; l >= 0; l--) {
    if (kinds[l] === 's' && kinds[l + 1] === 's' && (dropped[l + 1] || mayBeEmpty(l + 1))) {
      crds[l] = crdDrop(crds[l], crds[l + 1], `drop ${lv[l]}|${lv[l + 1]}`);
      dropped[l] = true;
    }
  }
  // Positions (refs) of each level: a compressed level's come from its writer, a dense level's are
  // parent position x size + coordinate (the parent's held along the level by crd-hold).
  const pos: PortRef[] = [];
  const levels: OutputBinding['levels'] = lv.map((v, level) => {
    const binding = { kind: 'output-level' as const, tensor: out.name, level };
    if (kinds[level] === 'd') {
      if (level === 0) pos.push(crds[0]);
      else {
        const hold = b.add('crd-hold', {}, `hold ${out.name} position along ${v}`, { indexVar: v });
        b.connect(pos[level - 1], hold, 'in_outer', 'ref');
        b.connect(crds[level], hold, 'in_inner', 'crd');
        pos.push(alu('add', alu('mul', b.out(hold, 'out_outer'), outSizes[level]), crds[level]));
      }
      return { level, indexVar: v, kind: 'd', size: outSizes[level] };
    }
    let id: string;
    if (level > 0 && kinds[level - 1] === 'd') {
      // Below a dense level: fibers placed by parent position, so parent positions without one are empty fibers.
      id = b.add('level-scatter', { parentPositions: positions(level - 1) }, `write ${out.name}.${v}`, { binding, indexVar: v });
      b.connect(pos[level - 1], id, 'in_pos', 'ref');
    } else {
      // Below the top, a fiber is written only if it has a coordinate: crd-drop removed the parents of empty ones.
      id = b.add('level-writer', { dropEmpty: level > 0 }, `write ${out.name}.${v}`, { binding, indexVar: v });
    }
    b.connect(crds[level], id, 'in_crd', 'crd');
    pos.push(b.out(id, 'out_ref'));
    return { level, indexVar: v, kind: 's', writer: id };
  });
  const valsBinding = { binding: { kind: 'output-vals' as const, tensor: out.name } };
  let valsWriter: string;
  if (lastDense) {
    valsWriter = b.add('value-scatter', { positions: positions(lv.length - 1) }, `write ${out.name} vals`, valsBinding);
    b.connect(pos[lv.length - 1], valsWriter, 'in_pos', 'ref');
  } else valsWriter = b.add('value-writer', {}, `write ${out.name} vals`, valsBinding);
  b.connect(result.port, valsWriter, 'in_val', 'val');
  const output: OutputBinding = { tensor: out.name, format: out.format.text, shape: out.shape, levels, values: valsWriter };

  // A located level 0 leaves its tensor's repeated root reference unused.
  b.prune();
  const alive = new Set(b.nodes.map((n) => n.id));
  const keepAlive = (ids: string[]) => ids.splice(0, ids.length, ...ids.filter((id) => alive.has(id)));
  for (const binding of inputs.values()) {
    for (const l of binding.levels) keepAlive(l.scanners);
    keepAlive(binding.valueArrays);
  }
  return {
    kernel: text,
    order: [...k.order],
    dataWidth: w,
    nodes: b.nodes,
    edges: b.edges,
    roots: b.roots,
    inputs: [...inputs.values()],
    output,
  };
}

/**
 * An ALU node (this file is the compiler's one home of the primitive's name; dense mode's
 * lowering builds its ALUs here too): `op` on val_a and val_b, or on val_a and a constant.
 */
export function aluNode(id: string, op: AluOp, dataWidth: number, constant?: number, label?: string): GraphNode {
  return { id, prim: 'alu', tile: 'pe', label: label ?? (constant === undefined ? op : `${op} ${constant}`), config: constant === undefined ? { op, dataWidth } : { op, dataWidth, constant } };
}
