/**
 * The in-memory tensor every part of Basalt exchanges: coordinate list form,
 * sorted lexicographically by coordinates, no duplicate coordinates.
 * Values are integers already converted for the datapath (see formats/values.ts).
 * Explicit zeros may be present; equality (tensorsEqual) ignores them, because
 * the hardware may legitimately emit a computed zero at a present coordinate.
 */
export interface Tensor {
  /** Size of each mode; [] for a scalar. */
  readonly shape: readonly number[];
  /** coords[k] is the coordinate tuple of entry k (length = shape.length). */
  readonly coords: readonly (readonly number[])[];
  readonly values: readonly number[];
}

export function compareCoords(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Builds a canonical tensor (sorted); throws on duplicate coordinates. */
export function makeTensor(shape: readonly number[], entries: Iterable<[readonly number[], number]>): Tensor {
  const list = [...entries].sort((x, y) => compareCoords(x[0], y[0]));
  for (let k = 1; k < list.length; k++) {
    if (compareCoords(list[k - 1][0], list[k][0]) === 0) throw new Error(`duplicate coordinate (${list[k][0].join(',')})`);
  }
  return { shape: [...shape], coords: list.map((e) => [...e[0]]), values: list.map((e) => e[1]) };
}

/** Drops explicit zeros. */
export function nonZeros(t: Tensor): Tensor {
  const keep = t.values.map((v, k) => [v, k] as const).filter(([v]) => v !== 0);
  return { shape: t.shape, coords: keep.map(([, k]) => t.coords[k]), values: keep.map(([v]) => v) };
}

/** Same shape and the same non-zero entries. Returns null when equal, else a description of the first difference. */
export function tensorDiff(a: Tensor, b: Tensor): string | null {
  if (a.shape.length !== b.shape.length || a.shape.some((s, i) => s !== b.shape[i])) {
    return `shape ${a.shape.join('x') || 'scalar'} != ${b.shape.join('x') || 'scalar'}`;
  }
  const x = nonZeros(a);
  const y = nonZeros(b);
  const n = Math.max(x.values.length, y.values.length);
  for (let k = 0; k < n; k++) {
    const cx = x.coords[k];
    const cy = y.coords[k];
    if (!cx || !cy || compareCoords(cx, cy) !== 0 || x.values[k] !== y.values[k]) {
      const show = (c: readonly number[] | undefined, v: number | undefined) => (c ? `(${c.join(',')})=${v}` : 'nothing');
      return `entry ${k}: ${show(cx, x.values[k])} != ${show(cy, y.values[k])}`;
    }
  }
  return null;
}

/** Row-major values of a tensor, zeros where it stores nothing. */
export function denseValues(t: Tensor): number[] {
  const out = new Array<number>(t.shape.reduce((a, b) => a * b, 1)).fill(0);
  t.coords.forEach((c, k) => {
    let i = 0;
    for (let m = 0; m < c.length; m++) i = i * t.shape[m] + c[m];
    out[i] = t.values[k];
  });
  return out;
}

/** A tensor with every entry of a row-major value array (zeros too). */
export function fromDenseValues(shape: readonly number[], values: readonly number[]): Tensor {
  const coords: number[][] = [];
  const c = shape.map(() => 0);
  for (let k = 0; k < values.length; k++) {
    coords.push(c.slice());
    for (let m = shape.length - 1; m >= 0 && ++c[m] === shape[m]; m--) c[m] = 0;
  }
  return { shape: [...shape], coords, values: [...values] };
}
