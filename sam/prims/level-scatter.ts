/**
 * Level writer below a dense level: builds seg/crd of a compressed output
 * level whose parent positions come as a stream (in_pos, one per child fiber,
 * the parent's stop structure). Parent positions with no fiber in the stream
 * get empty fibers, up to the configured number of parent positions, so the
 * seg array always has parentPositions + 1 entries.
 */
import { randInt } from '../../base/prng.ts';
import { definePrimitive } from '../prim-def.ts';
import { mapData, randomLevel, randomParent } from '../random.ts';
import { scanLevel, writtenRefs } from '../fibers.ts';
import { checkNonNegative, checkStream, childFibers, fail, parentItems } from '../stream.ts';
import type { Stream } from '../tokens.ts';
import { segCrdFields } from './mem-fields.ts';

export interface ScatterLevelConfig {
  /** Positions of the parent level: seg has one more entry. */
  readonly parentPositions: number;
}

export function scatterLevel(pos: Stream, crdIn: Stream, c: ScatterLevelConfig): { seg: number[]; crd: number[] } {
  const where = 'level-scatter';
  checkStream(`${where} in_pos`, pos, ['num']);
  checkNonNegative(`${where} in_pos`, pos);
  checkStream(`${where} in_crd`, crdIn, ['num']);
  checkNonNegative(`${where} in_crd`, crdIn);
  const items = parentItems(where, pos);
  const fibers = childFibers(where, items, 'in_pos', crdIn, 'in_crd');
  const seg = [0];
  const crd: number[] = [];
  items.forEach((it, n) => {
    if (it.kind !== 'fiber') return;
    const p = it.tok as number;
    if (p < seg.length - 1) fail(where, `in_pos token ${it.index} (${p}) is not above the previous position ${seg.length - 2}`);
    if (p >= c.parentPositions) fail(where, `in_pos token ${it.index} (${p}) is beyond the ${c.parentPositions} parent positions`);
    while (seg.length <= p) seg.push(crd.length);
    crd.push(...(fibers[n] as number[]));
    seg.push(crd.length);
  });
  while (seg.length <= c.parentPositions) seg.push(crd.length);
  return { seg, crd };
}

export const levelScatterPrim = definePrimitive<ScatterLevelConfig>({
  name: 'level-scatter',
  doc: 'writes the seg/crd arrays of a compressed output level below a dense one, fibers placed by parent position',
  tile: 'mem',
  inputs: [{ name: 'in_pos', kind: 'ref' }, { name: 'in_crd', kind: 'crd' }],
  outputs: [{ name: 'out_ref', kind: 'ref' }],
  arrays: { writes: ['seg', 'crd'] },
  run: (c, i) => {
    const r = scatterLevel(i.in_pos, i.in_crd, c);
    return { out_ref: writtenRefs(i.in_crd), seg: [...r.seg, 'D'], crd: [...r.crd, 'D'] };
  },
  random: (rng, o) => {
    // Parent positions: a scanned ref stream made sparse (every other position, ascending), the child a level below it.
    const p = randomParent(rng, o);
    const step = randInt(rng, 1, 3);
    let q = 0;
    const pos = mapData(p.ref, () => (q += randInt(rng, 1, step)) - 1);
    const child = scanLevel('level-scatter', randomLevel(rng, p.positions, o, 's').level, p.ref).crd;
    return { config: { parentPositions: q + randInt(rng, 0, 3) }, inputs: { in_pos: pos, in_crd: child } };
  },
  // One write per coordinate and per seg entry (gaps included), one token of in_pos per fiber.
  cycleBound: (c, out) => (out.crd.length - 1) + (out.seg.length - 1) + c.inputs.in_pos.length + 1,
  rtl: {
    module: 'basalt_prim_level_scatter',
    fields: (a) => [
      ...segCrdFields(a),
      { name: 'seg_fill', width: a.dataWidth, doc: 'level-scatter: positions of the parent level (seg gets seg_fill + 1 entries)' },
    ],
    encode: (c, ctx) => ({ seg_base: ctx.reserve('seg'), crd_base: ctx.reserve('crd'), seg_fill: c.parentPositions }),
    check: (c, a) => (c.parentPositions >= 2 ** a.dataWidth ? `${c.parentPositions} parent positions do not fit the ${a.dataWidth}-bit datapath` : undefined),
    sramA: 'write',
    // Measured: at most 0 beyond the bound on 600 random cases; one for the input buffer.
    latency: 1,
  },
});
