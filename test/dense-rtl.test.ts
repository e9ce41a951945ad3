/**
 * Dense mode, first kernel (issue 14): y(i) = A(i,j) * x(j) on the default
 * array's RTL. A streams from a border input, x is replayed by an affine-read,
 * a mac sums each row, an affine-write stores y; the result must equal both
 * the primitives' golden models and the reference evaluation.
 */
import { describe, expect, it } from 'vitest';
import { mulberry32, randInt } from '../base/prng.ts';
import { makeTensor, tensorDiff } from '../formats/tensor.ts';
import { PRESETS } from '../generator/spec.ts';
import { evaluate } from '../golden/reference.ts';
import { runDenseMatVec } from '../flow/dense-run.ts';

const rand = (seed: number, rows: number, cols: number, lo: number, hi: number) => {
  const rng = mulberry32(seed);
  const A = makeTensor([rows, cols], Array.from({ length: rows * cols }, (_, k) => [[Math.floor(k / cols), k % cols], randInt(rng, lo, hi)] as [number[], number]));
  const x = makeTensor([cols], Array.from({ length: cols }, (_, k) => [[k], randInt(rng, lo, hi)] as [number[], number]));
  return { A, x };
};

describe('dense matrix-vector on the default array', () => {
  it('32x32: exact (with 16-bit wrap-around), about one mac per cycle', async () => {
    const { A, x } = rand(3, 32, 32, -2000, 2000); // products overflow 16 bits: the wrap must match
    const r = await runDenseMatVec({ spec: PRESETS.default, A, x });
    expect(r.mismatch).toBeUndefined();
    expect(r.ok).toBe(true);
    expect(tensorDiff(r.output, evaluate('y(i)=A(i,j)*x(j)', { A, x }, { dataWidth: 16 }))).toBeNull();
    expect(r.output.values.some((v) => v !== 0)).toBe(true);
    expect(r.mode).toBe('dense');
    expect(r.tiles).toEqual({ pe: 1, mem: 2 });
    expect(r.cycles).toBeGreaterThanOrEqual(r.idealCycles);
    expect(r.cycles).toBeLessThan(r.idealCycles * 1.1);
  }, 600_000);

  it('a non-square matrix with random host stalls', async () => {
    const { A, x } = rand(9, 7, 19, -50, 50);
    const r = await runDenseMatVec({ spec: PRESETS.default, A, x, stall: 0.4, seed: 5 });
    expect(r.mismatch).toBeUndefined();
    expect(tensorDiff(r.output, evaluate('y(i)=A(i,j)*x(j)', { A, x }, { dataWidth: 16 }))).toBeNull();
    expect(r.cycles).toBeGreaterThan(r.idealCycles);
  }, 600_000);

  it('refuses mismatched shapes and an output larger than a MEM tile before simulating', async () => {
    const { A } = rand(1, 4, 5, 0, 3);
    const { x } = rand(1, 4, 6, 0, 3);
    await expect(runDenseMatVec({ spec: PRESETS.default, A, x })).rejects.toThrow(/index j has size 5 in A \(mode 1\) but size 6 in x/);
    const big = rand(1, 3000, 1, 0, 3);
    await expect(runDenseMatVec({ spec: PRESETS.default, A: big.A, x: big.x })).rejects.toThrow(/y has 3000 entries but a MEM tile holds 2048: use --set memDepth=4096/);
  });
});
