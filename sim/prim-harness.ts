/**
 * Core harness: one Verilator model per tile kind whose top is the core
 * (basalt_pe_core / basalt_mem_core), driven by templates/tb_core.cpp.hbs.
 * Turns golden-model cases (golden/prims randomCase) into a job of many cases
 * (config fields, SRAM preload, input streams on the core ports the mode maps
 * them to, sinks, read-back), runs them in one simulator process, and returns
 * the RTL's output streams next to the golden ones.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { execa } from 'execa';
import type { HardwareIR } from '../generator/ir.ts';
import { renderVerilog } from '../generator/emit.ts';
import { modeOf, type TileKindName } from '../generator/cores.ts';
import { coreFiles } from '../generator/core-context.ts';
import { aluOpcode } from '../generator/alu-ops.ts';
import { buildVerilatorModel, type Model } from './verilator.ts';
import {
  fibersOf, parentItems, randomCase, runPrimitive, valueWriter, PRIM_NAMES, ROOT_REF,
  type PrimConfigs, type PrimName, type RandomOptions,
} from '../golden/prims/index.ts';
import { decodeToken, encodeToken, isStop, streamToString, tokenToString, type Stream } from '../golden/tokens.ts';
import { mulberry32 } from '../golden/random.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Everything the core harness can run: the golden primitives plus the MEM value writer. */
export type HarnessPrim = PrimName | 'value-writer';
export const HARNESS_PRIMS: readonly HarnessPrim[] = [...PRIM_NAMES, 'value-writer'];

export interface HarnessCase {
  readonly prim: HarnessPrim;
  /** PrimConfigs[prim]; the value writer has none. */
  readonly config: object;
  readonly inputs: Record<string, Stream>;
}

/** Golden outputs of a case, in runPrimitive's shape (writers: the written arrays, each ending with D). */
export function goldenOutputs(c: HarnessCase): Record<string, Stream> {
  if (c.prim === 'value-writer') return { vals: [...valueWriter(c.inputs.in_val), 'D'] };
  return runPrimitive(c.prim, c.config as PrimConfigs[PrimName], c.inputs);
}

/** Seed of case `i` of a run seeded with `seed` (each case reproducible on its own). */
export const caseSeed = (seed: number, i: number): number => ((seed >>> 0) ^ Math.imul(i + 1, 0x9e3779b1)) >>> 0;

/**
 * `n` random well-formed cases of `prim` (golden randomCase at the arch's data
 * width): redrawn while a case needs an ALU op the arch does not build or more
 * SRAM words than a MEM tile has. The value writer's stream is a random value
 * stream (a reduce case's input).
 */
