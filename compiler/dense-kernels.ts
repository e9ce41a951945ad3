/**
 * Dense mode (issue 14): index expressions whose tensors are all dense, as
 * dense graphs of the primitives' catalogue (placed and run by
 * compiler/dense-map.ts). Four shapes of kernel, each laid out for one value
 * per cycle per pipeline, with parallel copies on spare tiles:
 * - elementwise (`Y(i,j)=A(i,j)*2`, `Z(i)=(A(i)+B(i))>>1`): one ALU per
 *   operator; the host streams each input; copies split the entries;
 * - matrix-vector `y(i)=A(i,j)*x(j)`: A streamed, x replayed from a MEM tile,
 *   a multiply-accumulate per row;
 * - matrix product `C(i,j)=A(i,k)*B(k,j)`: A and B resident, each copy a block
 *   of columns of B, A's reader fanned out to every copy;
 * - 2-D stencils `Y(i,j)=W(r,s)*X(i+r,j+s)` (and `Y(c,i,j)=W(c,r,s)*...` for
 *   several output channels), optionally shifted: line buffers give the rows
 *   of the window in step, a row filter per window row (W's entries are its
 *   weights: constants of the configuration), adders, shifts; copies take
 *   bands of rows (with the window's overlap).
 */
import { CapacityError, UserError } from '../base/errors.ts';
import { denseValues, type Tensor } from '../formats/tensor.ts';
import { denseIndexSizes, shiftValue } from '../golden/dense-reference.ts';
import { accesses, accessToString, modeTerms, type Access, type Assignment } from '../lang/parse.ts';
import { placeReductions, type ReducedExpr } from '../lang/reductions.ts';
import { wrapAdd, wrapMul, wrapSigned, wrapSub } from '../sam/arith.ts';
import type { GraphEdge, GraphNode, PortRef } from '../sam/graph.ts';
import type { AluOp } from '../sam/prims/index.ts';
import type { NodeConfigOf, PrimName } from '../sam/prims/index.ts';
import { aluNode } from './sam-graph.ts';
import { range, type DenseGraph, type DenseOutput, type HostStream } from './dense-map.ts';
import { UnsupportedKernelError } from './errors.ts';

/** What a dense layout may use of the array. */
export interface DenseTarget {
  readonly dataWidth: number;
  readonly memDepth: number;
  readonly pe: number;
  readonly mem: number;
  /** Border inputs / outputs (host streams each take one). */
  readonly io: number;
  /** Most parallel copies of a pipeline (default 8). */
  readonly maxCopies?: number;
}

class Builder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly roots: PortRef[] = [];
  readonly hostInputs: HostStream[] = [];
  readonly outputs: DenseOutput[] = [];
  node<P extends PrimName>(prim: P, id: string, label: string, config: NodeConfigOf<P>, tile: 'pe' | 'mem'): string {
    this.nodes.push({ id, prim, label, tile, config } as GraphNode);
    return id;
  }
  edge(from: PortRef, to: PortRef): void {
    this.edges.push({ from, to, kind: 'val' });
  }
  /** ALUs shifting a stream by constants, one after the other; returns the last one's output. */
  shifts(from: PortRef, shifts: readonly Shift[], prefix: string, dataWidth: number): PortRef {
    return shifts.reduce((port, sh, n) => {
      const id = `${prefix}shift${n}`;
      this.nodes.push(aluNode(id, ALU_OF[sh.op], dataWidth, sh.amount, `${sh.op} ${sh.amount}`));
      this.edge(port, { node: id, port: 'val_a' });
      return out(id);
    }, from);
  }
  graph(kernel: string, outputShape: readonly number[], idealCycles: number, layout: string): DenseGraph {
    return { kernel, nodes: this.nodes, edges: this.edges, roots: this.roots, hostInputs: this.hostInputs, outputs: this.outputs, outputShape, idealCycles, layout };
  }
}

