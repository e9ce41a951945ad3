/**
 * `basalt run --trace FILE.fst|.vcd` on the tiny array: a complete waveform
 * file that parses (VCD: header through $enddefinitions and value changes;
 * FST: a sequence of well-formed blocks starting with the header), only when
 * asked and only when the run got that far; the traced models are separate
 * builds and the fast model stays the same build, without trace code.
 */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { presetIR } from './helpers/arch.ts';
import { buildModel } from '../sim/verilator.ts';

const ADD = ['--expr', 'x(i)=b(i)+c(i)', '--input', 'b=random:8:0.5:1', '--input', 'c=random:8:0.5:2'];
const basalt = (args: string[]) => execa('node', ['bin/basalt.js', 'run', '--preset', 'tiny', ...args], { reject: false });
const tmp = () => mkdtempSync(join(tmpdir(), 'basalt-trace-test-'));

/** FST block types (gtkwave fstapi.h). */
const FST_BLOCKS = new Set([0, 1, 2, 3, 4, 5, 6, 7, 8, 254, 255]);
/** Walks an FST file block by block (type byte, big-endian 64-bit length that counts itself); returns the types. */
function fstBlocks(buf: Buffer): number[] {
  const types: number[] = [];
  let at = 0;
  while (at < buf.length) {
    const type = buf[at];
    if (!FST_BLOCKS.has(type)) throw new Error(`unknown FST block type ${type} at ${at}`);
    const len = Number(buf.readBigUInt64BE(at + 1));
    if (len < 8 || at + 1 + len > buf.length) throw new Error(`FST block at ${at}: length ${len} overruns the file (${buf.length} bytes)`);
    types.push(type);
    at += 1 + len;
  }
  return types;
}

