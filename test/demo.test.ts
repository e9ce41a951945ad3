/** The README's main job, as a user runs it: `basalt demo --json`. */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

describe('basalt demo', () => {
  it('generates, lints, synthesizes, streams and runs real kernels on real matrices, all exact', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'basalt-demo-')), 'rtl');
    const r = await execa('node', ['bin/basalt.js', 'demo', '--out', out, '--tokens', '2000', '--json'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.match).toBe(true);
    expect(j.lintWarnings).toBe(0);
    expect(j.runs.every((x: { ok: boolean }) => x.ok)).toBe(true);
    expect(j.kernels.map((k: { title: string }) => k.title)).toEqual(['SpMV (CSR) on west0067', 'SpMSpM inner product on karate x karate', 'SpMV (CSC, sparse c) on jagmesh7, tiled', 'dense 3x3 gaussian blur on a 64x64 image']);
    // The same model runs the dense kernel.
    expect(j.kernels.map((k: { mode: string }) => k.mode)).toEqual(['sparse', 'sparse', 'sparse', 'dense']);
    // The third needs tiling: more than one task, cycles = memory loading + compute.
    const tiled = j.kernels[2];
    expect(tiled.tiling.tiles).toBeGreaterThan(1);
    // The bus and the array work at once: the total is at least either and at most their sum.
    expect(tiled.cycles).toBeGreaterThanOrEqual(Math.max(tiled.tiling.loadCycles, tiled.tiling.computeCycles));
    expect(tiled.cycles).toBeLessThanOrEqual(tiled.tiling.loadCycles + tiled.tiling.computeCycles);
    for (const k of j.kernels) {
      expect(k.match).toBe(true);
      expect(k.nnz).toBeGreaterThan(0);
      expect(k.cycles).toBeGreaterThanOrEqual(k.idealCycles);
    }
  });
});
