/** How the design is cut into synthesis units (no Yosys run): each module in exactly one unit, the cores on their own. */
import { describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { renderVerilog } from '../generator/emit.ts';
import { moduleTree, submodules, synthesisUnits } from '../synth/verilog-deps.ts';
import { configSplitOf } from '../synth/array.ts';

const files = renderVerilog(presetIR('tiny'));
const roots = new Set(['basalt_pe_tile', 'basalt_mem_tile', 'basalt_pe_core', 'basalt_mem_core']);

describe('synthesis units', () => {
  const units = synthesisUnits(files, 'basalt_top', roots);

  it('puts every module of the design in exactly one unit', () => {
    const all = [...units.values()].flat();
    expect(all.sort()).toEqual(moduleTree(files, 'basalt_top'));
    expect(new Set(all).size).toBe(all.length);
    expect(moduleTree(files, 'basalt_top')).toEqual([...files.keys()].filter((f) => f.endsWith('.v')).map((f) => f.replace(/\.v$/, '')).sort());
  });

  it('gives the top, each tile, each core and each shared module a unit of its own', () => {
    for (const r of ['basalt_top', ...roots]) expect(units.get(r)?.[0]).toBe(r);
    expect(units.get('basalt_top')).toEqual(['basalt_top']);
    expect(units.get('basalt_pe_tile')).toEqual(['basalt_pe_tile']);
    // The FIFO is in both tiles and the top; the input buffer in both cores.
    expect(units.get('basalt_fifo')).toEqual(['basalt_fifo']);
    expect(units.get('basalt_ibuf')).toEqual(['basalt_ibuf']);
    expect(units.get('basalt_mem_core')).toContain('basalt_sram');
    expect(units.get('basalt_pe_core')).toContain('basalt_prim_alu');
  });

  it('a unit only instantiates its own modules or other units\' roots', () => {
    const rootOf = new Map([...units].flatMap(([r, ms]) => ms.map((m) => [m, r] as const)));
    for (const [root, members] of units) {
      for (const m of members) for (const sub of submodules(files, m)) if (!members.includes(sub)) expect(rootOf.get(sub), `${root}: ${m} -> ${sub}`).toBe(sub);
    }
  });

  it('splits every config field of a tile kind into routing or core fields', () => {
    for (const kind of Object.values(presetIR('tiny').kinds)) {
      const split = configSplitOf(kind);
      expect([...split.routingFields, ...split.coreFields].sort()).toEqual(kind.fields.map((f) => f.name).sort());
      expect(split.routingFields.every((f) => /^(sb|cb)_/.test(f))).toBe(true);
    }
  });
});
