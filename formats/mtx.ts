/**
 * Matrix Market (.mtx) reader and writer.
 *
 * Reads coordinate and array matrices with integer, real or pattern values and
 * general, symmetric or skew-symmetric storage (expanded here: the hardware wants
 * every entry). Refuses anything else with a FormatError `FILE:LINE: problem`.
 * Also honours LAGraph's `%%GraphBLAS type T` comment, as the LAGraph test files
 * do: values must fit the declared type.
 *
 * Writes coordinate integer general: the form `basalt run --output` promises.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { FormatError, InputError } from './errors.ts';
import type { RawTensor, ValueField } from './raw.ts';
import type { Tensor } from './tensor.ts';
import { excerpt, fields, isIntegerToken, isRealToken, isUnsignedToken } from './text.ts';

export type MtxFormat = 'coordinate' | 'array';
export type MtxSymmetry = 'general' | 'symmetric' | 'skew-symmetric';

export interface MtxHeader {
  readonly format: MtxFormat;
  readonly field: ValueField;
  readonly symmetry: MtxSymmetry;
  /** From a `%%GraphBLAS type T` line, if any. */
  readonly graphblasType?: string;
}

const HEADER_SYNTAX = "'%%MatrixMarket matrix <coordinate|array> <integer|real|pattern> <general|symmetric|skew-symmetric>'";

interface TypeRange {
  readonly integer: boolean;
  readonly min: bigint;
  readonly max: bigint;
}
const intRange = (bits: number, signed: boolean): TypeRange => ({
  integer: true,
  min: signed ? -(1n << BigInt(bits - 1)) : 0n,
  max: signed ? (1n << BigInt(bits - 1)) - 1n : (1n << BigInt(bits)) - 1n,
});
/** LAGraph's type names (GraphBLAS C types), with the values each can hold. */
const GRAPHBLAS_TYPES: Record<string, TypeRange | null> = {
  bool: { integer: true, min: 0n, max: 1n },
  int8_t: intRange(8, true),
  int16_t: intRange(16, true),
  int32_t: intRange(32, true),
  int64_t: intRange(64, true),
  uint8_t: intRange(8, false),
  uint16_t: intRange(16, false),
  uint32_t: intRange(32, false),
  uint64_t: intRange(64, false),
  float: null, // any finite real
  double: null,
};
const COMPLEX_TYPES = new Set(['float complex', 'double complex', 'GxB_FC32_t', 'GxB_FC64_t']);

/** Reads and parses a Matrix Market file; the path as given names the file in errors. */
export function readMtx(path: string): RawTensor {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new FormatError(path, null, `cannot read the file: ${(e as Error).message}`);
  }
  return parseMtx(text, path);
}

/** Parses Matrix Market text; `file` names it in error messages. */
export function parseMtx(text: string, file: string): RawTensor {
  const fail = (line: number | null, problem: string): never => {
    throw new FormatError(file, line, problem);
  };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1); // byte-order mark
  if (text.trim() === '') fail(null, `the file is empty; expected the header ${HEADER_SYNTAX}`);
  const lines = text.split('\n');
  const header = parseHeaderLine(lines[0] ?? '', fail);

  // Comments (and LAGraph's %%GraphBLAS type line) until the size line.
  let n = 1;
  let graphblasType: string | undefined;
  for (; n < lines.length; n++) {
    const line = lines[n];
    const t = line.trim();
    if (t === '') continue;
    if (!t.startsWith('%')) break;
    const m = /^%%GraphBLAS\s+type\s+(.*)$/i.exec(t);
    if (m && graphblasType === undefined) graphblasType = checkGraphblasType(m[1].trim().replace(/\s+/g, ' '), header, n + 1, fail);
  }
  if (n >= lines.length) fail(null, 'the file ends before the size line');
  const sizeLine = n + 1;
  const size = parseSizeLine(lines[n], header, sizeLine, fail);
  const [rows, cols] = size;
  const range = graphblasType ? GRAPHBLAS_TYPES[graphblasType] : null;

  /** Parses and checks one value token (the header's field, then the GraphBLAS type's range). */
  const value = (tok: string, line: number): number => {
    if (header.field === 'integer' && !isIntegerToken(tok)) {
      fail(line, `value '${excerpt(tok)}' is not an integer (the header declares field 'integer')`);
    }
    if (!isRealToken(tok)) fail(line, `value '${excerpt(tok)}' is not a number`);
    const v = Number(tok);
    if (range) {
      if (!Number.isInteger(v)) fail(line, `value ${tok} is not an integer, but the GraphBLAS type is ${graphblasType}`);
      const big = isIntegerToken(tok) ? BigInt(tok) : BigInt(v);
      if (big < range.min || big > range.max) {
        fail(line, `value ${tok} is out of range for GraphBLAS type ${graphblasType} (${range.min}..${range.max})`);
      }
    }
    if (header.field === 'integer' && !Number.isSafeInteger(v)) fail(line, `integer value ${tok} is too large to hold exactly`);
    if (!Number.isFinite(v)) fail(line, `value ${tok} is out of the range of a double`);
    return v;
  };

  const entries =
    header.format === 'coordinate'
      ? readCoordinateEntries(lines, n + 1, size, sizeLine, header, value, fail)
      : readArrayEntries(lines, n + 1, rows, cols, sizeLine, header, value, fail);
  return { shape: [rows, cols], coords: entries.coords, values: entries.values, field: header.field, source: file };
}

