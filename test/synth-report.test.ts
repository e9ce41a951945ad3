/**
 * `basalt synth` array report on real Yosys runs (tiny preset, generic target):
 * numbers that add up, SRAM bits, the interconnect/core split, the cache, and
 * the CLI contract.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presetIR } from './helpers/arch.ts';
import { CORE_PARTS, INTERCONNECT_PARTS, TILE_PARTS, configSplitOf, synthArray, type ArrayReport } from '../synth/array.ts';
import { TARGET_METRICS, addArea, sumAreas, zeroArea, type Area } from '../synth/area.ts';

const METRICS = TARGET_METRICS.generic;
const cacheDir = mkdtempSync(join(tmpdir(), 'basalt-synth-cache-'));
const withoutRun = ({ run: _run, ...rest }: ArrayReport) => rest;
const cellSum = (a: Area) => Object.values(a.cellsByType).reduce((s, n) => s + n, 0);

let tiny: ArrayReport;
beforeAll(async () => {
  tiny = await synthArray(presetIR('tiny'), { cacheDir });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('array report (tiny, generic)', () => {
  it('has every tile kind with its count, cells, flip-flops and a complete transistor estimate', () => {
    const ir = presetIR('tiny');
    expect(Object.keys(tiny.tiles)).toEqual(['pe', 'mem']);
    for (const [kind, t] of Object.entries(tiny.tiles)) {
      expect(t.module).toBe(`basalt_${kind}_tile`);
      expect(t.count).toBe(ir.tiles.filter((x) => x.kind === kind).length);
      expect(t.area.cells).toBeGreaterThan(1000);
      expect(t.area.ffs).toBeGreaterThan(100);
      expect(t.area.transistors).toBeGreaterThan(2 * t.area.cells!); // every gate has at least 2
      expect(t.area.uncostedCells, 'cells without a transistor cost').toBe(0);
      expect(cellSum(t.area)).toBe(t.area.cells);
      expect(Object.keys(t.area.cellsByType).filter((c) => /latch/i.test(c))).toEqual([]);
    }
    expect(tiny.archId).toBe(ir.archId);
    expect(tiny.target).toBe('generic');
  });

  it('array = top glue + sum of count x tile kind, for every metric and cell type', () => {
    const expected = Object.values(tiny.tiles).reduce((acc, t) => addArea('generic', acc, t.area, t.count), tiny.glue.area);
    expect(tiny.array.area).toEqual(expected);
    for (const m of METRICS) {
      const byHand = tiny.glue.area[m]! + tiny.tiles.pe.count * tiny.tiles.pe.area[m]! + tiny.tiles.mem.count * tiny.tiles.mem.area[m]!;
      expect(tiny.array.area[m], m).toBe(byHand);
    }
    // The glue holds the border FIFOs (two per border track) and the bus logic, no tile.
    expect(tiny.glue.area.cells).toBe(tiny.glue.parts.fifos.cells! + tiny.glue.parts.logic.cells!);
    expect(tiny.glue.parts.logic.cells).toBeGreaterThan(0);
    expect(Object.keys(tiny.glue.area.cellsByType).filter((c) => c.includes('tile'))).toEqual([]);
    const fifoCells = tiny.tiles.pe.parts.fifos.cells! / (4 * presetIR('tiny').spec.tracks); // one FIFO per SB output
    expect(tiny.glue.parts.fifos.cells).toBe(2 * presetIR('tiny').graph.io.length * fifoCells);
  });

  it('keeps each MEM SRAM as one memory of memDepth x dataWidth bits', () => {
    const { spec } = presetIR('tiny');
    const mem = tiny.tiles.mem;
    expect(mem.memories).toEqual([{ module: 'basalt_sram', name: 'mem_q', instances: 1, size: spec.memDepth, width: spec.dataWidth, bits: spec.memDepth * spec.dataWidth, mappedTo: 'memory' }]);
    expect(mem.area.sramBits).toBe(spec.memDepth * spec.dataWidth);
    expect(mem.area.cellsByType.$mem_v2).toBe(1);
    expect(mem.area.ffs).toBeLessThan(spec.memDepth * spec.dataWidth); // the SRAM did not become flip-flops (it alone would be that many)
    expect(tiny.tiles.pe.area.sramBits).toBe(0);
    expect(tiny.array.area.sramBits).toBe(mem.count * spec.memDepth * spec.dataWidth);
  });

  it('splits each tile into parts that add up: interconnect + core = tile', () => {
    for (const t of Object.values(tiny.tiles)) {
      expect(sumAreas('generic', TILE_PARTS.map((p) => t.parts[p]))).toEqual(t.area);
      expect(sumAreas('generic', INTERCONNECT_PARTS.map((p) => t.parts[p]))).toEqual(t.interconnect);
      expect(sumAreas('generic', CORE_PARTS.map((p) => t.parts[p]))).toEqual(t.core);
      expect(addArea('generic', t.interconnect, t.core)).toEqual(t.area);
      for (const p of TILE_PARTS) expect(t.parts[p].cells, `${t.module} ${p}`).toBeGreaterThan(0);
      // Config registers are flip-flops only; the SB/CB muxes are combinational.
      expect(t.parts.routingConfig.ffs).toBe(t.parts.routingConfig.cells);
      expect(t.parts.coreConfig.ffs).toBe(t.parts.coreConfig.cells);
      expect(t.parts.muxes.ffs).toBe(0);
      expect(t.interconnectShare.transistors).toBeCloseTo(t.interconnect.transistors! / t.area.transistors!, 3);
      expect(t.interconnectShare.transistors).toBeGreaterThan(0.3);
      expect(t.interconnectShare.transistors).toBeLessThan(0.95);
    }
    // Register bits: one flip-flop per config field bit.
    const pe = presetIR('tiny').kinds.pe;
    const bits = (names: readonly string[]) => pe.fields.filter((f) => names.includes(f.name)).reduce((s, f) => s + f.width, 0);
    // The core's fields and its start group.
    expect(configSplitOf(pe).coreFields).toEqual([...pe.core.fields.map((f) => f.name), 'group']);
    expect(tiny.tiles.pe.parts.coreConfig.ffs).toBe(bits(configSplitOf(pe).coreFields));
    expect(tiny.tiles.pe.parts.routingConfig.ffs).toBe(bits(pe.muxes.flatMap((m) => [m.selField, ...(m.bypassField ? [m.bypassField] : [])])));
  });

  it('more tracks cost more interconnect and the same core', async () => {
    const two = await synthArray(presetIR('tiny', { tracks: 2 }), { cacheDir });
    // A changed spec misses the cache where the RTL changed: the tiles and the top; cores and FIFOs are the same modules.
    expect(two.run.units).toMatchObject({
      basalt_pe_tile: { cached: false }, basalt_mem_tile: { cached: false }, basalt_top: { cached: false },
      basalt_pe_core: { cached: true }, basalt_mem_core: { cached: true }, basalt_fifo: { cached: true },
    });
    for (const kind of ['pe', 'mem']) {
      const [t2, t5] = [two.tiles[kind], tiny.tiles[kind]];
      expect(t2.core, kind).toEqual(t5.core);
      for (const m of ['cells', 'ffs', 'transistors'] as const) expect(t5.interconnect[m]!, `${kind} ${m}`).toBeGreaterThan(t2.interconnect[m]! * 1.5);
      expect(t5.interconnectShare.transistors).toBeGreaterThan(t2.interconnectShare.transistors!);
      expect(t5.parts.fifos.cells).toBe((t2.parts.fifos.cells! / (4 * 2)) * (4 * 5)); // one FIFO per SB output
    }
  });
});

describe('synthesis cache', () => {
  it('a second call returns the same report from the cache, quickly', async () => {
    const t0 = performance.now();
    const again = await synthArray(presetIR('tiny'), { cacheDir });
    const ms = performance.now() - t0;
    expect(Object.values(again.run.units).every((u) => u.cached)).toBe(true);
    expect(withoutRun(again)).toEqual(withoutRun(tiny));
    expect(JSON.stringify(withoutRun(again))).toBe(JSON.stringify(withoutRun(tiny))); // byte-identical, key order too
    expect(ms).toBeLessThan(5000); // no Yosys run (a cold run takes many seconds)
  });

  it('arrays with the same tiles share the tile results: only the top is synthesized', async () => {
    const short = await synthArray(presetIR('tiny', { height: 3 }), { cacheDir });
    expect(short.archId).not.toBe(tiny.archId);
    expect(Object.entries(short.run.units).filter(([, u]) => !u.cached).map(([m]) => m)).toEqual(['basalt_top']);
    expect(short.tiles.pe.area).toEqual(tiny.tiles.pe.area);
    expect(short.tiles.pe.count).toBe(6);
    expect(short.glue.area.cells).toBeLessThan(tiny.glue.area.cells!);
  });

  it('writes only complete entries, and treats an unreadable one as a miss', async () => {
    const files = readdirSync(cacheDir);
    expect(files.every((f) => f.endsWith('.json'))).toBe(true);
    const top = files.find((f) => f.startsWith('basalt_top-generic-'))!;
    for (const f of files.filter((x) => x.startsWith('basalt_top-generic-'))) writeFileSync(join(cacheDir, f), '{ truncated');
    const again = await synthArray(presetIR('tiny'), { cacheDir });
    expect(again.run.units.basalt_top.cached).toBe(false);
    expect(again.run.units.basalt_pe_tile.cached).toBe(true);
    expect(withoutRun(again)).toEqual(withoutRun(tiny));
    expect(readdirSync(cacheDir)).toContain(top);
  });
});

describe('basalt synth (CLI)', () => {
  const basalt = (args: string[]) => execa('node', ['bin/basalt.js', ...args], { reject: false, env: { BASALT_SYNTH_CACHE: cacheDir } });

  it('--json prints one JSON object and nothing else', async () => {
    const r = await basalt(['synth', '--preset', 'tiny', '--json']);
    expect(r.exitCode).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout) as ArrayReport;
    expect(withoutRun(j)).toEqual(withoutRun(tiny));
  });

  it('prints the tables without --json', async () => {
    const r = await basalt(['synth', '--preset', 'tiny']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('basalt_pe_tile');
    expect(r.stdout).toContain(tiny.array.area.transistors!.toLocaleString('en-US'));
    expect(r.stdout).toMatch(/interconnect/);
  });

  it('a bad --target exits 1 with one line naming the option, and no output', async () => {
    const r = await basalt(['synth', '--preset', 'tiny', '--target', 'vhdl', '--json']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain("--target 'vhdl': expected one of generic, ice40, xilinx, ecp5");
  });
});

// zeroArea is part of the API the sums above rely on: a zero is neutral.
it('zeroArea is neutral for addArea', () => {
  expect(addArea('generic', zeroArea('generic'), tiny.tiles.pe.area)).toEqual(tiny.tiles.pe.area);
});
