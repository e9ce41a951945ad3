/**
 * Fibertree levels and how a reference stream walks them (SAM
 * CompressedCrdRdScan / UncompressCrdRdScan): the traversal the level scanner
 * implements, shared with the random case generators of the other primitives.
 */
import type { Stream, Token } from './tokens.ts';
import { checkNonNegative, checkStream, childFibers, fail, parentItems } from './stream.ts';

/** One level of a fibertree: compressed (`seg`/`crd`) or dense of `size`. */
export type Level = { readonly kind: 's'; readonly seg: readonly number[]; readonly crd: readonly number[] } | { readonly kind: 'd'; readonly size: number };

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
export function scanLevel(where: string, level: Level, inRef: Stream): { crd: Stream; ref: Stream } {
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

/** The root reference stream every top-level scan starts from. */
export const ROOT_REF: Stream = [0, 'D'];

/** Scans every level from the root: crd[k] and ref[k] are level k's output streams. */
export function scanAll(levels: readonly Level[], root: Stream = ROOT_REF): { crd: Stream[]; ref: Stream[] } {
  const crd: Stream[] = [];
  const ref: Stream[] = [];
  let r = root;
  for (const l of levels) {
    const s = scanLevel('scan', l, r);
    crd.push(s.crd);
    ref.push(s.ref);
    r = s.ref;
  }
  return { crd, ref };
}

/** 'R' per coordinate; stops (with their level) and D pass through (SAM RepeatSigGen; SAM writes 'S' for any stop). */
export function repeatSignals(where: string, crd: Stream): Stream {
  checkStream(`${where} in_crd`, crd, ['num']);
  return crd.map((t) => (typeof t === 'number' ? 'R' : t));
}

/**
 * Each parent ref (or 'N') is paired with one repsig fiber and emitted once
 * per 'R' in it (an empty repsig fiber emits nothing); then the fiber's stop:
 * S0, or S(k+1) when the ref is followed by Sk (merged); a lone parent Sk pairs
 * with a lone repsig stop and gives S(k+1). D ends both. Output = the repsig
 * stream with every R replaced by its ref, as SAM's repeater does.
 */
export function replay(where: string, ref: Stream, repsig: Stream, names = { parent: 'in_ref', child: 'in_repsig' }): Stream {
  const items = parentItems(where, ref);
  const fibers = childFibers(where, items, names.parent, repsig, names.child);
  const out: Token[] = [];
  items.forEach((it, n) => {
    if (it.kind === 'fiber') {
      for (let k = 0; k < fibers[n].length; k++) out.push(it.tok);
      out.push(it.close);
    } else out.push(it.stop);
  });
  out.push('D');
  return out;
}

/** The position (crd index) of every coordinate a writer stores, stops and D as in its input: the written level's refs. */
export function writtenRefs(crdIn: Stream): Stream {
  let n = 0;
  return crdIn.map((t) => (typeof t === 'number' ? n++ : t));
}
