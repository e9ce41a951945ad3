/**
 * Fibertree storage, following SAM/TACO conventions.
 *
 * A format string gives one letter per *stored level*, top level first:
 * `d` dense (every coordinate 0..size-1 has a position), `s` compressed
 * (`seg`/`crd` arrays). An optional `:m0,m1,...` says which tensor mode each
 * level stores (default identity), e.g. `ss:1,0` = CSC-like DCSC.
 *
 * Positions: the root has one position (0). A dense level of size N gives parent
 * position p the children p*N + c. A compressed level holds one segment per
 * parent position (so under a dense parent, empty segments for empty fibers;
 * under a compressed parent, one per stored parent coordinate): its fiber is
 * crd[seg[p]..seg[p+1]-1], sorted, and the child position is the index into crd.
 * seg starts at 0 and has (parent positions + 1) entries. `vals` has one value per
 * position of the last level; dense levels store zeros for absent entries.
 *
 * Explicit zeros on decode: an entry is returned when its value is non-zero, or
 * when the last level is compressed (its coordinate was written explicitly into a
 * crd array, e.g. a computed zero the hardware's level writer emitted). Zeros that
 * only fill dense positions are padding and are dropped.
 */
import { InputError } from './errors.ts';
import { compareCoords, type Tensor } from './tensor.ts';

export type LevelKind = 'd' | 's';

export interface FiberFormat {
  /** Kind of each stored level, top first. */
  readonly kinds: readonly LevelKind[];
  /** modeOrder[l] = the tensor mode stored at level l. */
  readonly modeOrder: readonly number[];
  /** Canonical text: letters, plus ':order' only when it is not the identity. */
  readonly text: string;
}

export type Level = { readonly kind: 'd'; readonly size: number } | { readonly kind: 's'; readonly seg: number[]; readonly crd: number[] };

export interface Fibertree {
  readonly format: FiberFormat;
  readonly levels: Level[];
  readonly vals: number[];
}

/** A fibertree that breaks the invariants above (e.g. read back from hardware). */
export class FibertreeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FibertreeError';
  }
}

/** Parses 'ds', 'ss:1,0', 'sss', 'd', '' (scalar). `order`, when given, must match the number of levels. */
export function parseFormat(text: string, order?: number): FiberFormat {
  const colon = text.indexOf(':');
  const letters = colon < 0 ? text : text.slice(0, colon);
  const kinds: LevelKind[] = [];
  for (let p = 0; p < letters.length; p++) {
    const ch = letters[p];
    if (ch !== 'd' && ch !== 's') throw new InputError(`format '${text}': '${ch}' at position ${p + 1} is not d (dense) or s (compressed)`);
    kinds.push(ch);
  }
  let modeOrder = kinds.map((_, l) => l);
  if (colon >= 0) {
    const list = text.slice(colon + 1);
    const parts = list.split(',');
    if (list === '' || !parts.every((p) => /^\d+$/.test(p))) {
      throw new InputError(`format '${text}': mode order '${list}' is not a comma-separated list of mode numbers like 1,0`);
    }
    modeOrder = parts.map(Number);
    if (modeOrder.length !== kinds.length) {
      throw new InputError(`format '${text}': ${kinds.length} level letter(s) but the mode order lists ${modeOrder.length} mode(s)`);
    }
    const seen = new Set<number>();
    for (const m of modeOrder) {
      if (m >= kinds.length) throw new InputError(`format '${text}': mode ${m} does not exist in a tensor of order ${kinds.length} (modes 0..${kinds.length - 1})`);
      if (seen.has(m)) throw new InputError(`format '${text}': mode ${m} appears twice in the mode order`);
      seen.add(m);
    }
  }
  if (order !== undefined && kinds.length !== order) {
    throw new InputError(`format '${text}' has ${kinds.length} level(s) but the tensor has order ${order}`);
  }
  const identity = modeOrder.every((m, l) => m === l);
  return { kinds, modeOrder, text: kinds.join('') + (identity ? '' : `:${modeOrder.join(',')}`) };
}

/** The all-compressed, identity-order format: what a tensor gets when no --format names it. */
export function defaultFormat(order: number): FiberFormat {
  return parseFormat('s'.repeat(order));
}

