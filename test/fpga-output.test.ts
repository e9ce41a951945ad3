/**
 * The files of the FPGA prototype (tiny and default arrays): the wrapped RTL
 * lints clean, the wrapper glue passes Yosys `check -assert`, the FuseSoC
 * core parses with the expected targets, basalt_regs.h and the wrapper agree
 * on every offset and bit, and the core's sim target bench passes in Icarus.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { parse as parseYaml } from 'yaml';
import { presetIR } from './helpers/arch.ts';
import { FPGA_DEVICES, FPGA_DEVICE_NAMES } from '../generator/fpga-devices.ts';
import { CORE_FILE, REGS_HEADER, WRAPPER_MODULE, WRAPPER_TB_MODULE, renderFpgaFiles } from '../generator/fpga-wrapper.ts';
import { wrapperMap } from '../generator/fpga-regs.ts';
import { lintVerilog } from '../sim/lint.ts';
import { checkWrapperGlue } from '../synth/fpga-fit.ts';

const PRESETS = ['tiny', 'default'] as const;
const files = Object.fromEntries(PRESETS.map((p) => [p, renderFpgaFiles(presetIR(p), FPGA_DEVICES['ice40-hx8k'])]));
const rtl = (f: Map<string, string>) => new Map([...f].filter(([n]) => n.endsWith('.v') && n !== `${WRAPPER_TB_MODULE}.v`));

/** `localparam [..] R_NAME = N'dK;` word indices of the wrapper, as byte offsets; `localparam integer B_X = n;` bit positions. */
function wrapperOffsets(v: string) {
  const regs = Object.fromEntries([...v.matchAll(/localparam \[\d+:0\] R_(\w+) = \d+'d(\d+);/g)].map((m) => [m[1], 4 * Number(m[2])]));
  const bits = Object.fromEntries([...v.matchAll(/localparam integer B_(\w+) = (\d+);/g)].map((m) => [m[1], Number(m[2])]));
  return { regs, bits };
}
function headerOffsets(h: string) {
  const regs = Object.fromEntries([...h.matchAll(/^#define BASALT_(\w+)_OFFSET 0x([0-9a-f]+)u/gm)].map((m) => [m[1], parseInt(m[2], 16)]));
  const bits = Object.fromEntries([...h.matchAll(/^#define BASALT_(\w+)_LSB\s+(\d+)/gm)].map((m) => [m[1], Number(m[2])]));
  return { regs, bits };
}

describe.each(PRESETS)('basalt fpga output (%s)', (preset) => {
  const f = files[preset];

  it('the wrapped array lints clean (Verilator -Wall)', async () => {
    const res = await lintVerilog(rtl(f), WRAPPER_MODULE);
    expect(res.warnings).toEqual([]);
    expect(res.ok).toBe(true);
  });

  it('every lint_off of the wrapper carries a reason on the same line', () => {
    for (const line of f.get(`${WRAPPER_MODULE}.v`)!.split('\n')) if (line.includes('lint_off')) expect(line).toMatch(/lint_off \w+ \*\/\s*\/\/ \S+/);
  });

  it('the wrapper and array top pass Yosys check -assert (flat, tiles as black boxes, no latches)', async () => {
    await checkWrapperGlue(presetIR(preset));
  });

  it('basalt_regs.h and the wrapper have the same offsets and bits, those of the register map', () => {
    const w = wrapperOffsets(f.get(`${WRAPPER_MODULE}.v`)!);
    const h = headerOffsets(f.get(REGS_HEADER)!);
    const map = wrapperMap(presetIR(preset));
    expect(Object.keys(w.regs).length).toBe(map.registers.length);
    expect(h.regs).toEqual(w.regs);
    expect(h.bits).toEqual(w.bits);
    expect(w.regs).toEqual(Object.fromEntries(map.registers.map((r) => [r.name, r.offset])));
    expect(Object.keys(w.bits)).toEqual(expect.arrayContaining(['CTRL_START', 'CTRL_SOFT_RESET', 'STATUS_BUSY', 'STATUS_DONE', 'STATUS_ERR_DECODE', 'STATUS_ERR_BUSY', 'IRQ_ENABLE_DONE_EN']));
    // Offsets are distinct, word aligned, inside the decoded window.
    const offs = Object.values(w.regs);
    expect(new Set(offs).size).toBe(offs.length);
    for (const o of offs) expect(o % 4 === 0 && o < 2 ** map.addrWidth).toBe(true);
    expect(f.get(REGS_HEADER)).toContain(`#define BASALT_ARCH_ID            "${presetIR(preset).archId}"`);
  });

  it('the FuseSoC core parses as YAML with default, lint, sim and synth targets over files that exist', () => {
    const text = f.get(CORE_FILE)!;
    expect(text.startsWith('CAPI=2:\n')).toBe(true);
    const core = parseYaml(text) as Record<string, any>;
    expect(core.name).toMatch(/^basalt:cgra:array_\w+:\d+\.\d+\.\d+$/);
    expect(Object.keys(core.targets).sort()).toEqual(['default', 'lint', 'sim', 'synth']);
    expect(core.targets.default.toplevel).toBe(WRAPPER_MODULE);
    expect(core.targets.synth.toplevel).toBe(WRAPPER_MODULE);
    expect(core.targets.sim.toplevel).toBe(WRAPPER_TB_MODULE);
    expect(core.targets.sim.default_tool).toBe('icarus');
    expect(core.targets.lint.tools.verilator.mode).toBe('lint-only');
    expect(core.targets.synth.default_tool).toBe('icestorm');
    expect(core.targets.synth.tools.icestorm.nextpnr_options).toEqual(expect.arrayContaining(['--hx8k']));
    const listed = Object.values(core.filesets as Record<string, { files: (string | Record<string, unknown>)[] }>).flatMap((fs) => fs.files.map((x) => (typeof x === 'string' ? x : Object.keys(x)[0])));
    for (const name of listed) expect(f.has(name), name).toBe(true);
    // Every Verilog file the wrapper needs is in the rtl fileset.
    expect(core.filesets.rtl.files.sort()).toEqual([...rtl(f).keys()].sort());
  });

  it('renders byte-identical files twice', () => {
    const again = renderFpgaFiles(presetIR(preset), FPGA_DEVICES['ice40-hx8k']);
    expect([...again.keys()]).toEqual([...f.keys()]);
    for (const [n, t] of f) expect(again.get(n), n).toBe(t);
  });
});

describe('Yosys check of the wrapper', () => {
  it('fails on a planted double driver (the check can fail)', async () => {
    const ir = presetIR('tiny');
    const bad = new Map(renderFpgaFiles(ir, FPGA_DEVICES['ice40-hx8k']));
    bad.set(`${WRAPPER_MODULE}.v`, bad.get(`${WRAPPER_MODULE}.v`)!.replace('assign irq = irq_q;', 'assign irq = irq_q;\n  assign irq = busy_q;'));
    await expect(checkWrapperGlue(ir, bad)).rejects.toThrow(/multiple conflicting drivers|yosys failed/);
  });
});

describe('the FuseSoC synth target names each device', () => {
  it.each(FPGA_DEVICE_NAMES)('%s', (name) => {
    const d = FPGA_DEVICES[name];
    const core = parseYaml(renderFpgaFiles(presetIR('tiny'), d).get(CORE_FILE)!) as Record<string, any>;
    expect(core.targets.synth.default_tool).toBe(d.edalize.tool);
    expect(core.targets.synth.tools[d.edalize.tool]).toEqual(d.edalize.options);
  });
});

describe('the core sim target bench (Icarus)', () => {
  async function runBench(f: Map<string, string>): Promise<string> {
    const dir = mkdtempSync(join(tmpdir(), 'basalt-fpga-tb-'));
    try {
      const v = [...f.keys()].filter((n) => n.endsWith('.v'));
      for (const n of v) writeFileSync(join(dir, n), f.get(n)!);
      await execa('iverilog', ['-g2005', '-o', 'tb.vvp', '-s', WRAPPER_TB_MODULE, ...v], { cwd: dir });
      return (await execa('vvp', ['-n', 'tb.vvp'], { cwd: dir })).stdout;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('passes on the tiny array: ID, config and memory read-back, DECERR for an unmapped offset', async () => {
    const out = await runBench(files.tiny);
    expect(out).toContain('PASS');
    expect(out).not.toContain('FAIL');
  });

  it('fails when the wrapper is wrong (the bench can fail)', async () => {
    const bad = new Map(files.tiny);
    // The memory port's word stops advancing: the second word overwrites the first.
    bad.set(`${WRAPPER_MODULE}.v`, bad.get(`${WRAPPER_MODULE}.v`)!.replaceAll('mem_addr_q <= mem_addr_q + 32\'h00010000;', 'mem_addr_q <= mem_addr_q;'));
    expect(bad.get(`${WRAPPER_MODULE}.v`)).not.toBe(files.tiny.get(`${WRAPPER_MODULE}.v`));
    const out = await runBench(bad);
    expect(out).toContain('FAIL: memory word 1');
    expect(out).not.toContain('PASS');
  });
});
