/**
 * Golden execution of SAM graphs: every kernel of the DESIGN.md table, on random
 * inputs of several shapes and densities (all-zero and full included), on real
 * SuiteSparse matrices, and the exact streams and fibertrees of small cases.
 * The decoded output must equal golden/reference.ts's evaluate() (which ignores
 * explicit zeros) on every run.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveKernel } from '../compiler/resolve.ts';
import { buildSamGraph, type SamGraph } from '../compiler/sam-graph.ts';
import { readMtx } from '../formats/mtx.ts';
import { randomTensor } from '../formats/random.ts';
import { makeTensor, tensorDiff, type Tensor } from '../formats/tensor.ts';
import { convertValues } from '../formats/values.ts';
import { mulberry32 } from '../base/prng.ts';
import { evaluate } from '../golden/reference.ts';
import { runGraph, type GraphRun } from '../golden/run-graph.ts';
import { streamToString } from '../sam/tokens.ts';
import { GUSTAVSON, SPACC_TABLE, TABLE, kernelOf, randomInputs, uniformDims, type KernelCase } from '../flow/kernel-table.ts';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The DESIGN.md table plus the kernels that need the (golden-only) sparse accumulator. */
const ALL = [...TABLE, ...SPACC_TABLE];
/** Real matrices live beside the clone (CI places shared/ next to it). */
const real = (file: string) => resolve(REPO, '../shared/data/mtx/real', file);

/** Runs the graph and checks it against the reference; returns the run. */
function check(c: KernelCase, dims: Record<string, number>, inputs: Record<string, Tensor>, dataWidth = 16, formats = c.formats): GraphRun {
  const kernel = kernelOf(c, dims, formats);
  const graph = buildSamGraph(kernel, { dataWidth });
  const run = runGraph(graph, inputs);
  const ref = evaluate(kernel.assignment, inputs, { dataWidth, outputShape: kernel.output.shape });
  expect(tensorDiff(run.output, ref), `${c.expr} ${JSON.stringify(formats)} dims ${JSON.stringify(dims)}`).toBeNull();
  expect(run.idealCycles).toBe(Math.max(...run.edgeTokens.map((s) => s.length)));
  expect(run.edgeTokens).toHaveLength(graph.edges.length);
  return run;
}

/** A graph's stream on the edge leaving the node with this label and port. */
function tokensOf(g: SamGraph, run: GraphRun, label: string, port: string): string {
  const id = g.nodes.find((n) => n.label === label)!.id;
  const k = g.edges.findIndex((e) => e.from.node === id && e.from.port === port);
  return streamToString(run.edgeTokens[k]);
}

describe('every kernel of the table, random inputs', () => {
  const densities = [0, 0.1, 0.4, 1];
  for (const c of ALL) {
    it(c.name, () => {
      let seed = 1;
      for (const size of [1, 3, 6]) {
        for (const d of densities) check(c, uniformDims(c, size), randomInputs(c, uniformDims(c, size), d, seed++));
      }
      // Unequal sizes, and one input empty while the others are not.
      const dims = Object.fromEntries(Object.keys(uniformDims(c, 1)).map((v, k) => [v, 2 + ((k * 3) % 5)]));
      for (const t of Object.keys(c.inputs)) {
        check(c, dims, randomInputs(c, dims, { ...Object.fromEntries(Object.keys(c.inputs).map((u) => [u, 0.5])), [t]: 0 }, seed++));
      }
      for (let s = 0; s < 4; s++) check(c, dims, randomInputs(c, dims, 0.3, seed++));
    });
  }
});

