/**
 * Waveform files (`basalt run --trace FILE.fst|.vcd`). The traced model
 * (sim/verilator.ts, variant `trace`) writes into a scratch directory; the
 * file is moved into place only when the simulator ran the job to its end
 * (done or the cycle limit), so a failed run leaves no partial file.
 */
import { copyFileSync, mkdtempSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { UserError } from '../base/errors.ts';
import type { TraceFormat } from './verilator.ts';

/** The format a trace file name asks for: `.fst` or `.vcd`. */
export function traceFormat(path: string): TraceFormat {
  const m = /\.(fst|vcd)$/i.exec(path);
  if (!m) throw new UserError(`--trace '${path}': the file name must end in .fst or .vcd`);
  return m[1].toLowerCase() as TraceFormat;
}

/** Refuses, before anything runs, a trace path whose directory does not exist or that names a directory. */
export function checkTracePath(path: string): void {
  traceFormat(path);
  let dir;
  try {
    dir = statSync(dirname(path));
  } catch {
    throw new UserError(`--trace '${path}': directory ${dirname(path)} does not exist`);
  }
  if (!dir.isDirectory()) throw new UserError(`--trace '${path}': ${dirname(path)} is not a directory`);
  try {
    if (statSync(path).isDirectory()) throw new UserError(`--trace '${path}' is a directory`);
  } catch (e) {
    if (e instanceof UserError) throw e;
  }
}

/**
 * Runs `run` with a scratch trace path (undefined when no trace is asked for); when it returns,
 * the trace moves to `target` (copy next to it, then rename: never a partial file there).
 */
export async function withTraceFile<T>(target: string | undefined, run: (trace: string | undefined) => Promise<T>): Promise<T> {
  if (target === undefined) return run(undefined);
  const dir = mkdtempSync(join(tmpdir(), 'basalt-trace-'));
  try {
    const scratch = join(dir, `trace.${traceFormat(target)}`);
    const result = await run(scratch);
    let size = 0;
    try {
      size = statSync(scratch).size;
    } catch {
      throw new Error(`the traced model wrote no trace file`);
    }
    if (size === 0) throw new Error('the traced model wrote an empty trace file');
    const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.tmp`);
    try {
      copyFileSync(scratch, tmp);
      renameSync(tmp, target);
    } catch (e) {
      rmSync(tmp, { force: true });
      throw new UserError(`cannot write the trace ${target}: ${(e as Error).message}`);
    }
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
