/**
 * nextpnr-ice40 in process: a small design (one interconnect FIFO in the
 * place-and-route shell) placed and routed on the iCE40 HX8K, its report read
 * back; the shell's port bookkeeping. The P&R of whole tiles takes minutes:
 * it is in bench/fpga.ts, not here.
 */
import { describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { renderVerilog } from '../generator/emit.ts';
import { FPGA_DEVICES } from '../generator/fpga-devices.ts';
import { modulePorts, placeAndRoute, shellModule, tileShell } from '../synth/pnr.ts';
import { lintVerilog } from '../sim/lint.ts';

const ir = presetIR('spmv');
const files = renderVerilog(ir);

describe('the place-and-route shell', () => {
  it('feeds every tile input and registers every tile output', async () => {
    const ports = modulePorts(files.get('basalt_pe_tile.v')!, 'basalt_pe_tile');
    const tracks = 4 * ir.spec.tracks;
    expect(ports.filter((p) => /^in_[NESW]\d+_data$/.test(p.name))).toHaveLength(tracks);
    expect(ports.find((p) => p.name === 'in_N0_data')).toEqual({ dir: 'input', name: 'in_N0_data', width: ir.wordWidth });
    const shell = tileShell(files, 'basalt_pe_tile', ir);
    const outBits = ports.filter((p) => p.dir === 'output').reduce((s, p) => s + p.width, 0);
    expect(shell).toContain(`wire [${outBits - 1}:0] o;`);
    for (const p of ports.filter((x) => x.name !== 'clk' && x.name !== 'rst_n')) expect(shell).toMatch(new RegExp(`\\.${p.name}\\(`));
    const withShell = new Map(files);
    withShell.set(`${shellModule('basalt_pe_tile')}.v`, shell);
    const lint = await lintVerilog(withShell, shellModule('basalt_pe_tile'));
    expect(lint.warnings).toEqual([]);
  });
});

describe('nextpnr-ice40', () => {
  it('places and routes a FIFO shell on the HX8K: positive fmax, logic cells, a critical path', async () => {
    const f = new Map(files);
    f.set(`${shellModule('basalt_fifo')}.v`, tileShell(files, 'basalt_fifo', ir));
    const r = await placeAndRoute(f, shellModule('basalt_fifo'), FPGA_DEVICES['ice40-hx8k'], { keepHierarchy: true });
    expect(r.fmaxMHz).toBeGreaterThan(20);
    expect(r.utilisation.ICESTORM_LC.used).toBeGreaterThan(20);
    expect(r.utilisation.ICESTORM_LC.available).toBe(7680);
    expect(r.utilisation.SB_IO.used).toBe(4);
    expect(r.criticalPath!.delayNs).toBeCloseTo(1000 / r.fmaxMHz, 0);
    expect(r.criticalPath!.routingNs + r.criticalPath!.logicNs).toBeCloseTo(r.criticalPath!.delayNs, 2);
    expect(JSON.parse(r.report).fmax).toBeDefined();
    expect(r.log).toMatch(/Max frequency for clock/);
  });
});