type Fail = (line: number | null, problem: string) => never;

function parseHeaderLine(raw: string, fail: Fail): MtxHeader {
  const line = raw.trim();
  const words = fields(line);
  if (words.length === 0 || words[0].toLowerCase() !== '%%matrixmarket') {
    // A first line of plain numbers is a Matrix Market body whose header was lost.
    if (/^[-+0-9.eE\s]+$/.test(line)) fail(1, `missing the header line ${HEADER_SYNTAX}; line 1 already holds data '${excerpt(line)}'`);
    fail(1, `not a Matrix Market file: line 1 is '${excerpt(line)}', expected the header ${HEADER_SYNTAX}`);
  }
  if (words.length !== 5) fail(1, `the header has ${words.length - 1} words after %%MatrixMarket, expected 4: ${HEADER_SYNTAX}`);
  const [object, format, field, symmetry] = words.slice(1).map((w) => w.toLowerCase());
  if (object === 'vector') fail(1, "object 'vector' is not supported, expected 'matrix'");
  if (object !== 'matrix') fail(1, `unknown object '${words[1]}', expected 'matrix'`);
  if (format !== 'coordinate' && format !== 'array') fail(1, `unknown format '${words[2]}', expected 'coordinate' or 'array'`);
  if (field === 'complex') fail(1, "field 'complex' is not supported: the integer datapath cannot hold complex values (use integer, real or pattern)");
  if (field !== 'integer' && field !== 'real' && field !== 'pattern') {
    fail(1, `unknown field '${words[3]}', expected 'integer', 'real' or 'pattern'`);
  }
  if (symmetry === 'hermitian') fail(1, "symmetry 'hermitian' needs complex values, which are not supported");
  if (symmetry !== 'general' && symmetry !== 'symmetric' && symmetry !== 'skew-symmetric') {
    fail(1, `unknown symmetry '${words[4]}', expected 'general', 'symmetric' or 'skew-symmetric'`);
  }
  if (format === 'array' && field === 'pattern') fail(1, "'array pattern' is not a valid combination: a pattern matrix must use the coordinate format");
  if (symmetry === 'skew-symmetric' && field === 'pattern') fail(1, "'pattern skew-symmetric' is not a valid combination: a pattern has no values to negate");
  return { format: format as MtxFormat, field: field as ValueField, symmetry: symmetry as MtxSymmetry };
}

function checkGraphblasType(type: string, header: MtxHeader, line: number, fail: Fail): string {
  if (COMPLEX_TYPES.has(type)) fail(line, `GraphBLAS type '${type}' is complex, which is not supported`);
  if (!(type in GRAPHBLAS_TYPES)) fail(line, `unknown GraphBLAS type '${excerpt(type)}', expected one of ${Object.keys(GRAPHBLAS_TYPES).join(', ')}`);
  const range = GRAPHBLAS_TYPES[type];
  if (header.symmetry === 'skew-symmetric' && range && range.min === 0n) {
    fail(line, `a skew-symmetric matrix cannot have the unsigned GraphBLAS type '${type}': its mirrored entries are negated`);
  }
  return type;
}

/** Returns [rows, cols, entries] (entries = rows*cols for arrays). */
function parseSizeLine(raw: string, header: MtxHeader, line: number, fail: Fail): [number, number, number] {
  const words = fields(raw);
  const want = header.format === 'coordinate' ? 3 : 2;
  const names = header.format === 'coordinate' ? 'rows, columns, entries' : 'rows, columns';
  if (words.length !== want) {
    fail(line, `the size line must hold ${want} numbers (${names}) for ${header.format === 'array' ? 'an array' : 'a coordinate'} matrix, found ${words.length}: '${excerpt(raw)}'`);
  }
  for (const w of words) if (!isUnsignedToken(w)) fail(line, `the size line holds '${excerpt(w)}', which is not a non-negative integer`);
  const [rows, cols] = words.map(Number);
  const nnz = header.format === 'coordinate' ? Number(words[2]) : rows * cols;
  if (!Number.isSafeInteger(rows * cols)) fail(line, `the matrix is too large (${rows} x ${cols})`);
  if (header.symmetry !== 'general' && rows !== cols) {
    fail(line, `a ${header.symmetry} matrix must be square, but the size line gives ${rows} x ${cols}`);
  }
  const positions = header.symmetry === 'general' ? rows * cols : header.symmetry === 'symmetric' ? (rows * (rows + 1)) / 2 : (rows * (rows - 1)) / 2;
  if (header.format === 'coordinate' && nnz > positions) {
    const where = header.symmetry === 'general' ? `a ${rows} x ${cols} matrix` : `the stored triangle of a ${header.symmetry} ${rows} x ${cols} matrix`;
    fail(line, `the size line declares ${nnz} entries but ${where} has only ${positions} positions`);
  }
  return [rows, cols, nnz];
}

