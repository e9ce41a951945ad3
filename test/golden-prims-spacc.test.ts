/**
 * The sparse accumulator (golden/prims/spacc.ts, SAM SpAcc1): hand-worked
 * streams, corner cases, refusals, its place in the registry (golden model only,
 * not an RTL primitive), and random property tests against an independent
 * reference computed from the fibertree (a map per fiber, then scanned).
 */
import { describe, expect, it } from 'vitest';
import { wrapSigned } from '../sam/arith.ts';
import {
  primDef, PRIM_NAMES, PRIM_PORTS, RTL_PRIM_NAMES, checkStream, levelScanner, mulberry32, randInt,
  randomCase, randomTree, randomValue, requiredInputs, runPrimitive, scanAll, spacc, valueArray, type Level, type Rand,
} from './helpers/sam.ts';
import { isStop, parseStream, streamToString, type Stream } from '../sam/tokens.ts';

const p = parseStream;
const str = (s: Stream) => streamToString(s);
const acc = (outer: string, inner: string, val: string, w = 16) => {
  const r = spacc(p(outer), p(inner), p(val), { dataWidth: w });
  return { crd: str(r.crd), val: str(r.val) };
};

describe('spacc: hand-worked streams', () => {
  it('merges the j fibers of one row\'s k coordinates (the file comment\'s example)', () => {
    // Row i with k = 0 (j 1, 3) and k = 2 (j 0, 3): j 3 collects 20 + 7.
    expect(acc('0, 2, S0, D', '1, 3, S0, 0, 3, S1, D', '10, 20, S0, 5, 7, S1, D')).toEqual({ crd: '0, 1, 3, S0, D', val: '5, 10, 27, S0, D' });
  });

  it('matches SAM test_spacc1_direct\'s result, with the zero sum kept', () => {
    // SAM's case as coordinate points: row 0 has j 0,2,3 = 50,5,10; row 2 gets j 0,2,3 twice (40,4,8 and -40,33,36).
    // As streams: row 0 has one k (1), row 2 two (0 and 3).
    expect(acc('1, S0, 0, 3, S1, D', '0, 2, 3, S1, 0, 2, 3, S0, 0, 2, 3, S2, D', '50, 5, 10, S1, 40, 4, 8, S0, -40, 33, 36, S2, D')).toEqual({
      crd: '0, 2, 3, S0, 0, 2, 3, S1, D',
      val: '50, 5, 10, S0, 0, 37, 44, S1, D',
    });
  });

  it('keeps the outer stop structure: one output fiber per outer fiber, closed by the same stop', () => {
    // Two rows: k 0, 2 then k 1.
    expect(acc('0, 2, S0, 1, S1, D', '1, 3, S0, 0, 3, S1, 2, S2, D', '1, 1, S0, 1, 1, S1, 1, S2, D')).toEqual({
      crd: '0, 1, 3, S0, 2, S1, D',
      val: '1, 1, 2, S0, 1, S1, D',
    });
    // Top level (SpMV over CSC): one outer fiber, the whole vector; coordinates come out sorted.
    expect(acc('0, 2, 3, S0, D', '4, 1, S0, S0, 0, 4, S1, D', '1, 2, S0, S0, 3, 4, S1, D')).toEqual({ crd: '0, 1, 4, S0, D', val: '3, 2, 5, S0, D' });
    // Deeper outer stops pass unchanged (S2 closes an outer fiber and two levels above it).
    expect(acc('5, S2, D', '7, S3, D', '9, S3, D')).toEqual({ crd: '7, S2, D', val: '9, S2, D' });
  });

  it('empty fibers: an empty outer fiber, a coordinate with an empty inner fiber, everything empty', () => {
    // Rows 0 and 2 have a k, row 1 none (a lone S0 in k pairs with a lone S1 in j).
    expect(acc('0, S0, S0, 1, S1, D', '5, S1, S1, 6, S2, D', '1, S1, S1, 2, S2, D')).toEqual({ crd: '5, S0, S0, 6, S1, D', val: '1, S0, S0, 2, S1, D' });
    // k 0 has no j, k 1 has j 2.
    expect(acc('0, 1, S0, D', 'S0, 2, S1, D', 'S0, 4, S1, D')).toEqual({ crd: '2, S0, D', val: '4, S0, D' });
    // Every j fiber empty: an empty output fiber.
    expect(acc('0, 1, S0, D', 'S0, S1, D', 'S0, S1, D')).toEqual({ crd: 'S0, D', val: 'S0, D' });
    // An empty tensor, and a stream that is only D.
    expect(acc('S0, D', 'S1, D', 'S1, D')).toEqual({ crd: 'S0, D', val: 'S0, D' });
    expect(acc('S0, S1, D', 'S1, S2, D', 'S1, S2, D')).toEqual({ crd: 'S0, S1, D', val: 'S0, S1, D' });
    expect(acc('D', 'D', 'D')).toEqual({ crd: 'D', val: 'D' });
  });

  it('accumulates duplicates inside one fiber and across fibers; a cancelled sum stays as 0', () => {
    expect(acc('0, S0, D', '2, 2, 1, S1, D', '3, 4, 5, S1, D')).toEqual({ crd: '1, 2, S0, D', val: '5, 7, S0, D' });
    expect(acc('0, 1, 2, S0, D', '3, S0, 3, S0, 3, S1, D', '1, S0, 2, S0, 3, S1, D')).toEqual({ crd: '3, S0, D', val: '6, S0, D' });
    expect(acc('0, 1, S0, D', '3, S0, 3, S1, D', '5, S0, -5, S1, D')).toEqual({ crd: '3, S0, D', val: '0, S0, D' });
  });

  it('wraps at dataWidth (two\'s complement), and reads inputs as signed values', () => {
    expect(acc('0, 1, S0, D', '0, S0, 0, S1, D', '32767, S0, 1, S1, D')).toEqual({ crd: '0, S0, D', val: '-32768, S0, D' });
    expect(acc('0, 1, S0, D', '0, S0, 0, S1, D', '-32768, S0, -32768, S1, D')).toEqual({ crd: '0, S0, D', val: '0, S0, D' });
    expect(acc('0, 1, S0, D', '0, S0, 0, S1, D', '100, S0, 100, S1, D', 8)).toEqual({ crd: '0, S0, D', val: '-56, S0, D' });
    // 255 is -1 on an 8-bit datapath.
    expect(acc('0, S0, D', '4, S1, D', '255, S1, D', 8)).toEqual({ crd: '4, S0, D', val: '-1, S0, D' });
    // The widest coordinate is a coordinate like any other.
    expect(acc('0, 1, S0, D', '65535, S0, 0, 65535, S1, D', '1, S0, 2, 3, S1, D')).toEqual({ crd: '0, 65535, S0, D', val: '2, 4, S0, D' });
  });

  it('refuses misaligned or malformed inputs with the stream and token named', () => {
    const bad = (o: string, i: string, v: string, w = 16) => () => spacc(p(o), p(i), p(v), { dataWidth: w });
    expect(bad('0, S0, D', '1, S1, D', '1, 2, S1, D')).toThrow(/misaligned streams: in_crd_inner token 1 is S1 but in_val token 1 is data/);
    expect(bad('0, 1, S0, D', '1, S1, D', '1, S1, D')).toThrow(/misaligned stops: in_crd_inner token 1 is S1 but in_crd_outer token 0 implies S0/);
    expect(bad('0, S0, D', '1, S1, 2, S0, D', '1, S1, 2, S0, D')).toThrow(/in_crd_inner has more fibers than in_crd_outer/);
    expect(bad('0, S0, D', '-1, S1, D', '1, S1, D')).toThrow(/in_crd_inner: token 0 \(-1\) is negative/);
    expect(bad('0, 1, D', '1, S0, 2, S0, D', '1, S0, 2, S0, D')).toThrow(/in_crd_outer: data at token 0 is not closed by a stop/);
    expect(bad('0, S0, D', 'N, S1, D', '1, S1, D')).toThrow(/in_crd_inner: token 0 is 'N', not allowed/);
    expect(bad('0, S0, D', '1, S1, D', '1, S1')).toThrow(/in_val: missing final 'D'/);
    expect(bad('0, S0, D', '1, S1, D', '1, S1, D', 0)).toThrow(/dataWidth 0 is not an integer/);
  });
});