const out = (node: string, port = 'out_val'): PortRef => ({ node, port });
type Shift = { readonly op: '>>' | '>>>'; readonly amount: number };
const split = (n: number, parts: number): [number, number][] => range(parts).map((k) => [Math.floor((k * n) / parts), Math.floor(((k + 1) * n) / parts)]);
const same = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((v, k) => v === b[k]);

/** The dense graph of an expression on inputs (all dense), or why dense mode cannot run it. */
export function buildDenseGraph(a: Assignment, inputs: Readonly<Record<string, Tensor>>, t: DenseTarget): DenseGraph {
  const sizes = denseIndexSizes(a, Object.fromEntries(Object.entries(inputs).map(([n, x]) => [n, x.shape])));
  const tree = placeReductions(a);
  const shifts: Shift[] = [];
  let core: ReducedExpr = tree;
  while (core.kind === 'shift') {
    shifts.unshift({ op: core.op, amount: core.amount });
    core = core.operand;
  }
  const checkShifts = (e: ReducedExpr): void => {
    if (e.kind === 'shift' && e.amount >= t.dataWidth) throw new UserError(`in '${a.text}': a shift by ${e.amount}: the ${t.dataWidth}-bit datapath shifts by 0..${t.dataWidth - 1}`);
    if (e.kind === 'shift' || e.kind === 'neg' || e.kind === 'sum') checkShifts(e.kind === 'sum' ? e.body : e.operand);
    if (e.kind === 'binary') (checkShifts(e.left), checkShifts(e.right));
  };
  checkShifts(tree);
  const hasSum = (e: ReducedExpr): boolean => e.kind === 'sum' || ((e.kind === 'neg' || e.kind === 'shift') && hasSum(e.operand)) || (e.kind === 'binary' && (hasSum(e.left) || hasSum(e.right)));
  const affine = accesses(a.rhs).some((x) => x.terms);
  if (!hasSum(tree) && !affine) return elementwise(a, tree, inputs, sizes, t);
  if (core.kind === 'sum' && core.body.kind === 'binary' && core.body.op === '*' && core.body.left.kind === 'access' && core.body.right.kind === 'access') {
    const [l, r] = [core.body.left, core.body.right];
    if (l.terms || r.terms) return stencil(a, l.terms ? r : l, l.terms ? l : r, shifts, inputs, sizes, t);
    const mm = matmul(a, l, r, shifts, inputs, sizes, t);
    if (mm) return mm;
  }
  throw new UnsupportedKernelError(a.text, 'dense mode runs elementwise kernels, y(i)=A(i,j)*x(j), C(i,j)=A(i,k)*B(k,j) and 2-D stencils such as Y(i,j)=W(r,s)*X(i+r,j+s) (optionally shifted); this expression is none of them');
}

const ALU_OF = { '+': 'add', '-': 'sub', '*': 'mul', '>>': 'ashr', '>>>': 'shr' } as const satisfies Record<string, AluOp>;

