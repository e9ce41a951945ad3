/** The device table, the fit arithmetic and the largest-array search (no synthesis: synthetic figures). */
import { describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { FIT_RESOURCES, FPGA_DEVICES, FPGA_DEVICE_NAMES, type Resources } from '../generator/fpga-devices.ts';
import { wrapperPins } from '../generator/fpga-wrapper.ts';
import { wrapperMap } from '../generator/fpga-regs.ts';
import { PRESETS, validateSpec } from '../generator/spec.ts';
import { arrayShape, deviceResources, largestFit, mixResources, overOf, predictGlue, utilisationOf, type GlueModel } from '../synth/fpga-fit.ts';

describe('device table', () => {
  it('holds the six devices with datasheet capacities', () => {
    expect([...FPGA_DEVICE_NAMES]).toEqual(['ice40-up5k', 'ice40-hx8k', 'lfe5u-85f', 'xc7a100t', 'xc7z020', 'xczu9eg']);
    expect(FPGA_DEVICES['ice40-up5k'].capacity).toEqual({ luts: 5280, ffs: 5280, blockRams: 30, dsps: 8 });
    expect(FPGA_DEVICES['ice40-hx8k'].capacity).toEqual({ luts: 7680, ffs: 7680, blockRams: 32, dsps: 0 });
    expect(FPGA_DEVICES['lfe5u-85f'].capacity.luts).toBe(83640);
    expect(FPGA_DEVICES.xc7a100t.capacity).toEqual({ luts: 63400, ffs: 126800, blockRams: 135, dsps: 240 });
    expect(FPGA_DEVICES.xc7z020.capacity).toEqual({ luts: 53200, ffs: 106400, blockRams: 140, dsps: 220 });
    expect(FPGA_DEVICES.xczu9eg.capacity).toEqual({ luts: 274080, ffs: 548160, blockRams: 912, dsps: 2520 });
    for (const d of Object.values(FPGA_DEVICES)) {
      expect(d.synthTarget).toBe(d.vendor === 'Lattice' ? (d.name.startsWith('ice40') ? 'ice40' : 'ecp5') : 'xilinx');
      expect(Boolean(d.nextpnr)).toBe(d.synthTarget === 'ice40');
      expect(d.datasheet.length).toBeGreaterThan(10);
    }
  });
});

describe('fit arithmetic', () => {
  it('counts block RAMs in the device unit and LUT RAMs with the logic', () => {
    const area = { luts: 100, ffs: 50, dsps: 2, cellsByType: { RAMB36E1: 3, RAMB18E1: 3, RAM32M: 2, SRLC32E: 5 } };
    expect(deviceResources(area, 'xilinx')).toEqual({ luts: 100 + 8 + 5, ffs: 50, blockRams: 4.5, dsps: 2 });
    expect(deviceResources({ luts: 1, ffs: 1, cellsByType: { SB_RAM40_4K: 4 } }, 'ice40').blockRams).toBe(4);
    expect(deviceResources({ cellsByType: { DP16KD: 2, PDPW16KD: 1 } }, 'ecp5').blockRams).toBe(3);
  });

  it('utilisation and over', () => {
    const cap: Resources = { luts: 100, ffs: 100, blockRams: 4, dsps: 0 };
    const r: Resources = { luts: 150, ffs: 50, blockRams: 4, dsps: 0 };
    expect(utilisationOf(r, cap)).toEqual({ luts: 1.5, ffs: 0.5, blockRams: 1, dsps: 0 });
    expect(overOf(r, cap)).toEqual(['luts']);
    expect(utilisationOf({ ...r, dsps: 1 }, cap).dsps).toBe(Infinity);
  });

  it('the wrapper needs 115 pins (12-bit AXI4-Lite addresses)', () => {
    expect(wrapperPins(wrapperMap(presetIR('tiny')))).toBe(115);
  });
});

describe('array shape and the largest array', () => {
  it.each([['default', 4, 1], ['default', 8, 8], ['default', 9, 3], ['spmv', 2, 1], ['spmv', 5, 2]] as const)('%s mix at %dx%d: tiles, MEM tiles and border tracks as the IR has them', (preset, w, h) => {
    const ir = presetIR(preset, { width: w, height: h });
    const s = arrayShape(ir.spec, w, h);
    expect(s.tiles).toBe(ir.tiles.length);
    expect(s.mem).toBe(ir.tiles.filter((t) => t.kind === 'mem').length);
    expect(s.pe).toBe(ir.tiles.filter((t) => t.kind === 'pe').length);
    expect(s.io).toBe(ir.graph.io.length);
  });

  const spec = validateSpec(PRESETS.default);
  const model: GlueModel = {
    coefficients: { luts: [400, 30, 10], ffs: [600, 0, 4], blockRams: [0, 0, 0], dsps: [0, 0, 0] },
    points: [],
  };
  const tiles = { pe: { luts: 3000, ffs: 900, blockRams: 0, dsps: 0 }, mem: { luts: 4000, ffs: 1200, blockRams: 16, dsps: 0 } };

  it('the glue model is affine in tiles and border tracks', () => {
    const g = predictGlue(model, spec, 8, 8);
    expect(g.luts).toBe(400 + 30 * 64 + 10 * 2 * 16 * 5);
    expect(g.ffs).toBe(600 + 4 * 2 * 16 * 5);
  });

  it('finds the most tiles that fit, the squarer array on a tie, and what limits it', () => {
    const cap: Resources = { luts: 200_000, ffs: 400_000, blockRams: 1000, dsps: 100 };
    const best = largestFit(spec, model, tiles, cap)!;
    // Brute force over every size.
    let most = 0;
    for (let w = spec.memRatio; w <= 64; w++) for (let h = 1; h <= 64; h++) if (overOf(mixResources(spec, model, tiles, w, h), cap).length === 0) most = Math.max(most, w * h);
    expect(best.tiles).toBe(most);
    expect(best.width * best.height).toBe(most);
    for (let w = spec.memRatio; w <= 64; w++) {
      for (let h = 1; h <= 64; h++) {
        if (w * h === most && overOf(mixResources(spec, model, tiles, w, h), cap).length === 0) expect(Math.abs(best.width - best.height)).toBeLessThanOrEqual(Math.abs(w - h));
      }
    }
    expect(overOf(best.resources, cap)).toEqual([]);
    expect(best.limitedBy).toEqual(['luts']);
    for (const k of FIT_RESOURCES) expect(best.utilisation[k]).toBeLessThanOrEqual(1);
  });

  it('block RAM can be the limit, and nothing fits a device smaller than one row', () => {
    const bram = largestFit(spec, model, tiles, { luts: 1e9, ffs: 1e9, blockRams: 64, dsps: 0 })!;
    expect(bram.mem * 16).toBeLessThanOrEqual(64);
    expect(bram.limitedBy).toContain('blockRams');
    expect(largestFit(spec, model, tiles, { luts: 7680, ffs: 7680, blockRams: 32, dsps: 0 })).toBeNull();
  });
});
