/**
 * Core harness: one Verilator model per tile kind whose top is the core
 * (basalt_pe_core / basalt_mem_core), driven by templates/tb_core.cpp.hbs.
 * Turns primitive cases ({config, inputs}) into one job of many cases (config
 * fields and SRAM contents from the primitive's own encoder, input streams on
 * the core ports its mode maps them to, sinks, read-back of written arrays),
 * runs them in one simulator process, and returns the RTL's output streams
 * next to the golden ones. Knows no primitive by name.
 */
import { mulberry32 } from '../base/prng.ts';
import { archParams, modeMissing, primMode, type TileKindName } from '../generator/cores.ts';
import { UserError } from '../base/errors.ts';
import { coreFiles } from '../generator/core-context.ts';
import { renderVerilog } from '../generator/emit.ts';
import type { HardwareIR } from '../generator/ir.ts';
import { renderTemplate } from '../generator/render.ts';
import { ROOT_REF } from '../sam/fibers.ts';
import type { EncodeContext, PrimCase } from '../sam/prim-def.ts';
import { primDef, RTL_PRIM_NAMES, randomCase, runPrimitive, type PrimName } from '../sam/prims/index.ts';
import type { RandomOptions } from '../sam/random.ts';
import { mostTokens } from '../sam/stream.ts';
import { decodeToken, encodeToken, streamToString, tokenToString, type Stream } from '../sam/tokens.ts';
import { Job, runJob } from './job.ts';
import { buildVerilatorModel, type Model } from './verilator.ts';

/** Everything the core harness can run: the primitives with RTL. */
export const HARNESS_PRIMS: readonly PrimName[] = RTL_PRIM_NAMES;

export interface HarnessCase extends PrimCase<unknown> {
  readonly prim: PrimName;
}

/** Golden outputs of a case (writers: the written arrays, each ending with D). */
export const goldenOutputs = (c: HarnessCase): Record<string, Stream> => runPrimitive(c.prim, c.config as never, c.inputs);

/** Seed of case `i` of a run seeded with `seed` (each case reproducible on its own). */
export const caseSeed = (seed: number, i: number): number => ((seed >>> 0) ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;

/**
 * `n` random well-formed cases of `prim` (its definition's generator at the
 * arch's data width): redrawn while a case cannot run on this array (its
 * `check`, e.g. an ALU op not built) or needs more SRAM words than a MEM tile has.
 */
export function randomHarnessCases(ir: HardwareIR, prim: PrimName, n: number, seed: number, shape: Omit<RandomOptions, 'dataWidth'> = {}): HarnessCase[] {
  const opts = { ...shape, dataWidth: ir.spec.dataWidth };
  const arch = archParams(ir.spec);
  const rtl = primDef(prim).rtl!;
  return Array.from({ length: n }, (_, i) => {
    const rng = mulberry32(caseSeed(seed, i));
    for (let tries = 0; ; tries++) {
      if (tries > 1000) throw new Error(`${prim}: no case fits this arch after 1000 draws (seed ${seed}, case ${i})`);
      const c: HarnessCase = { prim, ...randomCase(prim, rng, opts) };
      if (rtl.check?.(c.config as never, arch)) continue;
      if (sramWords(c, ir.spec.dataWidth) > ir.spec.memDepth) continue;
      return c;
    }
  });
}

/** A case in the DESIGN.md notation, for reports. */
export function describeCase(c: HarnessCase): string {
  const inputs = Object.fromEntries(Object.entries(c.inputs).map(([k, v]) => [k, streamToString(v)]));
  return JSON.stringify({ primitive: c.prim, config: c.config, inputs });
}

// ---------------------------------------------------------------- model

function renderDriver(ir: HardwareIR, kind: TileKindName, hasMem: boolean): string {
  const core = ir.kinds[kind].core;
  return renderTemplate('tb_core.cpp.hbs', {
    generatorVersion: ir.generatorVersion, archId: ir.archId, top: `basalt_${kind}_core`,
    w: ir.wordWidth, ni: core.inputs.length, no: core.outputs.length,
    fields: core.fields.map((f) => ({ name: f.name })), hasMem, memDepth: ir.spec.memDepth,
  });
}

/** Builds (or takes from the cache) the harness model of one tile kind's core; `files` replaces the rendered RTL (tests plant bugs with it). */
export function buildCoreHarness(ir: HardwareIR, kind: TileKindName, opts: { log?: (s: string) => void; files?: ReadonlyMap<string, string> } = {}): Promise<Model> {
  const all = opts.files ?? renderVerilog(ir);
  const names = coreFiles(kind, ir.spec);
  const files = new Map(names.map((n) => [n, all.get(n)!]));
  return buildVerilatorModel({ name: `${ir.archId}-${kind}-core`, files, top: `basalt_${kind}_core`, driver: renderDriver(ir, kind, names.includes('basalt_sram.v')) }, opts);
}

// ---------------------------------------------------------------- jobs

export interface RunOptions {
  /** Probability (0..1) that a source withholds valid / a sink withholds ready on a cycle. */
  readonly stall?: number;
  /** Seeds the stall patterns, memory layout and garbage fill. */
  readonly seed?: number;
  /** Pulse rst_n before every case (default true); false relies on `start` clearing the core. */
  readonly reset?: boolean;
}

export interface CaseResult {
  readonly index: number;
  /** Golden and RTL outputs per stream name (or written array), as words. */
  readonly expected: Record<string, number[]>;
  readonly got: Record<string, number[]>;
  /** Cycles from start until every stream was through and `done` was high. */
  readonly cycles: number;
  readonly timeout: boolean;
  /** Ready/valid violations the sinks saw. */
  readonly protocol: readonly string[];
  /** Config fields written, for reports. */
  readonly fields: Record<string, number>;
}

interface PlannedCase {
  readonly fields: Record<string, number>;
  readonly memWrites: [number, number][];
  readonly sources: { port: number; words: number[] }[];
  readonly sinks: { name: string; port: number; expect: number }[];
  /** Written arrays read back after the run; `guard` = the garbage word expected just past the array. */
  readonly readbacks: { name: string; addr: number; n: number; guard: number }[];
  readonly expected: Record<string, number[]>;
}

/** Places arrays of the given sizes at random non-overlapping bases with small random gaps (addresses wrap). */
function layout(sizes: number[], depth: number, rng: () => number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total > depth) throw new RangeError(`the case needs ${total} SRAM words, the tile has ${depth}`);
  let slack = depth - total;
  let at = Math.floor(rng() * depth);
  return sizes.map((n) => {
    const gap = Math.min(slack, Math.floor(rng() * 4));
    slack -= gap;
    const base = (at + gap) % depth;
    at = base + n;
    return base;
  });
}