describe('spacc in the registry', () => {
  it('runs by name with its SAM stream names, and is an RTL primitive of the MEM tile', () => {
    expect(PRIM_PORTS.spacc).toEqual({ inputs: ['in_crd_outer', 'in_crd_inner', 'in_val'], outputs: ['out_crd', 'out_val'] });
    expect(requiredInputs('spacc', { dataWidth: 16, innerSize: 4 })).toEqual(['in_crd_outer', 'in_crd_inner', 'in_val']);
    const out = runPrimitive('spacc', { dataWidth: 16, innerSize: 4 }, { in_crd_outer: p('0, 2, S0, D'), in_crd_inner: p('1, 3, S0, 0, 3, S1, D'), in_val: p('10, 20, S0, 5, 7, S1, D') });
    expect(Object.keys(out)).toEqual(['out_crd', 'out_val']);
    expect(str(out.out_crd)).toBe('0, 1, 3, S0, D');
    expect(() => runPrimitive('spacc', { dataWidth: 16, innerSize: 4 }, { in_crd_outer: p('D'), in_crd_inner: p('D') })).toThrow(/spacc: missing input stream 'in_val'/);
    // `basalt prim` and the RTL harness iterate RTL_PRIM_NAMES: every primitive, the accumulator included.
    expect([...RTL_PRIM_NAMES].sort()).toEqual([
      'affine-read', 'affine-write', 'alu', 'crd-drop', 'crd-hold', 'intersect', 'level-scanner', 'level-scatter', 'level-writer', 'line-buffer', 'mac', 'reduce', 'repeat', 'repeat-sig', 'row-filter', 'spacc', 'spacc2', 'union', 'value-array', 'value-scatter', 'value-writer',
    ]);
    expect(PRIM_NAMES.filter((n) => !RTL_PRIM_NAMES.includes(n))).toEqual([]);
    expect(primDef('spacc').tile).toBe('mem');
  });
});

