import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MTX_DIR } from './helpers/data.ts';
import fc from 'fast-check';
import { parseExpression, type Access } from '../lang/parse.ts';
import { placeReductions, type ReducedExpr } from '../lang/reductions.ts';
import { readMtx } from '../formats/mtx.ts';
import { randomTensor } from '../formats/random.ts';
import { makeTensor, tensorDiff, type Tensor } from '../formats/tensor.ts';
import { convertValues } from '../formats/values.ts';
import { wrapAdd, wrapMul, wrapSub } from '../sam/arith.ts';
import { datapathOps, evaluate } from '../golden/reference.ts';

const W = { dataWidth: 16 };
const vec = (n: number, e: Record<number, number>) => makeTensor([n], Object.entries(e).map(([i, v]) => [[Number(i)], v] as [number[], number]));
const mat = (r: number, c: number, e: [number, number, number][]) => makeTensor([r, c], e.map(([i, j, v]) => [[i, j], v] as [number[], number]));
const same = (a: Tensor, b: Tensor) => expect(tensorDiff(a, b)).toBeNull();

describe('hand-worked cases', () => {
  // DESIGN.md's B = [[0,5,0],[0,0,0],[7,0,9]]
  const B = mat(3, 3, [[0, 1, 5], [2, 0, 7], [2, 2, 9]]);
  it('SpMV', () => {
    const c = vec(3, { 0: 1, 1: 2, 2: 3 });
    same(evaluate('x(i)=B(i,j)*c(j)', { B, c }, W), vec(3, { 0: 10, 2: 34 }));
    // structure: row 1 has no entries, so no output entry either
    expect(evaluate('x(i)=B(i,j)*c(j)', { B, c }, W).coords).toEqual([[0], [2]]);
  });
  it('SpMSpM (B*B)', () => {
    // B*B = [[0,0,0],[0,0,0],[63,35,81]]
    same(evaluate('X(i,j)=B(i,k)*C(k,j)', { B, C: B }, W), mat(3, 3, [[2, 0, 63], [2, 1, 35], [2, 2, 81]]));
  });
  it('elementwise add3, mul, and the residual', () => {
    const C = mat(3, 3, [[0, 1, 1], [1, 1, 2]]);
    const D = mat(3, 3, [[2, 2, -9]]);
    same(evaluate('X(i,j)=B(i,j)+C(i,j)+D(i,j)', { B, C, D }, W), mat(3, 3, [[0, 1, 6], [1, 1, 2], [2, 0, 7]]));
    same(evaluate('X(i,j)=B(i,j)*C(i,j)', { B, C }, W), mat(3, 3, [[0, 1, 5]]));
    const b = vec(3, { 0: 100, 1: 1 });
    const d = vec(3, { 0: 1, 2: 1 });
    // x = b - B d = [100-0, 1-0, 0-(7+9)]
    same(evaluate('x(i)=b(i)-C(i,j)*d(j)', { b, C: B, d }, W), vec(3, { 0: 100, 1: 1, 2: -16 }));
  });
  it('b(i)+C(i,j) sums only the C term over j', () => {
    const b = vec(2, { 0: 10, 1: 20 });
    const C = mat(2, 3, [[0, 0, 1], [0, 2, 2]]);
    same(evaluate('x(i)=b(i)+C(i,j)', { b, C }, W), vec(2, { 0: 13, 1: 20 }));
  });
  it('MatTransMul, TTV and the 3-tensor inner product', () => {
    const d = vec(3, { 0: 1, 2: 2 });
    same(evaluate('x(i)=C(j,i)*d(j)', { C: B, d }, W), vec(3, { 0: 14, 1: 5, 2: 18 })); // B' d
    const T = makeTensor([2, 2, 2], [[[0, 0, 1], 3], [[1, 1, 0], 4], [[1, 1, 1], 5]]);
    same(evaluate('X(i,j)=B(i,j,k)*c(k)', { B: T, c: vec(2, { 0: 2, 1: 1 }) }, W), mat(2, 2, [[0, 0, 3], [1, 1, 13]]));
    same(evaluate('x=B(i,j,k)*C(i,j,k)', { B: T, C: T }, W), makeTensor([], [[[], 9 + 16 + 25]]));
  });
  it('constants and unary minus', () => {
    const b = vec(3, { 1: 4 });
    same(evaluate('x(i)=2*b(i)', { b }, W), vec(3, { 1: 8 }));
    same(evaluate('x(i)=-b(i)', { b }, W), vec(3, { 1: -4 }));
    same(evaluate('x(i)=-3*b(i)-b(i)', { b }, W), vec(3, { 1: -16 }));
    // a constant is defined everywhere: b + 1 is dense
    same(evaluate('x(i)=b(i)+1', { b }, W), vec(3, { 0: 1, 1: 5, 2: 1 }));
  });
  it('wraps at the data width like the hardware', () => {
    const b = vec(2, { 0: 200, 1: 32767 });
    same(evaluate('x(i)=b(i)*b(i)', { b }, W), vec(2, { 0: 40000 - 65536, 1: 1 })); // 32767^2 = 2^30 - 2^16 + 1
    same(evaluate('x(i)=b(i)+b(i)', { b }, W), vec(2, { 0: 400, 1: -2 }));
    same(evaluate('x=b(i)*c(i)', { b: vec(2, { 0: 100, 1: 100 }), c: vec(2, { 0: 1, 1: 1 }) }, { dataWidth: 8 }), makeTensor([], [[[], -56]])); // 200 - 256
  });
  it('keeps computed zeros as entries (tensorDiff ignores them)', () => {
    const out = evaluate('X(i,j)=B(i,j)-C(i,j)', { B, C: B }, W);
    expect(out.values).toEqual([0, 0, 0]);
    same(out, mat(3, 3, []));
  });
  it('empty inputs give an empty output of the right shape', () => {
    const out = evaluate('X(i,j)=B(i,k)*C(k,j)', { B: mat(2, 3, []), C: mat(3, 4, []) }, W);
    expect(out).toEqual({ shape: [2, 4], coords: [], values: [] });
    expect(evaluate('x=b(i)*c(i)', { b: vec(2, {}), c: vec(2, {}) }, W)).toEqual({ shape: [], coords: [], values: [] });
  });
  it('refuses missing inputs and inconsistent sizes', () => {
    expect(() => evaluate('x(i)=B(i,j)*c(j)', { B }, W)).toThrow('no input tensor c');
    expect(() => evaluate('x(i)=B(i,j)*c(j)', { B, c: vec(4, {}) }, W)).toThrow('index j has size 3 (B mode 1) but 4 (c mode 0)');
  });
});