/** An encoder context that only counts: the words a case's arrays take. */
function sramSizes(c: HarnessCase, depth: number, dataWidth: number): { reads: Map<string, readonly number[]>; writes: Map<string, number> } {
  const d = primDef(c.prim);
  const golden = goldenOutputs(c);
  const reads = new Map<string, readonly number[]>();
  const writes = new Map<string, number>();
  const ctx: EncodeContext = {
    arch: { dataWidth, memDepth: depth, peOps: [], accWidth: depth },
    preload: (array, words) => (reads.set(array, words), 0),
    // Each written array (golden length - 1, the D) is followed by a guard word.
    reserve: (array) => (writes.set(array, golden[array].length), 0),
  };
  d.rtl!.encode(c.config as never, ctx);
  return { reads, writes };
}

/** Words a case would place in a tile's SRAM (to check it fits before drawing the layout). */
export function sramWords(c: HarnessCase, dataWidth = 16): number {
  const { reads, writes } = sramSizes(c, 2 ** 16, dataWidth);
  return [...reads.values()].reduce((a, w) => a + w.length, 0) + [...writes.values()].reduce((a, n) => a + n, 0);
}

function planCase(ir: HardwareIR, c: HarnessCase, rng: () => number): PlannedCase {
  const d = primDef(c.prim);
  const rtl = d.rtl!;
  const missing = modeMissing(ir.spec, c.prim);
  if (missing) throw new UserError(missing);
  const { kind, mode, code } = primMode(c.prim);
  const core = ir.kinds[kind].core;
  const mp = core.modePorts[mode];
  const dw = ir.spec.dataWidth;
  const depth = ir.spec.memDepth;
  const enc = (s: Stream) => s.map((t) => encodeToken(t, dw));
  const golden = goldenOutputs(c);
  const memWrites: [number, number][] = [];
  const readbacks: PlannedCase['readbacks'] = [];
  const garbage = () => Math.floor(rng() * 2 ** dw);

  // Every array of the case at a random place, written arrays surrounded by garbage.
  const sizes = sramSizes(c, depth, dw);
  const names = [...sizes.reads.keys(), ...sizes.writes.keys()];
  const bases = new Map(layout([...[...sizes.reads.values()].map((w) => w.length), ...sizes.writes.values()], depth, rng).map((b, i) => [names[i], b]));
  const ctx: EncodeContext = {
    arch: archParams(ir.spec),
    preload: (array, words) => {
      const base = bases.get(array)!;
      words.forEach((x, i) => memWrites.push([(base + i) % depth, encodeToken(x, dw)]));
      return base;
    },
    reserve: (array, opts) => {
      const base = bases.get(array)!;
      const n = sizes.writes.get(array)!;
      // Garbage where the primitive must write; the words it asks to start as 0 (never the guard) are 0.
      const zeros = Math.min(opts?.zeros ?? 0, n - 1);
      const fill = Array.from({ length: n }, (_, j) => (j < zeros ? 0 : garbage()));
      fill.forEach((g, j) => memWrites.push([(base + j) % depth, g]));
      readbacks.push({ name: array, addr: base, n, guard: fill[n - 1] });
      return base;
    },
  };
  const fields: Record<string, number> = { mode: code, ...rtl.encode(c.config as never, ctx) };
  let inputs = c.inputs;
  // A module that generates the root stream itself: try that on half of the root-fed cases.
  const root = rtl.rootInput;
  const fed = root && c.inputs[root.port];
  if (root && fed && fed.length === 2 && fed[0] === ROOT_REF[0] && fed[1] === 'D' && rng() < 0.5) {
    fields[root.field] = 1;
    inputs = Object.fromEntries(Object.entries(c.inputs).filter(([k]) => k !== root.port));
  }
  const sources = Object.entries(inputs).map(([s, tokens]) => ({ port: core.inputs.indexOf(mp.inputs[s]), words: enc(tokens) }));
  const sinks = Object.entries(mp.outputs).map(([s, port]) => ({ name: s, port: core.outputs.indexOf(port), expect: golden[s].length }));
  const expected: Record<string, number[]> = {};
  for (const [s, tokens] of Object.entries(golden)) expected[s] = enc(tokens);
  return { fields, memWrites, sources, sinks, readbacks, expected };
}

