/** Every config register of the default array, written through the config bus, reads back (Verilator). */
import { describe, expect, it } from 'vitest';
import { presetIR, rng } from './helpers/arch.ts';
import { buildModel } from '../sim/verilator.ts';
import { Job, runJob } from '../sim/job.ts';
import { configAddress } from '../generator/ir.ts';

const ir = presetIR('default');

describe('config read-back (default array)', () => {
  it('reads back every register, masked to its implemented bits', async () => {
    const model = await buildModel(ir);
    const r = rng(42);
    const written = new Map<number, number>();
    let outsideMask = 0;
    const job = new Job();
    for (const t of ir.tiles) {
      for (const reg of ir.kinds[t.kind].registers) {
        const a = configAddress(t.id, reg.index);
        const v = Math.floor(r() * 2 ** 32) >>> 0;
        if ((v & ~reg.mask) !== 0) outsideMask++;
        written.set(a, (v & reg.mask) >>> 0);
        job.cfgWrite(a, v);
      }
    }
    for (const a of written.keys()) job.cfgRead(a);
    // A register that does not exist reads as 0.
    job.cfgRead(configAddress(0, 200));
    const res = await runJob(model.exe, job);
    expect(written.size).toBeGreaterThan(ir.tiles.length);
    for (const [a, v] of written) expect(res.cfgReads.get(a), `address ${a.toString(16)}`).toBe(v);
    expect(res.cfgReads.get(configAddress(0, 200))).toBe(0);
    // Most raw values set bits outside their register's mask (so the masking was exercised), and the reads are not all zero.
    expect(outsideMask).toBeGreaterThan(written.size / 2);
    expect([...written.values()].filter((v) => v !== 0).length).toBeGreaterThan(written.size / 2);
  });

  it('memory port writes and reads back SRAM words of every MEM tile', async () => {
    const model = await buildModel(ir);
    const r = rng(7);
    const job = new Job();
    const expected = new Map<number, number>();
    for (const t of ir.tiles.filter((x) => x.kind === 'mem')) {
      for (const word of [0, 1, ir.spec.memDepth - 1, Math.floor(r() * ir.spec.memDepth)]) {
        const a = ((word << 16) | t.id) >>> 0;
        const v = Math.floor(r() * 2 ** ir.spec.dataWidth);
        expected.set(a, v);
        job.memWrite(a, v);
      }
    }
    for (const a of expected.keys()) job.memRead(a);
    const res = await runJob(model.exe, job);
    for (const [a, v] of expected) expect(res.memReads.get(a)).toBe(v);
  });
});
