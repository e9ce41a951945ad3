/**
 * Jobs for the Verilator driver (templates/tb_main.cpp.hbs): a plain text
 * script of config/memory accesses, streams and run commands, and the parser
 * of what the driver writes back.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { BitstreamWord } from '../compiler/bitstream.ts';

const hex = (n: number | bigint) => n.toString(16);

export interface SourceSpec { readonly port: number; readonly words: readonly number[]; readonly seed: number; readonly stall: number }
export interface SinkSpec { readonly port: number; readonly expect: number; readonly seed: number; readonly stall: number }

export class Job {
  private lines: string[] = [];
  cfgWrite(addr: number, data: number): this { this.lines.push(`cfg_write ${hex(addr)} ${hex(data >>> 0)}`); return this; }
  cfgRead(addr: number): this { this.lines.push(`cfg_read ${hex(addr)}`); return this; }
  memWrite(addr: number, data: number): this { this.lines.push(`mem_write ${hex(addr)} ${hex(data)}`); return this; }
  memRead(addr: number): this { this.lines.push(`mem_read ${hex(addr)}`); return this; }
  /** Reads `count` consecutive SRAM words of a MEM tile, from word address `addr` (memAddress form), one per cycle. */
  memDump(addr: number, count: number): this { this.lines.push(`mem_dump ${hex(addr)} ${count}`); return this; }
  bitstream(words: readonly BitstreamWord[]): this { for (const w of words) this.cfgWrite(w.address, w.data); return this; }
  /** stall: probability (0..1) that a source withholds valid / a sink withholds ready on a cycle. */
  source(s: SourceSpec): this {
    this.lines.push(`source ${s.port} ${s.seed} ${Math.round(s.stall * 1000)} ${s.words.length} ${s.words.map(hex).join(' ')}`);
    return this;
  }
  sink(s: SinkSpec): this { this.lines.push(`sink ${s.port} ${s.seed} ${Math.round(s.stall * 1000)} ${s.expect}`); return this; }
  start(): this { this.lines.push('start'); return this; }
  runStreams(maxCycles: number): this { this.lines.push(`run_streams ${maxCycles}`); return this; }
  runDone(maxCycles: number): this { this.lines.push(`run_done ${maxCycles}`); return this; }
  text(): string { return this.lines.join('\n') + '\n'; }
}

export interface JobResult {
  readonly cfgReads: Map<number, number>;
  readonly memReads: Map<number, number>;
  /** Per mem_dump start address: the words read. */
  readonly memDumps: Map<number, number[]>;
  /** One entry per run_streams: ok flag, cycles, words per sink port. */
  readonly streamRuns: { ok: boolean; cycles: number; sinks: Map<number, number[]> }[];
  readonly doneRuns: { ok: boolean; cycles: number }[];
  readonly cycles: number;
  readonly seconds: number;
  readonly exitCode: number;
}

export function parseResult(text: string, exitCode: number): JobResult {
  const cfgReads = new Map<number, number>();
  const memReads = new Map<number, number>();
  const memDumps = new Map<number, number[]>();
  const streamRuns: JobResult['streamRuns'] = [];
  const doneRuns: JobResult['doneRuns'] = [];
  let cycles = 0;
  let seconds = 0;
  for (const line of text.split('\n')) {
    const p = line.trim().split(/\s+/);
    switch (p[0]) {
      case 'cfg': cfgReads.set(parseInt(p[1], 16), parseInt(p[2], 16)); break;
      case 'mem': memReads.set(parseInt(p[1], 16), parseInt(p[2], 16)); break;
      case 'memdump': memDumps.set(parseInt(p[1], 16), p.slice(3).map((x) => parseInt(x, 16))); break;
      case 'streams': streamRuns.push({ ok: p[1] === 'ok', cycles: Number(p[2]), sinks: new Map() }); break;
      case 'sink': streamRuns[streamRuns.length - 1].sinks.set(Number(p[1]), p.slice(3).map((x) => parseInt(x, 16))); break;
      case 'done': doneRuns.push({ ok: p[1] === 'ok', cycles: Number(p[2]) }); break;
      case 'stats': cycles = Number(p[2]); seconds = Number(p[6]); break;
      default: break;
    }
  }
  return { cfgReads, memReads, memDumps, streamRuns, doneRuns, cycles, seconds, exitCode };
}

/** Runs a job on a built model; a timeout in the job is reported in the result, not thrown. */
export async function runJob(exe: string, job: Job): Promise<JobResult> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-job-'));
  try {
    const jobFile = join(dir, 'job.txt');
    const outFile = join(dir, 'out.txt');
    writeFileSync(jobFile, job.text());
    const r = await execa(exe, [jobFile, outFile], { reject: false, all: true });
    if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`simulator failed (exit ${r.exitCode}): ${r.all}`);
    return parseResult(readFileSync(outFile, 'utf8'), r.exitCode ?? 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
