import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decode, defaultFormat, encode, FibertreeError, parseFormat, type Fibertree } from '../formats/fibertree.ts';
import { InputError } from '../formats/errors.ts';
import { makeTensor, nonZeros, tensorDiff, type Tensor } from '../formats/tensor.ts';

// DESIGN.md's example: B = [[0,5,0],[0,0,0],[7,0,9]]
const B = makeTensor([3, 3], [[[0, 1], 5], [[2, 0], 7], [[2, 2], 9]]);

describe('format strings', () => {
  it('parses letters per stored level and an optional mode order', () => {
    expect(parseFormat('ds')).toEqual({ kinds: ['d', 's'], modeOrder: [0, 1], text: 'ds' });
    expect(parseFormat('ss:1,0')).toEqual({ kinds: ['s', 's'], modeOrder: [1, 0], text: 'ss:1,0' });
    expect(parseFormat('sss:0,1,2').text).toBe('sss'); // identity order is dropped from the canonical text
    expect(parseFormat('')).toEqual({ kinds: [], modeOrder: [], text: '' });
    expect(defaultFormat(3).text).toBe('sss');
  });
  const bad: [string, number | undefined, string][] = [
    ['dx', undefined, "format 'dx': 'x' at position 2 is not d (dense) or s (compressed)"],
    ['DS', undefined, "format 'DS': 'D' at position 1 is not d (dense) or s (compressed)"],
    ['ss:', undefined, "format 'ss:': mode order '' is not a comma-separated list of mode numbers like 1,0"],
    ['ss:1;0', undefined, "format 'ss:1;0': mode order '1;0' is not a comma-separated list of mode numbers like 1,0"],
    ['ss:0', undefined, "format 'ss:0': 2 level letter(s) but the mode order lists 1 mode(s)"],
    ['ss:1,1', undefined, "format 'ss:1,1': mode 1 appears twice in the mode order"],
    ['ss:2,0', undefined, "format 'ss:2,0': mode 2 does not exist in a tensor of order 2 (modes 0..1)"],
    ['ds', 3, "format 'ds' has 2 level(s) but the tensor has order 3"],
  ];
  it.each(bad)('refuses %s', (text, order, message) => {
    expect(() => parseFormat(text, order)).toThrow(InputError);
    expect(() => parseFormat(text, order)).toThrow(message);
  });
});

describe('encode: SAM/TACO conventions', () => {
  it('ss (DCSR) matches DESIGN.md', () => {
    const ft = encode(B, 'ss');
    expect(ft.levels).toEqual([
      { kind: 's', seg: [0, 2], crd: [0, 2] },
      { kind: 's', seg: [0, 1, 3], crd: [1, 0, 2] },
    ]);
    expect(ft.vals).toEqual([5, 7, 9]);
  });
  it('ds (CSR): one segment per row, empty rows included', () => {
    const ft = encode(B, 'ds');
    expect(ft.levels).toEqual([
      { kind: 'd', size: 3 },
      { kind: 's', seg: [0, 1, 1, 3], crd: [1, 0, 2] },
    ]);
    expect(ft.vals).toEqual([5, 7, 9]);
  });
  it('ss:1,0 (DCSC) stores columns first', () => {
    const ft = encode(B, 'ss:1,0');
    expect(ft.levels).toEqual([
      { kind: 's', seg: [0, 3], crd: [0, 1, 2] },
      { kind: 's', seg: [0, 1, 2, 3], crd: [2, 0, 2] },
    ]);
    expect(ft.vals).toEqual([7, 5, 9]);
  });
  it('dense levels store every position, zeros included', () => {
    expect(encode(B, 'dd').vals).toEqual([0, 5, 0, 0, 0, 0, 7, 0, 9]);
    const sd = encode(B, 'sd');
    expect(sd.levels).toEqual([{ kind: 's', seg: [0, 2], crd: [0, 2] }, { kind: 'd', size: 3 }]);
    expect(sd.vals).toEqual([0, 5, 0, 7, 0, 9]);
  });
  it('scalars and empty tensors', () => {
    expect(encode(makeTensor([], [[[], 4]]), '')).toEqual({ format: parseFormat(''), levels: [], vals: [4] });
    expect(encode(makeTensor([], []), '').vals).toEqual([0]);
    const e = encode(makeTensor([2, 3], []), 'ds');
    expect(e.levels[1]).toEqual({ kind: 's', seg: [0, 0, 0], crd: [] });
    expect(e.vals).toEqual([]);
    expect(encode(makeTensor([2, 3], []), 'ss').levels).toEqual([
      { kind: 's', seg: [0, 0], crd: [] },
      { kind: 's', seg: [0], crd: [] },
    ]);
  });
  it('a 3-tensor in sss', () => {
    const t = makeTensor([2, 2, 2], [[[0, 0, 1], 1], [[0, 1, 0], 2], [[1, 1, 1], 3]]);
    const ft = encode(t, 'sss');
    expect(ft.levels).toEqual([
      { kind: 's', seg: [0, 2], crd: [0, 1] },
      { kind: 's', seg: [0, 2, 3], crd: [0, 1, 1] },
      { kind: 's', seg: [0, 1, 2, 3], crd: [1, 0, 1] },
    ]);
    expect(ft.vals).toEqual([1, 2, 3]);
  });
  it('refuses a format of the wrong arity', () => {
    expect(() => encode(B, 'sss')).toThrow("format 'sss' has 3 level(s) but the tensor has order 2");
  });
});

