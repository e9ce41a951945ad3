import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatError } from '../formats/errors.ts';
import { formatTns, parseTns, readTns, writeTns } from '../formats/tns.ts';
import { randomTensor } from '../formats/random.ts';
import { makeTensor, tensorDiff } from '../formats/tensor.ts';

describe('FROSTT .tns reader', () => {
  it('reads 1-based entries, infers the shape, sorts', () => {
    const t = parseTns('2 1 3 4.5\n1 1 1 -2\n\n# a comment\n1 2 1 7\n', 't.tns');
    expect(t.shape).toEqual([2, 2, 3]);
    expect(t.coords).toEqual([[0, 0, 0], [0, 1, 0], [1, 0, 2]]);
    expect(t.values).toEqual([-2, 7, 4.5]);
    expect(t.field).toBe('real');
    expect(parseTns('1 1 3\n', 'i.tns').field).toBe('integer');
  });
  it('uses a given shape, or a # shape comment', () => {
    expect(parseTns('1 1 1\n', 't.tns', [4, 5]).shape).toEqual([4, 5]);
    expect(parseTns('# shape 4x5\n1 1 1\n', 't.tns').shape).toEqual([4, 5]);
    expect(parseTns('', 't.tns', [2, 2]).values).toEqual([]);
  });
  const bad: [string, string, number[] | undefined, string][] = [
    ['no entries', '# nothing\n', undefined, "t.tns: no entries, so the shape cannot be inferred: give the shape (or add a '# shape 4x5x6' comment)"],
    ['one field', '5\n', undefined, "t.tns:1: expected the indices then the value, found 1 field: '5'"],
    ['field count changes', '1 1 1 1\n1 1 1\n', undefined, "t.tns:2: expected 4 fields (3 indices and a value, as set by line 1), found 3: '1 1 1'"],
    ['shape order', '1 1 1\n', [3], "t.tns:1: expected 2 fields (1 index and a value, as set by the given shape), found 3: '1 1 1'"],
    ['index 0', '0 1 1\n', undefined, "t.tns:1: index 1 '0' is not a positive integer (.tns indices are 1-based)"],
    ['index word', '1 x 1\n', undefined, "t.tns:1: index 2 'x' is not a positive integer (.tns indices are 1-based)"],
    ['out of given shape', '1 3 1\n', [2, 2], 't.tns:1: index 2 is 3, out of range 1..2 set by the given shape'],
    ['out of shape comment', '# shape 2x2\n3 1 1\n', undefined, 't.tns:2: index 1 is 3, out of range 1..2 set by the shape comment on line 1'],
    ['bad value', '1 1 abc\n', undefined, "t.tns:1: value 'abc' is not a number"],
    ['duplicate', '1 2 3\n2 2 1\n1 2 4\n', undefined, 't.tns:3: duplicate entry (1,2), already given on line 1'],
    ['bad shape comment', '# shape 2xq\n', undefined, "t.tns:1: bad shape comment '# shape 2xq', expected like '# shape 4x5x6'"],
  ];
  it.each(bad)('refuses: %s', (_n, text, shape, message) => {
    let err: unknown;
    try {
      parseTns(text, 't.tns', shape);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(FormatError);
    expect((err as Error).message).toBe(message);
  });
});

describe('FROSTT .tns writer', () => {
  it('writes a shape comment and 1-based entries', () => {
    const t = makeTensor([2, 3, 4], [[[1, 2, 3], -5], [[0, 0, 0], 1]]);
    expect(formatTns(t)).toBe('# shape 2x3x4\n1 1 1 1\n2 3 4 -5\n');
    expect(formatTns(t, { shapeComment: false })).toBe('1 1 1 1\n2 3 4 -5\n');
    expect(() => formatTns(makeTensor([], []))).toThrow('a .tns file cannot hold a scalar');
  });
  it('round-trips through a file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tns-'));
    const t = randomTensor([5, 6, 7], 0.2, 11);
    writeTns(join(dir, 'a.tns'), t);
    expect(readFileSync(join(dir, 'a.tns'), 'utf8').split('\n')[0]).toBe('# shape 5x6x7');
    expect(tensorDiff(readTns(join(dir, 'a.tns')), t)).toBeNull();
  });
  it('round-trips any random tensor (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 4 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.nat(),
        (shape, density, seed) => {
          const t = randomTensor(shape, density, seed);
          const back = parseTns(formatTns(t), 'p.tns');
          return tensorDiff(back, t) === null && back.values.length === t.values.length;
        },
      ),
    );
  });
});
