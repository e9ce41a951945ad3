/**
 * Runs one Yosys script in-process (@yowasp/yosys, WebAssembly: no system
 * install, the same binary everywhere) over an in-memory file tree and returns
 * the text files the script wrote.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SynthError } from './errors.ts';

/**
 * The @yowasp/yosys build (Yosys release + build number): part of every cache
 * key. Read from the installed package, so a cached report never loads the
 * WebAssembly bundle (0.4 s); the bundle itself is imported on the first run.
 */
export const YOSYS_VERSION: string = (() => {
  const entry = createRequire(import.meta.url).resolve('@yowasp/yosys');
  return (JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string }).version;
})();

const SCRIPT = 'basalt-synth.ys';

export interface YosysRun {
  /** Files the script wrote (`tee -o`, `write_json`), by name. */
  readonly outputs: Readonly<Record<string, string>>;
  readonly log: string;
}

/**
 * `sources` are the Verilog files (other names are ignored); `script` one Yosys
 * command per line; `outputs` the files to hand back (each must be written).
 * `what` names the run in error messages; `support` are extra files the script reads.
 */
export async function runYosysScript(
  sources: ReadonlyMap<string, string>, script: readonly string[], outputs: readonly string[], what: string, support: readonly { name: string; text: string }[] = [],
): Promise<YosysRun> {
  const tree: Record<string, string> = {};
  for (const [name, text] of sources) if (name.endsWith('.v')) tree[name] = text;
  // Files the script itself uses (techmap rules), not design sources.
  for (const f of support) tree[f.name] = f.text;
  // A script file rather than `-p`: no quoting of `;` or `$` in commands.
  tree[SCRIPT] = script.join('\n') + '\n';
  let log = '';
  const decoder = new TextDecoder();
  const sink = (bytes: Uint8Array | null) => {
    if (bytes) log += decoder.decode(bytes, { stream: true });
  };
  const { runYosys } = await import('@yowasp/yosys');
  let out: Record<string, unknown>;
  try {
    out = (await runYosys(['-q', '-s', SCRIPT], tree, { stdout: sink, stderr: sink })) as Record<string, unknown>;
  } catch (err) {
    const tail = log.split('\n').filter((l) => /ERROR|Error|Warning/.test(l)).slice(-10).join(' | ');
    throw new SynthError(`yosys failed on ${what}: ${tail || (err as Error).message}`);
  }
  const files: Record<string, string> = {};
  for (const name of outputs) {
    const raw = out[name];
    if (raw === undefined) throw new SynthError(`yosys run on ${what} wrote no ${name}`);
    files[name] = typeof raw === 'string' ? raw : decoder.decode(raw as Uint8Array);
  }
  return { outputs: files, log };
}
