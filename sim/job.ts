/**
 * The one simulation-job layer: a plain-text script of commands for the C++
 * drivers (templates/tb_main.cpp.hbs for the array, tb_core.cpp.hbs for a core
 * harness; both share templates/_tb_common.cpp.hbs), its runner, and the
 * parser of what the driver writes back. The array driver takes the config /
 * memory / start / run_* commands (and, built as the debug model, probe /
 * sample), the core harness case / field / readback / run; both take sources
 * and sinks. The Icarus testbench of the array (templates/tb_icarus.v.hbs,
 * sim/icarus.ts) reads and writes the same files.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { UserError } from '../base/errors.ts';
import type { BitstreamWord } from '../compiler/bitstream.ts';

const hex = (n: number | bigint) => n.toString(16);

export interface SourceSpec { readonly port: number; readonly words: readonly number[]; readonly seed: number; readonly stall: number }
export interface SinkSpec { readonly port: number; readonly expect: number; readonly seed: number; readonly stall: number }

/** A debug-model probe: signals of one Verilator scope (generator/debug-signals.ts). */
export interface ProbeSpec { readonly id: number; readonly record: boolean; readonly scope: string; readonly valid: string; readonly ready: string; readonly data: string }
/**
 * What a probe saw during a run: handshakes, the last token, the cycle of the last one, cycles a
 * token waited for ready (stalled) and cycles with no token (starved), every token when recorded.
 */
export interface ProbeResult { readonly count: number; readonly last: number; readonly lastCycle: number; readonly stalled: number; readonly starved: number; readonly words?: number[] }

export class Job {
  private lines: string[] = [];
  // ---- array driver ----
  cfgWrite(addr: number, data: number): this { return this.add(`cfg_write ${hex(addr)} ${hex(data >>> 0)}`); }
  cfgRead(addr: number): this { return this.add(`cfg_read ${hex(addr)}`); }
  memWrite(addr: number, data: number): this { return this.add(`mem_write ${hex(addr)} ${hex(data)}`); }
  memRead(addr: number): this { return this.add(`mem_read ${hex(addr)}`); }
  /** Reads `count` consecutive SRAM words of a MEM tile, from word address `addr` (memAddress form), one per cycle. */
  memDump(addr: number, count: number): this { return this.add(`mem_dump ${hex(addr)} ${count}`); }
  bitstream(words: readonly BitstreamWord[]): this { for (const w of words) this.cfgWrite(w.address, w.data); return this; }
  start(): this { return this.add('start'); }
  /** Starts the cores of the start groups in `mask` (bit g = group g; generator/tile-kind.ts START_GROUPS). */
  startGroup(mask: number): this { return this.add(`start_group ${hex(mask)}`); }
  /** Waits until group `group` is done, at most `maxCycles` after its start (Verilator driver only). */
  runGroup(group: number, maxCycles: number): this { return this.add(`run_group ${group} ${maxCycles}`); }
  runStreams(maxCycles: number): this { return this.add(`run_streams ${maxCycles}`); }
  runDone(maxCycles: number): this { return this.add(`run_done ${maxCycles}`); }
  /** Ends the job here when the last run_done timed out (Verilator driver only). */
  stopIfTimeout(): this { return this.add('stop_if_timeout'); }
  // ---- core harness ----
  /** A new case: every field back to 0 (and a reset pulse when `reset`). */
  newCase(id: number, reset: boolean): this { return this.add(`case ${id} ${reset ? 1 : 0}`); }
  field(name: string, value: number): this { return this.add(`cfg ${name} ${hex(value)}`); }
  /** SRAM words read back through the memory port after the case's run (addresses wrap at the depth). */
  readback(addr: number, count: number): this { return this.add(`readback ${hex(addr)} ${count}`); }
  /** Pulses start and runs until every stream is through and `done`, or `maxCycles`. */
  run(maxCycles: number): this { return this.add(`run ${maxCycles}`); }
  // ---- both ----
  /** stall: probability (0..1) that a source withholds valid / a sink withholds ready on a cycle. */
  source(s: SourceSpec): this { return this.add(`source ${s.port} ${s.seed} ${Math.round(s.stall * 1000)} ${s.words.length} ${s.words.map(hex).join(' ')}`); }
  sink(s: SinkSpec): this { return this.add(`sink ${s.port} ${s.seed} ${Math.round(s.stall * 1000)} ${s.expect}`); }
  // ---- debug model only (sim/debug.ts) ----
  /** Counts the handshakes (valid & ready) at a point of the array during the next run_done; `record` keeps every token. */
  probe(p: ProbeSpec): this { return this.add(`probe ${p.id} ${p.record ? 1 : 0} ${p.scope} ${p.valid} ${p.ready} ${p.data}`); }
  /** Reads a signal when the next run_done ends. */
  sample(name: string, scope: string, signal: string): this { return this.add(`sample ${name} ${scope} ${signal}`); }
  text(): string { return this.lines.join('\n') + '\n'; }
  private add(line: string): this {
    this.lines.push(line);
    return this;
  }
}

