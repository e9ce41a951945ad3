/**
 * ALU (SAM's compute node, the PE's ALU) on aligned value streams. Values are
 * signed dataWidth-bit two's complement; inputs are wrapped first (so the
 * unsigned words decodeToken returns are accepted too) and every result wraps.
 * The op table below is the one list of operations: spec validation, opcodes,
 * the golden model and the RTL's case arms all read it.
 */
import { bitsFor } from '../../base/bits.ts';
import { chance, pick, randInt } from '../../base/prng.ts';
import { wrapAdd, wrapMul, wrapSigned, wrapSub, wrapUnsigned } from '../arith.ts';
import { constFields } from './pe-fields.ts';
import { definePrimitive } from '../prim-def.ts';
import { mapData, randomCrd, randomOptions, randomValue } from '../random.ts';
import { checkAligned, checkDataWidth, checkStream, fail, mostTokens } from '../stream.ts';
import { isStop, type Stream, type Token } from '../tokens.ts';

interface OpDef {
  /** Value operands read: a, then b, then c. */
  readonly arity: 1 | 2 | 3;
  /** Result on signed w-bit operands; shift amounts are b's unsigned pattern modulo w. */
  readonly eval: (a: number, b: number, c: number, w: number) => number;
  /** Verilog of the result word (a, b, c, sh are wires of the ALU template; {1'b0, x} = a data word). */
  readonly verilog: (w: number, dw: number) => string;
}

const z = (x: string) => `{1'b0, ${x}}`;
const flag = (w: number, cond: string) => `(${cond}) ? ${w}'d1 : ${w}'d0`;
const bool = (x: boolean) => (x ? 1 : 0);
const sh = (b: number, w: number) => wrapUnsigned(b, w) % w;
const SA = '$signed(a)';
const SB = '$signed(b)';

/** Opcode = position in this table; new ops are only appended. */
const OPS = {
  add: { arity: 2, eval: (a, b, _c, w) => wrapAdd(a, b, w), verilog: () => z('a + b') },
  sub: { arity: 2, eval: (a, b, _c, w) => wrapSub(a, b, w), verilog: () => z('a - b') },
  mul: { arity: 2, eval: (a, b, _c, w) => wrapMul(a, b, w), verilog: () => z('a * b') },
  min: { arity: 2, eval: (a, b) => Math.min(a, b), verilog: () => `(${SA} < ${SB}) ? ${z('a')} : ${z('b')}` },
  max: { arity: 2, eval: (a, b) => Math.max(a, b), verilog: () => `(${SA} > ${SB}) ? ${z('a')} : ${z('b')}` },
  // abs(min) wraps back to min, as in hardware.
  abs: { arity: 1, eval: (a, _b, _c, w) => wrapSigned(Math.abs(a), w), verilog: (_w, dw) => `a[${dw - 1}] ? ${z('-a')} : ${z('a')}` },
  // BigInt: a * 2^31 exceeds 2^53.
  shl: { arity: 2, eval: (a, b, _c, w) => wrapSigned(Number(BigInt(a) << BigInt(sh(b, w))), w), verilog: () => z('a << sh') },
  shr: { arity: 2, eval: (a, b, _c, w) => wrapSigned(Math.floor(wrapUnsigned(a, w) / 2 ** sh(b, w)), w), verilog: () => z('a >> sh') },
  // Floor division = sign fill.
  ashr: { arity: 2, eval: (a, b, _c, w) => Math.floor(a / 2 ** sh(b, w)), verilog: () => z(`${SA} >>> sh`) },
  // int32 bit operators are exact for w <= 32.
  and: { arity: 2, eval: (a, b, _c, w) => wrapSigned(a & b, w), verilog: () => z('a & b') },
  or: { arity: 2, eval: (a, b, _c, w) => wrapSigned(a | b, w), verilog: () => z('a | b') },
  xor: { arity: 2, eval: (a, b, _c, w) => wrapSigned(a ^ b, w), verilog: () => z('a ^ b') },
  eq: { arity: 2, eval: (a, b) => bool(a === b), verilog: (w) => flag(w, 'a == b') },
  ne: { arity: 2, eval: (a, b) => bool(a !== b), verilog: (w) => flag(w, 'a != b') },
  lt: { arity: 2, eval: (a, b) => bool(a < b), verilog: (w) => flag(w, `${SA} < ${SB}`) },
  le: { arity: 2, eval: (a, b) => bool(a <= b), verilog: (w) => flag(w, `${SA} <= ${SB}`) },
  gt: { arity: 2, eval: (a, b) => bool(a > b), verilog: (w) => flag(w, `${SA} > ${SB}`) },
  ge: { arity: 2, eval: (a, b) => bool(a >= b), verilog: (w) => flag(w, `${SA} >= ${SB}`) },
  sel: { arity: 3, eval: (a, b, c) => (c !== 0 ? a : b), verilog: (_w, dw) => `(c != ${dw}'d0) ? ${z('a')} : ${z('b')}` },
} as const satisfies Record<string, OpDef>;

export type AluOp = keyof typeof OPS;
export const ALU_OPS = Object.keys(OPS) as AluOp[];
export const aluOpcode = (op: AluOp): number => ALU_OPS.indexOf(op);
export const aluArity = (op: AluOp): 1 | 2 | 3 => OPS[op].arity;
const SHIFTS: readonly AluOp[] = ['shl', 'shr', 'ashr'];

/** One ALU operation on signed w-bit values. */
export const aluScalar = (op: AluOp, a: number, b: number, c: number, w: number): number => OPS[op].eval(a, b, c, w);

