/**
 * `basalt sweep` end to end on real runs: the README's example grid
 * (examples/sweep-small.json: tiny array with memDepth 512, tracks {2, 5} x
 * fifoDepth {2, 4}; SpMV on west0067, a vector multiply, and an SpMSpM that
 * needs more PE tiles than the array has). Four Verilator builds of the 4x4
 * array, once (cached by arch-id); every later run reuses them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { parse as parseHtml } from 'parse5';
import { withoutTiming, type ResultRow, type SweepTable } from '../flow/sweep-results.ts';
import type { SweepSummary } from '../flow/sweep.ts';

const GRID = resolve('examples/sweep-small.json');
const root = mkdtempSync(join(tmpdir(), 'basalt-sweep-'));
const dir = (name: string) => join(root, name);
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function sweep(args: string[]): Promise<{ summary: SweepSummary; stderr: string; exitCode: number | undefined }> {
  const r = await execa('node', ['bin/basalt.js', 'sweep', ...args, '--json'], { reject: false });
  if (r.exitCode !== 0) throw new Error(`sweep ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}`);
  return { summary: JSON.parse(r.stdout) as SweepSummary, stderr: r.stderr, exitCode: r.exitCode };
}
const table = (d: string) => JSON.parse(readFileSync(join(d, 'results.json'), 'utf8')) as SweepTable;
const design = (d: string) => table(d).rows.map(withoutTiming);
const pointFiles = (d: string) => readdirSync(join(d, 'points')).filter((f) => f.endsWith('.json')).sort();

let full: SweepSummary;
let rows: readonly ResultRow[];
beforeAll(async () => {
  full = (await sweep(['--grid', GRID, '--out', dir('full'), '--jobs', '2'])).summary;
  rows = table(dir('full')).rows;
}, 3_600_000);

describe('basalt sweep (example grid, tiny array, Verilator)', () => {
  it('runs every point and records one row per (point, kernel)', () => {
    expect(full).toMatchObject({ name: 'small', points: 4, share: 4, ran: 4, skipped: 0, crashed: [], complete: true, done: 4 });
    expect(full.statuses).toEqual({ ok: 8, mismatch: 0, unmapped: 4, failed: 0, error: 0 });
    expect(rows.map((r) => [r.point, r.label, r.kernel])).toEqual([1, 2, 3, 4].flatMap((p) => {
      const label = ['tracks=2 fifoDepth=2', 'tracks=2 fifoDepth=4', 'tracks=5 fifoDepth=2', 'tracks=5 fifoDepth=4'][p - 1];
      return ['spmv-west0067', 'vecmul', 'spmspm-karate'].map((k) => [p, label, k]);
    }));
    expect(pointFiles(dir('full'))).toEqual(['0001.json', '0002.json', '0003.json', '0004.json']);
  });

  it('rows that ran are correct: match, cycles at or above the ideal bound, area, tiles', () => {
    for (const r of rows.filter((x) => x.kernel !== 'spmspm-karate')) {
      expect(r, `${r.label} ${r.kernel}`).toMatchObject({ status: 'ok', match: true, reason: null, arrayPe: 8, arrayMem: 8 });
      expect(r.cycles as number).toBeGreaterThan(0);
      expect(r.cycles as number).toBeGreaterThanOrEqual(r.idealCycles as number);
      expect(r['generic.transistors'] as number).toBeGreaterThan(100_000);
      expect(r['generic.cells'] as number).toBeGreaterThan(10_000);
      expect(r['generic.sramBits']).toBe(8 * 512 * 16);
      expect(r['generic.interconnectShare'] as number).toBeGreaterThan(0);
      expect(r['generic.interconnectShare'] as number).toBeLessThan(1);
      expect(r.tilesPe as number).toBeGreaterThan(0);
      expect(r.buildSeconds as number).toBeGreaterThanOrEqual(0);
    }
    const spmv = rows.filter((r) => r.kernel === 'spmv-west0067');
    expect(new Set(spmv.map((r) => r.idealCycles)).size).toBe(1); // the bound depends on the kernel, not the array
    expect(spmv.every((r) => r.nnz === 67)).toBe(true);
  });

  it('records a kernel that does not fit with its reason, and the point still counts as done', () => {
    for (const r of rows.filter((x) => x.kernel === 'spmspm-karate')) {
      expect(r).toMatchObject({ status: 'unmapped', match: null, cycles: null });
      expect(r.reason).toMatch(/^kernel needs \d+ (PE|MEM) tiles, the array \(4x4\) has 8/);
      expect(r['generic.transistors'] as number).toBeGreaterThan(0); // the point's area is there all the same
    }
  });

  it('area grows with tracks', () => {
    const area = (tracks: number, fifo: number) => rows.find((r) => r.tracks === tracks && r.fifoDepth === fifo)!['generic.transistors'] as number;
    for (const fifo of [2, 4]) expect(area(5, fifo)).toBeGreaterThan(area(2, fifo));
    for (const tracks of [2, 5]) expect(area(tracks, 4)).toBeGreaterThan(area(tracks, 2)); // and with FIFO depth
  });

  it('writes the CSV with the JSON table\'s columns and rows', () => {
    const t = table(dir('full'));
    const lines = readFileSync(join(dir('full'), 'results.csv'), 'utf8').trimEnd().split('\n');
    expect(lines[0]).toBe(t.columns.join(','));
    expect(lines).toHaveLength(t.rows.length + 1);
    expect(lines[1].startsWith('1,tracks=2 fifoDepth=2,4x4-')).toBe(true);
    expect(t.timingColumns).toEqual(expect.arrayContaining(['buildSeconds', 'simSeconds', 'synthSeconds']));
  });

  it('writes SVG plots that parse, and a self-contained HTML report with them inlined', () => {
    const svgs = readdirSync(join(dir('full'), 'plots')).sort();
    expect(svgs).toEqual(['spmv-west0067.svg', 'vecmul.svg']); // the kernel no point ran has no plot
    expect(full.files.svgs.map((f) => f.split('/').pop()).sort()).toEqual(svgs);
    for (const f of svgs) {
      const svg = readFileSync(join(dir('full'), 'plots', f), 'utf8');
      expect(XMLValidator.validate(svg), f).toBe(true);
      expect(Object.keys(new XMLParser().parse(svg) as object)).toEqual(['svg']);
      expect(svg).toContain('Pareto front');
    }
    const html = readFileSync(join(dir('full'), 'report.html'), 'utf8');
    const doc = parseHtml(html, { sourceCodeLocationInfo: false });
    const elements: { tagName: string; attrs: { name: string; value: string }[] }[] = [];
    const walk = (n: { tagName?: string; attrs?: { name: string; value: string }[]; childNodes?: unknown[]; content?: unknown }) => {
      if (n.tagName) elements.push({ tagName: n.tagName, attrs: n.attrs ?? [] });
      for (const c of n.childNodes ?? []) walk(c as typeof n);
    };
    walk(doc as never);
    expect(elements.filter((e) => e.tagName === 'svg')).toHaveLength(2);
    expect(elements.filter((e) => ['script', 'link', 'img', 'iframe', 'object', 'embed'].includes(e.tagName))).toEqual([]);
    const refs = elements.flatMap((e) => e.attrs.filter((a) => /^(src|href|xlink:href)$/.test(a.name) && !a.value.startsWith('#')));
    expect(refs).toEqual([]);
    expect(html).not.toMatch(/url\(\s*['"]?(https?:|\/\/)/);
    expect(html).not.toContain('@import');
    // Each plot's SVG is inlined as written to its file.
    for (const f of svgs) expect(html).toContain(readFileSync(join(dir('full'), 'plots', f), 'utf8').trim().slice(0, 200));
    // A table per kernel, the Pareto front marked.
    expect(html).toContain('kernel needs 9 MEM tiles');
    expect((html.match(/class="pareto"/g) ?? []).length).toBeGreaterThan(0);
  });

  it('resumes after a killed run: only the remaining points run, the finished ones are kept as they were', async () => {
    const out = dir('killed');
    const child = execa('node', ['bin/basalt.js', 'sweep', '--grid', GRID, '--out', out, '--jobs', '1'], { detached: true, reject: false });
    const t0 = Date.now();
    while (!(existsSync(join(out, 'points')) && pointFiles(out).length >= 1) && Date.now() - t0 < 600_000) await new Promise((r) => setTimeout(r, 100));
    process.kill(-child.pid!, 'SIGKILL'); // the whole process group: the sweep and its worker, mid-point
    await child;
    const before = pointFiles(out);
    expect(before.length).toBeGreaterThanOrEqual(1);
    expect(before.length).toBeLessThan(4);
    expect(existsSync(join(out, 'results.json'))).toBe(false); // tables come at the end
    const kept = new Map(before.map((f) => [f, readFileSync(join(out, 'points', f), 'utf8')]));

    const { summary } = await sweep(['--grid', GRID, '--out', out, '--jobs', '2']);
    expect(summary).toMatchObject({ ran: 4 - before.length, skipped: before.length, complete: true });
    for (const [f, text] of kept) expect(readFileSync(join(out, 'points', f), 'utf8'), f).toBe(text);
    expect(design(out)).toEqual(design(dir('full'))); // same grid, same results apart from timing
    expect(readdirSync(join(out, 'points')).filter((f) => f.endsWith('.tmp'))).toEqual([]);

    // A deleted point file is the one point run again; a run with nothing to do runs nothing.
    rmSync(join(out, 'points', '0003.json'));
    expect((await sweep(['--grid', GRID, '--out', out])).summary).toMatchObject({ ran: 1, skipped: 3, complete: true });
    expect((await sweep(['--grid', GRID, '--out', out])).summary).toMatchObject({ ran: 0, skipped: 4, complete: true });
    expect(design(out)).toEqual(design(dir('full')));
  });

  it('shards 1/2 and 2/2 merged equal the unsharded run', async () => {
    const s1 = (await sweep(['--grid', GRID, '--out', dir('s1'), '--shard', '1/2'])).summary;
    const s2 = (await sweep(['--grid', GRID, '--out', dir('s2'), '--shard', '2/2', '--jobs', '2'])).summary;
    expect(s1).toMatchObject({ shard: '1/2', share: 2, ran: 2, complete: false, done: 2 });
    expect(s2).toMatchObject({ shard: '2/2', share: 2, ran: 2, complete: false, done: 2 });
    expect(pointFiles(dir('s1'))).toEqual(['0001.json', '0003.json']);
    expect(pointFiles(dir('s2'))).toEqual(['0002.json', '0004.json']);
    expect(table(dir('s1')).sweep.missing).toEqual([2, 4]);

    const m = await execa('node', ['bin/basalt.js', 'sweep', 'merge', dir('s1'), dir('s2'), '--out', dir('merged'), '--json']);
    expect(JSON.parse(m.stdout)).toMatchObject({ points: 4, done: 4, complete: true, missing: [] });
    expect(design(dir('merged'))).toEqual(design(dir('full')));
    expect(readFileSync(join(dir('merged'), 'results.csv'), 'utf8').split('\n')[0]).toBe(readFileSync(join(dir('full'), 'results.csv'), 'utf8').split('\n')[0]);
    // The report holds no timing: the merged one is the unsharded one, byte for byte, plots included.
    for (const f of ['report.html', 'plots/spmv-west0067.svg', 'plots/vecmul.svg']) {
      expect(readFileSync(join(dir('merged'), f), 'utf8'), f).toBe(readFileSync(join(dir('full'), f), 'utf8'));
    }
    // The merged directory is a sweep directory of the grid: running the grid into it finds everything done.
    expect((await sweep(['--grid', GRID, '--out', dir('merged')])).summary).toMatchObject({ ran: 0, skipped: 4 });
  });

  it('refuses to merge shards of different grids, and to run a grid into another grid\'s directory', async () => {
    // Another grid: one point, on the golden model (no model build).
    const g = JSON.parse(readFileSync(GRID, 'utf8')) as Record<string, unknown>;
    const other = join(root, 'other.json');
    writeFileSync(other, JSON.stringify({ ...g, name: 'other', axes: { tracks: [5] }, simulator: 'golden', kernels: (g.kernels as unknown[]).slice(1, 2) }).replace(/"\.\.\/\.\.\/shared/g, `"${resolve('../shared')}`));
    const o = (await sweep(['--grid', other, '--out', dir('other')])).summary;
    expect(o).toMatchObject({ ran: 1, complete: true, statuses: { ok: 1 } });
    expect(table(dir('other')).rows[0]).toMatchObject({ kernel: 'vecmul', status: 'ok', match: true, buildSeconds: null });
    expect(table(dir('other')).rows[0].cycles).toBe(table(dir('other')).rows[0].idealCycles);

    const m = await execa('node', ['bin/basalt.js', 'sweep', 'merge', dir('s1'), dir('other'), '--out', dir('bad-merge')], { reject: false });
    expect(m.exitCode).toBe(1);
    expect(m.stderr).toMatch(new RegExp(`^basalt: sweep merge: ${dir('other')} is a sweep of grid 'other' \\(hash [0-9a-f]{16}\\) but ${dir('s1')} is of grid 'small' \\(hash ${full.hash}\\): only shards of one grid merge$`));
    expect(existsSync(dir('bad-merge'))).toBe(false);

    // Two finished copies of a point that disagree (here: a tampered cycle count) are refused too.
    const tampered = dir('tampered');
    cpSync(dir('s1'), tampered, { recursive: true });
    const f = join(tampered, 'points', '0001.json');
    const p = JSON.parse(readFileSync(f, 'utf8')) as { kernels: { cycles: number }[] };
    p.kernels[0].cycles += 1;
    writeFileSync(f, JSON.stringify(p));
    const t = await execa('node', ['bin/basalt.js', 'sweep', 'merge', dir('full'), tampered, '--out', dir('bad-merge')], { reject: false });
    expect(t.exitCode).toBe(1);
    expect(t.stderr).toBe(`basalt: sweep merge: point 1 (tracks=2 fifoDepth=2) has different results in ${dir('full')} and ${tampered} (same grid: a tool or machine difference?)`);
    expect(existsSync(dir('bad-merge'))).toBe(false);

    const r = await execa('node', ['bin/basalt.js', 'sweep', '--grid', other, '--out', dir('full')], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/^basalt: --out .* holds a sweep of another grid \('small', hash [0-9a-f]{16}; this one is 'other'/);
    const n = await execa('node', ['bin/basalt.js', 'sweep', 'merge', join(root, 'nope'), '--out', dir('bad-merge')], { reject: false });
    expect(n.exitCode).toBe(1);
    expect(n.stderr).toMatch(/nope: no such directory/);
  });

  it('re-creates a damaged point file instead of trusting it', async () => {
    const out = dir('damaged');
    cpSync(dir('full'), out, { recursive: true });
    writeFileSync(join(out, 'points', '0002.json'), '{"format": 1, "gridHash": "'); // half a file, as no writer of ours leaves one
    expect((await sweep(['--grid', GRID, '--out', out])).summary).toMatchObject({ ran: 1, skipped: 3, complete: true });
    expect(design(out)).toEqual(design(dir('full')));
  });
});
