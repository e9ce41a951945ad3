/**
 * Level scanner (SAM CompressedCrdRdScan / UncompressCrdRdScan) and the writers.
 */
import type { Stream, Token } from '../tokens.ts';
import { isStop } from '../tokens.ts';
import { checkNonNegative, checkStream, fail, parentItems } from './stream.ts';

/** One level of a fibertree: compressed (`seg`/`crd`) or dense of `size`. */
export type Level = { kind: 's'; seg: number[]; crd: number[] } | { kind: 'd'; size: number };

/** Throws unless the level is a well-formed fibertree level. */
export function checkLevel(where: string, level: Level): void {
  if (level.kind === 'd') {
    if (!Number.isSafeInteger(level.size) || level.size < 0) fail(where, `dense size ${level.size} is not a non-negative integer`);
    return;
  }
  if (level.kind !== 's') fail(where, `level kind '${(level as { kind: string }).kind}' is neither 's' nor 'd'`);
  const { seg, crd } = level;
  if (seg.length < 1 || seg[0] !== 0) fail(where, `seg must start with 0 (got [${seg.slice(0, 4).join(', ')}])`);
  if (seg[seg.length - 1] !== crd.length) fail(where, `seg ends at ${seg[seg.length - 1]} but crd has ${crd.length} entries`);
  for (let r = 0; r + 1 < seg.length; r++) {
    if (!Number.isSafeInteger(seg[r + 1]) || seg[r + 1] < seg[r]) fail(where, `seg decreases at ${r + 1} (${seg[r]} -> ${seg[r + 1]})`);
    for (let p = seg[r]; p < seg[r + 1]; p++) {
      if (!Number.isSafeInteger(crd[p]) || crd[p] < 0) fail(where, `crd[${p}] = ${crd[p]} is not a non-negative integer`);
      // Joiners rely on sorted fibers; catch a broken level where it is read.
      if (p > seg[r] && crd[p] <= crd[p - 1]) fail(where, `fiber ${r} is not strictly increasing at crd[${p}] (${crd[p - 1]} -> ${crd[p]})`);
    }
  }
}

/**
 * Each input ref r yields its fiber: compressed crd[seg[r]..seg[r+1]-1] with
 * ref = position in crd; dense crd 0..size-1 with ref = r*size + crd. Closing
 * stops follow parentItems (S0, or merged S(k+1)); a lone input Sk gives S(k+1).
 * 'N' scans as an empty fiber. Deviation from SAM's Python model: it emits an
 * 'N' crd/ref before that stop; DESIGN.md makes N a plain empty fiber, so no
 * N ever reaches a coordinate stream.
 */
export function levelScanner(level: Level, inRef: Stream): { crd: Stream; ref: Stream } {
  const where = 'level-scanner';
  checkLevel(`${where} level`, level);
  checkStream(`${where} in_ref`, inRef, ['num', 'N']);
  checkNonNegative(`${where} in_ref`, inRef);
  const crd: Token[] = [];
  const ref: Token[] = [];
  for (const it of parentItems(where, inRef)) {
    if (it.kind === 'stop') {
      crd.push(it.stop);
      ref.push(it.stop);
      continue;
    }
    if (it.tok !== 'N') {
      const r = it.tok as number;
      if (level.kind === 's') {
        if (r + 1 >= level.seg.length) fail(where, `in_ref token ${it.index} (${r}) is out of range: the level has ${level.seg.length - 1} fibers`);
        for (let p = level.seg[r]; p < level.seg[r + 1]; p++) {
          crd.push(level.crd[p]);
          ref.push(p);
        }
      } else {
        for (let c = 0; c < level.size; c++) {
          crd.push(c);
          ref.push(r * level.size + c);
        }
      }
    }
    crd.push(it.close);
    ref.push(it.close);
  }
  crd.push('D');
  ref.push('D');
  return { crd, ref };
}

/**
 * Builds a compressed level from a crd stream.
 *
 * Default (`dropEmpty: false`): every stop closes exactly one fiber, so seg gets
 * one entry per stop, empty fibers included. That round-trips a level scanned
 * below a dense level or the root. It cannot tell "one empty fiber" from "no
 * fiber" when the parent fiber itself was empty (both are a lone Sk, k>=1):
 * it counts a fiber.
 *
 * `dropEmpty: true` is SAM's CompressWrScan: a stop only closes a fiber when it
 * follows a coordinate, so empty fibers (and the lone stops of empty parents)
 * leave no seg entry. Use it below a compressed output level whose coordinates
 * went through crd-drop (which removed exactly the coordinates of empty fibers).
 * For the outermost level keep the default: an empty root must still give seg [0, 0].
 */
export function levelWriter(crdIn: Stream, opts: { dropEmpty?: boolean } = {}): { seg: number[]; crd: number[] } {
  const where = 'level-writer';
  checkStream(`${where} in_crd`, crdIn, ['num']);
  checkNonNegative(`${where} in_crd`, crdIn);
  const seg = [0];
  const crd: number[] = [];
  let open = -1; // index of the first coordinate of the fiber being written
  for (let i = 0; i < crdIn.length; i++) {
    const t = crdIn[i];
    if (typeof t === 'number') {
      crd.push(t);
      if (open < 0) open = i;
    } else if (isStop(t)) {
      if (!opts.dropEmpty || open >= 0) seg.push(crd.length);
      open = -1;
    } else if (open >= 0) {
      fail(where, `in_crd: coordinates from token ${open} are not closed by a stop before 'D'`);
    }
  }
  return { seg, crd };
}

/** SAM ValsWrScan: the values in order; stops only delimit fibers and are dropped. */
export function valueWriter(vals: Stream): number[] {
  checkStream('value-writer in_val', vals, ['num']);
  return vals.filter((t): t is number => typeof t === 'number');
}

/** Value array read: ref -> vals[ref], 'N' (missing side of a union) -> 0; stops and D pass through. */
export function valueArray(vals: readonly number[], ref: Stream): Stream {
  const where = 'value-array';
  checkStream(`${where} in_ref`, ref, ['num', 'N']);
  return ref.map((t, i) => {
    if (t === 'N') return 0;
    if (typeof t !== 'number') return t;
    if (t < 0 || t >= vals.length) fail(where, `in_ref token ${i} (${t}) is outside the ${vals.length} values`);
    return vals[t];
  });
}