describe('datapathOps agrees with golden/arith.ts', () => {
  it('for every width and in-range operands', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 32 }).chain((w) => {
          const v = fc.integer({ min: -(2 ** (w - 1)), max: 2 ** (w - 1) - 1 });
          return fc.tuple(fc.constant(w), v, v);
        }),
        ([w, a, b]) => {
          const ops = datapathOps(w);
          expect(ops.add(a, b)).toBe(wrapAdd(a, b, w));
          expect(ops.sub(a, b)).toBe(wrapSub(a, b, w));
          expect(ops.mul(a, b)).toBe(wrapMul(a, b, w));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

/** Naive dense evaluation: every output point, every value of every summed index. */
function naive(text: string, inputs: Record<string, Tensor>, w: number): Tensor {
  const a = parseExpression(text);
  const ops = datapathOps(w);
  const dims = new Map<string, number>();
  const dense = new Map<string, Map<string, number>>();
  const collect = (e: ReducedExpr): void => {
    if (e.kind === 'access') {
      inputs[e.tensor].shape.forEach((s, m) => dims.set(e.indices[m], s));
      const m = new Map<string, number>();
      inputs[e.tensor].coords.forEach((c, k) => m.set(c.join(','), inputs[e.tensor].values[k]));
      dense.set(e.tensor, m);
    } else if (e.kind === 'neg') collect(e.operand);
    else if (e.kind === 'sum') collect(e.body);
    else if (e.kind === 'binary') {
      collect(e.left);
      collect(e.right);
    }
  };
  const tree = placeReductions(a);
  collect(tree);
  const value = (e: ReducedExpr, env: Map<string, number>): number => {
    switch (e.kind) {
      case 'access':
        return ops.wrap(dense.get(e.tensor)!.get((e as Access).indices.map((v) => env.get(v)).join(',')) ?? 0);
      case 'const':
        return ops.wrap(e.value);
      case 'neg':
        return ops.sub(0, value(e.operand, env));
      case 'shift':
        throw new Error('the random expressions have no shifts');
      case 'binary': {
        const l = value(e.left, env);
        const r = value(e.right, env);
        return e.op === '+' ? ops.add(l, r) : e.op === '-' ? ops.sub(l, r) : ops.mul(l, r);
      }
      case 'sum': {
        let acc = 0;
        const loop = (q: number) => {
          if (q === e.vars.length) {
            acc = ops.add(acc, value(e.body, env));
            return;
          }
          for (let x = 0; x < dims.get(e.vars[q])!; x++) {
            env.set(e.vars[q], x);
            loop(q + 1);
          }
        };
        loop(0);
        return acc;
      }
    }
  };
  const out = a.output.indices;
  const shape = out.map((v) => dims.get(v)!);
  const entries: [number[], number][] = [];
  const walk = (q: number, env: Map<string, number>) => {
    if (q === out.length) {
      const v = value(tree, env);
      if (v !== 0) entries.push([out.map((x) => env.get(x)!), v]);
      return;
    }
    for (let x = 0; x < shape[q]; x++) {
      env.set(out[q], x);
      walk(q + 1, env);
    }
  };
  walk(0, new Map());
  return makeTensor(shape, entries);
}

describe('reference == naive dense evaluation on small random inputs', () => {
  // Fixed signatures so any random expression over them is well formed.
  const SIG: Record<string, string[]> = { A: ['i', 'j'], B: ['j', 'k'], C: ['i', 'k'], b: ['i'], c: ['j'], d: ['k'], T: ['i', 'j', 'k'], s: [] };
  const leaf = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...Object.keys(SIG)).map((t) => (SIG[t].length ? `${t}(${SIG[t].join(',')})` : t)) },
    { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }).map((v) => `(${v})`) },
  );
  const expr = fc.letrec<{ e: string }>((tie) => ({
    e: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      leaf,
      fc.tuple(tie('e'), fc.constantFrom('+', '-', '*', '*'), tie('e')).map(([l, op, r]) => `(${l}${op}${r})`),
      tie('e').map((x) => `-${x}`),
    ),
  })).e;
  const inputs = fc.record({
    I: fc.integer({ min: 1, max: 4 }),
    J: fc.integer({ min: 1, max: 4 }),
    K: fc.integer({ min: 1, max: 3 }),
    density: fc.double({ min: 0, max: 1, noNaN: true }),
    seed: fc.nat(),
    width: fc.constantFrom(4, 8, 16, 32),
    outPick: fc.shuffledSubarray(['i', 'j', 'k']),
  });
  it('on random expressions', () => {
    fc.assert(
      fc.property(expr, inputs, (rhs, p) => {
        const size: Record<string, number> = { i: p.I, j: p.J, k: p.K };
        const tensors: Record<string, Tensor> = {};
        Object.entries(SIG).forEach(([t, vars], n) => {
          tensors[t] = randomTensor(vars.map((v) => size[v]), p.density, p.seed + n);
        });
        // Only output indices that the right-hand side binds; tensors it reads.
        const used = new Set((rhs.match(/\(([ijk,]+)\)/g) ?? []).flatMap((m) => m.slice(1, -1).split(',')));
        if (!/[A-Za-z]/.test(rhs)) return; // constant-only right-hand side: refused by the parser
        const out = p.outPick.filter((v) => used.has(v));
        const text = `X${out.length ? `(${out.join(',')})` : ''}=${rhs}`;
        const got = evaluate(text, tensors, { dataWidth: p.width });
        const want = naive(text, tensors, p.width);
        expect(tensorDiff(got, want)).toBeNull();
      }),
      { numRuns: 400 },
    );
  });
  it('on the kernel set', () => {
    const kernels: [string, Record<string, number[]>][] = [
      ['x(i)=B(i,j)*c(j)', { B: [5, 4], c: [4] }],
      ['X(i,j)=B(i,k)*C(k,j)', { B: [4, 5], C: [5, 3] }],
      ['X(i,j)=B(i,j)*C(i,k)*D(k,j)', { B: [4, 3], C: [4, 5], D: [5, 3] }],
      ['x(i)=b(i)-C(i,j)*d(j)', { b: [4], C: [4, 5], d: [5] }],
      ['X(i,j,k)=B(i,j,l)*C(k,l)', { B: [2, 3, 4], C: [3, 4] }],
      ['X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', { B: [3, 2, 4], C: [3, 2], D: [3, 4] }],
      ['X(i,j)=B(i,j)+C(i,j)+D(i,j)', { B: [4, 4], C: [4, 4], D: [4, 4] }],
      ['x=B(i,j,k)*C(i,j,k)', { B: [2, 3, 4], C: [2, 3, 4] }],
      ['x(i)=C(j,i)*d(j)+2*e(i)', { C: [4, 3], d: [4], e: [3] }],
    ];
    for (const [text, shapes] of kernels) {
      for (let seed = 0; seed < 20; seed++) {
        const ins = Object.fromEntries(Object.entries(shapes).map(([t, s], n) => [t, randomTensor(s, (seed % 5) / 4, seed * 7 + n)]));
        expect(tensorDiff(evaluate(text, ins, { dataWidth: 8 }), naive(text, ins, 8)), text).toBeNull();
      }
    }
  });
});

describe('speed on real sizes', () => {
  const olm = convertValues(readMtx(join(MTX_DIR, 'real', 'olm1000.mtx')), { seed: 1 }, 16);
  it('SpMV on olm1000', () => {
    const c = randomTensor([1000], 1, 2);
    evaluate('x(i)=B(i,j)*c(j)', { B: olm, c }, W); // warm up
    const t0 = performance.now();
    const x = evaluate('x(i)=B(i,j)*c(j)', { B: olm, c }, W);
    // A generous bound: catches a dense (O(n^2)) evaluation, not a slow machine. Figures: bench/golden.ts.
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(x.values.length).toBe(1000);
  });
  it('SpMSpM on 1000 x 1000 inputs at 1%, and olm1000 squared', () => {
    const B = randomTensor([1000, 1000], 0.01, 3);
    const C = randomTensor([1000, 1000], 0.01, 4);
    let t0 = performance.now();
    evaluate('X(i,j)=B(i,k)*C(k,j)', { B, C }, W);
    expect(performance.now() - t0).toBeLessThan(10000);
    t0 = performance.now();
    evaluate('X(i,j)=B(i,k)*C(k,j)', { B: olm, C: olm }, W);
    expect(performance.now() - t0).toBeLessThan(10000);
  });
});