function elementwise(a: Assignment, tree: ReducedExpr, inputs: Readonly<Record<string, Tensor>>, sizes: ReadonlyMap<string, number>, t: DenseTarget): DenseGraph {
  const w = t.dataWidth;
  for (const acc of accesses(a.rhs)) {
    if (!same(acc.indices, a.output.indices)) throw new UnsupportedKernelError(a.text, `elementwise dense kernels read every input as the output is indexed, ${accessToString(a.output)}: ${accessToString(acc)} is not`);
  }
  const shape = a.output.indices.map((v) => sizes.get(v)!);
  const n = shape.reduce((x, y) => x * y, 1);
  const tensors = [...new Set(accesses(a.rhs).map((x) => x.tensor))];
  const data = new Map(tensors.map((name) => [name, denseValues(inputs[name]).map((v) => wrapSigned(v, w))]));
  // One copy's ALUs, counted on a dry run of the lowering.
  type Val = { kind: 'const'; value: number } | { kind: 'port'; port: PortRef };
  const lower = (b: Builder | undefined, p: string): ((e: ReducedExpr) => Val) => {
    let alus = 0;
    const addAlu = (op: AluOp, x: PortRef, y: PortRef | number): Val => {
      const id = `${p}op${alus++}`;
      b?.nodes.push(aluNode(id, op, w, typeof y === 'number' ? y : undefined));
      b?.edge(x, { node: id, port: 'val_a' });
      if (typeof y !== 'number') b?.edge(y, { node: id, port: 'val_b' });
      return { kind: 'port', port: out(id) };
    };
    const ops = { '+': (x: number, y: number) => wrapAdd(x, y, w), '-': (x: number, y: number) => wrapSub(x, y, w), '*': (x: number, y: number) => wrapMul(x, y, w) };
    const go = (e: ReducedExpr): Val => {
      switch (e.kind) {
        case 'access':
          // A host stream feeds node inputs: a placeholder node, resolved below once its consumers are known.
          return { kind: 'port', port: { node: `${p}in:${e.tensor}`, port: 'out' } };
        case 'const':
          return { kind: 'const', value: wrapSigned(e.value, w) };
        case 'sum':
          throw new Error('an elementwise kernel has no sums');
        case 'neg': {
          const v = go(e.operand);
          return v.kind === 'const' ? { kind: 'const', value: wrapSigned(-v.value, w) } : addAlu('mul', v.port, -1);
        }
        case 'shift': {
          const v = go(e.operand);
          if (v.kind === 'const') return { kind: 'const', value: shiftValue(e.op, v.value, e.amount, w) };
          return addAlu(ALU_OF[e.op], v.port, e.amount);
        }
        case 'binary': {
          const l = go(e.left);
          const r = go(e.right);
          if (l.kind === 'const' && r.kind === 'const') return { kind: 'const', value: ops[e.op](l.value, r.value) };
          if (l.kind === 'port' && r.kind === 'port') return addAlu(ALU_OF[e.op], l.port, r.port);
          if (l.kind === 'port' && r.kind === 'const') return addAlu(ALU_OF[e.op], l.port, r.value);
          const x = (r as { port: PortRef }).port;
          const c = (l as { value: number }).value;
          // c - x = (x * -1) + c; c + x and c * x commute.
          return e.op === '-' ? addAlu('add', (addAlu('mul', x, -1) as { port: PortRef }).port, c) : addAlu(ALU_OF[e.op], x, c);
        }
      }
    };
    return (e) => {
      const v = go(e);
      // A bare input (Y=A) still needs a node to leave from.
      return v.kind === 'port' && v.port.node.includes(':') ? addAlu('add', v.port, 0) : v;
    };
  };
  let perCopy = 0;
  {
    const dry = new Builder();
    lower(dry, '')(tree);
    perCopy = dry.nodes.length;
  }
  const copies = Math.max(1, Math.min(t.maxCopies ?? 8, Math.floor(t.pe / Math.max(1, perCopy)), Math.floor(t.io / tensors.length), n));
  if (perCopy > t.pe) throw new CapacityError(`'${a.text}' needs ${perCopy} PE tiles, the array has ${t.pe}`);
  const b = new Builder();
  split(n, copies).forEach(([lo, hi], k) => {
    const p = copies > 1 ? `c${k}.` : '';
    const v = lower(b, p)(tree);
    if (v.kind !== 'port') throw new UnsupportedKernelError(a.text, 'the right-hand side is a constant');
    // Resolve the host placeholders: edges from `<p>in:<T>` become host streams.
    const fromHost = b.edges.filter((e) => e.from.node.startsWith(`${p}in:`));
    for (const name of tensors) {
      const to = fromHost.filter((e) => e.from.node === `${p}in:${name}`).map((e) => e.to);
      if (to.length > 0) b.hostInputs.push({ tensor: copies > 1 ? `${name}[${k}]` : name, words: data.get(name)!.slice(lo, hi), to });
    }
    b.edges.splice(0, b.edges.length, ...b.edges.filter((e) => !e.from.node.startsWith(`${p}in:`)));
    b.outputs.push({ kind: 'host', from: v.port, indices: range(hi - lo, lo) });
  });
  return b.graph(a.text, shape, Math.ceil(n / copies), `${copies} cop${copies === 1 ? 'y' : 'ies'} of ${perCopy} ALU${perCopy === 1 ? '' : 's'}, entries split`);
}

