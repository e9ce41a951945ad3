/**
 * The mode/port contract of the cores (generator/cores.ts), the mismatch
 * report of the core harness, and the `basalt prim` command.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { presetIR } from './helpers/arch.ts';
import { readdirSync } from 'node:fs';
import { primMode } from '../generator/cores.ts';
import { configMapJson } from '../generator/outputs.ts';
import { primDef, PRIM_PORTS, runPrimitive } from './helpers/sam.ts';
import { encodeToken } from '../sam/tokens.ts';
import {
  buildCoreHarness, firstMismatch, randomHarnessCases, runPrimCases, summarize, HARNESS_PRIMS, type CaseResult,
} from '../sim/prim-harness.ts';

const ir = presetIR('tiny');
const basalt = (...args: string[]) => execa('node', ['bin/basalt.js', ...args], { reject: false });

describe('modes and the stream -> core port map', () => {
  it('mode numbers are a contract: appended only', () => {
    expect([...ir.kinds.pe.core.modes]).toEqual(['off', 'pass', 'alu', 'intersect', 'union', 'reduce', 'repeat', 'repeat-sig', 'crd-drop', 'crd-hold', 'mac', 'row-filter']);
    expect([...ir.kinds.mem.core.modes]).toEqual(['off', 'pass', 'level-scanner', 'level-writer', 'value-array', 'value-writer', 'spacc', 'level-scatter', 'value-scatter', 'spacc2', 'affine-read', 'affine-write', 'line-buffer']);
  });

  it('every RTL primitive has its template, every template a primitive', () => {
    const templates = readdirSync('templates/prims').filter((f) => f.startsWith('basalt_prim_')).map((f) => f.replace(/\.v\.hbs$/, '')).sort();
    expect([...new Set(HARNESS_PRIMS.map((p) => primDef(p).rtl!.module))].sort()).toEqual(templates);
  });

  it('tile-kind port counts are the most any mode of the kind uses', () => {
    for (const kind of ['pe', 'mem'] as const) {
      const prims = HARNESS_PRIMS.filter((p) => primDef(p).tile === kind);
      expect(ir.kinds[kind].core.inputs).toHaveLength(Math.max(...prims.map((p) => PRIM_PORTS[p].inputs.length)));
      expect(ir.kinds[kind].core.outputs).toHaveLength(Math.max(...prims.map((p) => PRIM_PORTS[p].outputs.length)));
    }
    expect(ir.kinds.pe.core.inputs).toEqual(['in0', 'in1', 'in2', 'in3']); // the joiners' two crd/ref pairs
    expect(ir.kinds.mem.core.outputs).toEqual(['out0', 'out1', 'out2']); // the two-level accumulator's i, j and values
  });

  it.each(HARNESS_PRIMS)('%s: every stream of the primitive has a core port of its tile kind', (prim) => {
    const { kind, mode, code } = primMode(prim);
    const core = ir.kinds[kind].core;
    expect(core.modes[code]).toBe(mode);
    const mp = core.modePorts[mode];
    const ports = PRIM_PORTS[prim];
    expect(Object.keys(mp.inputs).sort()).toEqual([...ports.inputs].sort());
    // The writers' arrays are SRAM, not streams: they have no port.
    expect(Object.keys(mp.outputs).sort()).toEqual([...ports.outputs].sort());
    for (const p of Object.values(mp.inputs)) expect(core.inputs).toContain(p);
    for (const p of Object.values(mp.outputs)) expect(core.outputs).toContain(p);
    expect(new Set(Object.values(mp.inputs)).size).toBe(Object.keys(mp.inputs).length);
    expect(new Set(Object.values(mp.outputs)).size).toBe(Object.keys(mp.outputs).length);
  });

  it('config fields and the port map reach config-map.json', () => {
    const map = configMapJson(ir) as { kinds: Record<string, { modes: string[]; modePorts: Record<string, unknown>; registers: { fields: { name: string; width: number }[] }[] }> };
    expect(map.kinds.pe.modePorts.alu).toEqual({ inputs: { val_a: 'in0', val_b: 'in1', val_c: 'in2' }, outputs: { out_val: 'out0' } });
    expect(map.kinds.mem.modePorts['level-scanner']).toEqual({ inputs: { in_ref: 'in0' }, outputs: { out_crd: 'out0', out_ref: 'out1' } });
    const fields = (k: string) => Object.fromEntries(map.kinds[k].registers.flatMap((r) => r.fields).map((f) => [f.name, f.width]));
    expect(fields('pe')).toMatchObject({ mode: 4, op: 5, const: 16, const_en: 1 });
    expect(fields('mem')).toMatchObject({ mode: 4, root: 1, dense: 1, drop_empty: 1, seg_base: 8, crd_base: 8, dim: 16, val_base: 8, seg_fill: 16, jbits: 4 });
    // Fields shared by several modes appear once.
    for (const k of ['pe', 'mem']) expect(new Set(map.kinds[k].registers.flatMap((r) => r.fields).map((f) => f.name)).size).toBe(map.kinds[k].registers.flatMap((r) => r.fields).length);
  });
});

describe('mismatch report', () => {
  it('names the seed, the case and the first differing token', async () => {
    const cases = randomHarnessCases(ir, 'union', 12, 5);
    const model = await buildCoreHarness(ir, 'pe');
    const results = await runPrimCases(ir, model, cases, { stall: 0.2, seed: 5 });
    expect(summarize(ir, cases, results, { seed: 5, stall: 0.2 }).mismatches).toBe(0);
    // The union RTL's outputs against the intersect golden model: the checker does compare.
    const k = cases.findIndex((c) => runPrimitive('union', {}, c.inputs).out_crd.length !== runPrimitive('intersect', {}, c.inputs).out_crd.length);
    expect(k).toBeGreaterThanOrEqual(0);
    const asIntersect: CaseResult[] = results.map((r) => ({
      ...r,
      expected: Object.fromEntries(Object.entries(runPrimitive('intersect', {}, cases[r.index].inputs)).map(([s, t]) => [s, t.map((x) => encodeToken(x, 16))])),
    }));
    const s = summarize(ir, cases, asIntersect, { seed: 5, stall: 0.2 });
    expect(s.mismatches).toBeGreaterThan(0);
    expect(s.report).toMatch(/^union mismatch: seed 5 case \d+ \(case seed \d+\), stall 0.2: out_\w+ token \d+: expected \S+, got \S+\ncase: \{"primitive":"union"/);
    expect(firstMismatch(asIntersect[k], 16)).toBeDefined();
  });
});

describe('basalt prim', () => {
  it('--json prints exactly one JSON object', async () => {
    const r = await basalt('prim', 'reduce', '--preset', 'tiny', '--cases', '40', '--seed', '11', '--stall', '0.25', '--json');
    expect(r.exitCode).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const j = JSON.parse(lines[0]);
    expect(Object.keys(j)).toEqual(['primitive', 'cases', 'mismatches', 'tokens', 'cycles']);
    expect(j).toMatchObject({ primitive: 'reduce', cases: 40, mismatches: 0 });
    expect(j.cycles).toBeGreaterThan(j.tokens);
    // Same seed, same run.
    const again = await basalt('prim', 'reduce', '--cases', '40', '--seed', '11', '--stall', '0.25', '--json');
    expect(JSON.parse(again.stdout)).toEqual(j);
  });

  it('runs a MEM primitive and prints a summary line', async () => {
    const r = await basalt('prim', 'level-scanner', '--cases', '30', '--seed', '2');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(/^level-scanner on 4x4-\w+: 30 cases, 0 mismatches, \d+ tokens, \d+ cycles/);
  });

  it.each([
    [['prim', 'transpose', '--cases', '5', '--seed', '1'], /unknown primitive 'transpose' \(known: alu, .*value-writer, spacc, level-scatter, value-scatter, spacc2, affine-read, affine-write, mac, line-buffer, row-filter\)/],
    [['prim', 'alu', '--cases', '0', '--seed', '1'], /--cases '0': expected an integer/],
    [['prim', 'alu', '--cases', '2.5', '--seed', '1'], /--cases '2.5'/],
    [['prim', 'alu', '--cases', '5', '--seed', 'abc'], /--seed 'abc'/],
    [['prim', 'alu', '--cases', '5', '--seed', '1', '--stall', '1'], /--stall '1': expected a probability/],
    [['prim', 'alu', '--cases', '5', '--seed', '1', '--stall', '-0.1'], /--stall '-0.1'/],
    [['prim', 'alu', '--cases', '5', '--seed', '1', '--preset', 'huge'], /unknown preset/],
  ])('refuses %j with one line, exit 1', async (args, msg) => {
    const r = await basalt(...args);
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(msg);
  });

  it('lists exactly the primitives with RTL in its refusal', async () => {
    const r = await basalt('prim', 'locate', '--cases', '5', '--seed', '1');
    expect(r.exitCode).toBe(1);
    const known = /\(known: ([^)]*)\)/.exec(r.stderr)![1].split(', ').sort();
    expect(known).toEqual([
      'affine-read', 'affine-write', 'alu', 'crd-drop', 'crd-hold', 'intersect', 'level-scanner', 'level-scatter', 'level-writer', 'line-buffer', 'mac', 'reduce', 'repeat', 'repeat-sig', 'row-filter', 'spacc', 'spacc2', 'union', 'value-array', 'value-scatter', 'value-writer',
    ]);
  });
});
