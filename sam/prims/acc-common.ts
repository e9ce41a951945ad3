/** What the one- and two-level sparse accumulators share. */
import type { ArchParams } from '../prim-def.ts';

/**
 * Template context of an accumulator's mark register (templates/_acc_scan.v.hbs): accWidth keys
 * in chunks of 16, a two-level priority encoder to the lowest one.
 */
export function accContext(a: ArchParams) {
  const width = a.accWidth;
  const chunks = width / 16;
  const kw = Math.log2(width);
  const aw = Math.log2(a.memDepth);
  const cb = Math.max(1, Math.log2(chunks));
  const pad = (bits: number, x: string) => (bits > 0 ? `{${bits}'d0, ${x}}` : x);
  const list = Array.from({ length: chunks }, (_, c) => ({ c, lo: 16 * c, hi: 16 * c + 15 }));
  return {
    width, widthM1: width - 1, chunks, chunksM1: chunks - 1, kw, km1: kw - 1, aw, cb, cbm1: cb - 1, pad,
    chunkList: list, chunkListDown: [...list].reverse(),
    bitsDown: Array.from({ length: 16 }, (_, b) => ({ b: 15 - b })),
    nzList: list.map((x) => `nz${x.c}`).reverse().join(', '),
    nextKey: chunks === 1 ? 'first_b' : '{first_c, first_b}',
    nextAddr: pad(aw - kw, 'next_k'),
  };
}