describe('basalt run --trace', () => {
  it('writes an FST file that a block walk accepts: header (with the endianness check), hierarchy, value changes', async () => {
    const dir = tmp();
    const file = join(dir, 'run.fst');
    const r = await basalt([...ADD, '--trace', file, '--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j).toMatchObject({ match: true, trace: file });
    const buf = readFileSync(file);
    expect(buf[0]).toBe(0); // FST_BL_HDR
    expect(Number(buf.readBigUInt64BE(1))).toBe(329); // the header block's fixed length
    expect(buf.readDoubleLE(25)).toBeCloseTo(Math.E, 12); // fstapi's endianness test value
    // The header's end time: two time steps per cycle of the whole job (configuration, run, read-back).
    expect(Number(buf.readBigUInt64BE(17))).toBeGreaterThan(2 * j.cycles);
    const types = fstBlocks(buf);
    expect(types[0]).toBe(0);
    expect(types.some((t) => [4, 6, 7].includes(t))).toBe(true); // hierarchy
    expect(types.some((t) => [1, 5, 8].includes(t))).toBe(true); // value changes
    expect(readdirSync(dir)).toEqual(['run.fst']); // no scratch file left next to it
  });

  it('writes a VCD file: header through $enddefinitions, the array hierarchy, clock edges', async () => {
    const dir = tmp();
    const file = join(dir, 'run.vcd');
    const r = await basalt([...ADD, '--trace', file]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain(`waveform written to ${file}`);
    const text = readFileSync(file, 'utf8');
    const end = text.indexOf('$enddefinitions $end');
    expect(end).toBeGreaterThan(0);
    const head = text.slice(0, end);
    expect(head).toMatch(/\$timescale/);
    expect(head).toMatch(/\$scope module basalt_top \$end/);
    expect(head).toMatch(/\$scope module t0 \$end/);
    expect(head).toMatch(/\$var wire +1 (\S+) clk \$end/);
    const clk = /\$var wire +1 (\S+) clk \$end/.exec(head)![1];
    const body = text.slice(end);
    expect(body).toMatch(/\n#1\n/);
    // The clock toggles: both values appear for its identifier.
    expect(body).toContain(`\n1${clk}\n`);
    expect(body).toContain(`\n0${clk}\n`);
  });

  it('only when asked, and no file when the run did not get that far', async () => {
    const dir = tmp();
    const [plain, bad, ext, nodir, golden] = await Promise.all([
      basalt([...ADD, '--json']),
      // Bad input: refused before simulating.
      basalt(['--expr', 'x(i)=b(i)+c(i)', '--input', 'b=random:8:0.5:1', '--input', 'c=random:9:0.5:2', '--trace', join(dir, 'a.fst')]),
      basalt([...ADD, '--trace', join(dir, 'a.txt')]),
      basalt([...ADD, '--trace', join(dir, 'missing', 'a.vcd')]),
      basalt([...ADD, '--simulator', 'golden', '--trace', join(dir, 'a.vcd')]),
    ]);
    expect(plain.exitCode).toBe(0);
    expect(JSON.parse(plain.stdout).trace).toBeNull();
    expect(bad.exitCode).toBe(1);
    expect(ext.exitCode).toBe(1);
    expect(ext.stderr.trim()).toBe(`basalt: --trace '${join(dir, 'a.txt')}': the file name must end in .fst or .vcd`);
    expect(nodir.exitCode).toBe(1);
    expect(nodir.stderr).toMatch(/does not exist/);
    expect(golden.exitCode).toBe(1);
    expect(golden.stderr.trim()).toBe('basalt: --trace needs an RTL simulator (--simulator verilator), not the golden model');
    expect(readdirSync(dir)).toEqual([]);
    // A run that hits its cycle limit did simulate: its (complete) waveform is there, next to the stall report.
    const stalled = await basalt([...ADD, '--max-cycles', '12', '--trace', join(dir, 'stall.fst')]);
    expect(stalled.exitCode).toBe(1);
    expect(stalled.stdout).toMatch(/^no 'done' within 12 cycles/);
    expect(fstBlocks(readFileSync(join(dir, 'stall.fst')))[0]).toBe(0);
    expect(readdirSync(dir)).toEqual(['stall.fst']);
    expect(existsSync(join(dir, 'a.fst'))).toBe(false);
  });

  it('the traced models are separate cached builds; the fast model has no trace or probe code', async () => {
    const ir = presetIR('tiny');
    const fast = await buildModel(ir);
    const fst = await buildModel(ir, { variant: { trace: 'fst' } });
    const vcd = await buildModel(ir, { variant: { trace: 'vcd' } });
    expect(new Set([fast.dir, fst.dir, vcd.dir]).size).toBe(3);
    expect([fast.built, fst.built, vcd.built]).toEqual([false, false, false]); // built by the runs above, cached
    const mk = (d: string) => readFileSync(join(d, 'obj', 'Vbasalt_top_classes.mk'), 'utf8');
    expect(mk(fast.dir)).toMatch(/VM_TRACE = 0/);
    expect(mk(fst.dir)).toMatch(/VM_TRACE = 1/);
    expect(mk(fst.dir)).toMatch(/VM_TRACE_FST = 1/);
    expect(mk(vcd.dir)).toMatch(/VM_TRACE_FST = 0/);
    const driver = readFileSync(join(fast.dir, 'src', 'tb_main.cpp'), 'utf8');
    expect(driver).not.toMatch(/verilated_(fst|vcd)_c|tfp|dump\(|probe|verilated_syms/i);
    // Public in the fast model: only the tiles' inputs (so all instances share one copy of code), no internal signal.
    const pub = readFileSync(join(fast.dir, 'src', 'control.vlt'), 'utf8').split('\n').filter((l) => /public/.test(l));
    expect(pub.length).toBeGreaterThan(0);
    for (const l of pub) expect(l).toMatch(/^public_flat_rd -module "basalt_(pe|mem)_tile" -var "(in_[NESW]\d+_(data|valid)|out_[NESW]\d+_ready|cfg_(we|re|reg|wdata)|mem_(we|re|addr|wdata)|start|start_group|halt|clear)"$/);
  });
});
