/**
 * Inputs and outputs of `basalt run`: --input specs, value conversion, and
 * files written all-or-nothing (temp file + rename), so a failed run never
 * leaves a half-written or stale-looking result behind.
 */
import { mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { InputError } from '../formats/errors.ts';
import { formatMtx, matrixAsOrder, readMtx } from '../formats/mtx.ts';
import { parseRandomSpec, randomTensor } from '../formats/random.ts';
import type { Tensor } from '../formats/tensor.ts';
import { formatTns, readTns } from '../formats/tns.ts';
import { convertValues, type ValueMode } from '../formats/values.ts';

/** '--input B=file.mtx' options -> tensor name -> spec; every input of the expression exactly once. */
export function parseInputOptions(list: readonly string[], inputs: readonly string[], output: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const text of list) {
    const eq = text.indexOf('=');
    if (eq <= 0 || eq === text.length - 1) throw new InputError(`--input '${text}': expected TENSOR=FILE or TENSOR=random:SHAPE:DENSITY:SEED`);
    const name = text.slice(0, eq).trim();
    const spec = text.slice(eq + 1).trim();
    if (name === output) throw new InputError(`--input names ${name}, the output of the expression: only inputs (${inputs.join(', ')}) are read`);
    if (!inputs.includes(name)) throw new InputError(`--input names tensor ${name}, which the expression does not use (its inputs: ${inputs.join(', ')})`);
    if (out.has(name)) throw new InputError(`--input names tensor ${name} twice`);
    out.set(name, spec);
  }
  const missing = inputs.filter((t) => !out.has(t));
  if (missing.length > 0) throw new InputError(`no --input for ${missing.join(', ')} (give TENSOR=FILE or TENSOR=random:SHAPE:DENSITY:SEED)`);
  return out;
}

/** Reads (or generates) one input of the given order and converts its values for the datapath. */
export function loadInput(name: string, spec: string, order: number, mode: ValueMode, dataWidth: number): Tensor {
  if (spec.startsWith('random:')) {
    const r = parseRandomSpec(spec);
    if (r.shape.length !== order) {
      throw new InputError(`--input ${name}=${spec}: ${name} has ${order} ${order === 1 ? 'index' : 'indices'} in the expression but the shape ${r.shape.join('x') || 'scalar'} has ${r.shape.length} mode(s)`);
    }
    return convertValues(randomTensor(r.shape, r.density, r.seed), mode, dataWidth, `${name}=${spec}`);
  }
  const ext = extname(spec).toLowerCase();
  let raw;
  if (ext === '.mtx') raw = matrixAsOrder(readMtx(spec), order, spec);
  else if (ext === '.tns') {
    raw = readTns(spec);
    if (raw.shape.length !== order) throw new InputError(`${spec}: holds a tensor of order ${raw.shape.length} but ${name} has ${order} indices in the expression`);
  } else throw new InputError(`--input ${name}=${spec}: unknown file type '${ext || '(none)'}': use .mtx (Matrix Market), .tns (FROSTT) or random:SHAPE:DENSITY:SEED`);
  return convertValues(raw, mode, dataWidth, spec);
}

/** File suffix a tensor of this order is written as. */
export const fileKind = (order: number): '.mtx' | '.tns' => (order <= 2 ? '.mtx' : '.tns');

export function tensorText(t: Tensor, comments: readonly string[]): string {
  return fileKind(t.shape.length) === '.mtx' ? formatMtx(t, comments) : formatTns(t);
}

/** Refuses an --output path whose suffix names the other format, or whose directory does not exist. */
export function checkOutputPath(path: string, order: number): void {
  const want = fileKind(order);
  const ext = extname(path).toLowerCase();
  if ((ext === '.mtx' || ext === '.tns') && ext !== want) {
    const what = order === 0 ? 'a scalar (written as a 1 x 1 Matrix Market matrix)' : `a tensor of order ${order}`;
    throw new InputError(`--output ${path}: the result is ${what}, written as ${want === '.mtx' ? 'Matrix Market (.mtx)' : 'FROSTT (.tns)'}; name the file *${want}`);
  }
  const dir = dirname(path);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    /* reported below */
  }
  if (!isDir) throw new InputError(`--output ${path}: directory '${dir}' does not exist`);
}

/** Writes every file or none: all go to temporary names first, then are renamed into place. */
export function writeAllOrNothing(files: readonly { path: string; text: string }[]): void {
  const temps: string[] = [];
  const renamed: string[] = [];
  const madeDirs: string[] = [];
  try {
    for (const f of files) {
      // Remember the first directory this call creates, to remove it again on failure.
      const made = mkdirSync(dirname(f.path), { recursive: true });
      if (made) madeDirs.push(made);
      const tmp = join(dirname(f.path), `.${basename(f.path)}.${process.pid}.tmp`);
      temps.push(tmp);
      writeFileSync(tmp, f.text);
    }
    files.forEach((f, k) => {
      renameSync(temps[k], f.path);
      renamed.push(f.path);
    });
  } catch (e) {
    for (const t of temps) rmSync(t, { force: true });
    for (const r of renamed) rmSync(r, { force: true });
    for (const d of madeDirs.reverse()) rmSync(d, { recursive: true, force: true });
    throw new InputError(`cannot write the results: ${(e as Error).message}`);
  }
}
