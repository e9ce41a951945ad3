/**
 * The wrapped array end to end in Verilator (spmv preset, the smallest array
 * that maps SpMV): the array driver's job for SpMV on west0067 (CSR) played
 * as AXI4-Lite transactions with random valid/ready gaps on every channel,
 * read back through the wrapper and checked exactly against the reference;
 * malformed accesses answered with an error response and a status bit, never
 * a hang; SOFT_RESET recovers a running array.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { loadInput } from '../flow/run-io.ts';
import { parseValueMode } from '../formats/values.ts';
import { tensorDiff, type Tensor } from '../formats/tensor.ts';
import { resolveKernel } from '../compiler/resolve.ts';
import { parseFormatOptions } from '../compiler/formats-spec.ts';
import { buildSamGraph } from '../compiler/sam-graph.ts';
import { checkOutputFits, mapKernel, type MappedKernel } from '../compiler/map-kernel.ts';
import { runGraph } from '../golden/run-graph.ts';
import { evaluate } from '../golden/reference.ts';
import { memAddress } from '../generator/ir.ts';
import { AXI_RESP, ID_VALUE, regByName, wrapperMap } from '../generator/fpga-regs.ts';
import { Job } from '../sim/job.ts';
import { kernelJob } from '../sim/kernel-job.ts';
import { readOutput } from '../sim/run-kernel.ts';
import { AxiJob, buildAxiModel, runAxiJob } from '../sim/fpga-axi.ts';
import { presetIR } from './helpers/arch.ts';
import { MTX_DIR } from './helpers/data.ts';

const ir = presetIR('spmv');
const map = wrapperMap(ir);
const off = (name: string) => regByName(map, name).offset;
const bitOf = (reg: string, name: string) => 1 << regByName(map, reg).bits.find((b) => b.name === name)!.lsb;

let exe: string;
let m: MappedKernel;
let reference: Tensor;
let idealCycles: number;
/** CYCLES of the first run: every run of the same job must count the same. */
let firstCycles = 0;
beforeAll(async () => {
  const mode = parseValueMode('seed:1');
  const B = loadInput('B', join(MTX_DIR, 'real', 'west0067.mtx'), 2, mode, 16);
  const c = loadInput('c', 'random:67:1:5', 1, mode, 16);
  const kernel = resolveKernel('x(i)=B(i,j)*c(j)', parseFormatOptions(['B=ds', 'c=d']), undefined, { B: B.shape, c: c.shape });
  const graph = buildSamGraph(kernel, { dataWidth: 16 });
  m = mapKernel(ir, graph, { B, c });
  const gold = runGraph(graph, { B, c });
  checkOutputFits(m, gold.fibertree);
  idealCycles = gold.idealCycles;
  reference = evaluate(kernel.assignment, { B, c }, { dataWidth: 16, outputShape: kernel.output.shape });
  exe = (await buildAxiModel(ir)).exe;
});

