/**
 * PE ALU on aligned value streams. Values are signed dataWidth-bit two's
 * complement; inputs are wrapped first (so the unsigned words that
 * decodeToken returns are accepted too) and every result is wrapped.
 */
import { wrapAdd, wrapMul, wrapSigned, wrapSub, wrapUnsigned } from '../arith.ts';
import { isStop, type Stream, type Token } from '../tokens.ts';
import { checkAligned, checkStream, fail } from './stream.ts';

export const ALU_OPS = [
  'add', 'sub', 'mul', 'min', 'max', 'abs', 'shl', 'shr', 'ashr',
  'and', 'or', 'xor', 'eq', 'ne', 'lt', 'le', 'gt', 'ge', 'sel',
] as const;
export type AluOp = (typeof ALU_OPS)[number];

/** How many value operands an op reads (a, then b, then c). */
export const aluArity = (op: AluOp): 1 | 2 | 3 => (op === 'abs' ? 1 : op === 'sel' ? 3 : 2);

export interface AluOptions {
  dataWidth: number;
  /** Replaces operand b (wrapped to dataWidth, as a config register would hold it). */
  constant?: number;
}

/**
 * One ALU operation on signed w-bit values. Shift amounts are the unsigned
 * pattern of b modulo w (= its low log2(w) bits for a power-of-two width).
 */
export function aluScalar(op: AluOp, a: number, b: number, c: number, w: number): number {
  const sh = () => wrapUnsigned(b, w) % w;
  const bool = (x: boolean) => (x ? 1 : 0);
  switch (op) {
    case 'add': return wrapAdd(a, b, w);
    case 'sub': return wrapSub(a, b, w);
    case 'mul': return wrapMul(a, b, w);
    case 'min': return Math.min(a, b);
    case 'max': return Math.max(a, b);
    case 'abs': return wrapSigned(Math.abs(a), w); // abs(min) wraps back to min, as in hardware
    case 'shl': return wrapSigned(Number(BigInt(a) << BigInt(sh())), w); // BigInt: a*2^31 exceeds 2^53
    case 'shr': return wrapSigned(Math.floor(wrapUnsigned(a, w) / 2 ** sh()), w); // logical: zero fill
    case 'ashr': return Math.floor(a / 2 ** sh()); // floor division = sign fill
    case 'and': return wrapSigned(a & b, w); // int32 bit ops are exact for w <= 32
    case 'or': return wrapSigned(a | b, w);
    case 'xor': return wrapSigned(a ^ b, w);
    case 'eq': return bool(a === b);
    case 'ne': return bool(a !== b);
    case 'lt': return bool(a < b);
    case 'le': return bool(a <= b);
    case 'gt': return bool(a > b);
    case 'ge': return bool(a >= b);
    case 'sel': return c !== 0 ? a : b;
  }
}

export function checkDataWidth(where: string, w: unknown): asserts w is number {
  if (typeof w !== 'number' || !Number.isInteger(w) || w < 1 || w > 32) fail(where, `dataWidth ${String(w)} is not an integer in 1..32`);
}

/** out = op(a, b, c) token by token; stops and D must line up and pass through. */
export function alu(op: AluOp, a: Stream, b: Stream | undefined, c: Stream | undefined, opts: AluOptions): Stream {
  const where = `alu ${op}`;
  if (!ALU_OPS.includes(op)) fail('alu', `unknown op '${op}' (ops: ${ALU_OPS.join(' ')})`);
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
    const z = c ? wrapSigned(c[i] as number, w) : 0;
    return aluScalar(op, x, y, z, w);
  });
}
