/** Integer arithmetic of the datapath: two's complement, wrap-around at `width` bits. */

/** Wraps any integer (number within 2^53, or the low bits of Math.imul) to a signed `width`-bit value. */
export function wrapSigned(x: number, width: number): number {
  if (width === 32) return x | 0;
  const m = 2 ** width;
  let r = ((x % m) + m) % m;
  if (r >= m / 2) r -= m;
  return r;
}

export function wrapUnsigned(x: number, width: number): number {
  const m = 2 ** width;
  return ((x % m) + m) % m;
}

export const wrapAdd = (a: number, b: number, w: number) => wrapSigned(a + b, w);
export const wrapSub = (a: number, b: number, w: number) => wrapSigned(a - b, w);
/** Math.imul keeps the low 32 bits exactly, which is all a <=32-bit datapath keeps. */
export const wrapMul = (a: number, b: number, w: number) => wrapSigned(Math.imul(a, b), w);
