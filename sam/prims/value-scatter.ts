/** Value writer of a dense last level: each value goes to its position (in_pos, token for token with in_val). */
import { randInt } from '../../base/prng.ts';
import { definePrimitive } from '../prim-def.ts';
import { mapData, randomVals } from '../random.ts';
import { checkAligned, checkNonNegative, checkStream, fail } from '../stream.ts';
import type { Stream } from '../tokens.ts';
import { valFields } from './mem-fields.ts';

export interface ScatterValuesConfig {
  /** Positions of the level: the written array (zeros where no value lands). */
  readonly positions: number;
}

export function scatterValues(pos: Stream, vals: Stream, c: ScatterValuesConfig): number[] {
  const where = 'value-scatter';
  checkStream(`${where} in_pos`, pos, ['num']);
  checkNonNegative(`${where} in_pos`, pos);
  checkStream(`${where} in_val`, vals, ['num']);
  checkAligned(where, pos, 'in_pos', vals, 'in_val');
  const out = Array<number>(c.positions).fill(0);
  pos.forEach((p, i) => {
    if (typeof p !== 'number') return;
    if (p >= c.positions) fail(where, `in_pos token ${i} (${p}) is beyond the ${c.positions} positions`);
    out[p] = vals[i] as number;
  });
  return out;
}

export const valueScatterPrim = definePrimitive<ScatterValuesConfig>({
  name: 'value-scatter',
  doc: 'writes each value at its position, zeros elsewhere (the values of a dense output level)',
  tile: 'mem',
  inputs: [{ name: 'in_pos', kind: 'ref' }, { name: 'in_val', kind: 'val' }],
  outputs: [],
  arrays: { writes: ['vals'] },
  run: (c, i) => ({ vals: [...scatterValues(i.in_pos, i.in_val, c), 'D'] }),
  random: (rng, o) => {
    const vals = randomVals(rng, o);
    let q = 0;
    const pos = mapData(vals, () => (q += randInt(rng, 1, 3)) - 1);
    return { config: { positions: q + randInt(rng, 0, 2) }, inputs: { in_pos: pos, in_val: vals } };
  },
  cycleBound: (c) => c.inputs.in_val.length,
  rtl: {
    module: 'basalt_prim_value_scatter',
    fields: valFields,
    // The region starts as zeros (the hidden zeros of the dense level).
    encode: (c, ctx) => ({ val_base: ctx.reserve('vals', { zeros: c.positions }) }),
    sramA: 'write',
    latency: 1,
  },
});
