/**
 * Intersect and union (SAM Intersect2 / Union2) on two crd/ref stream pairs.
 * Fibers are merged one by one; the two inputs must have the same sequence of
 * stops, which the output keeps unchanged (an intersection that comes out
 * empty stays an empty fiber: SAM never drops stops here).
 */
import { chance, randInt } from '../../base/prng.ts';
import { scanLevel, type Level } from '../fibers.ts';
import { definePrimitive, type PrimitiveDef } from '../prim-def.ts';
import { randomLevel, randomOptions, randomParent, withN } from '../random.ts';
import { checkAligned, checkNonNegative, checkStream, fail, fibersOf, type Fiber } from '../stream.ts';
import type { Stream, Token } from '../tokens.ts';

export interface CrdRef {
  crd: Stream;
  ref: Stream;
}
export interface Joined {
  crd: Stream;
  refA: Stream;
  refB: Stream;
}

/** Validates one side and cuts it into fibers of (crd, ref) pairs. */
function side(where: string, x: CrdRef, name: 'a' | 'b'): { f: Fiber[]; ref: Stream } {
  checkStream(`${where} crd_${name}`, x.crd, ['num']);
  checkNonNegative(`${where} crd_${name}`, x.crd);
  // Refs may be 'N' (e.g. a union output joined again); they are carried, not read.
  checkStream(`${where} ref_${name}`, x.ref, ['num', 'N']);
  checkAligned(where, x.crd, `crd_${name}`, x.ref, `ref_${name}`);
  const f = fibersOf(`${where} crd_${name}`, x.crd);
  for (const fib of f) {
    for (let k = 1; k < fib.data.length; k++) {
      if ((fib.data[k] as number) <= (fib.data[k - 1] as number)) {
        fail(where, `crd_${name} is not strictly increasing at token ${fib.at[k]} (${fib.data[k - 1]} -> ${fib.data[k]})`);
      }
    }
  }
  return { f, ref: x.ref };
}

function join(where: string, a: CrdRef, b: CrdRef, keepA: boolean, keepB: boolean): Joined {
  const A = side(where, a, 'a');
  const B = side(where, b, 'b');
  if (A.f.length !== B.f.length) fail(where, `misaligned stops: crd_a has ${A.f.length} fibers, crd_b ${B.f.length}`);
  const crd: Token[] = [];
  const refA: Token[] = [];
  const refB: Token[] = [];
  A.f.forEach((fa, n) => {
    const fb = B.f[n];
    if (fa.stop.stop !== fb.stop.stop) {
      fail(where, `misaligned stops: fiber ${n} ends with S${fa.stop.stop} in crd_a (token ${fa.stopAt}) but S${fb.stop.stop} in crd_b (token ${fb.stopAt})`);
    }
    let i = 0;
    let j = 0;
    const emit = (c: Token, ra: Token, rb: Token) => {
      crd.push(c);
      refA.push(ra);
      refB.push(rb);
    };
    while (i < fa.data.length || j < fb.data.length) {
      const ca = i < fa.data.length ? (fa.data[i] as number) : Infinity;
      const cb = j < fb.data.length ? (fb.data[j] as number) : Infinity;
      if (ca === cb) emit(ca, A.ref[fa.at[i++]], B.ref[fb.at[j++]]);
      else if (ca < cb) {
        if (keepA) emit(ca, A.ref[fa.at[i]], 'N');
        i++;
      } else {
        if (keepB) emit(cb, 'N', B.ref[fb.at[j]]);
        j++;
      }
    }
    emit(fa.stop, fa.stop, fa.stop);
  });
  crd.push('D');
  refA.push('D');
  refB.push('D');
  return { crd, refA, refB };
}

/** Coordinates present in both inputs, with both refs. */
export const intersect = (a: CrdRef, b: CrdRef): Joined => join('intersect', a, b, false, false);

/** Coordinates present in either input; 'N' stands for the missing side's ref. */
export const union = (a: CrdRef, b: CrdRef): Joined => join('union', a, b, true, true);

type NoConfig = Record<string, never>;

/** Two compressed levels under the same parent: the same stop structure by construction. */
function randomJoin(rng: () => number, o: Parameters<PrimitiveDef['random']>[1]) {
  const { w, maxDim } = randomOptions(o);
  const p = randomParent(rng, o);
  const ref = withN(rng, p.ref, 0.1);
  const dim = randInt(rng, 1, maxDim + 2);
  const a = randomLevel(rng, p.positions, o, 's', chance(rng, 0.1) ? 2 ** w : dim).level;
  const mode = rng();
  const b: Level =
    mode < 0.1 ? a
    : mode < 0.2 ? { kind: 's', seg: Array(p.positions + 1).fill(0), crd: [] } // an all-empty side
    : randomLevel(rng, p.positions, o, 's', a.kind === 's' && a.crd.some((c) => c >= dim) ? 2 ** w : dim).level;
  const A = scanLevel('joiner', a, ref);
  const B = scanLevel('joiner', b, ref);
  const [x, y] = chance(rng, 0.5) ? [A, B] : [B, A];
  return { config: {} as NoConfig, inputs: { crd_a: x.crd, ref_a: x.ref, crd_b: y.crd, ref_b: y.ref } };
}

function joinerDef(name: string, doc: string, f: (a: CrdRef, b: CrdRef) => Joined, isUnion: 0 | 1): PrimitiveDef<NoConfig> {
  return definePrimitive<NoConfig>({
    name,
    doc,
    tile: 'pe',
    inputs: [{ name: 'crd_a', kind: 'crd' }, { name: 'ref_a', kind: 'ref' }, { name: 'crd_b', kind: 'crd' }, { name: 'ref_b', kind: 'ref' }],
    outputs: [{ name: 'out_crd', kind: 'crd' }, { name: 'out_ref_a', kind: 'ref' }, { name: 'out_ref_b', kind: 'ref' }],
    run: (_c, i) => {
      const r = f({ crd: i.crd_a, ref: i.ref_a }, { crd: i.crd_b, ref: i.ref_b });
      return { out_crd: r.crd, out_ref_a: r.refA, out_ref_b: r.refB };
    },
    random: randomJoin,
    // One comparison of the two heads per cycle: the union's length, whichever the mode.
    cycleBound: (c) => join('bound', { crd: c.inputs.crd_a, ref: c.inputs.ref_a }, { crd: c.inputs.crd_b, ref: c.inputs.ref_b }, true, true).crd.length,
    rtl: { module: 'basalt_prim_joiner', fields: () => [], encode: () => ({}), modeFlags: { is_union: isUnion }, latency: 2 },
  });
}

export const intersectPrim = joinerDef('intersect', 'coordinates present in both inputs, with both refs (SAM Intersect2)', intersect, 0);
export const unionPrim = joinerDef('union', "coordinates present in either input, 'N' for the missing ref (SAM Union2)", union, 1);
