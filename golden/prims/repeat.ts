/**
 * Repeat-signal generator, repeater, coordinate drop and coordinate hold
 * (SAM RepeatSigGen, Repeat, CrdDrop, CrdHold).
 *
 * They all pair a parent stream with a child stream by the scanner rule
 * (stream.ts parentItems): parent data token n owns child fiber n, whose
 * closing stop is S0 or the merged S(k+1); a lone parent Sk owns a lone child
 * S(k+1). SAM's models only look at "is a stop"; here the stop levels are
 * checked too (they always hold in a well-formed graph), so a misaligned
 * pair throws instead of silently producing garbage.
 */
import { isStop, type Stream, type Token } from '../tokens.ts';
import { checkNonNegative, checkStream, childFibers, parentItems } from './stream.ts';

/** 'R' per coordinate; stops (with their level) and D pass through. SAM writes 'S' for any stop. */
export function repeatSigGen(crd: Stream): Stream {
  checkStream('repeat-sig in_crd', crd, ['num']);
  return crd.map((t) => (typeof t === 'number' ? 'R' : t));
}

/**
 * Each input ref (or 'N') is paired with one repsig fiber and emitted once per
 * 'R' in it (an empty repsig fiber emits nothing); then the fiber's stop: S0,
 * or S(k+1) when the ref is followed by Sk (merged); a lone input Sk pairs with
 * a lone repsig stop and gives S(k+1). D ends both. Output = the repsig stream
 * with every R replaced by its ref, which is exactly SAM's Repeat.
 */
export function repeat(ref: Stream, repsig: Stream): Stream {
  const where = 'repeat';
  checkStream(`${where} in_ref`, ref, ['num', 'N']);
  checkStream(`${where} in_repsig`, repsig, ['R']);
  const items = parentItems(where, ref);
  const fibers = childFibers(where, items, 'in_ref', repsig, 'in_repsig');
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

function outerInner(where: string, outer: Stream, inner: Stream) {
  checkStream(`${where} in_outer`, outer, ['num']);
  checkNonNegative(`${where} in_outer`, outer);
  checkStream(`${where} in_inner`, inner, ['num']);
  checkNonNegative(`${where} in_inner`, inner);
  const items = parentItems(where, outer);
  return { items, fibers: childFibers(where, items, 'in_outer', inner, 'in_inner') };
}

/**
 * Drops each outer coordinate whose inner fiber is empty; the outer stops are
 * kept as they are (so an outer fiber may become empty: "S0, D"). The inner
 * stream passes through unchanged, as in SAM (its empty fibers stay; write that
 * level with levelWriter's dropEmpty, SAM's CompressWrScan, to match).
 */
export function crdDrop(outer: Stream, inner: Stream): { outer: Stream; inner: Stream } {
  const { items, fibers } = outerInner('crd-drop', outer, inner);
  const out: Token[] = [];
  items.forEach((it, n) => {
    if (it.kind === 'stop') return void out.push(outer[it.index]);
    if (fibers[n].length > 0) out.push(it.tok);
    const next = outer[it.index + 1];
    if (isStop(next)) out.push(next); // the outer's own stop, merged into this item
  });
  out.push('D');
  return { outer: out, inner: [...inner] };
}

/**
 * Repeats each outer coordinate once per coordinate of its inner fiber, so the
 * outer stream lines up token for token with the inner one (SAM builds it as
 * repeat(outer, repeatSigGen(inner))). The inner stream passes through.
 */
export function crdHold(outer: Stream, inner: Stream): { outer: Stream; inner: Stream } {
  outerInner('crd-hold', outer, inner);
  return { outer: repeat(outer, repeatSigGen(inner)), inner: [...inner] };
}