describe('formats and corner cases', () => {
  const spmv = TABLE.find((c) => c.name === 'SpMV DCSR, c sparse')!;

  it('SpMV over every storage of B (CSR, DCSR) and c (dense, sparse), with empty rows', () => {
    const B = makeTensor([5, 4], [[[0, 1], 2], [[0, 3], 3], [[2, 0], 4], [[4, 2], -5]]); // rows 1 and 3 empty
    const c = makeTensor([4], [[[1], 7], [[2], 1]]); // row 2 of B meets no entry of c
    for (const B_ of ['ds', 'ss']) for (const c_ of ['d', 's']) check(spmv, { i: 5, j: 4 }, { B, c }, 16, { B: B_, c: c_ });
  });

  it('compressed outputs keep no empty fibers and no zeros for empty sums', () => {
    const B = makeTensor([5, 4], [[[0, 1], 2], [[0, 3], 3], [[2, 0], 4], [[4, 2], -5]]);
    const c = makeTensor([4], [[[1], 7], [[2], 1]]);
    for (const B_ of ['ds', 'ss']) {
      const run = check(spmv, { i: 5, j: 4 }, { B, c }, 16, { B: B_, c: 's' });
      expect(run.fibertree.levels).toEqual([{ kind: 's', seg: [0, 2], crd: [0, 4] }]);
      expect(run.fibertree.vals).toEqual([14, -5]);
    }
    // Elementwise product whose rows all meet nothing: every level empty.
    const mul = TABLE.find((c) => c.name === 'elementwise mul')!;
    const run = check(mul, { i: 3, j: 3 }, { B: makeTensor([3, 3], [[[0, 0], 1], [[1, 1], 1]]), C: makeTensor([3, 3], [[[0, 1], 1], [[1, 2], 1]]) });
    expect(run.fibertree.levels).toEqual([{ kind: 's', seg: [0, 0], crd: [] }, { kind: 's', seg: [0], crd: [] }]);
  });

  it('scans DESIGN.md\'s B = [[0,5,0],[0,0,0],[7,0,9]] as documented', () => {
    const B = makeTensor([3, 3], [[[0, 1], 5], [[2, 0], 7], [[2, 2], 9]]);
    const g = buildSamGraph(resolveKernel('X(i,j)=2*B(i,j)', {}, undefined, { B: [3, 3] }), { dataWidth: 16 });
    const run = runGraph(g, { B });
    expect(tokensOf(g, run, 'scan B.i (s)', 'out_crd')).toBe('0, 2, S0, D');
    expect(tokensOf(g, run, 'scan B.i (s)', 'out_ref')).toBe('0, 1, S0, D');
    expect(tokensOf(g, run, 'scan B.j (s)', 'out_crd')).toBe('1, S0, 0, 2, S1, D');
    expect(tokensOf(g, run, 'scan B.j (s)', 'out_ref')).toBe('0, S0, 1, 2, S1, D');
    expect(run.output.values).toEqual([10, 14, 18]);
  });

  it('the reducer\'s spurious zeros below empty fibers are re-aligned (empty DCSR matrix, empty SDDMM mask)', () => {
    const empty = makeTensor([4, 3], []);
    const run = check(spmv, { i: 4, j: 3 }, { B: empty, c: randomTensor([3], 1, 1) });
    expect(run.fibertree).toMatchObject({ levels: [{ kind: 's', seg: [0, 0], crd: [] }], vals: [] });
    const sddmm = TABLE.find((c) => c.name === 'SDDMM')!;
    check(sddmm, { i: 3, j: 4, k: 2 }, { B: makeTensor([3, 4], []), C: randomTensor([3, 2], 1, 2), D: randomTensor([2, 4], 1, 3) });
  });

  it('wrap-around at narrow and wide datapaths matches the reference', () => {
    const c = TABLE.find((x) => x.name === 'MatTransMul scaled (constants)')!;
    const big = (t: Tensor, s: number): Tensor => ({ ...t, values: t.values.map((v, k) => v * (1000 + s * k)) });
    const dims = { i: 6, j: 7 };
    const ins = randomInputs(c, dims, 0.6, 9);
    check(c, dims, { C: big(ins.C, 3), d: big(ins.d, 5), e: big(ins.e, 7) }, 32);
    check(c, dims, Object.fromEntries(Object.entries(ins).map(([n, t]) => [n, convertValues(t, { seed: 4 }, 8)])), 8);
  });

  it('random storage formats (dense and compressed levels mixed) on every kernel', () => {
    const rng = mulberry32(2024);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
    for (let n = 0; n < 312; n++) {
      const c = ALL[n % ALL.length];
      const formats: Record<string, string> = {};
      for (const [t, vars] of Object.entries(c.inputs)) {
        const base = c.formats[t] ?? '';
        formats[t] = vars.map(() => pick(['d', 's', 's'])).join('') + (base.includes(':') ? base.slice(base.indexOf(':')) : '');
      }
      const dims = Object.fromEntries(Object.keys(uniformDims(c, 1)).map((v) => [v, 1 + Math.floor(rng() * 6)]));
      const dens = Object.fromEntries(Object.keys(c.inputs).map((t) => [t, pick([0, 0.2, 0.5, 1])]));
      check(c, dims, randomInputs(c, dims, dens, n), 16, formats);
    }
  });

  it('more expressions: bias add, negation, products of sums, nested + and *', () => {
    const cases: [string, Record<string, number[]>][] = [
      ['X(i,j)=B(i,j)+c(i)', { B: [4, 5], c: [4] }],
      ['x(i)=b(i)+1', { b: [5] }],
      ['X(i,j)=-B(i,j)-(C(i,j)*D(i,j))', { B: [3, 4], C: [3, 4], D: [3, 4] }],
      ['X(i,j)=(B(i,j)+C(i,j))*(D(i,j)-E(i,j))', { B: [3, 4], C: [3, 4], D: [3, 4], E: [3, 4] }],
      ['x(i)=B(i,j)*c(j)+D(i,k)*e(k)', { B: [4, 3], c: [3], D: [4, 5], e: [5] }],
      ['X(i,j)=(b(i)+c(i))*D(i,j)', { b: [4], c: [4], D: [4, 3] }],
      ['X(i,j)=B(i,j)*B(i,j)', { B: [4, 4] }],
    ];
    let seed = 0;
    for (const [expr, shapes] of cases) {
      const c: KernelCase = { name: expr, expr, formats: {}, inputs: {} };
      const k = resolveKernel(expr, {}, undefined, shapes);
      const g = buildSamGraph(k, { dataWidth: 16 });
      for (const d of [0, 0.3, 1]) {
        const ins = Object.fromEntries(Object.entries(shapes).map(([t, s]) => [t, randomTensor(s, d, seed++)]));
        expect(tensorDiff(runGraph(g, ins).output, evaluate(k.assignment, ins, { dataWidth: 16, outputShape: k.output.shape })), `${c.expr} d=${d}`).toBeNull();
      }
    }
  });
});