/**
 * Runs cases of one primitive on a core harness model, all in one simulator
 * process. Cases must fit the tile's SRAM (sramWords); a RangeError says which does not.
 */
export async function runPrimCases(ir: HardwareIR, model: Model, cases: readonly HarnessCase[], opts: RunOptions = {}): Promise<CaseResult[]> {
  return (await runPrimJob(ir, model, cases, opts)).results;
}

export interface JobStats {
  readonly results: CaseResult[];
  /** Clock cycles the simulator ran (including config and memory-port cycles) and its wall time. */
  readonly simCycles: number;
  readonly simSeconds: number;
}

/** runPrimCases, plus the simulator's own cycle count and run time (for speed figures). */
export async function runPrimJob(ir: HardwareIR, model: Model, cases: readonly HarnessCase[], opts: RunOptions = {}): Promise<JobStats> {
  const stall = opts.stall ?? 0;
  const seed = opts.seed ?? 1;
  const job = new Job();
  const plans = cases.map((c, i) => {
    const rng = mulberry32((seed * 0x9e3779b1 + i * 7919) >>> 0);
    const p = planCase(ir, c, rng);
    job.newCase(i, opts.reset !== false);
    for (const [f, v] of Object.entries(p.fields)) job.field(f, v);
    for (const [a, d] of p.memWrites) job.memWrite(a, d);
    const pseed = (k: number) => ((seed >>> 0) * 1000003 + i * 131 + k) >>> 0;
    for (const s of p.sources) job.source({ port: s.port, words: s.words, seed: pseed(s.port), stall });
    for (const s of p.sinks) job.sink({ port: s.port, expect: s.expect, seed: pseed(16 + s.port), stall });
    for (const r of p.readbacks) job.readback(r.addr, r.n);
    const tokens = Math.max(1, ...p.sources.map((s) => s.words.length), ...Object.values(p.expected).map((e) => e.length));
    job.run(Math.ceil((200 + 8 * tokens) / Math.max(0.05, 1 - stall)));
    return p;
  });
  const res = await runJob(model.exe, job);
  if (res.cases.length !== plans.length) throw new Error(`core harness returned ${res.cases.length} of ${plans.length} cases`);
  const results = res.cases.map((run): CaseResult => {
    const p = plans[run.id];
    const got: Record<string, number[]> = {};
    for (const s of p.sinks) got[s.name] = run.sinks.get(s.port) ?? [];
    p.readbacks.forEach((rb, k) => {
      // rb.n = array length + 1: the word past the array is the guard, which must
      // still hold its garbage; it stands in the place of the golden array's final D.
      const words = run.readbacks[k] ?? [];
      const guardOk = words[rb.n - 1] === rb.guard;
      got[rb.name] = [...words.slice(0, rb.n - 1), guardOk ? p.expected[rb.name][rb.n - 1] : -1];
    });
    return { index: run.id, expected: p.expected, got, cycles: run.cycles, timeout: !run.ok, protocol: run.protocol, fields: p.fields };
  });
  return { results, simCycles: res.cycles, simSeconds: res.seconds };
}