export interface CaseRun {
  readonly id: number;
  readonly ok: boolean;
  readonly cycles: number;
  readonly sinks: Map<number, number[]>;
  readonly readbacks: number[][];
  /** Ready/valid violations the sinks saw during the case ("port P at cycle C: rule"). */
  readonly protocol: string[];
}

export interface JobResult {
  readonly cfgReads: Map<number, number>;
  readonly memReads: Map<number, number>;
  /** Per mem_dump start address: the words read. */
  readonly memDumps: Map<number, number[]>;
  /** Per mem_dump start address, from a 4-state simulator: the words that read as X (given as 0 in memDumps), and the cycle word 0 was sampled. */
  readonly memDumpUnknown: Map<number, { firstCycle: number; indices: number[] }>;
  /** One entry per run_streams: ok flag, cycles, words per sink port, ready/valid violations. */
  readonly streamRuns: { ok: boolean; cycles: number; sinks: Map<number, number[]>; protocol: string[] }[];
  /** One entry per run_done; the probes and samples of the debug model, when the job had any. */
  readonly doneRuns: { ok: boolean; cycles: number; probes: Map<number, ProbeResult>; samples: Map<string, number> }[];
  /**
   * One entry per run_group: ok flag, cycles the host waited for it, and the group's compute span
   * (its start to its done, which may have come while the host was loading another group).
   */
  readonly groupRuns: { group: number; ok: boolean; waited: number; span: number }[];
  /** Cycles in which at least one started group was computing (0 without start_group). */
  readonly groupBusyCycles: number;
  /** Every mem_dump in job order (memDumps keeps the last per address). */
  readonly dumpList: { addr: number; words: number[] }[];
  readonly cases: CaseRun[];
  /** Cycles and wall time of the whole job, and of its run phases only (run_streams, run_done, run_group's waits, run). */
  readonly cycles: number;
  readonly seconds: number;
  readonly runCycles: number;
  readonly runSeconds: number;
  readonly exitCode: number;
}

/** A sink saw the ready/valid protocol broken (valid withdrawn before ready, data changed while stalled). */
export class ProtocolError extends UserError {
  constructor(where: string, readonly violations: readonly string[]) {
    super(`${where}: ready/valid protocol broken: ${violations.slice(0, 3).join('; ')}${violations.length > 3 ? ` (and ${violations.length - 3} more)` : ''}`);
    this.name = 'ProtocolError';
  }
}

/** A 4-state simulator saw an X (uninitialised state) where the testbench decides something. */
export class UnknownValueError extends Error {
  constructor(readonly signal: string, readonly cycle: number, detail = '') {
    super(`X (unknown value) on ${signal} at cycle ${cycle}: uninitialised state reached an output (2-state Verilator reads it as 0)${detail}`);
    this.name = 'UnknownValueError';
  }
}

const words = (xs: string[]) => xs.map((x) => parseInt(x, 16));