export interface AluConfig {
  readonly op: AluOp;
  readonly dataWidth: number;
  /** Replaces operand b (wrapped to dataWidth, as a config register holds it). */
  readonly constant?: number;
}

/** out = op(a, b, c) token by token; stops and D must line up and pass through. */
export function alu(op: AluOp, a: Stream, b: Stream | undefined, c: Stream | undefined, opts: { dataWidth: number; constant?: number }): Stream {
  const where = `alu ${op}`;
  if (!Object.hasOwn(OPS, op)) fail('alu', `unknown op '${op}' (ops: ${ALU_OPS.join(' ')})`);
  checkDataWidth(where, opts?.dataWidth);
  const w = opts.dataWidth;
  const n = aluArity(op);
  const hasConst = opts.constant !== undefined;
  if (hasConst && !Number.isSafeInteger(opts.constant)) fail(where, `constant ${opts.constant} is not an integer`);
  if (n === 1 && (b || c || hasConst)) fail(where, 'abs is unary: give only val_a (no val_b, val_c or constant)');
  if (hasConst && b) fail(where, 'give either val_b or a constant, not both');
  if (!hasConst && n >= 2 && !b) fail(where, 'needs val_b (or a constant)');
  if (n === 3 && !c) fail(where, 'sel needs val_c (out = c != 0 ? a : b)');
  if (n < 3 && c) fail(where, `val_c is only read by sel`);
  const ins: [Stream, string][] = [[a, 'val_a']];
  if (b) ins.push([b, 'val_b']);
  if (c) ins.push([c, 'val_c']);
  for (const [s, name] of ins) checkStream(`${where} ${name}`, s, ['num']);
  for (const [s, name] of ins.slice(1)) checkAligned(where, a, 'val_a', s, name);
  const k = hasConst ? wrapSigned(opts.constant as number, w) : 0;
  return a.map((t, i): Token => {
    if (isStop(t) || t === 'D') return t;
    const x = wrapSigned(t as number, w);
    const y = b ? wrapSigned(b[i] as number, w) : k;
    const zz = c ? wrapSigned(c[i] as number, w) : 0;
    return aluScalar(op, x, y, zz, w);
  });
}

const readsOf = (c: AluConfig): string[] => {
  const n = aluArity(c.op);
  return ['val_a', ...(n >= 2 && c.constant === undefined ? ['val_b'] : []), ...(n === 3 ? ['val_c'] : [])];
};

export const aluPrim = definePrimitive<AluConfig>({
  name: 'alu',
  doc: 'ALU on aligned value streams: out = op(val_a, val_b or a constant, val_c)',
  tile: 'pe',
  inputs: [{ name: 'val_a', kind: 'val' }, { name: 'val_b', kind: 'val' }, { name: 'val_c', kind: 'val' }],
  outputs: [{ name: 'out_val', kind: 'val' }],
  requiredInputs: readsOf,
  run: (c, i) => ({ out_val: alu(c.op, i.val_a, i.val_b, i.val_c, { dataWidth: c.dataWidth, constant: c.constant }) }),
  random: (rng, o) => {
    const { w } = randomOptions(o);
    const op = pick(rng, ALU_OPS);
    const n = aluArity(op);
    const shape = randomCrd(rng, o);
    const a = mapData(shape, () => randomValue(rng, w));
    let constant: number | undefined;
    const inputs: Record<string, Stream> = { val_a: a };
    const shift = SHIFTS.includes(op);
    const bval = (i: number) => (chance(rng, 0.15) ? (a[i] as number) : shift && chance(rng, 0.6) ? randInt(rng, 0, w + 2) : randomValue(rng, w));
    if (n >= 2) {
      if (chance(rng, 0.25)) constant = shift ? randInt(rng, 0, w - 1) : randomValue(rng, w);
      else inputs.val_b = mapData(shape, (_, i) => bval(i));
    }
    if (n === 3) inputs.val_c = mapData(shape, () => (chance(rng, 0.5) ? 0 : randomValue(rng, w)));
    return { config: constant === undefined ? { op, dataWidth: w } : { op, dataWidth: w, constant }, inputs };
  },
  cycleBound: (c, out) => mostTokens([...Object.values(c.inputs), ...Object.values(out)]),
  rtl: {
    module: 'basalt_prim_alu',
    fields: (a) => [
      { name: 'op', width: bitsFor(ALU_OPS.length), doc: `alu: operation, ${ALU_OPS.map((op, i) => `${i}=${op}${a.peOps.includes(op) ? '' : ' (not built)'}`).join(', ')}; an op not built outputs 0` },
      ...constFields(a),
    ],
    encode: (c, ctx) => ({
      op: aluOpcode(c.op),
      ...(c.constant === undefined ? {} : { const: wrapUnsigned(c.constant, ctx.arch.dataWidth), const_en: 1 }),
    }),
    check: (c, a) => (a.peOps.includes(c.op) ? undefined : `ALU op '${c.op}' is not built on this array (peOps: ${a.peOps.join(' ')}): add it with --set peOps=...`),
    context: (a) => {
      const built = ALU_OPS.filter((op) => a.peOps.includes(op));
      const opW = bitsFor(ALU_OPS.length);
      return {
        opW, opWm1: opW - 1, absCode: aluOpcode('abs'), selCode: aluOpcode('sel'), shm1: Math.log2(a.dataWidth) - 1,
        ops: built.map((op) => ({ name: op, code: aluOpcode(op), expr: OPS[op].verilog(a.dataWidth + 1, a.dataWidth) })),
        opsDoc: built.join(' '),
        hasSel: built.includes('sel'),
        hasShift: built.some((op) => SHIFTS.includes(op)),
      };
    },
    latency: 2,
  },
});