describe('Gustavson SpMSpM (order i,k,j, all ss): the sparse accumulator', () => {
  it('a worked example: the streams into and out of the spacc, and the fibertree written', () => {
    // B = [[1,0,2],[0,0,0],[0,3,0]], C = [[0,4,0],[5,0,6],[0,7,0]]: X = [[0,18,0],[0,0,0],[15,0,18]].
    const B = makeTensor([3, 3], [[[0, 0], 1], [[0, 2], 2], [[2, 1], 3]]);
    const C = makeTensor([3, 3], [[[0, 1], 4], [[1, 0], 5], [[1, 2], 6], [[2, 1], 7]]);
    const kernel = kernelOf(GUSTAVSON, { i: 3, k: 3, j: 3 });
    const g = buildSamGraph(kernel, { dataWidth: 16 });
    const run = check(GUSTAVSON, { i: 3, k: 3, j: 3 }, { B, C });
    expect(tokensOf(g, run, 'intersect k', 'out_crd')).toBe('0, 2, S0, 1, S1, D');
    expect(tokensOf(g, run, 'scan C.j (s)', 'out_crd')).toBe('1, S0, 1, S1, 0, 2, S2, D');
    expect(tokensOf(g, run, 'mul', 'out_val')).toBe('4, S0, 14, S1, 15, 18, S2, D');
    // Row 0: j 1 gets 4 + 14; row 2: j 0 and 2.
    expect(tokensOf(g, run, 'spacc k into j', 'out_crd')).toBe('1, S0, 0, 2, S1, D');
    expect(tokensOf(g, run, 'spacc k into j', 'out_val')).toBe('18, S0, 15, 18, S1, D');
    expect(run.fibertree.levels).toEqual([{ kind: 's', seg: [0, 2], crd: [0, 2] }, { kind: 's', seg: [0, 1, 3], crd: [1, 0, 2] }]);
    expect(run.fibertree.vals).toEqual([18, 15, 18]);
  });

  it('rows whose products all miss, and rows of B meeting only empty rows of C, leave no empty fibers', () => {
    // Row 1 of B is empty; row 2 of B only meets k = 1, an empty row of C; row 3 meets k = 0.
    const B = makeTensor([4, 3], [[[0, 0], 1], [[0, 2], 1], [[2, 1], 1], [[3, 0], 2]]);
    const C = makeTensor([3, 4], [[[0, 3], 5], [[2, 3], 6], [[2, 0], 7]]);
    const run = check(GUSTAVSON, { i: 4, k: 3, j: 4 }, { B, C });
    expect(run.fibertree.levels).toEqual([{ kind: 's', seg: [0, 2], crd: [0, 3] }, { kind: 's', seg: [0, 2, 3], crd: [0, 3, 3] }]);
    expect(run.fibertree.vals).toEqual([7, 11, 10]);
    // Nothing meets anything: every level empty.
    const none = check(GUSTAVSON, { i: 3, k: 3, j: 3 }, { B: makeTensor([3, 3], [[[0, 0], 1], [[1, 0], 1]]), C: makeTensor([3, 3], [[[1, 1], 1], [[2, 2], 1]]) });
    expect(none.fibertree.levels).toEqual([{ kind: 's', seg: [0, 0], crd: [] }, { kind: 's', seg: [0], crd: [] }]);
    // Products that cancel keep their coordinate with a 0, as SAM's spacc does; the reference ignores explicit zeros.
    const cancel = check(GUSTAVSON, { i: 1, k: 2, j: 1 }, { B: makeTensor([1, 2], [[[0, 0], 1], [[0, 1], 1]]), C: makeTensor([2, 1], [[[0, 0], 3], [[1, 0], -3]]) });
    expect(cancel.fibertree.vals).toEqual([0]);
  });

  it('several shapes and densities (all-zero, empty rows and columns, full), 8- and 16-bit wrap-around', () => {
    let seed = 500;
    const shapes = [[1, 1, 1], [1, 7, 1], [7, 1, 7], [2, 9, 3], [9, 2, 8], [6, 6, 6], [12, 5, 10]];
    for (const [i, k, j] of shapes) {
      for (const dB of [0, 0.15, 0.5, 1]) for (const dC of [0, 0.3, 1]) check(GUSTAVSON, { i, k, j }, randomInputs(GUSTAVSON, { i, k, j }, { B: dB, C: dC }, seed++));
    }
    const dims = { i: 8, k: 8, j: 8 };
    for (let s = 0; s < 6; s++) {
      const ins = randomInputs(GUSTAVSON, dims, 0.6, seed++);
      check(GUSTAVSON, dims, Object.fromEntries(Object.entries(ins).map(([n, t]) => [n, convertValues(t, { seed: s }, 8)])), 8);
      const big = (t: Tensor) => ({ ...t, values: t.values.map((v) => v * 4099) });
      check(GUSTAVSON, dims, { B: big(ins.B), C: big(ins.C) }, 16);
    }
  });
});

