/**
 * Property tests of the golden SAM primitives on random well-formed cases
 * (golden/prims/random.ts), several hundred seeds per primitive.
 */
import { describe, expect, it } from 'vitest';
import {
  alu, checkStream, childFibers, crdDrop, crdHold, fibersOf, intersect, levelScanner, levelWriter, mulberry32, parentItems,
  PRIM_NAMES, PRIM_PORTS, primDef, randomCase, randomLevel, randomTree, reduce, repeat, repeatSigGen, requiredInputs, runPrimitive,
  scanAll, union, valueArray, type AluOp, type Level, type PrimCase, type PrimName,
} from './helpers/sam.ts';
import { isStop, S, type Stream, type Token } from '../sam/tokens.ts';

const SEEDS = 300;
const seeds = Array.from({ length: SEEDS }, (_, i) => i * 7919 + 1);
const cases = <P extends PrimName>(prim: P, dataWidth = 16): PrimCase<P>[] => seeds.map((s) => randomCase(prim, mulberry32(s), { dataWidth }));
const stops = (s: Stream) => s.filter((t) => isStop(t) || t === 'D');
const data = (s: Stream) => s.filter((t): t is number => typeof t === 'number');
/** Same stops and D at the same positions. */
const shape = (s: Stream) => s.map((t) => (isStop(t) ? `S${t.stop}` : t === 'D' ? 'D' : '.')).join(' ');

describe('random cases', () => {
  it.each(PRIM_NAMES)('%s: deterministic per seed, well-formed outputs on every port', (prim) => {
    for (const seed of seeds) {
      const c = randomCase(prim, mulberry32(seed));
      expect(randomCase(prim, mulberry32(seed))).toEqual(c);
      expect(Object.keys(c.inputs).sort()).toEqual(requiredInputs(prim, c.config).sort());
      const out = runPrimitive(prim, c.config, c.inputs);
      // Stream outputs, then the arrays a writer fills.
      expect(Object.keys(out)).toEqual([...PRIM_PORTS[prim].outputs, ...(primDef(prim).arrays?.writes ?? [])]);
      for (const [name, s] of Object.entries(out)) {
        // Ends with exactly one D, every token valid.
        expect(() => checkStream(`${prim} ${name} (seed ${seed})`, s, ['num', 'N', 'R'])).not.toThrow();
        expect(s.filter((t) => t === 'D')).toHaveLength(1);
      }
    }
  });

  it('cover the corner cases: empty tensors, empty fibers, N refs, the largest coordinate, every ALU op', () => {
    const scans = cases('level-scanner');
    expect(scans.filter((c) => c.inputs.in_ref.includes('N')).length).toBeGreaterThan(30);
    expect(scans.filter((c) => c.config.level.kind === 'd').length).toBeGreaterThan(30);
    expect(scans.filter((c) => c.config.level.kind === 's' && c.config.level.crd.includes(65535)).length).toBeGreaterThan(3);
    const out = scans.map((c) => runPrimitive('level-scanner', c.config, c.inputs).out_crd);
    expect(out.filter((s) => data(s).length === 0).length).toBeGreaterThan(10); // empty outputs
    expect(out.filter((s) => data(s).length >= 5).length).toBeGreaterThan(100); // and substantial ones
    expect(out.filter((s) => s.some((t, i) => isStop(t) && isStop(s[i + 1]))).length).toBeGreaterThan(50); // empty fibers
    const inter = cases('intersect').map((c) => ({ c, o: runPrimitive('intersect', c.config, c.inputs) }));
    // Some fiber empties out although both inputs had coordinates in it.
    const emptied = inter.filter(({ c, o }) => {
      const fa = fibersOf('a', c.inputs.crd_a);
      const fb = fibersOf('b', c.inputs.crd_b);
      return fibersOf('o', o.out_crd).some((f, n) => f.data.length === 0 && fa[n].data.length > 0 && fb[n].data.length > 0);
    });
    expect(emptied.length).toBeGreaterThan(10);
    const ops = new Set(cases('alu').map((c) => c.config.op));
    expect(ops.size).toBe(19);
  });

  it('respect a narrower dataWidth', () => {
    for (const c of cases('alu', 8)) {
      for (const s of Object.values(c.inputs)) for (const v of data(s)) expect(v >= -128 && v <= 127).toBe(true);
      for (const v of data(runPrimitive('alu', c.config, c.inputs).out_val)) expect(v >= -128 && v <= 127).toBe(true);
    }
  });
});

