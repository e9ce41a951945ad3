/**
 * Icarus Verilog, the second simulator of the array: the same generated RTL
 * and the same job files as the Verilator model (sim/job.ts), driven by a
 * Verilog testbench (templates/tb_icarus.v.hbs) that reproduces the C++
 * driver cycle for cycle. Compiled once per arch-id + content hash into a
 * cached `vvp` file (atomic, one compile at a time via flock), like the
 * Verilator model. Being 4-state, it also fails a run on an X where the
 * testbench decides something, which 2-state Verilator turns into a 0.
 */
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa, execaSync } from 'execa';
import { cachedBuild } from './build-cache.ts';
import { tensorDiff, type Tensor } from '../formats/tensor.ts';
import { renderVerilog } from '../generator/emit.ts';
import { ADDRESS_INDEX_SHIFT, type HardwareIR } from '../generator/ir.ts';
import { renderTemplate } from '../generator/render.ts';
import { SIDES } from '../generator/topology.ts';
import { type JobResult, type JobRunner, UnknownValueError } from './job.ts';
import { START_GROUPS } from '../generator/tile-kind.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cacheDir = () => process.env.BASALT_ICARUS_CACHE ?? join(ROOT, '.cache', 'icarus');
// Its own lock: an Icarus compile is single-threaded and short, it need not wait for a Verilator build.
const LOCK_FILE = process.env.BASALT_ICARUS_LOCK ?? '/tmp/basalt-icarus-build.lock';
// -g2012 for the testbench ($isunknown, queues); the generated RTL is plain Verilog-2005 and compiles unchanged.
const IVERILOG_FLAGS = ['-g2012', '-s', 'basalt_tb'];
const TB_FILE = 'basalt_tb.v';

export interface IcarusSources {
  /** Cache-directory prefix, e.g. the arch-id. */
  readonly name: string;
  /** Verilog files by name, the testbench included (other files are ignored). */
  readonly files: ReadonlyMap<string, string>;
}

/** The generated RTL of the array plus its Icarus testbench, as `compileIcarus` takes them (a test may edit a file first). */
export function icarusSources(ir: HardwareIR): IcarusSources {
  const files = new Map(renderVerilog(ir));
  // The per-tile wires basalt_top declares (generator/emit.ts, topContext): done, every SB output's valid, every track input's ready.
  const tracks = Array.from({ length: ir.spec.tracks }, (_, k) => k);
  const tileSignals = ir.tiles.flatMap((t) => [
    `t${t.id}_done`,
    ...SIDES.flatMap((side) => tracks.flatMap((k) => [`t${t.id}_out_${side}${k}_valid`, `t${t.id}_in_${side}${k}_ready`])),
  ]);
  files.set(TB_FILE, renderTemplate('tb_icarus.v.hbs', {
    generatorVersion: ir.generatorVersion, archId: ir.archId, nio: ir.graph.io.length, io: ir.graph.io.map((p) => ({ k: p.index })), tileSignals,
    w: ir.wordWidth, dw: ir.spec.dataWidth, memReadLatency: ir.memReadLatency, cfgReadLatency: ir.cfgReadLatency, addressIndexShift: ADDRESS_INDEX_SHIFT, groupCount: START_GROUPS,
  }));
  return { name: ir.archId, files };
}

let toolchainId: string | undefined;
/** The Icarus version: part of the cache key, so an upgrade recompiles. */
function toolchain(): string {
  toolchainId ??= execaSync('iverilog', ['-V'], { reject: false }).stdout.split('\n')[0];
  return toolchainId;
}

/** A compiled array testbench; runs job files (runJob(model, job)). */
export class IcarusModel implements JobRunner {
  constructor(
    readonly vvp: string,
    readonly dir: string,
    /** True when this call compiled it, false when it came from the cache. */
    readonly built: boolean,
    readonly buildSeconds: number,
  ) {}