describe('SpMV on west0067 through the AXI4-Lite wrapper', () => {
  it.each([[1, 0.3], [2, 0.6], [3, 0]])('seed %d, stall %f: exact result, no protocol problem', async (seed, stall) => {
    const r = await runAxiJob(exe, new AxiJob().job(kernelJob(m)), { seed, stall });
    expect(r.axiErrors).toEqual([]);
    expect(r.exitCode).toBe(0);
    expect(r.doneRuns).toHaveLength(1);
    expect(r.doneRuns[0].ok).toBe(true);
    expect(r.doneRuns[0].cycles).toBeGreaterThanOrEqual(idealCycles);
    expect(tensorDiff(readOutput(ir, m, r.memDumps), reference)).toBeNull();
    // The run's cycle count (CYCLES) depends on the array only, not on how the bus was driven.
    if (seed === 1) firstCycles = r.doneRuns[0].cycles;
    else expect(r.doneRuns[0].cycles).toBe(firstCycles);
    totals.set(stall, r.cycles);
  });

  it('the random gaps are there: the more stalls, the longer the bus phases take', () => {
    expect(totals.get(0)! - firstCycles).toBeGreaterThan(m.memImage.length + 2 * m.words.length);
    expect(totals.get(0.3)!).toBeGreaterThan(totals.get(0)! + 1000);
    expect(totals.get(0.6)!).toBeGreaterThan(totals.get(0.3)! + 1000);
  });
});
/** Cycles of the whole job, by stall probability. */
const totals = new Map<number, number>();
describe('malformed accesses', () => {
  it('get DECERR / SLVERR and a STATUS bit, never a hang; SOFT_RESET recovers a running array', async () => {
    const st = off('STATUS');
    const unmapped = map.registers[map.registers.length - 1].offset + 4;
    // The rerun: the array's done is still high from the last run when START comes; the wrapper
    // must not take it for the end of the new run.
    const rerun = new Job().runDone(200_000);
    for (const w of m.written.values()) for (const reg of Object.values(w.arrays)) rerun.memDump(memAddress(w.tile, reg.base), reg.capacity);
    const load = new Job();
    for (const [a, w] of m.memImage) load.memWrite(a, w);
    load.bitstream(m.words).start();
    const job = new AxiJob()
      .read(off('ID'))                                   // 0 OKAY
      .read(unmapped)                                    // 1 DECERR
      .write(0xffc, 1)                                   // 2 DECERR (last word of the window)
      .write(off('ID'), 5)                               // 3 SLVERR: read-only
      .read(off('CTRL'))                                 // 4 SLVERR: write-only
      .write(off('CFG_ADDR'), 0x1234, 0x3)               // 5 SLVERR: partial write
      .read(off('CFG_ADDR'))                             // 6 OKAY, still 0
      .read(st)                                          // 7 ERR_DECODE | ERR_ACCESS
      .write(off('IRQ_ENABLE'), bitOf('IRQ_ENABLE', 'ERROR_EN')).wait(3).irq()   // irq 0: high on an error flag
      .write(st, bitOf('STATUS', 'ERR_DECODE') | bitOf('STATUS', 'ERR_ACCESS')).wait(3).irq()  // irq 1: low again
      .read(st)                                          // 10 clear
      .job(load)                                         // load SpMV, START
      .read(st)                                          // 11 BUSY
      .write(off('CFG_WDATA'), 0)                        // 12 SLVERR: would halt the array
      .write(off('MEM_WDATA'), 0)                        // 13 SLVERR
      .read(off('MEM_RDATA'))                            // 14 SLVERR
      .write(off('CTRL'), bitOf('CTRL', 'START'))        // 15 SLVERR: already running
      .read(off('CFG_RDATA'))                            // 16 OKAY: config reads are allowed while running
      .read(off('CYCLES_LO'))                            // 17 counting
      .read(st)                                          // 18 BUSY | ERR_BUSY
      .write(off('CTRL'), bitOf('CTRL', 'SOFT_RESET'))   // 19 OKAY
      .read(st)                                          // 20 not BUSY, not DONE
      .write(st, 0xff)                                   // 21 clear every flag
      .job(kernelJob(m))                                 // and the whole job again, from scratch
      .write(off('CTRL'), bitOf('CTRL', 'START'))        // 22 OKAY: START again, no config write in between
      .job(rerun);                                       // wait for done, read back again
    const r = await runAxiJob(exe, job, { seed: 7, stall: 0.4 });
    expect(r.axiErrors).toEqual([]);
    const resp = r.accesses.map((a) => a.resp);
    const { okay, slverr, decerr } = AXI_RESP;
    expect(resp).toEqual([okay, decerr, decerr, slverr, slverr, slverr, okay, okay, okay, okay, okay, okay, slverr, slverr, slverr, slverr, okay, okay, okay, okay, okay, okay, okay]);
    const data = r.accesses.map((a) => a.data);
    expect(data[0]).toBe(ID_VALUE);
    expect(data[1]).toBe(0);
    expect(data[6]).toBe(0);
    expect(data[7]! & (bitOf('STATUS', 'ERR_DECODE') | bitOf('STATUS', 'ERR_ACCESS') | bitOf('STATUS', 'ERR_BUSY'))).toBe(bitOf('STATUS', 'ERR_DECODE') | bitOf('STATUS', 'ERR_ACCESS'));
    expect(r.irqs).toEqual([true, false]);
    expect(data[10]! & 0xff).toBe(0);
    expect(data[11]! & bitOf('STATUS', 'BUSY')).not.toBe(0);
    expect(data[17]).toBeGreaterThan(0);
    expect(data[18]! & (bitOf('STATUS', 'BUSY') | bitOf('STATUS', 'ERR_BUSY'))).toBe(bitOf('STATUS', 'BUSY') | bitOf('STATUS', 'ERR_BUSY'));
    expect(data[20]! & (bitOf('STATUS', 'BUSY') | bitOf('STATUS', 'DONE'))).toBe(0);
    // The whole job after the reset, and the rerun: the same cycles, the exact result (of the rerun's read-back).
    expect(r.doneRuns).toHaveLength(2);
    expect(r.doneRuns[0]).toMatchObject({ ok: true, cycles: firstCycles || expect.any(Number) });
    expect(r.doneRuns[1]).toEqual(r.doneRuns[0]);
    expect(tensorDiff(readOutput(ir, m, r.memDumps), reference)).toBeNull();
    expect(r.exitCode).toBe(0);
  });
});