/** Encodes a canonical tensor into the given format. */
export function encode(t: Tensor, format: FiberFormat | string): Fibertree {
  const fmt = typeof format === 'string' ? parseFormat(format, t.shape.length) : format;
  const depth = fmt.kinds.length;
  if (depth !== t.shape.length) throw new InputError(`format '${fmt.text}' has ${depth} level(s) but the tensor has order ${t.shape.length}`);
  const sizes = fmt.modeOrder.map((m) => t.shape[m]);

  // Entries in storage order: coordinates permuted to level order, then sorted.
  const n = t.values.length;
  const permuted = t.coords.map((c) => fmt.modeOrder.map((m) => c[m]));
  const idx = Array.from({ length: n }, (_, k) => k);
  idx.sort((a, b) => compareCoords(permuted[a], permuted[b])); // near O(n) when already sorted

  const levels: Level[] = [];
  let pos = new Array<number>(n).fill(0); // position of each entry at the level above (root: 0)
  let parents = 1; // number of positions at the level above
  for (let l = 0; l < depth; l++) {
    const size = sizes[l];
    if (fmt.kinds[l] === 'd') {
      const next = new Array<number>(n);
      for (let q = 0; q < n; q++) next[idx[q]] = pos[idx[q]] * size + permuted[idx[q]][l];
      levels.push({ kind: 'd', size });
      pos = next;
      parents *= size;
      if (!Number.isSafeInteger(parents)) throw new InputError(`format '${fmt.text}': dense levels of sizes ${sizes.join('x')} are too large to store`);
    } else {
      // Entries are sorted, so equal (parent, coordinate) pairs are adjacent.
      const seg = new Array<number>(parents + 1).fill(0);
      const crd: number[] = [];
      const next = new Array<number>(n);
      let lastParent = -1;
      let lastCrd = -1;
      for (let q = 0; q < n; q++) {
        const e = idx[q];
        const p = pos[e];
        const c = permuted[e][l];
        if (p !== lastParent || c !== lastCrd) {
          crd.push(c);
          seg[p + 1]++;
          lastParent = p;
          lastCrd = c;
        }
        next[e] = crd.length - 1;
      }
      for (let p = 0; p < parents; p++) seg[p + 1] += seg[p];
      levels.push({ kind: 's', seg, crd });
      pos = next;
      parents = crd.length;
    }
  }
  const vals = new Array<number>(parents).fill(0);
  for (let k = 0; k < n; k++) vals[pos[k]] = t.values[k];
  return { format: fmt, levels, vals };
}

/** Decodes a fibertree back to a canonical tensor of the given shape (see the header for explicit zeros). */
export function decode(ft: Fibertree, shape: readonly number[]): Tensor {
  const fmt = ft.format;
  const depth = fmt.kinds.length;
  if (depth !== shape.length) throw new FibertreeError(`format '${fmt.text}' has ${depth} level(s) but the shape ${shape.join('x') || 'scalar'} has order ${shape.length}`);
  if (ft.levels.length !== depth) throw new FibertreeError(`format '${fmt.text}' has ${depth} level(s) but the fibertree holds ${ft.levels.length}`);
  const sizes = fmt.modeOrder.map((m) => shape[m]);
  const keepZeros = depth > 0 && fmt.kinds[depth - 1] === 's';

  // Check every level against its parent count before walking it.
  let parents = 1;
  for (let l = 0; l < depth; l++) {
    const lv = ft.levels[l];
    if (lv.kind !== fmt.kinds[l]) throw new FibertreeError(`level ${l} is '${lv.kind}' but format '${fmt.text}' says '${fmt.kinds[l]}'`);
    if (lv.kind === 'd') {
      if (lv.size !== sizes[l]) throw new FibertreeError(`dense level ${l} has size ${lv.size} but mode ${fmt.modeOrder[l]} has size ${sizes[l]}`);
      parents *= lv.size;
    } else {
      checkCompressed(lv, l, parents, sizes[l]);
      parents = lv.crd.length;
    }
  }
  if (ft.vals.length !== parents) throw new FibertreeError(`vals has ${ft.vals.length} entries but the last level has ${parents} positions`);

  const coords: number[][] = [];
  const values: number[] = [];
  const path = new Array<number>(depth);
  const walk = (l: number, p: number): void => {
    if (l === depth) {
      const v = ft.vals[p];
      if (v !== 0 || keepZeros) {
        const c = new Array<number>(depth);
        for (let q = 0; q < depth; q++) c[fmt.modeOrder[q]] = path[q];
        coords.push(c);
        values.push(v);
      }
      return;
    }
    const lv = ft.levels[l];
    if (lv.kind === 'd') {
      for (let c = 0; c < lv.size; c++) {
        path[l] = c;
        walk(l + 1, p * lv.size + c);
      }
    } else {
      for (let k = lv.seg[p]; k < lv.seg[p + 1]; k++) {
        path[l] = lv.crd[k];
        walk(l + 1, k);
      }
    }
  };
  walk(0, 0);

  // Storage order is tensor order only for identity mode orders.
  if (!fmt.modeOrder.every((m, l) => m === l)) {
    const idx = coords.map((_, k) => k).sort((a, b) => compareCoords(coords[a], coords[b]));
    return { shape: [...shape], coords: idx.map((k) => coords[k]), values: idx.map((k) => values[k]) };
  }
  return { shape: [...shape], coords, values };
}

function checkCompressed(lv: { seg: number[]; crd: number[] }, l: number, parents: number, size: number): void {
  const { seg, crd } = lv;
  if (seg.length !== parents + 1) throw new FibertreeError(`level ${l}: seg has ${seg.length} entries, expected ${parents + 1} (one per parent position, plus one)`);
  if (seg[0] !== 0) throw new FibertreeError(`level ${l}: seg[0] is ${seg[0]}, expected 0`);
  if (seg[parents] !== crd.length) throw new FibertreeError(`level ${l}: seg ends at ${seg[parents]} but crd has ${crd.length} entries`);
  for (let p = 0; p < parents; p++) {
    if (seg[p + 1] < seg[p]) throw new FibertreeError(`level ${l}: seg decreases at ${p + 1} (${seg[p]} -> ${seg[p + 1]})`);
    for (let k = seg[p]; k < seg[p + 1]; k++) {
      const c = crd[k];
      if (!Number.isInteger(c) || c < 0 || c >= size) throw new FibertreeError(`level ${l}: crd[${k}] = ${c} is out of range 0..${size - 1}`);
      if (k > seg[p] && c <= crd[k - 1]) throw new FibertreeError(`level ${l}: crd[${k}] = ${c} does not increase within its fiber (previous ${crd[k - 1]})`);
    }
  }
}