/** Children of position q of a level: [coordinate, position] pairs. */
function children(level: Level, q: number): [number, number][] {
  if (level.kind === 'd') return Array.from({ length: level.size }, (_, c) => [c, q * level.size + c]);
  const out: [number, number][] = [];
  for (let x = level.seg[q]; x < level.seg[q + 1]; x++) out.push([level.crd[x], x]);
  return out;
}

/**
 * Reference: for every fiber f of the summed level (one per position of the
 * level above), a map j -> exact sum over its positions' children, wrapped
 * once at the end; written as a compressed level and scanned with the summed
 * level's own input refs, so the stops are the scanner's.
 */
function reference(levels: Level[], k: number, vals: number[], w: number): { crd: Stream; val: Stream } {
  const parentRef = k === 0 ? [0, 'D'] as Stream : scanAll(levels.slice(0, k)).ref[k - 1];
  const fibers = k === 0 ? 1 : (() => {
    let n = 1;
    for (let l = 0; l < k; l++) n = levels[l].kind === 'd' ? n * (levels[l] as { size: number }).size : (levels[l] as unknown as { crd: number[] }).crd.length;
    return n;
  })();
  const seg = [0];
  const crd: number[] = [];
  const out: number[] = [];
  for (let f = 0; f < fibers; f++) {
    const sums = new Map<number, number>();
    for (const [, q] of children(levels[k], f)) for (const [c, x] of children(levels[k + 1], q)) sums.set(c, (sums.get(c) ?? 0) + vals[x]);
    for (const c of [...sums.keys()].sort((a, b) => a - b)) {
      crd.push(c);
      out.push(wrapSigned(sums.get(c)!, w));
    }
    seg.push(crd.length);
  }
  const s = levelScanner({ kind: 's', seg, crd }, parentRef);
  return { crd: s.crd, val: valueArray(out, s.ref) };
}

