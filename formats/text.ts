/** Token checks shared by the text readers; regexes because Number() accepts too much ('', '0x1f', ' 1 '). */

const UNSIGNED = /^\d+$/;
const INTEGER = /^[+-]?\d+$/;
// Decimal with optional fraction and exponent: '3', '-.5', '1.', '2.5e-3'. No 'inf', 'nan', hex.
const REAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export const isUnsignedToken = (tok: string): boolean => UNSIGNED.test(tok);
export const isIntegerToken = (tok: string): boolean => INTEGER.test(tok);
export const isRealToken = (tok: string): boolean => REAL.test(tok);

/** Splits a line on blanks; '' gives []. */
export function fields(line: string): string[] {
  const t = line.trim();
  return t === '' ? [] : t.split(/\s+/);
}

/** Shortens a quoted excerpt of a line for an error message. */
export function excerpt(s: string, max = 40): string {
  const t = s.trim();
  return t.length <= max ? t : `${t.slice(0, max - 3)}...`;
}