interface Entries {
  coords: number[][];
  values: number[];
}

function readCoordinateEntries(
  lines: string[],
  first: number,
  size: [number, number, number],
  sizeLine: number,
  header: MtxHeader,
  value: (tok: string, line: number) => number,
  fail: Fail,
): Entries {
  const [rows, cols, nnz] = size;
  // Checked before anything is allocated from the header's numbers.
  const INDEX_MAX = 2 ** 31 - 1;
  if (rows > INDEX_MAX || cols > INDEX_MAX) fail(sizeLine, `size ${rows} x ${cols} is beyond the supported ${INDEX_MAX} rows or columns`);
  if (nnz > lines.length - first) fail(sizeLine, `the size line declares ${nnz} entries but only ${lines.length - first} lines follow it`);
  const mirror = header.symmetry !== 'general';
  const cap = mirror ? 2 * nnz : nnz;
  // Struct-of-arrays: the 32k-entry DNN layer reads in a few milliseconds.
  const r = new Int32Array(cap);
  const c = new Int32Array(cap);
  const v = new Float64Array(cap);
  const from = new Int32Array(cap); // source line, negated for a mirrored copy
  const want = header.field === 'pattern' ? 2 : 3;
  const what = header.field === 'pattern' ? 'row column' : 'row column value';
  let read = 0;
  let k = 0;
  for (let n = first; n < lines.length; n++) {
    const raw = lines[n];
    const line = n + 1;
    const words = fields(raw);
    if (words.length === 0) continue;
    if (words[0].startsWith('%')) continue; // stray comment in the body
    if (read === nnz) fail(line, `more entries than the ${nnz} declared on line ${sizeLine}`);
    if (words.length !== want) fail(line, `expected ${want} fields (${what}), found ${words.length}: '${excerpt(raw)}'`);
    const i = index(words[0], 'row', rows, line, fail);
    const j = index(words[1], 'column', cols, line, fail);
    const x = want === 3 ? value(words[2], line) : 1;
    if (header.symmetry === 'skew-symmetric' && i === j) fail(line, `a skew-symmetric matrix cannot store the diagonal entry (${i},${j})`);
    r[k] = i - 1;
    c[k] = j - 1;
    v[k] = x;
    from[k] = line;
    k++;
    if (mirror && i !== j) {
      r[k] = j - 1;
      c[k] = i - 1;
      v[k] = header.symmetry === 'skew-symmetric' ? (x === 0 ? 0 : -x) : x;
      from[k] = -line;
      k++;
    }
    read++;
  }
  if (read < nnz) fail(sizeLine, `the size line declares ${nnz} entries but the file holds ${read}`);

  const order = Array.from({ length: k }, (_, q) => q);
  order.sort((a, b) => r[a] - r[b] || c[a] - c[b] || Math.abs(from[a]) - Math.abs(from[b]));
  const coords: number[][] = new Array(k);
  const values: number[] = new Array(k);
  for (let q = 0; q < k; q++) {
    const e = order[q];
    if (q > 0) {
      const p = order[q - 1];
      if (r[p] === r[e] && c[p] === c[e]) duplicate(p, e);
    }
    coords[q] = [r[e], c[e]];
    values[q] = v[e];
  }
  return { coords, values };

  function duplicate(p: number, e: number): never {
    const at = `(${r[e] + 1},${c[e] + 1})`;
    const later = Math.abs(from[p]) > Math.abs(from[e]) ? p : e;
    const earlier = later === p ? e : p;
    const describe = (q: number) => (from[q] < 0 ? `the mirror of the entry on line ${-from[q]}` : `the entry on line ${from[q]}`);
    if (from[later] > 0 && from[earlier] > 0) return fail(from[later], `duplicate entry ${at}, already given on line ${from[earlier]}`);
    return fail(Math.abs(from[later]), `entry ${at} of this ${header.symmetry} matrix is given twice: by ${describe(later)} and by ${describe(earlier)}`);
  }
}

