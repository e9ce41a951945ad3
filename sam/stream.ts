/**
 * Stream validation and the stop-token structure shared by the primitives.
 *
 * Grammar (SAM): a stream is tokens ending with exactly one 'D'. Every stop
 * closes exactly one innermost fiber; `Sk` also closes k enclosing fibers
 * (the S0 that would close the last inner fiber is merged into the higher stop).
 */
import { isStop, MAX_STOP_LEVEL, S, streamToString, type Stop, type Stream, type Token } from './tokens.ts';

/** Kinds of non-control tokens a stream may carry. */
export type Kind = 'num' | 'N' | 'R';

const preview = (s: readonly Token[]) => {
  const head = s.slice(0, 16);
  return streamToString(head) + (s.length > head.length ? ', ...' : '');
};

export function fail(where: string, msg: string): never {
  throw new Error(`${where}: ${msg}`);
}

/** Throws unless `s` is a stream of the allowed kinds that ends with exactly one 'D'. */
export function checkStream(where: string, s: readonly Token[], allow: readonly Kind[]): void {
  if (!Array.isArray(s)) fail(where, 'not a stream (expected an array of tokens)');
  if (s.length === 0 || s[s.length - 1] !== 'D') fail(where, `missing final 'D' in [${preview(s)}]`);
  for (let i = 0; i < s.length; i++) {
    const t = s[i];
    if (t === 'D') {
      if (i !== s.length - 1) fail(where, `token ${i} is 'D' but more tokens follow (data after D) in [${preview(s)}]`);
    } else if (typeof t === 'number') {
      if (!Number.isSafeInteger(t)) fail(where, `token ${i} (${t}) is not an integer`);
      if (!allow.includes('num')) fail(where, `token ${i} (${t}): data not allowed in this stream`);
    } else if (t === 'N' || t === 'R') {
      if (!allow.includes(t)) fail(where, `token ${i} is '${t}', not allowed in this stream`);
    } else if (isStop(t)) {
      if (!Number.isInteger(t.stop) || t.stop < 0 || t.stop > MAX_STOP_LEVEL) {
        fail(where, `token ${i} has stop level ${t.stop}, outside 0..${MAX_STOP_LEVEL}`);
      }
    } else {
      fail(where, `token ${i} (${JSON.stringify(t)}) is not a token`);
    }
  }
}

export function checkDataWidth(where: string, w: unknown): asserts w is number {
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > 32) fail(where, `dataWidth ${String(w)} is not an integer in 1..32`);
}

/** Coordinates and references are non-negative. */
export function checkNonNegative(where: string, s: readonly Token[]): void {
  s.forEach((t, i) => {
    if (typeof t === 'number' && t < 0) fail(where, `token ${i} (${t}) is negative`);
  });
}

/** S(k+1), refusing levels the word encoding cannot carry. */
export function up(where: string, s: Stop): Stop {
  if (s.stop + 1 > MAX_STOP_LEVEL) fail(where, `stop S${s.stop} would become S${s.stop + 1}, beyond the deepest level S${MAX_STOP_LEVEL}`);
  return S(s.stop + 1);
}

/**
 * What a parent stream means to the level below it (the scanner rule, also used
 * by the primitives that pair a parent with a child stream): each data/N token opens one child fiber,
 * closed by S0, or by S(k+1) when the parent's next token is Sk (that stop is
 * consumed: SAM merges it); any other parent stop Sk is a lone S(k+1).
 */
export type ParentItem = { kind: 'fiber'; tok: Token; index: number; close: Stop } | { kind: 'stop'; stop: Stop; index: number };

export function parentItems(where: string, parent: Stream): ParentItem[] {
  const items: ParentItem[] = [];
  for (let i = 0; i < parent.length - 1; i++) {
    const t = parent[i];
    if (isStop(t)) {
      items.push({ kind: 'stop', stop: up(where, t), index: i });
    } else {
      const n = parent[i + 1];
      items.push({ kind: 'fiber', tok: t, index: i, close: isStop(n) ? up(where, n) : S(0) });
      if (isStop(n)) i++;
    }
  }
  return items;
}

/**
 * Splits a child stream by its parent's items: the data of each parent fiber,
 * checking that the child's stops are exactly the ones the parent implies.
 */
