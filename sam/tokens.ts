/**
 * Stream tokens of the Sparse Abstract Machine, as the golden model sees them,
 * and their hardware word encoding (DESIGN.md "Stream word").
 *
 * A data token is a plain number (coordinate, reference or value, already
 * wrapped to the datapath). repsig tokens are `'R'`; in hardware an R is the
 * data word 0 (the stream's role tells it apart from a coordinate 0).
 */
export interface Stop {
  readonly stop: number;
}
export type Token = number | Stop | 'D' | 'N' | 'R';
export type Stream = Token[];

export const S = (level: number): Stop => ({ stop: level });
export const isStop = (t: Token): t is Stop => typeof t === 'object' && t !== null;
export const isData = (t: Token): t is number => typeof t === 'number';

/** Control-word payloads below the control bit. */
export const DONE_CODE = 0x100;
export const EMPTY_CODE = 0x200;
/** Deepest stop level that the word encoding can carry. */
export const MAX_STOP_LEVEL = 0xff;

/**
 * The same encoding as the RTL sees it, for templates: the control bit is
 * bit dataWidth; below it, a stop carries its level in bits [levelBits-1:0],
 * D and N are one flag bit each.
 */
export function tokenBits(dataWidth: number) {
  const levelBits = Math.log2(MAX_STOP_LEVEL + 1);
  const bit = (code: number) => {
    const b = Math.log2(code);
    if (!Number.isInteger(b) || b < levelBits) throw new Error(`control code 0x${code.toString(16)} is not one flag bit above the stop level`);
    return b;
  };
  const word = (code: number) => `${dataWidth + 1}'h${((1n << BigInt(dataWidth)) + BigInt(code)).toString(16)}`;
  return {
    /** Index of the control bit. */
    ctl: dataWidth,
    done: bit(DONE_CODE),
    empty: bit(EMPTY_CODE),
    levelBits,
    levelMsb: levelBits - 1,
    /** Verilog literals of the D and N words, and the head of a stop word (`{prefix, level}`). */
    doneWord: word(DONE_CODE),
    emptyWord: word(EMPTY_CODE),
    stopPrefix: `{1'b1, ${dataWidth - levelBits}'d0`,
  };
}
export type TokenBits = ReturnType<typeof tokenBits>;

export function encodeToken(t: Token, dataWidth: number): number {
  const ctrl = 2 ** dataWidth;
  if (typeof t === 'number') {
    // Signed values travel in two's complement. (No `& mask`: JS bit operators
    // are 32-bit signed, which turned 32-bit words >= 2^31 negative.)
    return ((t % ctrl) + ctrl) % ctrl;
  }
  if (t === 'R') return 0;
  if (t === 'D') return ctrl + DONE_CODE;
  if (t === 'N') return ctrl + EMPTY_CODE;
  if (t.stop < 0 || t.stop > MAX_STOP_LEVEL) throw new Error(`stop level ${t.stop} out of range 0..${MAX_STOP_LEVEL}`);
  return ctrl + t.stop;
}

/** Decodes a hardware word; data words come back unsigned (callers sign-extend values). */
export function decodeToken(word: number, dataWidth: number): Token {
  const ctrl = 2 ** dataWidth;
  if (word < ctrl) return word;
  const code = word - ctrl;
  if (code === DONE_CODE) return 'D';
  if (code === EMPTY_CODE) return 'N';
  if (code <= MAX_STOP_LEVEL) return S(code);
  throw new Error(`word 0x${word.toString(16)} is not a valid token`);
}

export function tokenToString(t: Token): string {
  return isStop(t) ? `S${t.stop}` : String(t);
}

export function streamToString(s: readonly Token[]): string {
  return s.map(tokenToString).join(', ');
}

/** Parses the DESIGN.md notation, e.g. "0, 2, S0, D". Handy in tests. */
export function parseStream(text: string): Stream {
  return text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p.length > 0)
    .map((p): Token => {
      if (p === 'D' || p === 'N' || p === 'R') return p;
      const m = /^S(\d+)$/.exec(p);
      if (m) return S(Number(m[1]));
      const n = Number(p);
      if (!Number.isInteger(n)) throw new Error(`bad token '${p}'`);
      return n;
    });
}
