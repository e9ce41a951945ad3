/** Generated RTL through real tools: Verilator lint and Yosys synthesis. */
import { describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { renderVerilog } from '../generator/emit.ts';
import { lintVerilog } from '../sim/lint.ts';
import { flatCells, synthesize } from '../synth/yosys.ts';

describe('Verilator lint -Wall', () => {
  it.each(['tiny', 'default'])('%s array: zero warnings', async (preset) => {
    const res = await lintVerilog(renderVerilog(presetIR(preset)), 'basalt_top');
    expect(res.warnings).toEqual([]);
    expect(res.ok).toBe(true);
  });

  it('other topologies and widths lint clean too', async () => {
    for (const o of [{ sbTopology: 'disjoint' as const, tracks: 3 }, { sbTopology: 'imran' as const, dataWidth: 32 as const, memWidth: 32, fifoDepth: 3 }]) {
      const res = await lintVerilog(renderVerilog(presetIR('tiny', o)), 'basalt_top');
      expect(res.warnings).toEqual([]);
    }
  });

  it('every lint_off carries a reason on the same line', () => {
    for (const [name, text] of renderVerilog(presetIR('default'))) {
      for (const line of text.split('\n')) if (line.includes('lint_off')) expect(line, name).toMatch(/lint_off \w+ \*\/\s*\/\/ \S+/);
    }
  });

  it('the lint catches a real problem (the check can fail)', async () => {
    const files = new Map(renderVerilog(presetIR('tiny')));
    files.set('basalt_fifo.v', files.get('basalt_fifo.v')!.replace('wire push =', 'wire [3:0] stray_w = 4\'d0;\n  wire push ='));
    const res = await lintVerilog(files, 'basalt_top');
    expect(res.ok).toBe(false);
    expect(res.warnings.join('\n')).toMatch(/UNUSED/);
  });
});

describe('Yosys synthesis', () => {
  const files = renderVerilog(presetIR('tiny'));
  const tiny = presetIR('tiny');
  /** What each module must instantiate: the tile its switch-box FIFOs and core, the top every tile and the border FIFOs. */
  const structure: Record<string, Record<string, number>> = {
    basalt_pe_tile: { basalt_fifo: 4 * tiny.spec.tracks, basalt_pe_core: 1 },
    basalt_mem_tile: { basalt_fifo: 4 * tiny.spec.tracks, basalt_mem_core: 1 },
    basalt_top: {
      basalt_pe_tile: tiny.tiles.filter((t) => t.kind === 'pe').length, basalt_mem_tile: tiny.tiles.filter((t) => t.kind === 'mem').length,
      basalt_fifo: 2 * tiny.graph.io.length,
    },
  };
  it.each(Object.keys(structure))('%s synthesizes with check -assert and no latches', async (top) => {
    const r = await synthesize(files, top);
    const instances = Object.fromEntries(Object.entries(r.modules[top].cellsByType).filter(([t]) => t.replace(/^\\/, '') in r.modules).map(([t, n]) => [t.replace(/^\\/, ''), n]));
    expect(instances).toEqual(structure[top]);
    const types = Object.values(r.modules).flatMap((m) => Object.keys(m.cellsByType));
    expect(types.filter((t) => /latch/i.test(t))).toEqual([]);
  });

  it('maps the MEM tile SRAM to block RAM on ice40 (FPGA prototyping)', async () => {
    const r = await synthesize(files, 'basalt_mem_tile', 'ice40');
    const types = Object.values(r.modules).flatMap((m) => Object.keys(m.cellsByType));
    expect(types).toContain('SB_RAM40_4K');
    expect(types.filter((t) => /latch/i.test(t))).toEqual([]);
  });

  it('refuses a design with a latch', async () => {
    const bad = new Map(files);
    bad.set('basalt_sram.v', bad.get('basalt_sram.v')!.replace('endmodule', '  reg l_q;\n  always @(*) if (we) l_q = re;\nendmodule'));
    await expect(synthesize(bad, 'basalt_sram')).rejects.toThrow(/Assertion failed: selection is not empty: t:\$dlatch/);
  });
});