function readArrayEntries(
  lines: string[],
  first: number,
  rows: number,
  cols: number,
  sizeLine: number,
  header: MtxHeader,
  value: (tok: string, line: number) => number,
  fail: Fail,
): Entries {
  // Column-major; symmetric arrays store the lower triangle with the diagonal, skew ones without.
  const skip = header.symmetry === 'general' ? null : header.symmetry === 'symmetric' ? 0 : 1;
  const slots: [number, number][] = [];
  for (let j = 0; j < cols; j++) for (let i = skip === null ? 0 : j + skip; i < rows; i++) slots.push([i, j]);
  const grid = new Map<number, number>();
  let read = 0;
  for (let n = first; n < lines.length; n++) {
    const raw = lines[n];
    const words = fields(raw);
    if (words.length === 0 || words[0].startsWith('%')) continue;
    const line = n + 1;
    if (read === slots.length) fail(line, `more values than the ${slots.length} a ${rows} x ${cols} ${header.symmetry} array holds (size on line ${sizeLine})`);
    if (words.length !== 1) fail(line, `expected 1 value per line in an array, found ${words.length}: '${excerpt(raw)}'`);
    const x = value(words[0], line);
    const [i, j] = slots[read++];
    grid.set(i * cols + j, x);
    if (skip !== null && i !== j) grid.set(j * cols + i, header.symmetry === 'skew-symmetric' ? (x === 0 ? 0 : -x) : x);
  }
  if (read < slots.length) fail(sizeLine, `a ${rows} x ${cols} ${header.symmetry} array needs ${slots.length} values but the file holds ${read}`);
  const keys = [...grid.keys()].sort((a, b) => a - b);
  return { coords: keys.map((key) => [Math.floor(key / cols), key % cols]), values: keys.map((key) => grid.get(key)!) };
}

function index(tok: string, what: string, size: number, line: number, fail: Fail): number {
  if (!isUnsignedToken(tok)) fail(line, `${what} index '${excerpt(tok)}' is not a positive integer`);
  const i = Number(tok);
  if (i < 1 || i > size) {
    fail(line, size === 0 ? `${what} index ${tok} is out of range: the matrix has no ${what}s` : `${what} index ${tok} is out of range 1..${size}`);
  }
  return i;
}

/**
 * Matrix Market text for a tensor of order 0, 1 or 2: coordinate integer general,
 * 1-based. A vector is written as an N x 1 matrix, a scalar as a 1 x 1 matrix
 * (with no entry if the scalar is absent). Explicit zeros are written: the file
 * shows exactly what was stored.
 */
export function formatMtx(t: Tensor, comments: readonly string[] = []): string {
  const order = t.shape.length;
  if (order > 2) throw new InputError(`Matrix Market holds tensors of order 0..2, this one has order ${order}: write it as .tns`);
  const [rows, cols] = order === 2 ? t.shape : order === 1 ? [t.shape[0], 1] : [1, 1];
  const out: string[] = ['%%MatrixMarket matrix coordinate integer general'];
  for (const c of comments) for (const l of c.split('\n')) out.push(`% ${l}`);
  out.push(`${rows} ${cols} ${t.values.length}`);
  for (let k = 0; k < t.values.length; k++) {
    const v = t.values[k];
    if (!Number.isSafeInteger(v)) throw new InputError(`cannot write value ${v} as a Matrix Market integer`);
    const c = t.coords[k];
    const i = order === 0 ? 1 : c[0] + 1;
    const j = order === 2 ? c[1] + 1 : 1;
    out.push(`${i} ${j} ${v}`);
  }
  return out.join('\n') + '\n';
}

export function writeMtx(path: string, t: Tensor, comments: readonly string[] = []): void {
  writeFileSync(path, formatMtx(t, comments));
}

/**
 * Views a matrix read from a file as a tensor of the order the expression wants:
 * an N x 1 or 1 x N matrix as a vector, a 1 x 1 matrix as a scalar.
 */
export function matrixAsOrder<T extends Tensor>(t: T, order: number, file: string): T {
  const [rows, cols] = t.shape;
  if (order === 2) return t;
  if (order === 1) {
    if (cols === 1) return { ...t, shape: [rows], coords: t.coords.map((c) => [c[0]]) };
    if (rows === 1) return { ...t, shape: [cols], coords: t.coords.map((c) => [c[1]]) };
    throw new FormatError(file, null, `expected a vector (an N x 1 or 1 x N matrix) but the file holds a ${rows} x ${cols} matrix`);
  }
  if (order === 0) {
    if (rows === 1 && cols === 1) return { ...t, shape: [], coords: t.coords.map(() => []) };
    throw new FormatError(file, null, `expected a scalar (a 1 x 1 matrix) but the file holds a ${rows} x ${cols} matrix`);
  }
  throw new FormatError(file, null, `expected a tensor of order ${order}, but Matrix Market holds matrices: use a .tns file`);
}
