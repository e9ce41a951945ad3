/**
 * A primitive has one home: its name (kebab, snake, camel or Pascal case)
 * appears in at most 4 non-test source files (.ts and .hbs): its definition,
 * the catalogue, its RTL template and the compiler lowering that instantiates it.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PRIM_NAMES } from '../sam/prims/index.ts';

const SOURCE_DIRS = ['base', 'sam', 'lang', 'formats', 'golden', 'generator', 'compiler', 'flow', 'sim', 'synth', 'cli', 'bench', 'templates'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : /\.(ts|hbs)$/.test(f) ? [p] : [];
  });
}

/** Every spelling of a name: level-scanner, level_scanner, levelScanner, LevelScanner. */
function spellings(name: string): string[] {
  const words = name.split('-');
  const cap = (w: string) => w[0].toUpperCase() + w.slice(1);
  return [...new Set([words.join('-'), words.join('_'), words[0] + words.slice(1).map(cap).join(''), words.map(cap).join('')])];
}

/**
 * Where a name is mentioned: as its own word (letters or digits on neither
 * side, and not continued by `-`/`_` into a longer name such as repeat-sig),
 * and not as a JavaScript method (`.reduce(`, `.repeat(`, `z.union(`).
 */
export function mentions(name: string, text: string): boolean {
  return spellings(name).some((s) => new RegExp(`(?<![A-Za-z0-9.])${s}(?![A-Za-z0-9]|[-_][a-z])`).test(text));
}

export function homes(name: string, sources: readonly { path: string; text: string }[]): string[] {
  return sources.filter((f) => mentions(name, f.text)).map((f) => f.path);
}

const sources = SOURCE_DIRS.flatMap(files).map((path) => ({ path, text: readFileSync(path, 'utf8') }));

describe('one home per primitive', () => {
  it.each(PRIM_NAMES)('%s is named in at most 4 non-test source files', (name) => {
    const where = homes(name, sources);
    expect(where.length, where.join(', ')).toBeLessThanOrEqual(4);
  });

  it('the check finds a mention it should, and ignores what it should', () => {
    expect(mentions('level-scanner', "b.add('level-scanner', ...)")).toBe(true);
    expect(mentions('level-scanner', 'module basalt_prim_level_scanner (')).toBe(true);
    expect(mentions('level-scanner', 'export const levelScannerPrim')).toBe(false); // a longer identifier
    expect(mentions('level-scanner', 'levelScanner(l, r)')).toBe(true);
    expect(mentions('repeat', "'repeat-sig'")).toBe(false);
    expect(mentions('repeat', "x.repeat(3)")).toBe(false);
    expect(mentions('reduce', "xs.reduce((a, b) => a + b)")).toBe(false);
    expect(mentions('reduce', "b.add('reduce', ...)")).toBe(true);
    // A planted sixth mention of crd-hold would fail the test above.
    const planted = [...sources, { path: 'sim/x.ts', text: "case 'crd-hold':" }, { path: 'sim/y.ts', text: 'crdHold(a, b)' }];
    expect(homes('crd-hold', planted).length).toBeGreaterThan(homes('crd-hold', sources).length);
  });
});
