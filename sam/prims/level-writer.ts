/** Level writer (SAM CompressWrScan): a MEM tile builds seg/crd of an output level from a crd stream. */
import { chance } from '../../base/prng.ts';
import { definePrimitive } from '../prim-def.ts';
import { writtenRefs } from '../fibers.ts';
import { randomCrd } from '../random.ts';
import { checkNonNegative, checkStream, fail } from '../stream.ts';
import { isStop, type Stream } from '../tokens.ts';
import { segCrdFields } from './mem-fields.ts';

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
 * went through a coordinate drop (which removed exactly the coordinates of empty fibers).
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

export interface WriterConfig {
  readonly dropEmpty?: boolean;
}

export const levelWriterPrim = definePrimitive<WriterConfig>({
  name: 'level-writer',
  doc: 'writes the seg/crd arrays of an output level from its crd stream (SAM CompressWrScan)',
  tile: 'mem',
  inputs: [{ name: 'in_crd', kind: 'crd' }],
  // The positions of what it wrote, for a dense level below (its values sit at position x size + coordinate).
  outputs: [{ name: 'out_ref', kind: 'ref' }],
  arrays: { writes: ['seg', 'crd'] },
  run: (c, i) => {
    const r = levelWriter(i.in_crd, c);
    return { out_ref: writtenRefs(i.in_crd), seg: [...r.seg, 'D'], crd: [...r.crd, 'D'] };
  },
  random: (rng, o) => ({ config: { dropEmpty: chance(rng, 0.3) }, inputs: { in_crd: randomCrd(rng, o) } }),
  cycleBound: (c) => c.inputs.in_crd.length,
  rtl: {
    module: 'basalt_prim_level_writer',
    fields: (a) => [
      ...segCrdFields(a),
      { name: 'drop_empty', width: 1, doc: 'level-writer: 1 = a stop closes a fiber only after a coordinate (SAM CompressWrScan; empty fibers leave no seg entry)' },
    ],
    encode: (c, ctx) => ({ seg_base: ctx.reserve('seg'), crd_base: ctx.reserve('crd'), drop_empty: c.dropEmpty ? 1 : 0 }),
    sramA: 'write',
    // The input buffer and the out_ref register.
    latency: 2,
  },
});
