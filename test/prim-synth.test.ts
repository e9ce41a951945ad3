/**
 * Yosys (generic flow, check -assert, latch assertion in synth/yosys.ts): every
 * primitive module on its own, and the PE and MEM tiles holding all of them,
 * synthesize without latches; the MEM tile's SRAM stays one dual-port memory.
 */
import { describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { renderVerilog } from '../generator/emit.ts';
import { coreModules, primModules } from '../generator/core-context.ts';
import { TILE_KINDS } from '../generator/cores.ts';
import { bitsFor } from '../base/bits.ts';
import { flatCells, synthesize } from '../synth/yosys.ts';

const ir = presetIR('tiny');
const files = renderVerilog(ir);
const noLatches = (r: Awaited<ReturnType<typeof synthesize>>) =>
  Object.values(r.modules).flatMap((m) => Object.keys(m.cellsByType)).filter((t) => /latch/i.test(t));

/** Flip-flop bits of a synthesized module (generic flow: one $_*DFF*_ cell per bit). */
const flops = (r: Awaited<ReturnType<typeof synthesize>>, m: string) =>
  Object.entries(r.modules[m].cellsByType).filter(([t]) => /DFF/.test(t)).reduce((a, [, n]) => a + n, 0);

describe('Yosys: primitives', () => {
  const modules = new Map(TILE_KINDS.flatMap((k) => coreModules(k)).map((m) => [m.module, m]));
  it.each(primModules(ir).map((m) => m.module))('%s synthesizes without latches, keeping its registers', async (top) => {
    const r = await synthesize(files, top);
    expect(noLatches(r)).toEqual([]);
    expect(flatCells(r, top)).toBeGreaterThan(flops(r, top));
    const m = modules.get(top);
    if (!m) return expect(flops(r, top)).toBeGreaterThanOrEqual(2 * ir.wordWidth); // an input buffer: at least two entries
    // Every stream output is a registered word, a writer keeps its write address, and done is a register.
    const rtl = m.prims[0].rtl!;
    const outputs = Math.max(...m.prims.map((d) => d.outputs.length));
    // (A writer that gets its addresses from a position stream keeps no write address.)
    const counter = rtl.sramA === 'write' && !m.prims[0].inputs.some((p) => p.name === 'in_pos') ? bitsFor(ir.spec.memDepth) : 0;
    expect(flops(r, top)).toBeGreaterThanOrEqual(outputs * ir.wordWidth + counter + 1);
  });
});

describe('Yosys: tiles with all primitives', () => {
  it.each(['pe', 'mem'] as const)('%s tile synthesizes without latches', async (kind) => {
    const top = `basalt_${kind}_tile`;
    const r = await synthesize(files, top);
    expect(noLatches(r)).toEqual([]);
    for (const m of coreModules(kind)) expect(r.modules[m.module], m.module).toBeDefined();
    if (kind === 'mem') {
      // One memory cell with its two ports (Yosys memory inference), not flip-flops.
      expect(r.modules.basalt_sram.cellsByType).toEqual({ $mem_v2: 1 });
    }
    expect(flatCells(r, top)).toBeGreaterThan(flatCells(r, `basalt_${kind}_core`));
  });
});
