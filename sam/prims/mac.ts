/**
 * Multiply-accumulate along a dense dimension (issue 14: PE tiles as dense
 * ALUs): every `len` consecutive values of a, times b (a stream or a constant),
 * summed and shifted right arithmetically by `shift`, one output per group. A
 * stop or D ends a partial group early (its sum goes out first) and passes.
 * Products and sums wrap at dataWidth bits, as the datapath does.
 */
import { chance, randInt } from '../../base/prng.ts';
import { wrapAdd, wrapMul, wrapSigned, wrapUnsigned } from '../arith.ts';
import { constFields } from './pe-fields.ts';
import { definePrimitive, type ArchParams } from '../prim-def.ts';
import { mapData, randomOptions, randomValue, randomVals } from '../random.ts';
import { checkAligned, checkDataWidth, checkStream, fail } from '../stream.ts';
import type { Stream, Token } from '../tokens.ts';

export interface MacConfig {
  readonly dataWidth: number;
  /** Values per output (>= 1). */
  readonly len: number;
  /** Arithmetic right shift of each sum (0..dataWidth-1). */
  readonly shift: number;
  /** Replaces stream b. */
  readonly constant?: number;
}

const LEN_BITS = 16;
const shiftBits = (a: ArchParams) => Math.ceil(Math.log2(a.dataWidth));

export function mac(c: MacConfig, a: Stream, b?: Stream): { out: Stream; flushes: number } {
  const where = 'mac';
  checkDataWidth(where, c.dataWidth);
  const w = c.dataWidth;
  if (!Number.isSafeInteger(c.len) || c.len < 1) fail(where, `len ${c.len} is not an integer >= 1`);
  if (!Number.isSafeInteger(c.shift) || c.shift < 0 || c.shift >= w) fail(where, `shift ${c.shift} is not in 0..${w - 1}`);
  if ((c.constant === undefined) === (b === undefined)) fail(where, 'give either in_b or a constant');
  checkStream(`${where} in_a`, a, ['num']);
  if (b) {
    checkStream(`${where} in_b`, b, ['num']);
    checkAligned(where, a, 'in_a', b, 'in_b');
  }
  const k = c.constant === undefined ? 0 : wrapSigned(c.constant, w);
  const out: Token[] = [];
  let acc = 0;
  let n = 0;
  let flushes = 0;
  const emit = () => {
    out.push(Math.floor(acc / 2 ** c.shift));
    acc = 0;
    n = 0;
  };
  a.forEach((t, i) => {
    if (typeof t !== 'number') {
      if (n > 0) {
        emit();
        flushes++;
      }
      out.push(t);
      return;
    }
    acc = wrapAdd(acc, wrapMul(wrapSigned(t, w), b ? wrapSigned(b[i] as number, w) : k, w), w);
    if (++n === c.len) emit();
  });
  return { out, flushes };
}

export const macPrim = definePrimitive<MacConfig>({
  name: 'mac',
  dense: true,
  doc: 'dense multiply-accumulate: (sum of len consecutive in_a x in_b or a constant) >>> shift, one output per group',
  tile: 'pe',
  inputs: [{ name: 'in_a', kind: 'val' }, { name: 'in_b', kind: 'val' }],
  outputs: [{ name: 'out_val', kind: 'val' }],
  requiredInputs: (c) => (c.constant === undefined ? ['in_a', 'in_b'] : ['in_a']),
  run: (c, i) => ({ out_val: mac(c, i.in_a, i.in_b).out }),
  random: (rng, o) => {
    const { w } = randomOptions(o);
    const a = randomVals(rng, o);
    const config = { dataWidth: w, len: randInt(rng, 1, 5), shift: chance(rng, 0.5) ? 0 : randInt(rng, 1, w - 1) };
    if (chance(rng, 0.3)) return { config: { ...config, constant: randomValue(rng, w) }, inputs: { in_a: a } as Record<string, Stream> };
    return { config, inputs: { in_a: a, in_b: mapData(a, () => randomValue(rng, w)) } };
  },
  // One cycle per input token, one more for each partial group a stop flushes.
  cycleBound: (c) => c.inputs.in_a.length + mac(c.config, c.inputs.in_a, c.inputs.in_b).flushes,
  rtl: {
    module: 'basalt_prim_mac',
    fields: (a) => [
      { name: 'len', width: LEN_BITS, doc: 'mac: values summed per output (>= 1)' },
      { name: 'shift', width: shiftBits(a), doc: 'mac: arithmetic right shift of each sum' },
      ...constFields(a),
    ],
    encode: (c, ctx) => ({
      len: c.len, shift: c.shift,
      ...(c.constant === undefined ? {} : { const: wrapUnsigned(c.constant, ctx.arch.dataWidth), const_en: 1 }),
    }),
    check: (c) => (c.len >= 2 ** LEN_BITS ? `a group of ${c.len} values: mac counts to ${2 ** LEN_BITS - 1}` : undefined),
    context: (a) => ({ shm1: shiftBits(a) - 1 }),
    latency: 2,
  },
});
