/** Value writer (SAM ValsWrScan): a MEM tile stores the values of the output in order. */
import { definePrimitive } from '../prim-def.ts';
import { randomVals } from '../random.ts';
import { checkStream } from '../stream.ts';
import type { Stream } from '../tokens.ts';
import { valFields } from './mem-fields.ts';

/** The values in order; stops only delimit fibers and are dropped. */
export function valueWriter(vals: Stream): number[] {
  checkStream('value-writer in_val', vals, ['num']);
  return vals.filter((t): t is number => typeof t === 'number');
}

type NoConfig = Record<string, never>;

export const valueWriterPrim = definePrimitive<NoConfig>({
  name: 'value-writer',
  doc: 'writes the data words of its value stream in order (SAM ValsWrScan)',
  tile: 'mem',
  inputs: [{ name: 'in_val', kind: 'val' }],
  outputs: [],
  arrays: { writes: ['vals'] },
  run: (_c, i) => ({ vals: [...valueWriter(i.in_val), 'D'] }),
  random: (rng, o) => ({ config: {}, inputs: { in_val: randomVals(rng, o) } }),
  cycleBound: (c) => c.inputs.in_val.length,
  rtl: {
    module: 'basalt_prim_value_writer',
    fields: valFields,
    encode: (_c, ctx) => ({ val_base: ctx.reserve('vals') }),
    sramA: 'write',
    latency: 1,
  },
});