describe('real matrices (../shared/data/mtx/real, values --values seed:N)', () => {
  const load = (f: string, seed = 1) => convertValues(readMtx(real(f)), { seed }, 16);
  const spmv = (fmtB: string, fmtc: string) => ({ name: 'SpMV', expr: 'x(i)=B(i,j)*c(j)', formats: { B: fmtB, c: fmtc }, inputs: { B: ['i', 'j'], c: ['j'] } }) as KernelCase;
  const inner = TABLE.find((c) => c.name === 'SpMSpM inner product')!;

  it('SpMV on olm1000 (CSR, dense c) and lp_afiro (CSR and DCSR)', () => {
    const olm = load('olm1000.mtx');
    const run = check(spmv('ds', 'd'), { i: 1000, j: 1000 }, { B: olm, c: randomTensor([1000], 1, 5) });
    expect(run.output.values.length).toBeGreaterThan(900);
    const afiro = load('lp_afiro.mtx', 2);
    for (const [b, c] of [['ds', 'd'], ['ss', 's']]) check(spmv(b, c), { i: 27, j: 51 }, { B: afiro, c: randomTensor([51], 0.3, 6) });
  });

  it('SpMSpM inner product: LFAT5 and karate squared, lp_afiro times its transpose', () => {
    for (const f of ['LFAT5.mtx', 'karate.mtx']) {
      const A = load(f, 3);
      check(inner, { i: A.shape[0], j: A.shape[1], k: A.shape[0] }, { B: A, C: A });
    }
    // X = A * A^T needs no transposed copy: C(j,k) stored ss is scanned j then k.
    const afiro = load('lp_afiro.mtx', 4);
    const aat: KernelCase = { name: 'AAt', expr: 'X(i,j)=B(i,k)*C(j,k)', formats: {}, order: ['i', 'j', 'k'], inputs: { B: ['i', 'k'], C: ['j', 'k'] } };
    check(aat, { i: 27, j: 27, k: 51 }, { B: afiro, C: afiro });
  });

  it('SpMSpM Gustavson: west0067, LFAT5 and karate squared, lp_afiro times its transpose', () => {
    for (const [f, seed] of [['west0067.mtx', 1], ['LFAT5.mtx', 3], ['karate.mtx', 5]] as const) {
      const A = load(f, seed);
      const run = check(GUSTAVSON, { i: A.shape[0], k: A.shape[1], j: A.shape[1] }, { B: A, C: A });
      expect(run.output.values.length, f).toBeGreaterThan(A.values.length);
    }
    const afiro = load('lp_afiro.mtx', 4);
    check(GUSTAVSON, { i: 27, k: 51, j: 27 }, { B: afiro, C: transpose(afiro) });
  });

  it('every matrix kernel on west0067, lp_afiro, LFAT5 and karate (vectors, scalars and dense factors from a seed)', () => {
    const kernels = ALL.filter((c) => Object.values(c.inputs).every((v) => v.length <= 2) && Object.values(c.inputs).some((v) => v.length === 2));
    expect(kernels.length).toBeGreaterThanOrEqual(15);
    let seed = 900;
    for (const f of ['west0067.mtx', 'lp_afiro.mtx', 'LFAT5.mtx', 'karate.mtx']) {
      const M = load(f, 7);
      const skipped: string[] = [];
      for (const c of kernels) {
        const r = realInputs(c, M, seed++);
        if (r) check(c, r.dims, r.inputs);
        else skipped.push(c.name);
      }
      // Square matrices fit every kernel; lp_afiro (27 x 51) all but the one that needs a square operand.
      expect(skipped, f).toEqual(f === 'lp_afiro.mtx' ? ['Gustavson masked (hoisted product)'] : []);
    }
  });
});

