/** Bits needed to hold values 0..n-1 (at least 1). */
export const bitsFor = (n: number): number => Math.max(1, Math.ceil(Math.log2(Math.max(2, n))));

/** Bit range [msb:lsb] of element k in a packed vector of w-bit elements. */
export const slice = (k: number, w: number) => ({ msb: (k + 1) * w - 1, lsb: k * w });
