/**
 * `basalt run` in dense mode (issue 14): the mode chosen from the formats and
 * the expression or forced with --mode, the JSON report's mode and arch-id,
 * the output file against the reference, refusals (one line, exit 1, no file).
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readMtx } from '../formats/mtx.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { archId, PRESETS } from '../generator/spec.ts';
import { evaluateDense } from '../golden/dense-reference.ts';

const basalt = (args: string[]) => execa('node', ['bin/basalt.js', 'run', '--preset', 'default', ...args], { reject: false });
const GAUSS = ['--expr', 'Y(i,j)=(W(r,s)*X(i+r,j+s))>>>8', '--input', 'W=examples/gaussian3x3.mtx'];

describe('basalt run, dense mode', () => {
  it('the gaussian on the RTL: dense mode by its affine index, the default arch-id, the output file equals the reference', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'basalt-dense-'));
    const out = join(dir, 'Y.mtx');
    const r = await basalt([...GAUSS, '--input', 'X=random:20x24:1:5', '--output', out, '--dump-inputs', join(dir, 'in'), '--json']);
    // Nothing on stderr but a model build's progress (the model may not be cached yet).
    expect(r.stderr.split('\n').filter((l) => l !== '' && !l.includes('building Verilator model'))).toEqual([]);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ match: true, mode: 'dense', archId: archId(PRESETS.default), simulator: 'verilator', output: out, formats: { Y: 'dd', W: 'dd', X: 'dd' } });
    expect(j.cycles).toBeGreaterThanOrEqual(j.idealCycles);
    expect(j.sim.cyclesPerSecond).toBeGreaterThan(0);
    const W = readMtx(join(dir, 'in', 'W.mtx'));
    const X = readMtx(join(dir, 'in', 'X.mtx'));
    const Y = readMtx(out);
    expect(Y.shape).toEqual([18, 22]);
    expect(tensorDiff(Y, evaluateDense('Y(i,j)=(W(r,s)*X(i+r,j+s))>>>8', { W, X }, { dataWidth: 16 }))).toBeNull();
  }, 300_000);

  it('all-dense formats choose dense mode; --mode sparse keeps the sparse flow; the golden simulator runs dense graphs too', async () => {
    const args = ['--expr', 'Y(i,j)=A(i,j)*3', '--input', 'A=random:8x8:1:2', '--json'];
    const dense = JSON.parse((await basalt([...args, '--format', 'A=dd', '--format', 'Y=dd', '--simulator', 'golden'])).stdout);
    expect(dense).toMatchObject({ match: true, mode: 'dense', simulator: 'golden' });
    expect(dense.cycles).toBe(dense.idealCycles);
    const sparse = JSON.parse((await basalt([...args, '--format', 'A=dd', '--format', 'Y=dd', '--mode', 'sparse', '--simulator', 'golden'])).stdout);
    expect(sparse).toMatchObject({ match: true, mode: 'sparse' });
    const auto = JSON.parse((await basalt([...args, '--simulator', 'golden'])).stdout);
    expect(auto.mode).toBe('sparse'); // compressed by default
  }, 120_000);

  it.each([
    [['--mode', 'banana', '--expr', 'Y(i)=A(i)', '--input', 'A=random:4:1:1'], /--mode 'banana' is not one of sparse, dense/],
    [['--mode', 'sparse', ...GAUSS, '--input', 'X=random:8x8:1:1'], /the shift '>>>' needs dense mode \(--mode dense, every tensor dense\)/],
    [['--mode', 'dense', '--expr', 'Y(i)=A(i)', '--format', 'A=s', '--input', 'A=random:4:1:1'], /--format A=s: dense mode stores every tensor dense/],
    [[...GAUSS, '--input', 'X=random:2x8:1:1'], /stencil out of bounds: X\(i\+r,j\+s\) mode 0 has size 2/],
    [[...GAUSS, '--input', 'X=random:8x8:1:1', '--order', 'i,j'], /--order is the sparse flow's loop order/],
    [['--mode', 'dense', '--expr', 'y(i)=A(j,i)*x(j)', '--input', 'A=random:4x4:1:1', '--input', 'x=random:4:1:1'], /this expression is none of them/],
  ])('refuses %j with one line and exit 1, writing nothing', async (args, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'basalt-dense-'));
    const r = await basalt([...(args as string[]), '--output', join(dir, 'Y.mtx')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, 'Y.mtx'))).toBe(false);
  }, 60_000);
});
