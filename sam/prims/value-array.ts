/** Value array (SAM ArrayVals): a MEM tile maps each ref to its value. */
import { scanAll } from '../fibers.ts';
import { definePrimitive } from '../prim-def.ts';
import { randomTree, withN } from '../random.ts';
import { checkStream, fail, mostTokens } from '../stream.ts';
import type { Stream } from '../tokens.ts';
import { valFields } from './mem-fields.ts';

/** ref -> vals[ref], 'N' (the empty ref of a side a merge lacks) -> 0; stops and D pass through. */
export function valueArray(vals: readonly number[], ref: Stream): Stream {
  const where = 'value-array';
  checkStream(`${where} in_ref`, ref, ['num', 'N']);
  return ref.map((t, i) => {
    if (t === 'N') return 0;
    if (typeof t !== 'number') return t;
    if (t < 0 || t >= vals.length) fail(where, `in_ref token ${i} (${t}) is outside the ${vals.length} values`);
    return vals[t];
  });
}

export interface ValuesConfig {
  readonly vals: readonly number[];
}

export const valueArrayPrim = definePrimitive<ValuesConfig, Record<string, never>>({
  name: 'value-array',
  doc: "the value at each ref, 0 for 'N' (SAM ArrayVals)",
  tile: 'mem',
  inputs: [{ name: 'in_ref', kind: 'ref' }],
  outputs: [{ name: 'out_val', kind: 'val' }],
  arrays: { reads: ['vals'] },
  run: (c, i) => ({ out_val: valueArray(c.vals, i.in_ref) }),
  random: (rng, o) => {
    const t = randomTree(rng, o);
    const ref = scanAll(t.levels).ref[t.levels.length - 1];
    return { config: { vals: t.vals }, inputs: { in_ref: withN(rng, ref, 0.15) } };
  },
  bind: (_n, m) => {
    if (!m.vals) throw new Error('a value array needs the vals of an input tensor');
    return { vals: m.vals };
  },
  cycleBound: (c, out) => mostTokens([c.inputs.in_ref, out.out_val]),
  rtl: {
    module: 'basalt_prim_value_array',
    fields: valFields,
    encode: (c, ctx) => ({ val_base: ctx.preload('vals', c.vals) }),
    sramB: true,
    latency: 2,
  },
});