export function parseResult(text: string, exitCode: number): JobResult {
  const r = {
    cfgReads: new Map<number, number>(), memReads: new Map<number, number>(), memDumps: new Map<number, number[]>(),
    memDumpUnknown: new Map<number, { firstCycle: number; indices: number[] }>(),
    streamRuns: [] as JobResult['streamRuns'], groupRuns: [] as JobResult['groupRuns'], doneRuns: [] as JobResult['doneRuns'], dumpList: [] as JobResult['dumpList'], cases: [] as CaseRun[],
    cycles: 0, seconds: 0, runCycles: 0, runSeconds: 0, groupBusyCycles: 0, exitCode,
  };
  // Violations come before the result line of their run or case; sink lines after it.
  let protocol: string[] = [];
  let unknown: UnknownValueError | undefined;
  let sinks: Map<number, number[]> | undefined;
  for (const line of text.split('\n')) {
    const p = line.trim().split(/\s+/);
    switch (p[0]) {
      case 'cfg': r.cfgReads.set(parseInt(p[1], 16), parseInt(p[2], 16)); break;
      case 'mem': r.memReads.set(parseInt(p[1], 16), parseInt(p[2], 16)); break;
      case 'memdump': r.memDumps.set(parseInt(p[1], 16), words(p.slice(3))); r.dumpList.push({ addr: parseInt(p[1], 16), words: words(p.slice(3)) }); break;
      case 'memdump_x': r.memDumpUnknown.set(parseInt(p[1], 16), { firstCycle: Number(p[2]), indices: p.slice(3).map(Number) }); break;
      case 'unknown': unknown ??= new UnknownValueError(p[1], Number(p[2])); break;
      case 'streams': sinks = new Map(); r.streamRuns.push({ ok: p[1] === 'ok' && protocol.length === 0, cycles: Number(p[2]), sinks, protocol }); protocol = []; break;
      case 'case': sinks = new Map(); r.cases.push({ id: Number(p[1]), ok: p[2] === 'ok', cycles: Number(p[3]), sinks, readbacks: [], protocol }); protocol = []; break;
      case 'sink': sinks?.set(Number(p[1]), words(p.slice(3))); break;
      case 'readback': r.cases[r.cases.length - 1]?.readbacks.push(words(p.slice(3))); break;
      case 'groups_busy': r.groupBusyCycles = Number(p[1]); break;
      case 'group': r.groupRuns.push({ group: Number(p[1]), ok: p[2] === 'ok', waited: Number(p[3]), span: Number(p[4]) }); break;
      case 'done': r.doneRuns.push({ ok: p[1] === 'ok', cycles: Number(p[2]), probes: new Map(), samples: new Map() }); break;
      case 'probe': {
        const w = words(p.slice(8));
        r.doneRuns[r.doneRuns.length - 1]?.probes.set(Number(p[1]), {
          count: Number(p[2]), last: parseInt(p[3], 16), lastCycle: Number(p[4]), stalled: Number(p[5]), starved: Number(p[6]), ...(p[7] === 'w' ? { words: w } : {}),
        });
        break;
      }
      case 'sample': r.doneRuns[r.doneRuns.length - 1]?.samples.set(p[1], parseInt(p[2], 16)); break;
      case 'protocol': protocol.push(`port ${p[1]} at cycle ${p[2]} of the run: ${p.slice(3).join(' ')}`); break;
      case 'stats': r.cycles = Number(p[2]); r.runCycles = Number(p[4]); r.seconds = Number(p[6]); r.runSeconds = Number(p[8]); break;
      default: break;
    }
  }
  if (unknown) throw unknown;
  if (protocol.length > 0) throw new ProtocolError('simulation', protocol); // after the last run: cannot happen with these drivers
  return r;
}

/** Runs a job file with another simulator than a Verilator executable (sim/icarus.ts). */
export interface JobRunner {
  /**
   * Runs `jobFile`, the driver writing its result lines to `outFile`. `exitCode` as the C++ driver's
   * (0, or 1 when a run timed out or broke the protocol); wall times, when given, replace the driver's.
   */
  runFiles(jobFile: string, outFile: string, opts?: { onLine?: (line: string) => void }): Promise<{ exitCode: number; seconds?: number; runSeconds?: number }>;
}

export interface RunJobOptions {
  /** The waveform file a traced model writes (sim/verilator.ts ModelVariant). */
  readonly trace?: string;
  /** Called with the number of run_done commands finished so far, as the simulator reports them. */
  readonly onProgress?: (runsDone: number) => void;
}

/**
 * Runs a job on a built model (a Verilator executable, or a runner such as an Icarus model);
 * a timeout in the job is reported in the result, not thrown.
 */
export async function runJob(model: string | JobRunner, job: Job, opts: RunJobOptions = {}): Promise<JobResult> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-job-'));
  try {
    const jobFile = join(dir, 'job.txt');
    const outFile = join(dir, 'out.txt');
    writeFileSync(jobFile, job.text());
    // The drivers print `progress N` on stdout after each run_done.
    const onLine = (line: string) => {
      const m = /^progress (\d+)$/.exec(line.trim());
      if (m) opts.onProgress?.(Number(m[1]));
    };
    if (typeof model !== 'string') {
      const r = await model.runFiles(jobFile, outFile, { onLine });
      const res = parseResult(readFileSync(outFile, 'utf8'), r.exitCode);
      return { ...res, seconds: r.seconds ?? res.seconds, runSeconds: r.runSeconds ?? res.runSeconds };
    }
    const proc = execa(model, [jobFile, outFile, ...(opts.trace !== undefined ? [opts.trace] : [])], { reject: false, all: true });
    if (opts.onProgress) proc.stdout?.on('data', (chunk: Buffer) => chunk.toString().split('\n').forEach(onLine));
    const r = await proc;
    if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`simulator failed (exit ${r.exitCode}): ${r.all}`);
    return parseResult(readFileSync(outFile, 'utf8'), r.exitCode ?? 0);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