describe('spacc: random property tests against a map-based reference', () => {
  const positions = (levels: Level[], upTo: number) => {
    let n = 1;
    for (let l = 0; l <= upTo; l++) n = levels[l].kind === 'd' ? n * (levels[l] as { size: number }).size : (levels[l] as unknown as { crd: number[] }).crd.length;
    return n;
  };
  const tinyOrWide = (rng: Rand, w: number) => (rng() < 0.3 ? randInt(rng, -2, 2) : randomValue(rng, w));

  it('equals the reference on 600 random fibertrees (dense and compressed levels, empty fibers, 8 and 16 bits)', () => {
    let collisions = 0;
    let zeros = 0;
    let emptyOut = 0;
    for (let seed = 1; seed <= 600; seed++) {
      const rng = mulberry32(seed * 7919);
      const w = seed % 3 === 0 ? 8 : 16;
      const t = randomTree(rng, { dataWidth: w, maxDim: 5 }, randInt(rng, 2, 4));
      const k = randInt(rng, 0, t.levels.length - 2);
      const vals = Array.from({ length: positions(t.levels, k + 1) }, () => tinyOrWide(rng, w));
      const s = scanAll(t.levels);
      const inVal = valueArray(vals, s.ref[k + 1]);
      const got = spacc(s.crd[k], s.crd[k + 1], inVal, { dataWidth: w });
      const want = reference(t.levels, k, vals, w);
      expect(str(got.crd), `seed ${seed}`).toBe(str(want.crd));
      expect(str(got.val), `seed ${seed}`).toBe(str(want.val));
      checkStream('out_crd', got.crd, ['num']);
      const inData = s.crd[k + 1].filter((x) => typeof x === 'number').length;
      const outData = got.crd.filter((x) => typeof x === 'number').length;
      if (outData < inData) collisions++;
      if (got.val.some((x) => x === 0)) zeros++;
      if (got.crd.some((x, i) => isStop(x) && (i === 0 || isStop(got.crd[i - 1])))) emptyOut++;
    }
    // The cases exercise what matters: sums that merge coordinates, zero sums, empty output fibers.
    expect(collisions).toBeGreaterThan(150);
    expect(zeros).toBeGreaterThan(20);
    expect(emptyOut).toBeGreaterThan(50);
  });

  it('randomCase(\'spacc\') is deterministic and well-formed, and agrees with the reference semantics', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const c = randomCase('spacc', mulberry32(seed));
      expect(randomCase('spacc', mulberry32(seed))).toEqual(c);
      expect(Object.keys(c.inputs).sort()).toEqual(['in_crd_inner', 'in_crd_outer', 'in_val']);
      const out = runPrimitive('spacc', c.config, c.inputs);
      for (const s of Object.values(out)) checkStream('spacc out', s, ['num']);
      // Accumulation conserves the total (mod 2^w), and the stops are the outer stream's.
      const total = (s: Stream) => wrapSigned(s.reduce<number>((a, x) => a + (typeof x === 'number' ? x : 0), 0), c.config.dataWidth);
      expect(total(out.out_val)).toBe(total(c.inputs.in_val));
      const stops = (s: Stream) => s.filter((x) => typeof x !== 'number').map((x) => (isStop(x) ? `S${x.stop}` : x)).join(' ');
      expect(stops(out.out_crd)).toBe(stops(c.inputs.in_crd_outer));
      expect(stops(out.out_val)).toBe(stops(c.inputs.in_crd_outer));
    }
  });
});