export function childFibers(where: string, items: readonly ParentItem[], parentName: string, child: Stream, childName: string): Token[][] {
  const out: Token[][] = [];
  let j = 0;
  for (const it of items) {
    const data: Token[] = [];
    while (!isStop(child[j]) && child[j] !== 'D') data.push(child[j++]);
    const t = child[j];
    if (it.kind === 'stop' && data.length > 0) {
      fail(where, `${childName} has data at token ${j - data.length} where ${parentName} token ${it.index} (a stop) expects a lone S${it.stop.stop}`);
    }
    const want = it.kind === 'fiber' ? it.close : it.stop;
    if (t === 'D') fail(where, `${childName} ends (D at token ${j}) before ${parentName} does (its token ${it.index} has no fiber)`);
    if ((t as Stop).stop !== want.stop) {
      fail(where, `misaligned stops: ${childName} token ${j} is S${(t as Stop).stop} but ${parentName} token ${it.index} implies S${want.stop}`);
    }
    j++;
    out.push(data);
  }
  if (child[j] !== 'D') fail(where, `${childName} has more fibers than ${parentName} (token ${j} after ${parentName}'s D)`);
  return out;
}

/** A stream cut into innermost fibers: data tokens, closing stop. Data must not dangle before D. */
export interface Fiber {
  data: Token[];
  /** Index of each data token in the stream. */
  at: number[];
  stop: Stop;
  /** Index of the closing stop. */
  stopAt: number;
}

export function fibersOf(where: string, s: Stream): Fiber[] {
  const out: Fiber[] = [];
  let cur: Fiber = { data: [], at: [], stop: S(0), stopAt: -1 };
  for (let i = 0; i < s.length; i++) {
    const t = s[i];
    if (t === 'D') {
      if (cur.data.length > 0) fail(where, `data at token ${cur.at[0]} is not closed by a stop before 'D'`);
    } else if (isStop(t)) {
      cur.stop = t;
      cur.stopAt = i;
      out.push(cur);
      cur = { data: [], at: [], stop: S(0), stopAt: -1 };
    } else {
      cur.data.push(t);
      cur.at.push(i);
    }
  }
  return out;
}

/** Same length, same stops and D at the same places (the ALU's and a crd/ref pair's alignment). */
export function checkAligned(where: string, a: Stream, aName: string, b: Stream, bName: string): void {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i];
    const y = b[i];
    const cx = isStop(x) ? `S${x.stop}` : x === 'D' ? 'D' : null;
    const cy = isStop(y) ? `S${y.stop}` : y === 'D' ? 'D' : null;
    if (cx !== cy) {
      fail(where, `misaligned streams: ${aName} token ${i} is ${cx ?? 'data'} but ${bName} token ${i} is ${cy ?? 'data'}`);
    }
  }
  if (a.length !== b.length) fail(where, `misaligned streams: ${aName} has ${a.length} tokens, ${bName} ${b.length}`);
}

// ---- cycle bounds: a primitive moves one token per cycle on each stream ----

/** Tokens of each item of a parent stream (scanner rule): 2 for a coordinate/ref with a merged stop, else 1; D excluded. */
export function parentItemTokens(where: string, parent: Stream): number[] {
  return parentItems(where, parent).map((it) => (it.kind === 'fiber' && isStop(parent[it.index + 1]) ? 2 : 1));
}

/** Tokens of each fiber of a child stream (data + its stop); D excluded. */
export const fiberTokens = (where: string, s: Stream): number[] => fibersOf(where, s).map((f) => f.data.length + 1);

/**
 * Lower bound of a primitive that treats one item (a parent token with its
 * child fiber) per step: the sum over items of the tokens of its busier stream,
 * plus 1 for D. It equals the most tokens on one stream when every item has the
 * same busiest stream; where that changes from item to item (a scanner's merged
 * `r, S0` against a long fiber), no design overlaps the items fully with finite buffers.
 */
export function itemBound(where: string, parent: Stream, child: Stream): number {
  const a = parentItemTokens(where, parent);
  const b = fiberTokens(where, child);
  return a.reduce((acc, x, i) => acc + Math.max(x, b[i] ?? 0), 0) + 1;
}

/** Most tokens on any one of the streams. */
export const mostTokens = (streams: readonly Stream[]): number => Math.max(0, ...streams.map((s) => s.length));
