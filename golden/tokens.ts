/**
 * Stream tokens of the Sparse Abstract Machine, as the golden model sees them,
 * and their hardware word encoding (DESIGN.md "Stream word").
 *
 * A data token is a plain number (coordinate, reference or value, already
 * wrapped to the datapath). Repeat signals are `'R'`; in hardware an R is the
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
