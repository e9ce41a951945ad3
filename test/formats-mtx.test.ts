import { describe, expect, it } from 'vitest';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { MTX_DIR } from './helpers/data.ts';
import { FormatError } from '../formats/errors.ts';
import { formatMtx, matrixAsOrder, parseMtx, readMtx } from '../formats/mtx.ts';
import { compareCoords, makeTensor, tensorDiff } from '../formats/tensor.ts';

const DATA = MTX_DIR;
const SYNTAX = "'%%MatrixMarket matrix <coordinate|array> <integer|real|pattern> <general|symmetric|skew-symmetric>'";

/** Every malformed file, the line it fails on and what is wrong with it. */
const BAD: [file: string, line: number, problem: string][] = [
  ['complex.mtx', 1, "field 'complex' is not supported: the integer datapath cannot hold complex values (use integer, real or pattern)"],
  ['full_noheader.mtx', 1, `missing the header line ${SYNTAX}; line 1 already holds data '3 3'`],
  ['garbage.lagraph', 1, `not a Matrix Market file: line 1 is '{', expected the header ${SYNTAX}`],
  ['mangled1.mtx', 1, "unknown object 'mangled', expected 'matrix'"],
  ['mangled2.mtx', 1, "unknown format 'mangled', expected 'coordinate' or 'array'"],
  ['mangled3.mtx', 1, "unknown field 'mangled', expected 'integer', 'real' or 'pattern'"],
  ['mangled4.mtx', 1, "unknown symmetry 'mangled', expected 'general', 'symmetric' or 'skew-symmetric'"],
  ['mangled5.mtx', 1, "symmetry 'hermitian' needs complex values, which are not supported"],
  ['mangled6.mtx', 1, "symmetry 'hermitian' needs complex values, which are not supported"],
  [
    'mangled7.mtx',
    2,
    "unknown GraphBLAS type 'gunk', expected one of bool, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t, uint64_t, float, double",
  ],
  ['mangled8.mtx', 4, "the size line must hold 3 numbers (rows, columns, entries) for a coordinate matrix, found 1: '3'"],
  ['mangled9.mtx', 4, 'a symmetric matrix must be square, but the size line gives 3 x 4'],
  ['mangled10.mtx', 4, 'the size line declares 3 entries but the file holds 2'],
  ['mangled11.mtx', 5, "column index 'zero' is not a positive integer"],
  ['mangled12.mtx', 5, "expected 3 fields (row column value), found 2: '1 1'"],
  ['mangled13.mtx', 7, 'column index 9999 is out of range 1..4'],
  ['mangled14.mtx', 8, 'duplicate entry (2,2), already given on line 7'],
  ['mangled15.mtx', 2, "GraphBLAS type 'float complex' is complex, which is not supported"],
  ['mangled16.mtx', 2, "GraphBLAS type 'double complex' is complex, which is not supported"],
  ['mangled_bool.mtx', 10, 'value 2 is out of range for GraphBLAS type bool (0..1)'],
  ['mangled_format.mtx', 1, "'array pattern' is not a valid combination: a pattern matrix must use the coordinate format"],
  ['mangled_int8.mtx', 8, 'value -129 is out of range for GraphBLAS type int8_t (-128..127)'],
  ['mangled_int16.mtx', 8, 'value -32769 is out of range for GraphBLAS type int16_t (-32768..32767)'],
  ['mangled_int32.mtx', 8, 'value -2147483649 is out of range for GraphBLAS type int32_t (-2147483648..2147483647)'],
  ['mangled_skew.mtx', 2, "a skew-symmetric matrix cannot have the unsigned GraphBLAS type 'uint8_t': its mirrored entries are negated"],
  ['mangled_uint8.mtx', 9, 'value 256 is out of range for GraphBLAS type uint8_t (0..255)'],
  ['mangled_uint16.mtx', 9, 'value 65536 is out of range for GraphBLAS type uint16_t (0..65535)'],
  ['mangled_uint32.mtx', 9, 'value 4294967296 is out of range for GraphBLAS type uint32_t (0..4294967295)'],
];

function refusal(fn: () => unknown): FormatError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(FormatError);
    return e as FormatError;
  }
  throw new Error('expected a FormatError, but the input was accepted');
}

