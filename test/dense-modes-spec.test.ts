/**
 * The spec switch denseModes: an array generated without dense mode's tile
 * modes lacks their modules and modes, keeps every other mode's code, and
 * refuses a dense kernel or primitive with a message that says how to get them.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { fromDenseValues } from '../formats/tensor.ts';
import { buildIR } from '../generator/ir.ts';
import { renderVerilog } from '../generator/emit.ts';
import { applyOverrides, PRESETS, validateSpec } from '../generator/spec.ts';
import { prepareDense } from '../flow/dense-run.ts';
import { PRIMITIVES } from '../sam/prims/index.ts';

const dense = PRIMITIVES.filter((d) => d.dense).map((d) => d.name);

describe('denseModes', () => {
  it('without it the cores lack the dense modes and modules; the other modes keep their codes', () => {
    expect(dense).toEqual(['affine-read', 'affine-write', 'mac', 'line-buffer', 'row-filter']);
    const withDense = buildIR({ ...PRESETS.spmv, denseModes: true });
    const without = buildIR(PRESETS.spmv);
    for (const k of ['pe', 'mem'] as const) {
      const all = withDense.kinds[k].core.modes;
      const some = without.kinds[k].core.modes;
      expect(some.some((m) => dense.includes(m))).toBe(false);
      expect(all.slice(0, some.length)).toEqual(some);
      expect(all.length).toBeGreaterThan(some.length);
    }
    const files = [...renderVerilog(without).keys()];
    expect(files.filter((f) => /affine|line_buffer|row_filter|prim_mac/.test(f))).toEqual([]);
    expect([...renderVerilog(withDense).keys()].filter((f) => /line_buffer|row_filter/.test(f))).toHaveLength(2);
    expect(without.archId).not.toBe(withDense.archId);
  });

  it('refuses a dense kernel and a dense primitive on such an array, saying how to get them', async () => {
    const inputs = { A: fromDenseValues([4, 4], Array.from({ length: 16 }, (_, k) => k)), x: fromDenseValues([4], [1, 2, 3, 4]) };
    expect(() => prepareDense({ spec: PRESETS.spmv, expr: 'y(i)=A(i,j)*x(j)', inputs })).toThrow(/is a dense-mode primitive and this array is generated without dense modes \(denseModes: false\): use --set denseModes=true/);
    const r = await execa('node', ['bin/basalt.js', 'prim', 'row-filter', '--preset', 'spmv', '--cases', '3', '--seed', '1'], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/row-filter is a dense-mode primitive .* use --set denseModes=true/);
    expect(() => validateSpec({ ...PRESETS.default, denseModes: 1 })).toThrow(/field 'denseModes': denseModes must be true or false/);
    expect(validateSpec({ ...PRESETS.default, denseModes: undefined }).denseModes).toBe(true);
    expect(validateSpec(applyOverrides({ ...PRESETS.default }, ['denseModes=false'])).denseModes).toBe(false);
  }, 60_000);
});