function transpose(t: Tensor): Tensor {
  return makeTensor([t.shape[1], t.shape[0]], t.coords.map((x, k) => [[x[1], x[0]], t.values[k]]));
}

/**
 * Inputs for a kernel on a real matrix M: every sparse matrix operand is M (the
 * first one) or M's pattern with values from another seed, transposed where the
 * sizes already fixed need it; dense-format matrices (SDDMM's factors), vectors
 * and scalars are random from the seed, with free sizes of 4. Null when the
 * kernel needs a shape that neither M nor its transpose has.
 */
function realInputs(c: KernelCase, M: Tensor, seed: number): { dims: Record<string, number>; inputs: Record<string, Tensor> } | null {
  const dims: Record<string, number> = {};
  const inputs: Record<string, Tensor> = {};
  const fits = (vars: readonly string[], shape: readonly number[]) => vars.every((v, m) => dims[v] === undefined || dims[v] === shape[m]);
  let uses = 0;
  // Sparse matrices first, so that they fix the sizes.
  const entries = Object.entries(c.inputs);
  const denseFormat = (t: string) => /^d+(:|$)/.test(c.formats[t] ?? 's');
  for (const [t, vars] of entries) {
    if (vars.length !== 2 || denseFormat(t)) continue;
    const A = uses++ === 0 ? M : convertValues(M, { seed: seed + uses }, 16);
    const pick = fits(vars, A.shape) ? A : transpose(A);
    if (!fits(vars, pick.shape)) return null;
    vars.forEach((v, m) => (dims[v] = pick.shape[m]));
    inputs[t] = pick;
  }
  entries.forEach(([t, vars], n) => {
    if (inputs[t]) return;
    for (const v of vars) dims[v] ??= 4;
    inputs[t] = randomTensor(vars.map((v) => dims[v]), denseFormat(t) ? 1 : 0.5, seed * 31 + n);
  });
  return { dims, inputs };
}
