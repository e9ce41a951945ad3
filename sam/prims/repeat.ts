/**
 * Repeater, repeat-signal generator, coordinate drop and coordinate hold
 * (SAM Repeat, RepeatSigGen, CrdDrop, CrdHold).
 *
 * They all pair a parent stream with a child stream by the scanner rule
 * (sam/stream.ts parentItems): parent data token n owns child fiber n, whose
 * closing stop is S0 or the merged S(k+1); a lone parent Sk owns a lone child
 * S(k+1). SAM's models only look at "is a stop"; here the stop levels are
 * checked too (they always hold in a well-formed graph), so a misaligned pair
 * throws instead of silently producing garbage.
 */
import { randomLevel, randomCrd, randomOuterInner, randomParent, withN } from '../random.ts';
import { repeatSignals, replay, scanLevel } from '../fibers.ts';
import { definePrimitive } from '../prim-def.ts';
import { checkNonNegative, checkStream, childFibers, itemBound, mostTokens, parentItems } from '../stream.ts';
import { isStop, type Stream, type Token } from '../tokens.ts';

type NoConfig = Record<string, never>;

/** 'R' per coordinate; stops (with their level) and D pass through. */
export const repeatSigGen = (crd: Stream): Stream => repeatSignals('repeat-sig', crd);

/** Each input ref (or 'N') once per 'R' of its repsig fiber, then the fiber's stop. */
export function repeat(ref: Stream, repsig: Stream): Stream {
  checkStream('repeat in_ref', ref, ['num', 'N']);
  checkStream('repeat in_repsig', repsig, ['R']);
  return replay('repeat', ref, repsig);
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
 * level with the level writer's dropEmpty, SAM's CompressWrScan, to match).
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
 * outer stream lines up token for token with the inner one (SAM builds it from
 * a repeater fed by the inner stream's repeat signals). The inner stream passes through.
 */
export function crdHold(outer: Stream, inner: Stream): { outer: Stream; inner: Stream } {
  outerInner('crd-hold', outer, inner);
  return { outer: replay('crd-hold', outer, repeatSignals('crd-hold', inner), { parent: 'in_outer', child: 'in_inner' }), inner: [...inner] };
}

export const repeatPrim = definePrimitive<NoConfig>({
  name: 'repeat',
  doc: 'replays each input ref once per R of its repeat-signal fiber (SAM Repeat)',
  tile: 'pe',
  inputs: [{ name: 'in_ref', kind: 'ref' }, { name: 'in_repsig', kind: 'repsig' }],
  outputs: [{ name: 'out_ref', kind: 'ref' }],
  run: (_c, i) => ({ out_ref: repeat(i.in_ref, i.in_repsig) }),
  random: (rng, o) => {
    // The repsig comes from a level scanned under the same parent as in_ref.
    const p = randomParent(rng, o);
    const child = randomLevel(rng, p.positions, o).level;
    const repsig = repeatSignals('repeat', scanLevel('repeat', child, p.ref).crd);
    return { config: {}, inputs: { in_ref: withN(rng, p.ref, 0.1), in_repsig: repsig } };
  },
  cycleBound: (c) => itemBound('repeat', c.inputs.in_ref, c.inputs.in_repsig),
  rtl: {
    module: 'basalt_prim_repeat', fields: () => [], encode: () => ({}), peek: ['in_ref'], latency: 2,
    // Fed by the root `0, D`, the output is the repeat signal with every R (data 0) as ref 0: the same words.
    wireWhenRootFed: { port: 'in_ref', output: 'out_ref', same: 'in_repsig' },
  },
});

export const repeatSigPrim = definePrimitive<NoConfig>({
  name: 'repeat-sig',
  doc: 'one R per coordinate, stops kept (SAM RepeatSigGen)',
  tile: 'pe',
  inputs: [{ name: 'in_crd', kind: 'crd' }],
  outputs: [{ name: 'out_repsig', kind: 'repsig' }],
  run: (_c, i) => ({ out_repsig: repeatSigGen(i.in_crd) }),
  random: (rng, o) => ({ config: {}, inputs: { in_crd: randomCrd(rng, o) } }),
  cycleBound: (c, out) => mostTokens([c.inputs.in_crd, ...Object.values(out)]),
  rtl: { module: 'basalt_prim_repeat_sig', fields: () => [], encode: () => ({}), latency: 2 },
});

function outerInnerDef(name: string, doc: string, f: (o: Stream, i: Stream) => { outer: Stream; inner: Stream }, module: string) {
  return definePrimitive<NoConfig>({
    name,
    doc,
    tile: 'pe',
    inputs: [{ name: 'in_outer', kind: 'crd' }, { name: 'in_inner', kind: 'crd' }],
    outputs: [{ name: 'out_outer', kind: 'crd' }, { name: 'out_inner', kind: 'crd' }],
    run: (_c, i) => {
      const r = f(i.in_outer, i.in_inner);
      return { out_outer: r.outer, out_inner: r.inner };
    },
    random: (rng, o) => {
      const { outer, inner } = randomOuterInner(rng, o);
      return { config: {}, inputs: { in_outer: outer, in_inner: inner } };
    },
    cycleBound: (c) => itemBound(name, c.inputs.in_outer, c.inputs.in_inner),
    rtl: { module, fields: () => [], encode: () => ({}), peek: ['in_outer'], latency: 2 },
  });
}

export const crdDropPrim = outerInnerDef('crd-drop', 'drops outer coordinates whose inner fiber is empty (SAM CrdDrop)', crdDrop, 'basalt_prim_crd_drop');
export const crdHoldPrim = outerInnerDef('crd-hold', 'repeats each outer coordinate once per inner coordinate (SAM CrdHold)', crdHold, 'basalt_prim_crd_hold');