export function randomHarnessCases(ir: HardwareIR, prim: HarnessPrim, n: number, seed: number, shape: Omit<RandomOptions, 'dataWidth'> = {}): HarnessCase[] {
  const opts = { ...shape, dataWidth: ir.spec.dataWidth };
  return Array.from({ length: n }, (_, i) => {
    const rng = mulberry32(caseSeed(seed, i));
    for (let tries = 0; ; tries++) {
      if (tries > 1000) throw new Error(`${prim}: no case fits this arch after 1000 draws (seed ${seed}, case ${i})`);
      const c: HarnessCase = prim === 'value-writer'
        ? { prim, config: {}, inputs: { in_val: randomCase('reduce', rng, opts).inputs.in_val } }
        : { prim, ...randomCase(prim, rng, opts) };
      if (prim === 'alu' && !ir.spec.peOps.includes((c.config as PrimConfigs['alu']).op)) continue;
      if (sramWords(c) > ir.spec.memDepth) continue;
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

function renderDriver(ir: HardwareIR, kind: TileKindName): string {
  const tpl = readFileSync(join(ROOT, 'templates', 'tb_core.cpp.hbs'), 'utf8');
  const core = ir.kinds[kind].core;
  return Handlebars.compile(tpl, { noEscape: true, strict: true })({
    generatorVersion: ir.generatorVersion, archId: ir.archId, top: `basalt_${kind}_core`,
    w: ir.wordWidth, ni: core.inputs.length, no: core.outputs.length,
    fields: core.fields.map((f) => ({ name: f.name })), hasMem: kind === 'mem', memDepth: ir.spec.memDepth,
  });
}

/** Builds (or takes from the cache) the harness model of one tile kind's core. */
export function buildCoreHarness(ir: HardwareIR, kind: TileKindName, opts: { log?: (s: string) => void } = {}): Promise<Model> {
  const all = renderVerilog(ir);
  const files = new Map(coreFiles(kind).map((n) => [n, all.get(n)!]));
  return buildVerilatorModel({ name: `${ir.archId}-${kind}-core`, files, top: `basalt_${kind}_core`, driver: renderDriver(ir, kind) }, opts);
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
  /** Config fields written, for reports. */
  readonly fields: Record<string, number>;
}

interface PlannedCase {
  readonly kind: TileKindName;
  readonly fields: Record<string, number>;
  readonly memWrites: [number, number][];
  readonly sources: { port: number; words: number[] }[];
  readonly sinks: { name: string; port: number; expect: number }[];
  /** Writers: arrays read back after the run; `guard` = the garbage word expected just past the array. */
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

/** Words a case would place in a tile's SRAM (to check it fits before drawing the layout). */
export function sramWords(c: HarnessCase): number {
  const out = goldenOutputs(c);
  switch (c.prim) {
    case 'level-scanner': {
      const l = (c.config as PrimConfigs['level-scanner']).level;
      return l.kind === 's' ? l.seg.length + l.crd.length : 0;
    }
    case 'value-array': return (c.config as PrimConfigs['value-array']).vals.length;
    case 'level-writer': return out.seg.length + out.crd.length; // each array + a guard word
    case 'value-writer': return out.vals.length;
    default: return 0;
  }
}

function planCase(ir: HardwareIR, c: HarnessCase, rng: () => number): PlannedCase {
  const { kind, mode, code } = modeOf(c.prim);
  const core = ir.kinds[kind].core;
  const mp = core.modePorts[mode];
  const dw = ir.spec.dataWidth;
  const depth = ir.spec.memDepth;
  const enc = (s: Stream) => s.map((t) => encodeToken(t, dw));
  const golden = goldenOutputs(c);
  const fields: Record<string, number> = { mode: code };
  const memWrites: [number, number][] = [];
  const readbacks: PlannedCase['readbacks'] = [];
  const garbage = () => Math.floor(rng() * 2 ** dw);
  const writeArray = (base: number, xs: readonly number[]) => xs.forEach((x, i) => memWrites.push([(base + i) % depth, encodeToken(x, dw)]));
  let inputs = c.inputs;

  switch (c.prim) {
    case 'alu': {
      const cfg = c.config as PrimConfigs['alu'];
      fields.op = aluOpcode(cfg.op);
      if (cfg.constant !== undefined) {
        fields.const = encodeToken(cfg.constant, dw);
        fields.const_en = 1;
      }
      break;
    }
    case 'level-scanner': {
      const l = (c.config as PrimConfigs['level-scanner']).level;
      const inRef = c.inputs.in_ref;
      // The root option replaces the `0, D` input stream; try it on half of those cases.
      if (inRef.length === 2 && inRef[0] === ROOT_REF[0] && inRef[1] === 'D' && rng() < 0.5) {
        fields.root = 1;
        inputs = {};
      }
      if (l.kind === 'd') {
        fields.dense = 1;
        fields.dim = l.size;
      } else {
        const [segBase, crdBase] = layout([l.seg.length, l.crd.length], depth, rng);
        fields.seg_base = segBase;
        fields.crd_base = crdBase;
        writeArray(segBase, l.seg);
        writeArray(crdBase, l.crd);
      }
      break;
    }
    case 'value-array': {
      const vals = (c.config as PrimConfigs['value-array']).vals;
      const [valBase] = layout([vals.length], depth, rng);
      fields.val_base = valBase;
      writeArray(valBase, vals);
      break;
    }
    case 'level-writer':
    case 'value-writer': {
      const names = c.prim === 'level-writer' ? ['seg', 'crd'] : ['vals'];
      // Each array (golden length - 1, the D) is followed by a guard word: all garbage before the run.
      const sizes = names.map((n) => golden[n].length);
      const bases = layout(sizes, depth, rng);
      names.forEach((n, i) => {
        const fill = Array.from({ length: sizes[i] }, garbage);
        fill.forEach((g, j) => memWrites.push([(bases[i] + j) % depth, g]));
        readbacks.push({ name: n, addr: bases[i], n: sizes[i], guard: fill[sizes[i] - 1] });
      });
      if (c.prim === 'level-writer') {
        fields.seg_base = bases[0];
        fields.crd_base = bases[1];
        fields.drop_empty = (c.config as PrimConfigs['level-writer']).dropEmpty ? 1 : 0;
      } else fields.val_base = bases[0];
      break;
    }
    default:
      break;
  }
  const sources = Object.entries(inputs).map(([s, tokens]) => ({ port: core.inputs.indexOf(mp.inputs[s]), words: enc(tokens) }));
  const sinks = Object.entries(mp.outputs).map(([s, port]) => ({ name: s, port: core.outputs.indexOf(port), expect: golden[s].length }));
  const expected: Record<string, number[]> = {};
  for (const [s, tokens] of Object.entries(golden)) expected[s] = enc(tokens);
  return { kind, fields, memWrites, sources, sinks, readbacks, expected };
}

const hex = (n: number) => n.toString(16);

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
  const permil = Math.round(stall * 1000);
  const lines: string[] = [];
  const plans = cases.map((c, i) => {
    const rng = mulberry32((seed * 0x9e3779b1 + i * 7919) >>> 0);
    const p = planCase(ir, c, rng);
    lines.push(`case ${i} ${opts.reset === false ? 0 : 1}`);
    for (const [f, v] of Object.entries(p.fields)) lines.push(`cfg ${f} ${hex(v)}`);
    for (const [a, d] of p.memWrites) lines.push(`mem_write ${hex(a)} ${hex(d)}`);
    const pseed = (k: number) => ((seed >>> 0) * 1000003 + i * 131 + k) >>> 0;
    for (const s of p.sources) lines.push(`source ${s.port} ${pseed(s.port)} ${permil} ${s.words.length} ${s.words.map(hex).join(' ')}`);
    for (const s of p.sinks) lines.push(`sink ${s.port} ${pseed(16 + s.port)} ${permil} ${s.expect}`);
    for (const r of p.readbacks) lines.push(`readback ${hex(r.addr)} ${r.n}`);
    const tokens = Math.max(1, ...p.sources.map((s) => s.words.length), ...Object.values(p.expected).map((e) => e.length));
    lines.push(`run ${Math.ceil((200 + 8 * tokens) / Math.max(0.05, 1 - stall))}`);
    return p;
  });

  const dir = mkdtempSync(join(tmpdir(), 'basalt-prim-'));
  try {
    const jobFile = join(dir, 'job.txt');
    const outFile = join(dir, 'out.txt');
    writeFileSync(jobFile, lines.join('\n') + '\n');
    const r = await execa(model.exe, [jobFile, outFile], { reject: false, all: true });
    if (r.exitCode !== 0 && r.exitCode !== 1) throw new Error(`core harness failed (exit ${r.exitCode}): ${r.all}`);
    const text = readFileSync(outFile, 'utf8');
    const stats = /^stats cycles (\d+) run_cycles \d+ seconds ([\d.]+)$/m.exec(text);
    return { results: parseResults(text, plans), simCycles: Number(stats?.[1] ?? 0), simSeconds: Number(stats?.[2] ?? 0) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseResults(text: string, plans: PlannedCase[]): CaseResult[] {
  const results: CaseResult[] = [];
  let cur: { index: number; cycles: number; timeout: boolean; sinks: Map<number, number[]>; mems: number[][] } | undefined;
  const flush = () => {
    if (!cur) return;
    const p = plans[cur.index];
    const got: Record<string, number[]> = {};
    for (const s of p.sinks) got[s.name] = cur.sinks.get(s.port) ?? [];
    p.readbacks.forEach((rb, k) => {
      // rb.n = array length + 1: the word past the array is the guard, which must
      // still hold its garbage; it stands in the place of the golden array's final D.
      const words = cur!.mems[k] ?? [];
      const data = words.slice(0, rb.n - 1);
      const guardOk = words[rb.n - 1] === rb.guard;
      got[rb.name] = [...data, guardOk ? p.expected[rb.name][rb.n - 1] : -1];
    });
    results.push({ index: cur.index, expected: p.expected, got, cycles: cur.cycles, timeout: cur.timeout, fields: p.fields });
    cur = undefined;
  };
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f[0] === 'case') {
      flush();
      cur = { index: Number(f[1]), cycles: Number(f[3]), timeout: f[2] !== 'ok', sinks: new Map(), mems: [] };
    } else if (f[0] === 'sink' && cur) cur.sinks.set(Number(f[1]), f.slice(3).map((x) => parseInt(x, 16)));
    else if (f[0] === 'mem' && cur) cur.mems.push(f.slice(3).map((x) => parseInt(x, 16)));
  }
  flush();
  if (results.length !== plans.length) throw new Error(`core harness returned ${results.length} of ${plans.length} cases`);
  return results;
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

/** Most tokens on any one stream of the case (inputs and stream outputs): the ideal cycle count. */
export function maxStreamTokens(c: HarnessCase): number {
  const out = goldenOutputs(c);
  const streamOuts = c.prim === 'level-writer' || c.prim === 'value-writer' ? [] : Object.values(out);
  return Math.max(...Object.values(c.inputs).map((s) => s.length), ...streamOuts.map((s) => s.length));
}

/** Tokens of each item of a parent stream (scanner rule): 2 for a coordinate/ref with a merged stop, else 1; D excluded. */
function parentItemTokens(where: string, parent: Stream): number[] {
  return parentItems(where, parent).map((it) => (it.kind === 'fiber' && isStop(parent[it.index + 1]) ? 2 : 1));
}
/** Tokens of each fiber of a child stream (data + its stop); D excluded. */
const fiberTokens = (where: string, s: Stream) => fibersOf(where, s).map((f) => f.data.length + 1);
const sumMax = (a: number[], b: number[]) => a.reduce((acc, x, i) => acc + Math.max(x, b[i] ?? 0), 0);

/**
 * Lower bound of a primitive that moves one token per cycle on each stream and
 * treats one item (a parent token with its child fiber) per step: the sum over
 * items of the tokens of its busiest stream, plus 1 for D. It equals the most
 * tokens on one stream when every item has the same busiest stream; where the
 * busiest stream changes from item to item (a scanner's merged `r, S0` vs a long
 * fiber), no design can overlap the items fully with finite buffers. Intersect
 * and union compare one pair of coordinates per cycle: their bound is the
 * union's output length.
 */
export function itemCycleBound(c: HarnessCase): number {
  const out = goldenOutputs(c);
  const i = c.inputs;
  switch (c.prim) {
    case 'alu':
    case 'value-array':
    case 'repeat-sig':
      return maxStreamTokens(c);
    case 'level-writer':
      return i.in_crd.length;
    case 'value-writer':
      return i.in_val.length;
    case 'intersect':
    case 'union':
      return runPrimitive('union', {}, i).out_crd.length;
    case 'level-scanner': {
      const inRef = i.in_ref ?? ROOT_REF;
      return sumMax(parentItemTokens('scanner', inRef), fiberTokens('scanner', out.out_crd)) + 1;
    }
    case 'repeat':
      return sumMax(parentItemTokens('repeat', i.in_ref), fiberTokens('repeat', i.in_repsig)) + 1;
    case 'crd-drop':
    case 'crd-hold':
      return sumMax(parentItemTokens(c.prim, i.in_outer), fiberTokens(c.prim, i.in_inner)) + 1;
    case 'reduce': {
      const fibers = fibersOf('reduce', i.in_val);
      return fibers.reduce((acc, f) => acc + Math.max(f.data.length + 1, f.stop.stop > 0 ? 2 : 1), 0) + 1;
    }
  }
}
