/**
 * The wrapped array in Verilator: the AXI4-Lite wrapper top (generator/
 * fpga-wrapper.ts) built as one model, driven by templates/fpga/tb_axil.cpp.hbs,
 * which plays the array driver's job file (sim/job.ts) as AXI4-Lite
 * transactions with random valid/ready gaps, plus raw accesses. The results
 * come back in the array driver's format (parseResult), raw accesses and
 * protocol findings on top.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { ADDRESS_INDEX_SHIFT, type HardwareIR } from '../generator/ir.ts';
import { renderTemplate } from '../generator/render.ts';
import { WRAPPER_MODULE, registerMapContext, renderWrappedVerilog } from '../generator/fpga-wrapper.ts';
import { AXI_RESP, wrapperMap } from '../generator/fpga-regs.ts';
import { parseResult, type Job, type JobResult } from './job.ts';
import { buildVerilatorModel, type Model } from './verilator.ts';

function renderAxiDriver(ir: HardwareIR): string {
  const map = wrapperMap(ir);
  return renderTemplate('fpga/tb_axil.cpp.hbs', {
    ...registerMapContext(map), generatorVersion: ir.generatorVersion, archId: ir.archId, module: WRAPPER_MODULE,
    shift: ADDRESS_INDEX_SHIFT, resp: AXI_RESP, addrMask: (2 ** map.addrWidth - 1).toString(16),
  });
}

/** The wrapped array's model (cached like the array's own, one Verilator build at a time). */
export function buildAxiModel(ir: HardwareIR, opts: { log?: (s: string) => void } = {}): Promise<Model> {
  return buildVerilatorModel(
    { name: `${ir.archId}-axil`, files: renderWrappedVerilog(ir), top: WRAPPER_MODULE, driver: renderAxiDriver(ir), noInline: ['basalt_pe_tile', 'basalt_mem_tile'] },
    opts,
  );
}

/** The array driver's job, then raw AXI4-Lite accesses and idle cycles. Byte offsets are the wrapper's (wrapperMap). */
export class AxiJob {
  private lines: string[] = [];
  /** Appends the commands of an array-driver job (the same job runOnRtl plays on basalt_top). */
  job(j: Job): this { this.lines.push(...j.text().trimEnd().split('\n').filter(Boolean)); return this; }
  write(offset: number, data: number, strb = 0xf): this { this.lines.push(`axi_write ${offset.toString(16)} ${(data >>> 0).toString(16)} ${strb.toString(16)}`); return this; }
  read(offset: number): this { this.lines.push(`axi_read ${offset.toString(16)}`); return this; }
  wait(cycles: number): this { this.lines.push(`wait ${cycles}`); return this; }
  irq(): this { this.lines.push('irq'); return this; }
  text(): string { return this.lines.join('\n') + '\n'; }
}

export interface AxiAccess { readonly kind: 'write' | 'read'; readonly offset: number; readonly data?: number; readonly resp: number }
export interface AxiResult extends JobResult {
  /** The raw accesses in order (resp 255: never answered). */
  readonly accesses: readonly AxiAccess[];
  readonly irqs: readonly boolean[];
  /** Slave-side protocol violations, transactions that never completed, non-OKAY answers to job commands. */
  readonly axiErrors: readonly string[];
}

export interface AxiRunOptions {
  /** Seed of the master's random gaps and idle-bus noise. */
  readonly seed: number;
  /** Probability (0..1) that the master withholds a valid or a ready on a cycle. */
  readonly stall: number;
}

export async function runAxiJob(exe: string, job: AxiJob, opts: AxiRunOptions): Promise<AxiResult> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-axi-'));
  try {
    const jobFile = join(dir, 'job.txt');
    const outFile = join(dir, 'out.txt');
    writeFileSync(jobFile, job.text());
    const r = await execa(exe, [jobFile, outFile, String(opts.seed), String(Math.round(opts.stall * 1000))], { reject: false, all: true });
    if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`AXI simulator failed (exit ${r.exitCode}): ${r.all}`);
    const text = readFileSync(outFile, 'utf8');
    const accesses: AxiAccess[] = [];
    const irqs: boolean[] = [];
    const axiErrors: string[] = [];
    for (const line of text.split('\n')) {
      const p = line.trim().split(/\s+/);
      if (p[0] === 'axiw') accesses.push({ kind: 'write', offset: parseInt(p[1], 16), resp: Number(p[2]) });
      else if (p[0] === 'axir') accesses.push({ kind: 'read', offset: parseInt(p[1], 16), data: parseInt(p[2], 16), resp: Number(p[3]) });
      else if (p[0] === 'irq') irqs.push(p[1] === '1');
      else if (p[0] === 'axiproto' || p[0] === 'axitimeout' || p[0] === 'axierr') axiErrors.push(line.trim());
    }
    return { ...parseResult(text, r.exitCode ?? 0), accesses, irqs, axiErrors };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
