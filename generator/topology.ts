/**
 * Switch-box track permutations. A token entering a tile on side `from`,
 * track t, may leave on any other side `to`, on track trackMap(from, to, t).
 * Each map is a permutation of 0..T-1, so tracks never merge.
 */
export const SIDES = ['N', 'E', 'S', 'W'] as const;
export type Side = (typeof SIDES)[number];
export type Topology = 'disjoint' | 'wilton' | 'imran';

export const OPPOSITE: Record<Side, Side> = { N: 'S', S: 'N', E: 'W', W: 'E' };
/** Unit step (dx, dy) leaving through a side; y grows southwards. */
export const STEP: Record<Side, [number, number]> = { N: [0, -1], S: [0, 1], E: [1, 0], W: [-1, 0] };

const mod = (a: number, m: number) => ((a % m) + m) % m;

type Turn = `${Side}${Side}`;
/**
 * Wilton (1997), in the form VPR uses: straight through keeps the track,
 * each turn applies a different rotation/reflection so that a net turning
 * at successive tiles reaches every track.
 */
const WILTON: Partial<Record<Turn, (t: number, T: number) => number>> = {
  WE: (t) => t, EW: (t) => t, NS: (t) => t, SN: (t) => t,
  WN: (t, T) => mod(T - t, T),
  WS: (t, T) => mod(T + t - 1, T),
  EN: (t, T) => mod(T + t - 1, T),
  ES: (t, T) => mod(2 * T - 2 - t, T),
  SW: (t, T) => mod(t + 1, T),
  SE: (t, T) => mod(2 * T - 2 - t, T),
  NW: (t, T) => mod(T - t, T),
  NE: (t, T) => mod(t + 1, T),
};

/**
 * Imran-style: Wilton's turns, and straight connections shifted by one track,
 * so a long straight net also walks across tracks (spreads congestion).
 */
const IMRAN: Partial<Record<Turn, (t: number, T: number) => number>> = {
  ...WILTON,
  WE: (t, T) => mod(t + 1, T),
  EW: (t, T) => mod(t - 1, T),
  NS: (t, T) => mod(t + 1, T),
  SN: (t, T) => mod(t - 1, T),
};

export function trackMap(topology: Topology, from: Side, to: Side, t: number, T: number): number {
  if (from === to) throw new Error('no U-turns in a switch box');
  if (topology === 'disjoint') return t;
  const f = (topology === 'wilton' ? WILTON : IMRAN)[`${from}${to}`];
  if (!f) throw new Error(`no ${topology} map for ${from}->${to}`);
  return f(t, T);
}
