/** Level scanner (SAM CompressedCrdRdScan / UncompressCrdRdScan): a MEM tile walks one fibertree level. */
import { randInt } from '../../base/prng.ts';
import { ROOT_REF, scanAll, scanLevel, type Level } from '../fibers.ts';
import { definePrimitive } from '../prim-def.ts';
import { randomTree, withN } from '../random.ts';
import { itemBound } from '../stream.ts';
import type { Stream } from '../tokens.ts';
import { segCrdFields } from './mem-fields.ts';

/** Each input ref's fiber of the level, as crd and ref streams (sam/fibers.ts scanLevel). */
export const levelScanner = (level: Level, inRef: Stream): { crd: Stream; ref: Stream } => scanLevel('level-scanner', level, inRef);

export interface ScannerConfig {
  readonly level: Level;
}
/** In a SAM graph: a dense level's size, or a compressed level whose seg/crd the node's binding names. */
export interface ScannerNode {
  readonly level: { readonly kind: 'd'; readonly size: number } | { readonly kind: 's' };
}

export const levelScannerPrim = definePrimitive<ScannerConfig, ScannerNode>({
  name: 'level-scanner',
  doc: 'the fiber of each input ref: coordinates and positions (SAM CrdRdScan)',
  tile: 'mem',
  inputs: [{ name: 'in_ref', kind: 'ref' }],
  outputs: [{ name: 'out_crd', kind: 'crd' }, { name: 'out_ref', kind: 'ref' }],
  arrays: { reads: ['seg', 'crd'] },
  run: (c, i) => {
    const r = levelScanner(c.level, i.in_ref);
    return { out_crd: r.crd, out_ref: r.ref };
  },
  random: (rng, o) => {
    const t = randomTree(rng, o);
    const k = randInt(rng, 0, t.levels.length - 1);
    const ref = k === 0 ? ROOT_REF : scanAll(t.levels).ref[k - 1];
    return { config: { level: t.levels[k] }, inputs: { in_ref: withN(rng, ref, 0.15) } };
  },
  bind: (n, m) => {
    if (n.level.kind === 'd') return { level: n.level };
    if (!m.level) throw new Error('a compressed level scanner needs the seg/crd of an input level');
    return { level: m.level };
  },
  cycleBound: (c, out) => itemBound('level-scanner', c.inputs.in_ref ?? ROOT_REF, out.out_crd),
  rtl: {
    module: 'basalt_prim_level_scanner',
    fields: (a) => [
      { name: 'root', width: 1, doc: 'level-scanner: 1 = ignore in_ref and scan the root ref stream `0, D`' },
      { name: 'dense', width: 1, doc: 'level-scanner: 1 = dense level of `dim` coordinates (no SRAM reads), 0 = compressed from seg/crd' },
      ...segCrdFields(a),
      { name: 'dim', width: a.dataWidth, doc: 'level-scanner, dense: size of the level (coordinates 0..dim-1; ref = in_ref * dim + crd)' },
    ],
    encode: (c, ctx): Record<string, number> =>
      c.level.kind === 'd'
        ? { dense: 1, dim: c.level.size }
        : { seg_base: ctx.preload('seg', c.level.seg), crd_base: ctx.preload('crd', c.level.crd) },
    check: (c, a) => (c.level.kind === 'd' && c.level.size >= 2 ** a.dataWidth ? `a dense level of size ${c.level.size} does not fit the ${a.dataWidth}-bit datapath` : undefined),
    sramA: 'read',
    sramB: true,
    rootInput: { port: 'in_ref', field: 'root' },
    // Input buffer, two serial seg reads for the first ref, the fiber queue, the crd read into the output stage.
    // (A ref that misses the seg cache after an empty fiber, e.g. refs out of order, costs one cycle more each.)
    latency: 5,
  },
});