/** y(i)=A(i,j)*x(j) (A streamed) and C(i,j)=A(i,k)*B(k,j) (both resident, column blocks), optionally >> n. */
function matmul(a: Assignment, l: Access, r: Access, shifts: readonly Shift[], inputs: Readonly<Record<string, Tensor>>, sizes: ReadonlyMap<string, number>, t: DenseTarget): DenseGraph | undefined {
  const w = t.dataWidth;
  const o = a.output.indices;
  // The multiply-accumulate shifts arithmetically once; other shifts follow as ALUs.
  const shift = shifts[0]?.op === '>>' ? shifts[0].amount : 0;
  const after = shifts.slice(shifts[0]?.op === '>>' ? 1 : 0);
  const vals = (x: Access) => denseValues(inputs[x.tensor]).map((v) => wrapSigned(v, w));
  const b = new Builder();
  // y(i) = A(i,j) * x(j)
  if (o.length === 1) {
    const [A, x] = l.indices.length === 2 ? [l, r] : [r, l];
    if (A.indices.length !== 2 || x.indices.length !== 1 || A.indices[0] !== o[0] || A.indices[1] !== x.indices[0]) return undefined;
    const rows = sizes.get(o[0])!;
    const cols = sizes.get(x.indices[0])!;
    if (cols > t.memDepth) throw new CapacityError(`${x.tensor} has ${cols} entries but a MEM tile holds ${t.memDepth}: use --set memDepth=${2 ** Math.ceil(Math.log2(cols))}`);
    if (rows > t.memDepth) throw new CapacityError(`${a.output.tensor} has ${rows} entries but a MEM tile holds ${t.memDepth}: use --set memDepth=${2 ** Math.ceil(Math.log2(rows))}`);
    b.node('affine-read', 'x', `read ${x.tensor} (rows x cols)`, { vals: vals(x), nest: [{ extent: rows, stride: 0 }, { extent: cols, stride: 1 }] }, 'mem');
    b.roots.push({ node: 'x', port: 'in_ref' });
    b.node('mac', 'mac', `sum_${x.indices[0]} ${accessToString(A)}*${accessToString(x)}`, { dataWidth: w, len: cols, shift }, 'pe');
    b.node('affine-write', 'y', `write ${a.output.tensor}`, { nest: [{ extent: rows, stride: 1 }] }, 'mem');
    b.edge(out('x'), { node: 'mac', port: 'in_b' });
    b.edge(b.shifts(out('mac'), after, '', w), { node: 'y', port: 'in_val' });
    b.hostInputs.push({ tensor: A.tensor, words: vals(A), to: [{ node: 'mac', port: 'in_a' }] });
    b.outputs.push({ kind: 'mem', node: 'y', indices: range(rows) });
    return b.graph(a.text, [rows], rows * cols, `${A.tensor} streamed, ${x.tensor} resident, one multiply-accumulate`);
  }
  // C(i,j) = A(i,k) * B(k,j)
  if (o.length !== 2 || l.indices.length !== 2 || r.indices.length !== 2) return undefined;
  const [A, B] = l.indices[0] === o[0] ? [l, r] : [r, l];
  const k = A.indices[1];
  if (A.indices[0] !== o[0] || B.indices[1] !== o[1] || B.indices[0] !== k || k === o[1]) return undefined;
  const [I, K, J] = [sizes.get(o[0])!, sizes.get(k)!, sizes.get(o[1])!];
  if (I * K > t.memDepth) throw new CapacityError(`${A.tensor} has ${I * K} entries but a MEM tile holds ${t.memDepth}: the dense matrix product keeps it in one`);
  const fits = (c: number) => J % c === 0 && c * (1 + after.length) <= t.pe && c + 1 <= t.mem && c <= t.io && K * (J / c) <= t.memDepth;
  const copies = range(Math.min(t.maxCopies ?? 8, J), 1).reverse().find(fits);
  if (copies === undefined) {
    const most = range(Math.min(t.maxCopies ?? 8, J, t.pe, t.mem - 1, t.io), 1).reverse().find((c) => J % c === 0) ?? 1;
    throw new CapacityError(`${B.tensor} (${K}x${J}) is split into column blocks, one per copy (copies divide ${J}): with ${most} cop${most === 1 ? 'y' : 'ies'} a block is ${K * (J / most)} words, more than a MEM tile's ${t.memDepth}`);
  }
  const bw = J / copies;
  const Av = vals(A);
  const Bv = vals(B);
  b.node('affine-read', 'A', `read ${A.tensor} (i, j block, k)`, { vals: Av, nest: [{ extent: I, stride: K }, { extent: bw, stride: 0 }, { extent: K, stride: 1 }] }, 'mem');
  b.roots.push({ node: 'A', port: 'in_ref' });
  for (let c = 0; c < copies; c++) {
    const j0 = c * bw;
    const block = range(K).flatMap((kk) => range(bw).map((jj) => Bv[kk * J + j0 + jj]));
    b.node('affine-read', `B${c}`, `read ${B.tensor} columns ${j0}..${j0 + bw - 1}`, { vals: block, nest: [{ extent: I, stride: 0 }, { extent: bw, stride: 1 }, { extent: K, stride: bw }] }, 'mem');
    b.roots.push({ node: `B${c}`, port: 'in_ref' });
    b.node('mac', `mac${c}`, `sum_${k} for columns ${j0}..${j0 + bw - 1}`, { dataWidth: w, len: K, shift }, 'pe');
    b.edge(out('A'), { node: `mac${c}`, port: 'in_a' });
    b.edge(out(`B${c}`), { node: `mac${c}`, port: 'in_b' });
    b.outputs.push({ kind: 'host', from: b.shifts(out(`mac${c}`), after, `c${c}.`, w), indices: range(I).flatMap((i) => range(bw).map((jj) => i * J + j0 + jj)) });
  }
  return b.graph(a.text, [I, J], (I * J * K) / copies, `${A.tensor} and ${B.tensor} resident, ${copies} cop${copies === 1 ? 'y' : 'ies'} of ${bw} column${bw === 1 ? '' : 's'}`);
}

