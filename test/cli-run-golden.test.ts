/** `basalt run --simulator golden` through the real CLI: the JSON contract, result files, and clean refusals. */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveKernel } from '../compiler/resolve.ts';
import { buildSamGraph, tileCounts } from '../compiler/sam-graph.ts';
import { matrixAsOrder, readMtx } from '../formats/mtx.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { readTns } from '../formats/tns.ts';
import { evaluate } from '../golden/reference.ts';

const basalt = (args: string[]) => execa('node', ['bin/basalt.js', 'run', '--preset', 'default', ...args], { reject: false });
const golden = (args: string[]) => basalt([...args, '--simulator', 'golden']);
const tmp = () => mkdtempSync(join(tmpdir(), 'basalt-run-'));
/** Real matrices are referenced relative to the repo root, where the CLI runs. */
const REAL = '../shared/data/mtx/real';

describe('basalt run --simulator golden', () => {
  it.concurrent('--json prints one object: match, cycles = idealCycles, tile counts of the graph', async () => {
    const r = await golden(['--expr', 'x(i)=B(i,j)*c(j)', '--format', 'B=ds', '--format', 'c=d', '--input', 'B=random:30x20:0.2:1', '--input', 'c=random:20:0.5:2', '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const g = buildSamGraph(resolveKernel('x(i)=B(i,j)*c(j)', { B: 'ds', c: 'd' }, undefined, { B: [30, 20], c: [20] }), { dataWidth: 16 });
    expect(j).toMatchObject({ match: true, output: null, kernel: 'x(i)=B(i,j)*c(j)', simulator: 'golden', tiles: tileCounts(g), order: ['i', 'j'] });
    expect(j.cycles).toBe(j.idealCycles);
    // The dense c is located by B's coordinates: about nonzeros + rows tokens, not rows x columns.
    expect(j.idealCycles).toBeGreaterThanOrEqual(j.inputs.B.nnz);
    expect(j.idealCycles).toBeLessThanOrEqual(j.inputs.B.nnz + 2 * 30 + 2);
    expect(j.nnz).toBeGreaterThan(0);
  });

  it.concurrent('--output and --dump-inputs: LFAT5 squared (inner product) equals the reference on the dumped inputs', async () => {
    const dir = tmp();
    const out = join(dir, 'X.mtx');
    const r = await golden(['--expr', 'X(i,j)=B(i,k)*C(k,j)', '--format', 'C=ss:1,0', '--order', 'i,j,k', '--input', `B=${REAL}/LFAT5.mtx`, '--input', `C=${REAL}/LFAT5.mtx`,
      '--values', 'seed:3', '--output', out, '--dump-inputs', join(dir, 'in'), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ match: true, output: out });
    expect(readdirSync(join(dir, 'in')).sort()).toEqual(['B.mtx', 'C.mtx']);
    const B = readMtx(join(dir, 'in', 'B.mtx'));
    const C = readMtx(join(dir, 'in', 'C.mtx'));
    expect(B.values.every((v) => Number.isInteger(v) && v !== 0)).toBe(true);
    const ref = evaluate('X(i,j)=B(i,k)*C(k,j)', { B, C }, { dataWidth: 16 });
    expect(tensorDiff(readMtx(out), ref)).toBeNull();
  });

  it.concurrent('order-3 results are written as .tns, scalars and vectors as Matrix Market', async () => {
    const dir = tmp();
    const ttm = await golden(['--expr', 'X(i,j,k)=B(i,j,l)*C(k,l)', '--input', 'B=random:4x5x6:0.3:1', '--input', 'C=random:3x6:0.5:2', '--output', join(dir, 'X.tns'), '--dump-inputs', dir]);
    expect(ttm.exitCode, ttm.stderr).toBe(0);
    expect(ttm.stdout).toMatch(/matches the reference/);
    const ref = evaluate('X(i,j,k)=B(i,j,l)*C(k,l)', { B: readTns(join(dir, 'B.tns')), C: readMtx(join(dir, 'C.mtx')) }, { dataWidth: 16 });
    expect(tensorDiff(readTns(join(dir, 'X.tns')), ref)).toBeNull();
    const dot = await golden(['--expr', 'x=B(i,j,k)*C(i,j,k)', '--input', 'B=random:3x3x3:0.8:4', '--input', 'C=random:3x3x3:0.8:5', '--output', join(dir, 'x.mtx'), '--json']);
    expect(dot.exitCode, dot.stderr).toBe(0);
    expect(readMtx(join(dir, 'x.mtx')).shape).toEqual([1, 1]);
    const spmv = await golden(['--expr', 'x(i)=B(i,j)*c(j)', '--input', `B=${REAL}/karate.mtx`, '--input', 'c=random:34:0.5:1', '--values', 'ones', '--output', join(dir, 'v.mtx')]);
    expect(spmv.exitCode, spmv.stderr).toBe(0);
    expect(matrixAsOrder(readMtx(join(dir, 'v.mtx')), 1, 'v.mtx').shape).toEqual([34]);
  });

  /** A refusal: exit 1, one line on stderr containing `msg`, nothing on stdout, no output file. */
  const refused = async (args: string[], msg: RegExp | string) => {
    const dir = tmp();
    const r = await golden([...args, '--output', join(dir, 'x.mtx'), '--dump-inputs', join(dir, 'in'), '--json']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
    expect(readdirSync(dir)).toEqual([]);
  };

  it.concurrent('refuses a malformed .mtx, naming the file and line', async () => {
    await refused(['--expr', 'x(i)=B(i,j)*c(j)', '--input', 'B=../shared/data/mtx/bad/mangled1.mtx', '--input', 'c=random:5:0.5:1'], /mangled1\.mtx:\d+: /);
  });

  it.concurrent('refuses shapes inconsistent with the expression', async () => {
    await refused(['--expr', 'x(i)=B(i,j)*c(j)', '--input', 'B=random:5x6:0.5:1', '--input', 'c=random:7:0.5:2'], /index j has size 7 in c\(j\).* but size 6 in B\(i,j\)/);
    await refused(['--expr', 'x(i)=B(i,j)*c(j)', '--input', 'B=random:5x6x2:0.5:1', '--input', 'c=random:6:0.5:2'], /B has 2 indices in the expression but the shape 5x6x2 has 3 mode/);
  });

  it.concurrent('refuses unknown and missing tensors, real values without conversion', async () => {
    await refused(['--expr', 'x(i)=B(i,j)*c(j)', '--input', 'B=random:5x6:0.5:1', '--input', 'c=random:6:0.5:2', '--input', 'Z=random:6:0.5:2'], /--input names tensor Z, which the expression does not use/);
    await refused(['--expr', 'x(i)=B(i,j)*c(j)', '--input', 'B=random:5x6:0.5:1'], /no --input for c/);
    await refused(['--expr', 'x(i)=B(i,j)*c(j)', '--input', `B=${REAL}/lp_afiro.mtx`, '--input', 'c=random:51:0.5:2'], /lp_afiro\.mtx: entry .* non-integer value .* --values/);
  });

  it.concurrent('Gustavson SpMSpM (order i,k,j, all ss) on west0067 squared: the sparse accumulator matches the reference', async () => {
    const dir = tmp();
    const out = join(dir, 'X.mtx');
    const r = await golden(['--expr', 'X(i,j)=B(i,k)*C(k,j)', '--format', 'B=ss', '--format', 'C=ss', '--order', 'i,k,j',
      '--input', `B=${REAL}/west0067.mtx`, '--input', `C=${REAL}/west0067.mtx`, '--values', 'seed:1', '--output', out, '--dump-inputs', join(dir, 'in'), '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ match: true, diff: null, order: ['i', 'k', 'j'], formats: { B: 'ss', C: 'ss', X: 'ss' }, inputs: { B: { shape: [67, 67] } } });
    expect(j.cycles).toBe(j.idealCycles);
    expect(j.nnz).toBeGreaterThan(294);
    // Independent check of the written result against the reference on the dumped inputs.
    const B = readMtx(join(dir, 'in', 'B.mtx'));
    expect(tensorDiff(readMtx(out), evaluate('X(i,j)=B(i,k)*C(k,j)', { B, C: readMtx(join(dir, 'in', 'C.mtx')) }, { dataWidth: 16 }))).toBeNull();
  });

  it.concurrent('refuses, before simulating, an outer product larger than the two-level accumulator', async () => {
    const r = await basalt(['--preset', 'tiny', '--expr', 'X(i,j)=B(i,k)*C(k,j)', '--format', 'B=ss:1,0', '--order', 'k,i,j', '--input', 'B=random:20x4:0.5:1', '--input', 'C=random:4x20:0.5:2']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(/the two-level sparse accumulator holds 256 entries, the result needs 20 rows x 32 \(20 columns, rounded up to a power of two\) = 640: use --set accWidth=1024 with --set memDepth=1024/);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it.concurrent('refuses, before simulating, a row wider than the sparse accumulator', async () => {
    const r = await basalt(['--preset', 'tiny', '--expr', 'X(i,j)=B(i,k)*C(k,j)', '--order', 'i,k,j', '--input', 'B=random:4x4:0.5:1', '--input', 'C=random:4x300:0.01:2']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(/^basalt: node n\d+ \(spacc k into j\): the sparse accumulator holds coordinates 0\.\.255 of the kept level, which has 300: use --set accWidth=512 with --set memDepth=512/);
  });

});