describe('Matrix Market: malformed files are refused', () => {
  it('the table covers every file of mtx/bad/', () => {
    expect(BAD.map((b) => b[0]).sort()).toEqual(readdirSync(join(DATA, 'bad')).sort());
  });
  it.each(BAD)('%s: line %i', (file, line, problem) => {
    const path = join(DATA, 'bad', file);
    const e = refusal(() => readMtx(path));
    expect(e.message).toBe(`${path}:${line}: ${problem}`);
    expect(e.file).toBe(path);
    expect(e.line).toBe(line);
  });
  it('a missing file is a FormatError naming it', () => {
    expect(refusal(() => readMtx('/nonexistent/x.mtx')).message).toMatch(/^\/nonexistent\/x\.mtx: cannot read the file: ENOENT/);
  });
});

describe('Matrix Market: other refusals (synthetic)', () => {
  const H = '%%MatrixMarket matrix coordinate integer general';
  const cases: [string, string, string][] = [
    ['empty file', '', `f.mtx: the file is empty; expected the header ${SYNTAX}`],
    ['header words', '%%MatrixMarket matrix coordinate real\n1 1 0\n', `f.mtx:1: the header has 3 words after %%MatrixMarket, expected 4: ${SYNTAX}`],
    ['vector object', '%%MatrixMarket vector coordinate real general\n', "f.mtx:1: object 'vector' is not supported, expected 'matrix'"],
    ['no size line', `${H}\n% just comments\n`, 'f.mtx: the file ends before the size line'],
    ['bad size token', `${H}\n3 x 1\n`, "f.mtx:2: the size line holds 'x', which is not a non-negative integer"],
    ['too many entries declared', `${H}\n2 2 5\n`, 'f.mtx:2: the size line declares 5 entries but a 2 x 2 matrix has only 4 positions'],
    ['extra entry', `${H}\n2 2 1\n1 1 3\n2 2 4\n`, 'f.mtx:4: more entries than the 1 declared on line 2'],
    ['row index 0', `${H}\n2 2 1\n0 1 3\n`, 'f.mtx:3: row index 0 is out of range 1..2'],
    ['real in integer file', `${H}\n2 2 1\n1 1 3.5\n`, "f.mtx:3: value '3.5' is not an integer (the header declares field 'integer')"],
    ['bad real', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 1e\n', "f.mtx:3: value '1e' is not a number"],
    ['nan', '%%MatrixMarket matrix coordinate real general\n2 2 1\n1 1 nan\n', "f.mtx:3: value 'nan' is not a number"],
    ['huge integer', `${H}\n2 2 1\n1 1 123456789012345678901\n`, 'f.mtx:3: integer value 123456789012345678901 is too large to hold exactly'],
    ['pattern with values', '%%MatrixMarket matrix coordinate pattern general\n2 2 1\n1 1 1\n', "f.mtx:3: expected 2 fields (row column), found 3: '1 1 1'"],
    ['skew diagonal', '%%MatrixMarket matrix coordinate integer skew-symmetric\n2 2 1\n2 2 1\n', 'f.mtx:3: a skew-symmetric matrix cannot store the diagonal entry (2,2)'],
    ['pattern skew', '%%MatrixMarket matrix coordinate pattern skew-symmetric\n2 2 0\n', "f.mtx:1: 'pattern skew-symmetric' is not a valid combination: a pattern has no values to negate"],
    [
      'symmetric both triangles',
      '%%MatrixMarket matrix coordinate integer symmetric\n2 2 2\n2 1 5\n1 2 5\n',
      'f.mtx:4: entry (1,2) of this symmetric matrix is given twice: by the entry on line 4 and by the mirror of the entry on line 3',
    ],
    ['array too short', '%%MatrixMarket matrix array integer general\n2 2\n1\n2\n3\n', 'f.mtx:2: a 2 x 2 general array needs 4 values but the file holds 3'],
    ['array too long', '%%MatrixMarket matrix array integer general\n1 1\n1\n2\n', 'f.mtx:4: more values than the 1 a 1 x 1 general array holds (size on line 2)'],
    ['array size words', '%%MatrixMarket matrix array integer general\n2 2 4\n', "f.mtx:2: the size line must hold 2 numbers (rows, columns) for an array matrix, found 3: '2 2 4'"],
  ];
  it.each(cases)('%s', (_name, text, message) => {
    expect(refusal(() => parseMtx(text, 'f.mtx')).message).toBe(message);
  });
});

describe('Matrix Market: valid files', () => {
  // Entries after symmetric expansion; cross-checked with the headers (bcsstk13: 42,943 stored, 2,003 on the diagonal).
  const real: [string, number[], number, string][] = [
    ['G51.mtx', [1000, 1000], 11818, 'pattern'],
    ['LFAT5.mtx', [14, 14], 46, 'real'],
    ['adder_dcop_05.mtx', [1813, 1813], 11097, 'real'],
    ['bcsstk13.mtx', [2003, 2003], 83883, 'real'],
    ['bcsstm02.mtx', [66, 66], 66, 'real'],
    ['cryg2500.mtx', [2500, 2500], 12349, 'real'],
    ['dnn-n1024-l1.mtx', [1024, 1024], 32768, 'real'],
    ['jagmesh7.mtx', [1138, 1138], 7450, 'pattern'],
    ['karate.mtx', [34, 34], 156, 'pattern'],
    ['lp_afiro.mtx', [27, 51], 102, 'real'],
    ['lp_e226.mtx', [223, 472], 2768, 'real'],
    ['lp_scsd1.mtx', [77, 760], 2388, 'real'],
    ['olm1000.mtx', [1000, 1000], 3996, 'real'],
    ['rajat19.mtx', [1157, 1157], 5399, 'real'],
    ['west0067.mtx', [67, 67], 294, 'real'],
    ['west0479.mtx', [479, 479], 1910, 'real'],
    ['zenios.mtx', [2873, 2873], 27191, 'real'],
  ];
  // Onyx's evaluation set (G30: 19,990 stored symmetric entries, none on the diagonal; CRLF line endings).
  const onyx: [string, number[], number, string][] = [
    ['G30.mtx', [2000, 2000], 39980, 'integer'],
    ['Ragusa16.mtx', [24, 24], 81, 'integer'],
    ['bcsstm26.mtx', [1922, 1922], 1922, 'real'],
    ['lpi_itest6.mtx', [11, 17], 29, 'real'],
    ['n3c4-b2.mtx', [20, 15], 60, 'integer'],
    ['watt_2.mtx', [1856, 1856], 11550, 'real'],
  ];
  it('the tables cover every file of mtx/real/ and mtx/onyx/', () => {
    expect(real.map((r) => r[0]).sort()).toEqual(readdirSync(join(DATA, 'real')).sort());
    expect(onyx.map((r) => r[0]).sort()).toEqual(readdirSync(join(DATA, 'onyx')).sort());
  });
  it.each([...real.map((r) => ['real', ...r] as const), ...onyx.map((r) => ['onyx', ...r] as const)])('%s/%s reads (shape, entries after symmetric expansion, field)', (dir, file, shape, nnz, field) => {
    const t = readMtx(join(DATA, dir, file));
    expect(t.shape).toEqual(shape);
    expect(t.values.length).toBe(nnz);
    expect(t.field).toBe(field);
    // canonical: strictly increasing coordinates, all in range (one expect: expect() per entry is slow)
    const sorted = t.coords.every((b, k) => k === 0 || compareCoords(t.coords[k - 1], b) < 0);
    const inRange = t.coords.every((c) => c[0] >= 0 && c[0] < shape[0] && c[1] >= 0 && c[1] < shape[1]);
    expect([sorted, inRange]).toEqual([true, true]);
  });
  it('symmetric files are mirrored (karate is an undirected graph)', () => {
    const t = readMtx(join(DATA, 'real', 'karate.mtx'));
    const set = new Set(t.coords.map((c) => `${c[0]},${c[1]}`));
    for (const [i, j] of t.coords) expect(set.has(`${j},${i}`)).toBe(true);
    expect(t.values.every((v) => v === 1)).toBe(true);
  });
  it('LFAT5 keeps its real values, mirrored', () => {
    const t = readMtx(join(DATA, 'real', 'LFAT5.mtx'));
    const at = (i: number, j: number) => t.values[t.coords.findIndex((c) => c[0] === i && c[1] === j)];
    expect(at(0, 0)).toBe(1.57088);
    expect(at(3, 0)).toBe(-94.2528);
    expect(at(0, 3)).toBe(-94.2528);
  });
  it('refuses absurd size lines before allocating anything', () => {
    expect(() => parseMtx('%%MatrixMarket matrix coordinate integer general\n1000000 1000000 999999999999\n1 1 1\n', 'big.mtx')).toThrow(
      /^big\.mtx:2: the size line declares 999999999999 entries but only \d lines follow it$/,
    );
    expect(() => parseMtx('%%MatrixMarket matrix coordinate integer general\n3000000000 2 1\n1 1 1\n', 'wide.mtx')).toThrow(/wide\.mtx:2: size 3000000000 x 2 is beyond the supported/);
  });
  it('the empty 3-by-4 matrix reads', () => {
    const t = readMtx(join(DATA, 'edge', 'empty.mtx'));
    expect(t.shape).toEqual([3, 4]);
    expect(t.values).toEqual([]);
  });
  it.each(['dnn-n1024-l1.mtx', 'cryg2500.mtx', 'olm1000.mtx'])('%s reads in well under a second', (file) => {
    const t0 = performance.now();
    readMtx(join(DATA, 'real', file));
    expect(performance.now() - t0).toBeLessThan(5000); // typically 15-40 ms; generous so a busy CI machine cannot flake it
  });
  it('skew-symmetric entries are mirrored negated; comments and blank lines are skipped; CRLF is fine', () => {
    const text = '%%MatrixMarket matrix coordinate integer skew-symmetric\r\n% c\r\n\r\n3 3 2\r\n2 1 4\r\n3 2 0\r\n';
    const t = parseMtx(text, 'f.mtx');
    expect(tensorDiff(t, makeTensor([3, 3], [[[1, 0], 4], [[0, 1], -4]]))).toBeNull();
    expect(t.coords).toEqual([[0, 1], [1, 0], [1, 2], [2, 1]]);
    expect(t.values.map((v) => Object.is(v, -0))).toEqual([false, false, false, false]); // no -0
  });
  it('array format is column-major; symmetric arrays store the lower triangle', () => {
    const g = parseMtx('%%MatrixMarket matrix array integer general\n2 3\n1\n2\n3\n4\n5\n6\n', 'a.mtx');
    expect(g.coords).toEqual([[0, 0], [0, 1], [0, 2], [1, 0], [1, 1], [1, 2]]);
    expect(g.values).toEqual([1, 3, 5, 2, 4, 6]);
    const s = parseMtx('%%MatrixMarket matrix array real symmetric\n2 2\n1.5\n2\n0\n', 's.mtx');
    expect(s.values).toEqual([1.5, 2, 2, 0]); // the stored zero stays an explicit entry
    const k = parseMtx('%%MatrixMarket matrix array integer skew-symmetric\n3 3\n1\n2\n3\n', 'k.mtx');
    expect(k.coords).toEqual([[0, 1], [0, 2], [1, 0], [1, 2], [2, 0], [2, 1]]);
    expect(k.values).toEqual([-1, -2, 1, -3, 2, 3]);
  });
  it('keywords are case-insensitive', () => {
    expect(parseMtx('%%MatrixMarket MATRIX Coordinate Pattern General\n1 1 1\n1 1\n', 'f').values).toEqual([1]);
  });
});

describe('Matrix Market writer', () => {
  it('writes coordinate integer general, 1-based, and reads back', () => {
    const t = makeTensor([3, 4], [[[0, 1], 5], [[2, 3], -7], [[1, 1], 0]]);
    const text = formatMtx(t, ['made by a test']);
    expect(text).toBe('%%MatrixMarket matrix coordinate integer general\n% made by a test\n3 4 3\n1 2 5\n2 2 0\n3 4 -7\n');
    const back = parseMtx(text, 'x.mtx');
    expect(back.coords).toEqual(t.coords);
    expect(back.values).toEqual(t.values);
    expect(back.field).toBe('integer');
  });
  it('a vector is an N x 1 matrix, a scalar a 1 x 1 matrix; matrixAsOrder reads them back', () => {
    const v = makeTensor([4], [[[2], 9]]);
    expect(formatMtx(v)).toBe('%%MatrixMarket matrix coordinate integer general\n4 1 1\n3 1 9\n');
    expect(tensorDiff(matrixAsOrder(parseMtx(formatMtx(v), 'v'), 1, 'v'), v)).toBeNull();
    const s = makeTensor([], [[[], 42]]);
    expect(formatMtx(s)).toBe('%%MatrixMarket matrix coordinate integer general\n1 1 1\n1 1 42\n');
    expect(tensorDiff(matrixAsOrder(parseMtx(formatMtx(s), 's'), 0, 's'), s)).toBeNull();
    expect(formatMtx(makeTensor([], []))).toBe('%%MatrixMarket matrix coordinate integer general\n1 1 0\n');
    // a row vector is accepted as a vector too
    expect(matrixAsOrder(parseMtx('%%MatrixMarket matrix coordinate integer general\n1 3 1\n1 2 5\n', 'r'), 1, 'r').coords).toEqual([[1]]);
  });
  it('refuses what it cannot write', () => {
    expect(() => formatMtx(makeTensor([2, 2, 2], []))).toThrow('Matrix Market holds tensors of order 0..2, this one has order 3: write it as .tns');
    expect(() => formatMtx(makeTensor([2], [[[0], 0.5]]))).toThrow('cannot write value 0.5 as a Matrix Market integer');
    expect(() => matrixAsOrder(makeTensor([3, 4], []), 1, 'm.mtx')).toThrow('m.mtx: expected a vector (an N x 1 or 1 x N matrix) but the file holds a 3 x 4 matrix');
  });
});