/** Y(i,j) = W(r,s) * X(i+r,j+s), or Y(c,i,j) = W(c,r,s) * X(i+r,j+s), then the shifts. */
function stencil(a: Assignment, W: Access, X: Access, shifts: readonly Shift[], inputs: Readonly<Record<string, Tensor>>, sizes: ReadonlyMap<string, number>, t: DenseTarget): DenseGraph {
  const w = t.dataWidth;
  const o = a.output.indices;
  const terms = modeTerms(X);
  const bad = (why: string) => new UnsupportedKernelError(a.text, `a dense stencil is Y(i,j)=W(r,s)*X(i+r,j+s) or Y(c,i,j)=W(c,r,s)*X(i+r,j+s): ${why}`);
  if (terms.length !== 2 || terms.some((m) => m.length !== 2) || W.terms) throw bad(`${accessToString(X)} is not X(i+r,j+s)`);
  // The output's index first in each mode: X(r+i, j+s) is X(i+r, j+s).
  const [[i, r], [j, s]] = terms.map((m) => (!o.includes(m[0]) && o.includes(m[1]) ? [m[1], m[0]] : m));
  const channel = o.length === 3 ? o[0] : undefined;
  if (!same(o, channel ? [channel, i, j] : [i, j])) throw bad(`the output must be indexed (${channel ? `${channel},` : ''}${i},${j})`);
  if (!same(W.indices, channel ? [channel, r, s] : [r, s])) throw bad(`the weights must be indexed (${channel ? `${channel},` : ''}${r},${s})`);
  const [H, L] = inputs[X.tensor].shape;
  const [R, S] = [sizes.get(r)!, sizes.get(s)!];
  const C = channel ? sizes.get(channel)! : 1;
  if (R > 3 || S > 3) throw new UnsupportedKernelError(a.text, `a ${R}x${S} window: the row filters and line buffers build windows of up to 3x3`);
  if (R > 1 && L >= t.memDepth) throw new CapacityError(`rows of ${L} values: a line buffer delays by at most ${t.memDepth - 1} words; use --set memDepth=${2 ** Math.ceil(Math.log2(L + 1))}`);
  const [Ho, Wo] = [H - R + 1, L - S + 1];
  const weights = denseValues(inputs[W.tensor]).map((v) => wrapSigned(v, w));
  const pePer = C * (R + (R - 1) + shifts.length);
  const memPer = R - 1;
  const copies = Math.max(1, Math.min(t.maxCopies ?? 8, Math.floor(t.pe / pePer), memPer > 0 ? Math.floor(t.mem / memPer) : Infinity, Math.floor(t.io / C), Ho));
  if (pePer > t.pe || memPer > t.mem) throw new CapacityError(`'${a.text}' needs ${pePer} PE and ${memPer} MEM tiles per pipeline, the array has ${t.pe} and ${t.mem}`);
  const xv = denseValues(inputs[X.tensor]).map((v) => wrapSigned(v, w));
  const b = new Builder();
  let ideal = 0;
  split(Ho, copies).forEach(([lo, hi], k) => {
    const p = copies > 1 ? `b${k}.` : '';
    const words = xv.slice(lo * L, (hi + R - 1) * L);
    ideal = Math.max(ideal, words.length);
    // Row r of the window: line buffer m (1..R-1) skips (R-m) rows and gives row R-m; the last one's delayed stream is row 0.
    const rows: PortRef[] = new Array(R);
    let feed: PortRef | 'host' = 'host';
    const hostTo: PortRef[] = [];
    const connect = (from: PortRef | 'host', to: PortRef) => (from === 'host' ? hostTo.push(to) : b.edge(from, to));
    for (let m = 1; m < R; m++) {
      const id = b.node('line-buffer', `${p}lb${m}`, `line buffer ${m} (rows of ${L})`, { delay: L, skip: (R - m) * L }, 'mem');
      connect(feed, { node: id, port: 'in_val' });
      rows[R - m] = out(id, 'out_skip');
      feed = out(id);
    }
    const row0 = feed;
    for (let c = 0; c < C; c++) {
      const q = C > 1 ? `${p}ch${c}.` : p;
      let acc: PortRef | undefined;
      for (let rr = R - 1; rr >= 0; rr--) {
        const taps = range(S).map((ss) => weights[(c * R + rr) * S + ss]);
        const id = b.node('row-filter', `${q}row${rr}`, `window row ${rr}: ${taps.join(', ')}`, { dataWidth: w, taps: S, period: L, weights: taps }, 'pe');
        connect(rr === 0 ? row0 : rows[rr], { node: id, port: 'in_a' });
        if (acc === undefined) acc = out(id);
        else {
          const add = `${q}add${rr}`;
          b.nodes.push(aluNode(add, 'add', w, undefined, 'add rows'));
          b.edge(acc, { node: add, port: 'val_a' });
          b.edge(out(id), { node: add, port: 'val_b' });
          acc = out(add);
        }
      }
      b.outputs.push({ kind: 'host', from: b.shifts(acc!, shifts, q, w), indices: range((hi - lo) * Wo, c * Ho * Wo + lo * Wo) });
    }
    b.hostInputs.push({ tensor: copies > 1 ? `${X.tensor}[${k}]` : X.tensor, words, to: hostTo });
  });
  return b.graph(a.text, channel ? [C, Ho, Wo] : [Ho, Wo], ideal, `${copies} band${copies === 1 ? '' : 's'} of rows, ${R - 1} line buffer${R === 2 ? '' : 's'} and ${pePer} PEs each`);
}
