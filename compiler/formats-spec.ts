/**
 * The kernel options of `basalt run`: `--format T=FMT` (repeatable) and `--order i,k,j`.
 * Only the syntax is checked here; resolveKernel (compiler/resolve.ts) checks them
 * against the expression.
 */
import { InputError } from '../formats/errors.ts';
import { parseFormat } from '../formats/fibertree.ts';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** 'B=ss:1,0' -> ['B', 'ss:1,0']; the format's letters and mode order are checked, its arity is not. */
export function parseFormatOption(text: string): [string, string] {
  const eq = text.indexOf('=');
  if (eq < 0) throw new InputError(`--format '${text}': expected TENSOR=FORMAT, like B=ds or C=ss:1,0`);
  const name = text.slice(0, eq).trim();
  const fmt = text.slice(eq + 1).trim();
  if (!NAME.test(name)) throw new InputError(`--format '${text}': '${name}' is not a tensor name`);
  try {
    parseFormat(fmt);
  } catch (e) {
    throw new InputError(`--format ${name}=${fmt}: ${(e as Error).message}`);
  }
  return [name, fmt];
}

/** Every --format option; naming a tensor twice is an error (which one would win is a guess). */
export function parseFormatOptions(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const text of list) {
    const [name, fmt] = parseFormatOption(text);
    if (name in out) throw new InputError(`--format names tensor ${name} twice (${out[name]} and ${fmt})`);
    out[name] = fmt;
  }
  return out;
}

/** 'i,k,j' -> ['i', 'k', 'j']. */
export function parseOrderOption(text: string): string[] {
  const vars = text.split(',').map((v) => v.trim());
  for (const v of vars) if (!NAME.test(v)) throw new InputError(`--order '${text}': '${v}' is not an index variable name (expected like i,k,j)`);
  const dup = vars.find((v, k) => vars.indexOf(v) !== k);
  if (dup !== undefined) throw new InputError(`--order '${text}' lists ${dup} twice`);
  return vars;
}