  async runFiles(jobFile: string, outFile: string, opts: { onLine?: (line: string) => void } = {}): Promise<{ exitCode: number; seconds: number; runSeconds: number }> {
    const t0 = performance.now();
    // The testbench cannot read a wall clock: it marks its run phases on stdout, timed here as they arrive.
    const sub = execa('vvp', ['-n', this.vvp, `+job=${jobFile}`, `+out=${outFile}`], { reject: false, stderr: 'pipe', buffer: { stdout: false } });
    let status: number | undefined;
    let phaseStart = 0;
    let runSeconds = 0;
    const other: string[] = [];
    for await (const line of sub.iterable()) {
      if (line === 'phase +') phaseStart = performance.now();
      else if (line === 'phase -') runSeconds += (performance.now() - phaseStart) / 1000;
      else if (/^status \d+$/.test(line)) status = Number(line.slice(7));
      else if (line.startsWith('progress ')) opts.onLine?.(line);
      else other.push(line);
    }
    const r = await sub;
    if (r.exitCode !== 0 || (status !== 0 && status !== 1)) {
      throw new Error(`Icarus simulation failed (vvp exit ${r.exitCode}, status ${status ?? 'none'}): ${[...other, r.stderr].join('\n').trim()}`);
    }
    return { exitCode: status, seconds: (performance.now() - t0) / 1000, runSeconds };
  }
}

/** The array testbench on the generated RTL of `ir`, compiled or from the cache. */
export function buildIcarusModel(ir: HardwareIR, opts: { log?: (s: string) => void } = {}): Promise<IcarusModel> {
  return compileIcarus(icarusSources(ir), opts);
}

/** Compiles (or fetches from the cache) Verilog sources whose top is the job-file testbench `basalt_tb`. */
export async function compileIcarus(src: IcarusSources, opts: { log?: (s: string) => void } = {}): Promise<IcarusModel> {
  const h = createHash('sha256');
  const vnames = [...src.files.keys()].filter((n) => n.endsWith('.v')).sort();
  for (const n of vnames) h.update(n).update('\0').update(src.files.get(n)!).update('\0');
  h.update(IVERILOG_FLAGS.join(' ')).update(toolchain());
  const dir = join(cacheDir(), `${src.name}-${h.digest('hex').slice(0, 12)}`);
  mkdirSync(cacheDir(), { recursive: true });
  const compile = `iverilog ${IVERILOG_FLAGS.join(' ')} -o model.vvp ${vnames.map((n) => `'src/${n}'`).join(' ')}`;
  const r = await cachedBuild({
    dir, product: 'model.vvp', files: new Map(vnames.map((n) => [`src/${n}`, src.files.get(n)!])), command: compile, lockFile: LOCK_FILE,
    what: `Icarus compile of ${src.name}`, log: () => opts.log?.(`compiling Icarus model ${src.name} (cached afterwards) ...`),
  });
  return new IcarusModel(r.path, dir, r.seconds !== null, r.seconds ?? 0);
}

/**
 * Decodes read-back memory dumps, failing when the result depends on a word
 * that read as X. Whether a word matters is decided by the decoder itself:
 * the output must be the same with every unknown word 0 (what 2-state
 * Verilator reads) and all ones; otherwise the first unknown word whose
 * value changes the result is named. A 2-state result has no unknown words.
 */
export function decodeKnown(res: JobResult, dataWidth: number, decode: (dumps: ReadonlyMap<number, number[]>) => Tensor): Tensor {
  const base = decode(res.memDumps);
  const unknown = [...res.memDumpUnknown].flatMap(([addr, u]) => u.indices.map((index) => ({ addr, index, cycle: u.firstCycle + index })));
  if (unknown.length === 0) return base;
  const ones = 2 ** dataWidth - 1;
  /** Does the output change when the unknown words from `k` on read as all ones? */
  const matters = (k: number): boolean => {
    const dumps = new Map([...res.memDumps].map(([a, w]) => [a, [...w]]));
    for (const u of unknown.slice(k)) dumps.get(u.addr)![u.index] = ones;
    try {
      return tensorDiff(decode(dumps), base) !== null;
    } catch {
      return true;
    }
  };
  if (!matters(0)) return base;
  // The last k from which poisoning still matters: word k itself changes the result.
  let lo = 0;
  let hi = unknown.length;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (matters(mid)) lo = mid;
    else hi = mid;
  }
  const u = unknown[lo];
  const word = u.addr + u.index * 2 ** ADDRESS_INDEX_SHIFT;
  throw new UnknownValueError('mem_rdata', u.cycle, ` (read-back of memory address ${(word >>> 0).toString(16).padStart(8, '0')}, word ${u.index} of the dump at ${u.addr.toString(16).padStart(8, '0')}; the decoded output depends on it)`);
}
