import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { MTX_DIR } from './helpers/data.ts';
import fc from 'fast-check';
import { InputError } from '../formats/errors.ts';
import { readMtx } from '../formats/mtx.ts';
import { parseRandomSpec, parseShape, randomTensor } from '../formats/random.ts';
import { convertValues, parseValueMode, seededValue, valueModeToString } from '../formats/values.ts';
import { compareCoords, makeTensor } from '../formats/tensor.ts';
import { mulberry32 } from '../base/prng.ts';

const DNN = join(MTX_DIR, 'real', 'dnn-n1024-l1.mtx');

describe('value modes', () => {
  it('parses file, ones, seed:N and refuses the rest', () => {
    expect(parseValueMode('file')).toBe('file');
    expect(parseValueMode('ones')).toBe('ones');
    expect(parseValueMode('seed:42')).toEqual({ seed: 42 });
    expect(valueModeToString({ seed: 42 })).toBe('seed:42');
    for (const bad of ['seed:', 'seed:-1', 'seed:1.5', 'random', 'seed:99999999999']) {
      expect(() => parseValueMode(bad)).toThrow(InputError);
    }
    expect(() => parseValueMode('zeros')).toThrow("--values 'zeros' is not file, ones or seed:N (N an integer 0..4294967295)");
  });
});

describe('convertValues', () => {
  const raw = { ...makeTensor([3, 3], [[[0, 0], 5], [[1, 2], -3], [[2, 1], 0]]), source: 'm.mtx' };
  it("'file' keeps integers, including explicit zeros", () => {
    expect(convertValues(raw, 'file', 16).values).toEqual([5, -3, 0]);
  });
  it("'file' refuses real values and suggests a conversion", () => {
    expect(() => convertValues(readMtx(DNN), 'file', 16)).toThrow(
      `${DNN}: entry (1,1) has the non-integer value 0.0625, but the datapath holds 16-bit integers: convert with --values ones or --values seed:N`,
    );
  });
  it("'file' refuses integers that do not fit the signed width", () => {
    const big = { ...makeTensor([2], [[[1], 128]]), source: 'v.mtx' };
    expect(() => convertValues(big, 'file', 8)).toThrow('v.mtx: entry (2) has the value 128, which does not fit in 8 signed bits (-128..127)');
    expect(convertValues(big, 'file', 9).values).toEqual([128]);
    expect(() => convertValues(makeTensor([1], [[[0], -129]]), 'file', 8, 'b')).toThrow('b: entry (1) has the value -129');
  });
  it("'ones' maps every stored entry, zeros included, to 1", () => {
    const t = convertValues(raw, 'ones', 16);
    expect(t.values).toEqual([1, 1, 1]);
    expect(t.coords).toEqual(raw.coords);
  });
  it('seed:N gives reproducible small non-zero integers keyed by seed and entry index', () => {
    const dnn = readMtx(DNN);
    const a = convertValues(dnn, { seed: 7 }, 16).values;
    const b = convertValues(dnn, { seed: 7 }, 16).values;
    const c = convertValues(dnn, { seed: 8 }, 16).values;
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(a.every((v) => Number.isInteger(v) && v !== 0 && v >= -8 && v <= 8)).toBe(true);
    for (let v = -8; v <= 8; v++) if (v !== 0) expect(a).toContain(v); // every value is drawn
    expect(a[5]).toBe(seededValue(7, 5, 16)); // an entry's value depends only on (seed, index)
  });
  it('seeded values fit narrow datapaths', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.integer({ min: 2, max: 32 }), (seed, k, w) => {
        const v = seededValue(seed, k, w);
        const m = Math.min(8, 2 ** (w - 1) - 1);
        return Number.isInteger(v) && v !== 0 && Math.abs(v) <= m;
      }),
    );
  });
  it('refuses a silly data width', () => {
    expect(() => convertValues(raw, 'ones', 1)).toThrow('data width 1 is not an integer in 2..32');
  });
});

describe('mulberry32', () => {
  it('is deterministic and in [0, 1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    for (let k = 0; k < 1000; k++) {
      const x = a();
      expect(x).toBe(b());
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});

describe('randomTensor', () => {
  it('is deterministic, canonical, and has round(density * size) entries', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 4 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), (shape, d, seed) => {
        const t = randomTensor(shape, d, seed);
        const u = randomTensor(shape, d, seed);
        const size = shape.reduce((x, y) => x * y, 1);
        expect(t).toEqual(u);
        expect(t.values.length).toBe(Math.round(d * size));
        for (let k = 1; k < t.coords.length; k++) expect(compareCoords(t.coords[k - 1], t.coords[k])).toBeLessThan(0);
        for (const c of t.coords) c.forEach((i, m) => expect(i >= 0 && i < shape[m]).toBe(true));
        expect(t.values.every((v) => v !== 0 && Math.abs(v) <= 8)).toBe(true);
      }),
    );
  });
  it('is cheap for huge sparse shapes', () => {
    const t0 = performance.now();
    const t = randomTensor([1_000_000, 1_000_000], 1e-7, 1);
    expect(t.values.length).toBe(100_000);
    expect(performance.now() - t0).toBeLessThan(20000); // catches an O(shape) algorithm, not a slow machine
  });
  it('refuses bad parameters', () => {
    expect(() => randomTensor([3, 0], 0.5, 1)).toThrow('random tensor: mode size 0 is not a positive integer');
    expect(() => randomTensor([3], 1.5, 1)).toThrow('random tensor: density 1.5 is not in 0..1');
  });
  it('parses shapes and random specs', () => {
    expect(parseShape('100x80')).toEqual([100, 80]);
    expect(parseShape('')).toEqual([]);
    expect(() => parseShape('100x')).toThrow("shape '100x' is not like 100x80");
    expect(parseRandomSpec('random:100x80:0.05:7')).toEqual({ shape: [100, 80], density: 0.05, seed: 7 });
    expect(() => parseRandomSpec('random:100x80:2:7')).toThrow("density '2' is not a number in 0..1");
    expect(() => parseRandomSpec('random:100x80:0.1')).toThrow('is not like random:SHAPE:DENSITY:SEED');
    expect(() => parseRandomSpec('random:4:0.1:x')).toThrow("seed 'x' is not an integer 0..4294967295");
  });
});