// ---------------------------------------------------------------- comparison

export interface Mismatch {
  readonly stream: string;
  readonly index: number;
  readonly expected: string;
  readonly got: string;
}

const show = (w: number | undefined, dw: number): string => {
  if (w === undefined) return '(nothing)';
  if (w < 0) return '(guard word overwritten)';
  try {
    return tokenToString(decodeToken(w, dw));
  } catch {
    return `0x${w.toString(16)} (not a token)`;
  }
};

/** The first token where the RTL differs from the golden model, or undefined. */
export function firstMismatch(r: CaseResult, dataWidth: number): Mismatch | undefined {
  if (r.protocol.length > 0) return { stream: '(protocol)', index: 0, expected: 'ready/valid kept', got: r.protocol[0] };
  for (const [stream, exp] of Object.entries(r.expected)) {
    const got = r.got[stream] ?? [];
    const n = Math.max(exp.length, got.length);
    for (let i = 0; i < n; i++) {
      if (exp[i] !== got[i]) return { stream, index: i, expected: show(exp[i], dataWidth), got: show(got[i], dataWidth) };
    }
  }
  if (r.timeout) return { stream: '(done)', index: 0, expected: 'done', got: `timeout after ${r.cycles} cycles` };
  return undefined;
}

export interface RunSummary {
  readonly mismatches: number;
  /** Sum over cases of the most tokens on one stream (maxStreamTokens). */
  readonly tokens: number;
  readonly cycles: number;
  /** The first mismatch: seed, case, first differing token, and the case itself. */
  readonly report?: string;
}

/** Compares every case token by token; reports the first mismatching case. */
export function summarize(ir: HardwareIR, cases: readonly HarnessCase[], results: readonly CaseResult[], run: { seed: number; stall: number }): RunSummary {
  let mismatches = 0;
  let tokens = 0;
  let cycles = 0;
  let report: string | undefined;
  for (const r of results) {
    const c = cases[r.index];
    tokens += maxStreamTokens(c);
    cycles += r.cycles;
    const m = firstMismatch(r, ir.spec.dataWidth);
    if (!m) continue;
    mismatches++;
    report ??=
      `${c.prim} mismatch: seed ${run.seed} case ${r.index} (case seed ${caseSeed(run.seed, r.index)}), stall ${run.stall}: ` +
      `${m.stream} token ${m.index}: expected ${m.expected}, got ${m.got}\n` +
      `case: ${describeCase(c)}\nconfig fields: ${JSON.stringify(r.fields)}`;
  }
  return { mismatches, tokens, cycles, report };
}

// ---------------------------------------------------------------- cycle figures

/** Most tokens on any one stream of the case (inputs and stream outputs, not written arrays): the ideal cycle count. */
export function maxStreamTokens(c: HarnessCase): number {
  const out = goldenOutputs(c);
  const writes = primDef(c.prim).arrays?.writes ?? [];
  return mostTokens([...Object.values(c.inputs), ...Object.entries(out).filter(([k]) => !writes.includes(k)).map(([, s]) => s)]);
}

/** The primitive's cycle bound of the case (its definition's `cycleBound`). */
export const itemCycleBound = (c: HarnessCase): number => primDef(c.prim).cycleBound(c, goldenOutputs(c));

/** Fixed cycles per case beyond the bound, without stalls (its definition's `rtl.latency`). */
export const caseLatency = (prim: PrimName): number => primDef(prim).rtl!.latency;
