/**
 * The sweep grid and the pieces that need no run: validation messages naming
 * the field (through the library and through the CLI, before anything is
 * created), the normalized grid and its hash, shard assignment, the Pareto
 * front, and the plots as SVG documents.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UserError } from '../base/errors.ts';
import { loadGrid, normalizeGrid, parseShard, shardPoints } from '../flow/sweep-grid.ts';
import { paretoFront, renderScatter } from '../flow/sweep-report.ts';

const EXAMPLE = resolve('examples/sweep-small.json');
const example = JSON.parse(readFileSync(EXAMPLE, 'utf8')) as Record<string, unknown>;
const at = { where: 'grid g.json', dir: resolve('examples'), name: 'g' };
const grid = (patch: Record<string, unknown>) => normalizeGrid({ ...example, ...patch }, at);
const refused = (patch: Record<string, unknown>): string => {
  try {
    grid(patch);
  } catch (e) {
    expect(e).toBeInstanceOf(UserError);
    const m = (e as Error).message;
    expect(m).not.toContain('\n');
    return m;
  }
  throw new Error('grid was accepted');
};
const spmv = (example.kernels as Record<string, unknown>[])[0];

describe('sweep grid', () => {
  it('expands the axes into points, first axis outermost, each a full validated spec', () => {
    const g = loadGrid(EXAMPLE);
    expect(g.name).toBe('small');
    expect(g.grid.fields).toEqual(['tracks', 'fifoDepth']);
    expect(g.grid.points.map((p) => p.set)).toEqual([
      { tracks: 2, fifoDepth: 2 }, { tracks: 2, fifoDepth: 4 }, { tracks: 5, fifoDepth: 2 }, { tracks: 5, fifoDepth: 4 },
    ]);
    for (const p of g.grid.points) expect(p.spec).toMatchObject({ width: 4, height: 4, memRatio: 2, memDepth: 512, tracks: p.set.tracks, fifoDepth: p.set.fifoDepth });
    expect(new Set(g.grid.points.map((p) => p.archId)).size).toBe(4);
    expect(g.grid.kernels.map((k) => k.name)).toEqual(['spmv-west0067', 'vecmul', 'spmspm-karate']);
    expect(Object.keys(g.grid.kernels[0].inputHashes)).toEqual(['B']); // files are hashed, random inputs are not
    expect(g.grid.area).toEqual({ targets: ['generic'], plot: { target: 'generic', metric: 'transistors' } });
    expect(g.grid.simulator).toBe('verilator');
  });

  it('hashes the normalized grid: not its spelling, name or location, but every value and the point order', () => {
    const h = loadGrid(EXAMPLE).hash;
    expect(h).toMatch(/^[0-9a-f]{16}$/);
    expect(grid({}).hash).toBe(h);
    expect(grid({ name: 'other' }).hash).toBe(h);
    // The same base written out as fields instead of a preset.
    const tiny = { width: 4, height: 4, memRatio: 2, tracks: 5, dataWidth: 16, sbTopology: 'wilton', fifoDepth: 2, memDepth: 512, memWidth: 16, denseModes: false };
    expect(grid({ base: { preset: 'default', ...tiny } }).hash).toBe(h);
    // Kernel keys in another order.
    const reordered = (example.kernels as Record<string, unknown>[]).map((k) => Object.fromEntries(Object.entries(k).reverse()));
    expect(grid({ kernels: reordered }).hash).toBe(h);
    expect(grid({ axes: { tracks: [2, 5], fifoDepth: [2, 8] } }).hash).not.toBe(h);
    expect(grid({ axes: { fifoDepth: [2, 4], tracks: [2, 5] } }).hash).not.toBe(h); // same points, other order
    expect(grid({ simulator: 'golden' }).hash).not.toBe(h);
    // An input file with other contents is another sweep.
    const dir = mkdtempSync(join(tmpdir(), 'basalt-grid-'));
    writeFileSync(join(dir, 'w.mtx'), readFileSync(resolve('../shared/data/mtx/real/west0067.mtx'), 'utf8').replace(/\n$/, '\n%\n'));
    const moved = normalizeGrid({ ...example, kernels: [{ ...spmv, inputs: { B: 'w.mtx', c: 'random:67:1:5' } }] }, { ...at, dir });
    expect(moved.hash).not.toBe(normalizeGrid({ ...example, kernels: [spmv] }, at).hash);
  });

  it('takes an explicit list of points', () => {
    const g = grid({ axes: undefined, points: [{ tracks: 3 }, { tracks: 4, sbTopology: 'imran' }, {}] });
    expect(g.grid.points.map((p) => p.set)).toEqual([{ tracks: 3 }, { tracks: 4, sbTopology: 'imran' }, {}]);
    expect(g.grid.fields).toEqual(['tracks', 'sbTopology']);
    expect(g.grid.points[2].spec.tracks).toBe(5);
  });

  it.each([
    [{ colour: 'red' }, /^grid g\.json: unknown field\(s\) 'colour' \(known: name, base, axes, points, kernels, area, simulator\)$/],
    [{ axes: { trakcs: [2] } }, /field 'axes\.trakcs': unknown ArchSpec field 'trakcs' \(known: width, height/],
    [{ axes: { tracks: [] } }, /field 'axes\.tracks': must list at least one value$/],
    [{ axes: {} }, /field 'axes': must name at least one ArchSpec field/],
    [{ axes: { tracks: [2, 0] } }, /field 'axes\.tracks\[1\]': tracks must be at least 1 \(got 0\)$/],
    [{ axes: { tracks: ['5'] } }, /field 'axes\.tracks\[0\]': tracks must be an integer/],
    [{ axes: { tracks: [2, 2] } }, /field 'axes\.tracks': lists a value twice/],
    [{ axes: { sbTopology: ['mesh'] } }, /field 'axes\.sbTopology\[0\]': sbTopology must be one of disjoint, wilton, imran/],
    [{ axes: { memRatio: [2, 8] } }, /point 2 \(memRatio=8\): field 'memRatio': memRatio \(8\) must not be larger than width \(4\)/],
    [{ points: [{ tracks: 2 }] }, /give either "axes" .* not both/],
    [{ axes: undefined }, /give either "axes" .* one of them/],
    [{ axes: undefined, points: [] }, /field 'points': must list at least one point/],
    [{ axes: undefined, points: [{ tracks: 3 }, { tracks: 3 }] }, /points 1 \(tracks=3\) and 2 \(tracks=3\) are the same array/],
    [{ base: 'huge' }, /field 'base': unknown preset 'huge' \(known: tiny, default, spmv, onyx\)/],
    [{ base: { preset: 'tiny', memDepth: 500 } }, /field 'base\.memDepth': memDepth must be a power of two/],
    [{ base: { preset: 'tiny', spec: 'x.json' } }, /field 'base': give either "preset" or "spec", not both/],
    [{ kernels: [] }, /field 'kernels': must list at least one kernel/],
    [{ kernels: [{ ...spmv, inputs: undefined }] }, /field 'kernels\[0\]\.inputs': is required/],
    [{ kernels: [{ ...spmv, colour: 1 }] }, /field 'kernels\[0\]': unknown field\(s\) 'colour' \(known: name, expr, formats, order, inputs, values\)/],
    [{ kernels: [{ ...spmv, name: 'a b' }] }, /field 'kernels\[0\]\.name': must be a name/],
    [{ kernels: [spmv, spmv] }, /field 'kernels\[1\]\.name': kernel name 'spmv-west0067' is used twice/],
    [{ kernels: [{ ...spmv, inputs: { B: 'nope.mtx', c: 'random:67:1:5' } }] }, /field 'kernels\[0\]\.inputs\.B': file nope\.mtx not found/],
    [{ kernels: [{ ...spmv, expr: 'x(i)=B(i,j)*' }] }, /field 'kernels\[0\]\.expr' \(kernel 'spmv-west0067'\): in 'x\(i\)=B\(i,j\)\*' at column 13/],
    [{ kernels: [{ ...spmv, formats: { B: 'dx' } }] }, /field 'kernels\[0\]\.formats' \(kernel 'spmv-west0067'\): --format B=dx/],
    [{ kernels: [{ ...spmv, values: 'twice' }] }, /field 'kernels\[0\]\.values' \(kernel 'spmv-west0067'\): --values 'twice'/],
    [{ kernels: [{ ...spmv, inputs: { B: spmv.inputs && (spmv.inputs as Record<string, string>).B } }] }, /field 'kernels\[0\]\.inputs' \(kernel 'spmv-west0067'\): no --input for c/],
    [{ kernels: [{ ...spmv, inputs: { ...(spmv.inputs as object), c: 'random:60:1:5' } }] }, /field 'kernels\[0\]' \(kernel 'spmv-west0067'\): .*index j has size 60 in c\(j\)/],
    [{ area: { targets: [] } }, /field 'area\.targets': must list at least one synthesis target/],
    [{ area: { targets: ['asic'] } }, /field 'area\.targets\[0\]': must be one of generic, ice40, xilinx, ecp5/],
    [{ area: { targets: ['generic'], plot: 'generic.luts' } }, /field 'area\.plot': 'generic\.luts' is not TARGET\.METRIC/],
    [{ simulator: 'icarus' }, /field 'simulator': must be one of verilator, golden/],
  ])('refuses %j naming the field', (patch, message) => {
    expect(refused(patch)).toMatch(message);
  });

  it('refuses a bad grid on the command line with one line and exit 1, before creating anything', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'basalt-grid-cli-'));
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ ...example, axes: { tracks: [2], fifoDepth: [] } }));
    const r = await execa('node', ['bin/basalt.js', 'sweep', '--grid', file, '--out', join(dir, 'out')], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(`basalt: grid ${file}: field 'axes.fifoDepth': must list at least one value`);
    expect(existsSync(join(dir, 'out'))).toBe(false);
    writeFileSync(file, '{ "base": "tiny", ');
    const j = await execa('node', ['bin/basalt.js', 'sweep', '--grid', file, '--out', join(dir, 'out')], { reject: false });
    expect(j.exitCode).toBe(1);
    expect(j.stderr).toMatch(/^basalt: grid .*bad\.json: not valid JSON/);
    for (const [args, msg] of [
      [['--shard', '3/2'], /--shard '3\/2': expected K\/N/],
      [['--jobs', '0'], /--jobs '0': expected an integer/],
    ] as const) {
      const s = await execa('node', ['bin/basalt.js', 'sweep', '--grid', EXAMPLE, '--out', join(dir, 'out'), ...args], { reject: false });
      expect(s.exitCode).toBe(1);
      expect(s.stderr).toMatch(msg);
    }
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('shards', () => {
  it('split the points into disjoint shares that cover the grid, deterministically', () => {
    const points = Array.from({ length: 11 }, (_, index) => ({ index }));
    for (const n of [1, 2, 3, 4, 11, 13]) {
      const shares = Array.from({ length: n }, (_, k) => shardPoints(points, { k: k + 1, n }).map((p) => p.index));
      expect(shares.flat().sort((a, b) => a - b)).toEqual(points.map((p) => p.index));
      const sizes = shares.map((s) => s.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
    expect(shardPoints(points, { k: 2, n: 4 }).map((p) => p.index)).toEqual([1, 5, 9]);
  });

  it('parses K/N', () => {
    expect(parseShard('2/4')).toEqual({ k: 2, n: 4 });
    for (const bad of ['0/2', '3/2', '1/0', '1', 'a/b', '1/2/3']) expect(() => parseShard(bad)).toThrow(UserError);
  });
});

describe('report pieces', () => {
  it('the Pareto front keeps the points nothing beats on both area and cycles', () => {
    const pts = [
      { area: 10, cycles: 50 }, { area: 20, cycles: 40 }, { area: 20, cycles: 45 }, { area: 30, cycles: 40 },
      { area: 40, cycles: 10 }, { area: 40, cycles: 10 }, { area: 5, cycles: 90 }, { area: 50, cycles: 20 },
    ];
    const front = paretoFront(pts);
    expect(pts.map((p) => front.has(p))).toEqual([true, true, false, false, true, true, true, false]);
  });

  it('renders a scatter as a standalone SVG document, the same bytes each time', async () => {
    const pts = [{ point: 1, label: '1', area: 100, cycles: 900 }, { point: 2, label: '2', area: 200, cycles: 400 }, { point: 3, label: '3', area: 300, cycles: 500 }];
    const svg = await renderScatter('k & <title>', 'x(i)=b(i)*c(i)', 'area', pts);
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg) as Record<string, Record<string, string>>;
    expect(Object.keys(doc)).toEqual(['svg']);
    expect(doc.svg['@_xmlns']).toBe('http://www.w3.org/2000/svg');
    expect(svg).toContain('k &amp; &lt;title&gt;');
    expect(svg).toContain('Pareto front');
    expect(await renderScatter('k & <title>', 'x(i)=b(i)*c(i)', 'area', pts)).toBe(svg);
  });
});