describe('decode', () => {
  it('keeps explicit zeros only under a compressed last level', () => {
    const z = makeTensor([3], [[[0], 0], [[2], 4]]);
    expect(decode(encode(z, 's'), [3])).toEqual(z);
    expect(decode(encode(z, 'd'), [3])).toEqual(nonZeros(z));
  });
  it('refuses broken fibertrees with a message naming the level', () => {
    const good = encode(B, 'ss');
    const broken = (f: (ft: Fibertree) => void) => {
      const ft = structuredClone(good) as Fibertree;
      f(ft);
      return () => decode(ft, [3, 3]);
    };
    const lv = (ft: Fibertree, l: number) => ft.levels[l] as { seg: number[]; crd: number[] };
    expect(broken((ft) => (lv(ft, 1).seg[0] = 1))).toThrow('level 1: seg[0] is 1, expected 0');
    expect(broken((ft) => lv(ft, 1).seg.push(3))).toThrow('level 1: seg has 4 entries, expected 3 (one per parent position, plus one)');
    expect(broken((ft) => (lv(ft, 1).crd[2] = 3))).toThrow('level 1: crd[2] = 3 is out of range 0..2');
    expect(broken((ft) => (lv(ft, 1).crd[2] = 0))).toThrow('level 1: crd[2] = 0 does not increase within its fiber (previous 0)');
    expect(broken((ft) => ft.vals.pop())).toThrow('vals has 2 entries but the last level has 3 positions');
    expect(broken((ft) => (lv(ft, 0).seg[1] = 1))).toThrow('level 0: seg ends at 1 but crd has 2 entries');
    expect(() => decode(good, [3])).toThrow(FibertreeError);
  });
});

/** A random canonical tensor of order 0..3 (values may be zero), a random format and mode order. */
const tensorAndFormat = fc
  .array(fc.integer({ min: 1, max: 4 }), { maxLength: 3 })
  .chain((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    return fc.record({
      shape: fc.constant(shape),
      entries: fc.uniqueArray(fc.tuple(fc.integer({ min: 0, max: size - 1 }), fc.integer({ min: -5, max: 5 })), {
        selector: (e) => e[0],
        maxLength: size,
      }),
      kinds: fc.array(fc.constantFrom('d', 's'), { minLength: shape.length, maxLength: shape.length }),
      order: fc.shuffledSubarray(
        shape.map((_, m) => m),
        { minLength: shape.length, maxLength: shape.length },
      ),
    });
  })
  .map(({ shape, entries, kinds, order }) => {
    const toCoords = (lin: number) => {
      const c = new Array<number>(shape.length);
      for (let m = shape.length - 1; m >= 0; m--) {
        c[m] = lin % shape[m];
        lin = Math.floor(lin / shape[m]);
      }
      return c;
    };
    const t: Tensor = makeTensor(shape, entries.map(([lin, v]) => [toCoords(lin), v] as [number[], number]));
    return { t, format: kinds.join('') + (shape.length > 0 ? `:${order.join(',')}` : '') };
  });

describe('round trip (property)', () => {
  it('decode(encode(t)) == t, modulo explicit zeros', () => {
    fc.assert(
      fc.property(tensorAndFormat, ({ t, format }) => {
        const ft = encode(t, format);
        const back = decode(ft, t.shape);
        expect(tensorDiff(back, t)).toBeNull();
        // Exactly: every entry when the last level is compressed, the non-zeros otherwise.
        const lastCompressed = ft.format.kinds.at(-1) === 's';
        expect(back).toEqual(lastCompressed ? t : nonZeros(t));
      }),
      { numRuns: 500 },
    );
  });
  it('segment invariants: seg starts at 0, one segment per parent position, vals one per leaf position', () => {
    fc.assert(
      fc.property(tensorAndFormat, ({ t, format }) => {
        const ft = encode(t, format);
        let parents = 1;
        ft.levels.forEach((lv) => {
          if (lv.kind === 'd') parents *= lv.size;
          else {
            expect(lv.seg[0]).toBe(0);
            expect(lv.seg.length).toBe(parents + 1);
            parents = lv.crd.length;
          }
        });
        expect(ft.vals.length).toBe(parents);
      }),
      { numRuns: 300 },
    );
  });
});
