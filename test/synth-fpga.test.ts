/** The array report for an FPGA target (iCE40, real Yosys runs): LUTs, flip-flops, and the MEM SRAM in block RAM. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presetIR } from './helpers/arch.ts';
import { TILE_PARTS, synthArray, type ArrayReport } from '../synth/array.ts';
import { addArea, sumAreas } from '../synth/area.ts';

const cacheDir = mkdtempSync(join(tmpdir(), 'basalt-synth-ice40-'));
let r: ArrayReport;
beforeAll(async () => {
  r = await synthArray(presetIR('tiny'), { target: 'ice40', cacheDir });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe('array report (tiny, ice40)', () => {
  it('counts LUTs and flip-flops in every tile kind and part', () => {
    for (const t of Object.values(r.tiles)) {
      expect(t.area.luts, t.module).toBeGreaterThan(1000);
      expect(t.area.ffs, t.module).toBeGreaterThan(100);
      expect(t.area.cellsByType.SB_LUT4).toBe(t.area.luts);
      expect(Object.keys(t.area.cellsByType).every((c) => c.startsWith('SB_')), Object.keys(t.area.cellsByType).join(' ')).toBe(true);
      expect(sumAreas('ice40', TILE_PARTS.map((p) => t.parts[p]))).toEqual(t.area);
      expect(addArea('ice40', t.interconnect, t.core)).toEqual(t.area);
      expect(t.parts.muxes.luts).toBeGreaterThan(0);
      expect(t.parts.fifos.ffs).toBeGreaterThan(0);
    }
    expect(r.tiles.pe.area.blockRams).toBe(0);
  });

  it('maps each MEM SRAM to block RAM, not to flip-flops', () => {
    const { spec } = presetIR('tiny');
    const mem = r.tiles.mem;
    expect(mem.memories).toEqual([expect.objectContaining({ module: 'basalt_sram', size: spec.memDepth, width: spec.dataWidth, mappedTo: 'blockRam' })]);
    // SB_RAM40_4K holds 4 kbit and has one read port: the SRAM's two read ports take two.
    expect(mem.area.blockRams).toBe(2);
    expect(mem.area.cellsByType.SB_RAM40_4K).toBe(2);
    // SRAM in flip-flops would take memDepth x dataWidth of them; the core has its registers (and the accumulator's mark bits) only.
    expect(mem.core.ffs).toBeLessThan(spec.memDepth * spec.dataWidth / 2);
    expect(r.array.area.blockRams).toBe(mem.count * 2);
    expect(mem.area.sramBits).toBe(spec.memDepth * spec.dataWidth);
  });

  it('array = top glue + sum of count x tile kind', () => {
    const expected = Object.values(r.tiles).reduce((acc, t) => addArea('ice40', acc, t.area, t.count), r.glue.area);
    expect(r.array.area).toEqual(expected);
    expect(r.array.area.luts).toBeGreaterThan(r.tiles.pe.count * r.tiles.pe.area.luts!);
  });
});
