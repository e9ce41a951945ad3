/**
 * FROSTT .tns reader and writer: one entry per line, 1-based indices then the
 * value, whitespace separated. Lines starting with '#' are comments; FROSTT has
 * no header, so the shape is inferred (largest index per mode) unless given,
 * or unless a `# shape 4x5x6` comment (which our writer emits) states it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FormatError, InputError } from './errors.ts';
import type { RawTensor } from './raw.ts';
import type { Tensor } from './tensor.ts';
import { excerpt, fields, isIntegerToken, isRealToken, isUnsignedToken } from './text.ts';

export function readTns(path: string, shape?: readonly number[]): RawTensor {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FormatError(path, null, `cannot read the file: ${(e as Error).message}`);
  }
  return parseTns(text, path, shape);
}

/** Parses .tns text; `shape`, when given, fixes the order and bounds the indices. */
export function parseTns(text: string, file: string, shape?: readonly number[]): RawTensor {
  const fail = (line: number | null, problem: string): never => {
    throw new FormatError(file, line, problem);
  };
  const lines = text.split('\n');
  let bound: readonly number[] | undefined = shape;
  let boundFrom = 'the given shape';
  if (shape && shape.length === 0) fail(null, 'a .tns file cannot hold a scalar (order 0)');
  let order = shape ? shape.length : -1;
  let orderFrom = 'the given shape';
  let allIntegers = true;
  const entryCoords: number[][] = [];
  const entryValues: number[] = [];
  const entryLines: number[] = [];

  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    const line = n + 1;
    const t = raw.trim();
    if (t === '') continue;
    if (t.startsWith('#')) {
      const m = /^#\s*shape\s+(\S+)\s*$/i.exec(t);
      if (m && !shape && entryValues.length === 0) {
        const dims = m[1].split('x');
        if (!dims.every(isUnsignedToken)) fail(line, `bad shape comment '${excerpt(t)}', expected like '# shape 4x5x6'`);
        bound = dims.map(Number);
        boundFrom = `the shape comment on line ${line}`;
        order = bound.length;
        orderFrom = boundFrom;
      }
      continue;
    }
    const words = fields(raw);
    if (words.length < 2) fail(line, `expected the indices then the value, found ${words.length} field: '${excerpt(raw)}'`);
    if (order < 0) {
      order = words.length - 1;
      orderFrom = `line ${line}`;
    }
    if (words.length !== order + 1) {
      fail(line, `expected ${order + 1} fields (${order} ${order === 1 ? 'index' : 'indices'} and a value, as set by ${orderFrom}), found ${words.length}: '${excerpt(raw)}'`);
    }
    const c = new Array<number>(order);
    for (let m = 0; m < order; m++) {
      const tok = words[m];
      if (!isUnsignedToken(tok) || tok.match(/^0+$/)) fail(line, `index ${m + 1} '${excerpt(tok)}' is not a positive integer (.tns indices are 1-based)`);
      const i = Number(tok);
      if (bound && i > bound[m]) fail(line, `index ${m + 1} is ${i}, out of range 1..${bound[m]} set by ${boundFrom}`);
      c[m] = i - 1;
    }
    const vt = words[order];
    if (!isRealToken(vt)) fail(line, `value '${excerpt(vt)}' is not a number`);
    if (!isIntegerToken(vt)) allIntegers = false;
    const v = Number(vt);
    if (!Number.isFinite(v)) fail(line, `value ${vt} is out of the range of a double`);
    entryCoords.push(c);
    entryValues.push(v);
    entryLines.push(line);
  }

  if (order < 0) fail(null, "no entries, so the shape cannot be inferred: give the shape (or add a '# shape 4x5x6' comment)");
  const dims = bound ? [...bound] : new Array<number>(order).fill(0);
  if (!bound) for (const c of entryCoords) for (let m = 0; m < order; m++) if (c[m] + 1 > dims[m]) dims[m] = c[m] + 1;

  const idx = entryCoords.map((_, k) => k);
  const cmp = (a: number, b: number) => {
    const x = entryCoords[a];
    const y = entryCoords[b];
    for (let m = 0; m < order; m++) if (x[m] !== y[m]) return x[m] - y[m];
    return 0;
  };
  idx.sort((a, b) => cmp(a, b) || entryLines[a] - entryLines[b]);
  for (let q = 1; q < idx.length; q++) {
    if (cmp(idx[q - 1], idx[q]) === 0) {
      const at = entryCoords[idx[q]].map((i) => i + 1).join(',');
      fail(entryLines[idx[q]], `duplicate entry (${at}), already given on line ${entryLines[idx[q - 1]]}`);
    }
  }
  return {
    shape: dims,
    coords: idx.map((k) => entryCoords[k]),
    values: idx.map((k) => entryValues[k]),
    field: allIntegers ? 'integer' : 'real',
    source: file,
  };
}

/**
 * .tns text, one entry per line, 1-based. With `shapeComment` (the default) a
 * first line `# shape AxBxC` keeps trailing empty slices across a round trip;
 * FROSTT tools skip '#' lines.
 */
export function formatTns(t: Tensor, opts: { shapeComment?: boolean } = {}): string {
  if (t.shape.length === 0) throw new InputError('a .tns file cannot hold a scalar: write it as a 1 x 1 Matrix Market matrix');
  const out: string[] = [];
  if (opts.shapeComment ?? true) out.push(`# shape ${t.shape.join('x')}`);
  for (let k = 0; k < t.values.length; k++) {
    const v = t.values[k];
    if (!Number.isFinite(v)) throw new InputError(`cannot write value ${v} to a .tns file`);
    out.push(`${t.coords[k].map((i) => i + 1).join(' ')} ${v}`);
  }
  return out.join('\n') + '\n';
}

export function writeTns(path: string, t: Tensor, opts: { shapeComment?: boolean } = {}): void {
  writeFileSync(path, formatTns(t, opts));
}