describe('level scanner and writer', () => {
  it('scanner -> writer round-trips any compressed level scanned with all its fibers', () => {
    for (const seed of seeds) {
      const rng = mulberry32(seed);
      const n = 1 + Math.floor(rng() * 6);
      const { level } = randomLevel(rng, n, {}, 's');
      const refs: Stream = [...Array.from({ length: n }, (_, i) => i), S(0), 'D'];
      const out = levelScanner(level, refs);
      expect(levelWriter(out.crd)).toEqual({ seg: (level as unknown as { seg: number[] }).seg, crd: (level as unknown as { crd: number[] }).crd });
      // crd and ref always line up.
      expect(shape(out.ref)).toBe(shape(out.crd));
    }
  });

  it('whole fibertrees round-trip level by level (keep mode under non-empty parents, dropEmpty for levels without empty fibers)', () => {
    let checked = 0;
    for (const seed of seeds) {
      const t = randomTree(mulberry32(seed));
      const s = scanAll(t.levels);
      const hasEmpty = (l: Level) => (l.kind === 'd' ? l.size === 0 : l.seg.some((v, i) => i > 0 && v === l.seg[i - 1]));
      t.levels.forEach((l, k) => {
        if (l.kind !== 's') return;
        if (!t.levels.slice(0, k).some(hasEmpty)) {
          expect(levelWriter(s.crd[k])).toEqual({ seg: l.seg, crd: l.crd });
          checked++;
        }
        if (!hasEmpty(l)) expect(levelWriter(s.crd[k], { dropEmpty: true })).toEqual({ seg: l.seg, crd: l.crd });
      });
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('scanner outputs pair with their input by the stop rule', () => {
    for (const c of cases('level-scanner')) {
      const o = levelScanner(c.config.level, c.inputs.in_ref);
      const items = parentItems('t', c.inputs.in_ref);
      const fibers = childFibers('t', items, 'in_ref', o.crd, 'out_crd');
      // 'N' scans as an empty fiber.
      items.forEach((it, n) => it.kind === 'fiber' && it.tok === 'N' && expect(fibers[n]).toEqual([]));
    }
  });
});

describe('value array', () => {
  it('is aligned with its refs and reads N as 0', () => {
    for (const c of cases('value-array')) {
      const o = valueArray(c.config.vals, c.inputs.in_ref);
      expect(shape(o)).toBe(shape(c.inputs.in_ref));
      c.inputs.in_ref.forEach((t, i) => t === 'N' && expect(o[i]).toBe(0));
    }
  });
});

describe('intersect and union', () => {
  const sides = (c: { inputs: Record<string, Stream> }) => [
    { crd: c.inputs.crd_a, ref: c.inputs.ref_a },
    { crd: c.inputs.crd_b, ref: c.inputs.ref_b },
  ];
  const emptyLike = (s: Stream) => s.filter((t) => !(typeof t === 'number' || t === 'N'));
  const nFor = (s: Stream) => s.map((t): Token => (typeof t === 'number' ? 'N' : t));

  it('intersect(x, x) == x', () => {
    for (const c of cases('intersect')) {
      const [x] = sides(c);
      expect(intersect(x, x)).toEqual({ crd: x.crd, refA: x.ref, refB: x.ref });
    }
  });

  it('union with an empty side == the other side, N for the missing refs', () => {
    for (const c of cases('union')) {
      const [x] = sides(c);
      const e = { crd: emptyLike(x.crd), ref: emptyLike(x.ref) };
      expect(union(x, e)).toEqual({ crd: x.crd, refA: x.ref, refB: nFor(x.ref) });
      expect(union(e, x)).toEqual({ crd: x.crd, refA: nFor(x.ref), refB: x.ref });
      expect(intersect(x, e)).toEqual({ crd: e.crd, refA: e.crd, refB: e.crd });
    }
  });

  it('are per-fiber set intersection / union, commute, and intersect = union rows with both refs', () => {
    for (const c of [...cases('intersect'), ...cases('union')]) {
      const [a, b] = sides(c);
      const i = intersect(a, b);
      const u = union(a, b);
      expect(stops(i.crd)).toEqual(stops(a.crd));
      expect(stops(u.crd)).toEqual(stops(a.crd));
      const fa = fibersOf('a', a.crd);
      const fb = fibersOf('b', b.crd);
      fibersOf('i', i.crd).forEach((f, n) => {
        const setB = new Set(fb[n].data);
        expect(f.data).toEqual(fa[n].data.filter((x) => setB.has(x)));
      });
      fibersOf('u', u.crd).forEach((f, n) => {
        expect(f.data).toEqual([...new Set([...fa[n].data, ...fb[n].data])].sort((x, y) => (x as number) - (y as number)));
      });
      const ba = intersect(b, a);
      expect(ba).toEqual({ crd: i.crd, refA: i.refB, refB: i.refA });
      const ub = union(b, a);
      expect(ub).toEqual({ crd: u.crd, refA: u.refB, refB: u.refA });
      const both = u.crd.map((_, k) => k).filter((k) => !(u.refA[k] === 'N' || u.refB[k] === 'N'));
      expect({ crd: both.map((k) => u.crd[k]), refA: both.map((k) => u.refA[k]), refB: both.map((k) => u.refB[k]) }).toEqual(i);
    }
  });
});

describe('alu', () => {
  // Independent reference on BigInt: asIntN is two's complement wrap-around.
  const W = 16;
  const ref = (op: AluOp, a: number, b: number, c: number): number => {
    const A = BigInt(a);
    const B = BigInt(b);
    const sh = BigInt(Number(BigInt.asUintN(W, B)) % W);
    const wrap = (x: bigint) => Number(BigInt.asIntN(W, x));
    const m: Record<AluOp, () => number> = {
      add: () => wrap(A + B), sub: () => wrap(A - B), mul: () => wrap(A * B),
      min: () => Math.min(a, b), max: () => Math.max(a, b), abs: () => wrap(A < 0n ? -A : A),
      shl: () => wrap(A << sh), shr: () => wrap(BigInt.asUintN(W, A) >> sh), ashr: () => wrap(A >> sh),
      and: () => wrap(A & B), or: () => wrap(A | B), xor: () => wrap(A ^ B),
      eq: () => +(a === b), ne: () => +(a !== b), lt: () => +(a < b), le: () => +(a <= b), gt: () => +(a > b), ge: () => +(a >= b),
      sel: () => (c !== 0 ? a : b),
    };
    return m[op]();
  };

  it('matches a BigInt reference on every op, keeps the stream shape', () => {
    for (const c of cases('alu')) {
      const { op, constant } = c.config;
      const { val_a: a, val_b: b, val_c: cc } = c.inputs;
      const out = alu(op, a, b, cc, c.config);
      expect(shape(out)).toBe(shape(a));
      out.forEach((t, i) => {
        if (typeof t !== 'number') return;
        const bv = b ? (b[i] as number) : (constant ?? 0);
        expect([op, a[i], bv, t]).toEqual([op, a[i], bv, ref(op, a[i] as number, bv, cc ? (cc[i] as number) : 0)]);
      });
    }
  });
});

describe('reduce', () => {
  it('emits one wrapped sum per stop (per non-empty fiber with dropEmpty), and each S(k+1) as Sk', () => {
    let dropped = 0;
    for (const c of cases('reduce')) {
      const input = c.inputs.in_val;
      const out = reduce(input, c.config);
      const all = fibersOf('in', input);
      const fibers = c.config.dropEmpty ? all.filter((f) => f.data.length > 0) : all;
      dropped += all.length - fibers.length;
      expect(data(out)).toEqual(fibers.map((f) => Number(BigInt.asIntN(16, f.data.reduce((s: bigint, v) => s + BigInt(v as number), 0n)))));
      expect(stops(out)).toEqual([...all.filter((f) => f.stop.stop > 0).map((f) => S(f.stop.stop - 1)), 'D']);
    }
    expect(dropped).toBeGreaterThan(0);
  });
});

describe('repeat, repeat-sig, crd-hold, crd-drop', () => {
  it('repeat emits each ref once per R, with the repsig stream\'s shape', () => {
    for (const c of cases('repeat')) {
      const out = repeat(c.inputs.in_ref, c.inputs.in_repsig);
      expect(shape(out)).toBe(shape(c.inputs.in_repsig));
      const items = parentItems('t', c.inputs.in_ref);
      const expected = items.flatMap((it, n) => (it.kind === 'fiber' ? Array(childFibers('t', items, 'r', c.inputs.in_repsig, 's')[n].length).fill(it.tok) : []));
      expect(out.filter((t) => typeof t === 'number' || t === 'N')).toEqual(expected);
    }
  });

  it('repeat-sig keeps the stream shape with R for every coordinate', () => {
    for (const c of cases('repeat-sig')) {
      const out = repeatSigGen(c.inputs.in_crd);
      expect(shape(out)).toBe(shape(c.inputs.in_crd));
      expect(out.filter((t) => t === 'R')).toHaveLength(data(c.inputs.in_crd).length);
    }
  });

  it('crd-hold aligns the outer coordinates token for token with the inner stream', () => {
    for (const c of cases('crd-hold')) {
      const { in_outer: o, in_inner: i } = c.inputs;
      const out = crdHold(o, i);
      expect(shape(out.outer)).toBe(shape(i));
      expect(out.inner).toEqual(i);
      expect(out.outer).toEqual(repeat(o, repeatSigGen(i)));
    }
  });

  it('crd-drop keeps exactly the outer coordinates with a non-empty inner fiber (= SAM writer fibers)', () => {
    let dropped = 0;
    for (const c of cases('crd-drop')) {
      const { in_outer: o, in_inner: i } = c.inputs;
      const out = crdDrop(o, i);
      expect(stops(out.outer)).toEqual(stops(o));
      expect(out.inner).toEqual(i);
      const kept = data(out.outer).length;
      expect(kept).toBe(levelWriter(i, { dropEmpty: true }).seg.length - 1);
      dropped += data(o).length - kept;
    }
    expect(dropped).toBeGreaterThan(50);
  });
});

describe('generator coverage at the coordinate limit', () => {
  it('some intersections match at the largest 16-bit coordinate', () => {
    const hits = cases('intersect').filter((c) => data(runPrimitive('intersect', c.config, c.inputs).out_crd).includes(65535));
    expect(hits.length).toBeGreaterThan(3);
  });
});
