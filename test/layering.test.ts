/**
 * Layers point down (DESIGN.md "Layout"): a package imports only from
 * packages of a lower layer (or from itself). Two packages of one layer do not
 * import each other. Library layers never reach cli/; bench/ reaches neither
 * test/ nor cli/.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Layer of each package, bottom first. */
export const LAYERS: Readonly<Record<string, number>> = {
  base: 0,
  sam: 1,
  lang: 2, formats: 2,
  golden: 3, generator: 3,
  compiler: 4,
  sim: 5, synth: 5,
  flow: 6,
  cli: 7, bench: 7,
  test: 8,
};

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? files(p) : f.endsWith('.ts') ? [p] : [];
  });
}

/** Relative import specifiers of a module (static and dynamic imports, re-exports). */
export function importsOf(text: string): string[] {
  const out: string[] = [];
  const re = /(?:^|\s)(?:import|export)\s[^'"]*?from\s*['"](\.[^'"]+)['"]|import\(\s*['"](\.[^'"]+)['"]\s*\)|^import\s+['"](\.[^'"]+)['"]/gm;
  for (const m of text.matchAll(re)) out.push(m[1] ?? m[2] ?? m[3]);
  return out;
}

const pkg = (path: string) => normalize(path).split('/')[0];

/** Every import that breaks the layering, as `from -> to`. */
export function violations(sources: readonly { path: string; text: string }[]): string[] {
  const bad: string[] = [];
  for (const f of sources) {
    const from = pkg(f.path);
    for (const spec of importsOf(f.text)) {
      const to = pkg(join(dirname(f.path), spec));
      if (to === from) continue;
      const ok = to in LAYERS && LAYERS[to] < LAYERS[from];
      if (!ok) bad.push(`${f.path} -> ${join(dirname(f.path), spec)} (${from} is layer ${LAYERS[from]}, ${to} is ${to in LAYERS ? `layer ${LAYERS[to]}` : 'no package'})`);
    }
  }
  return bad;
}

const sources = Object.keys(LAYERS).flatMap((d) => files(d)).map((path) => ({ path, text: readFileSync(path, 'utf8') }));

describe('package layering', () => {
  it('every package of the tree has a layer', () => {
    const dirs = readdirSync('.').filter((d) => statSync(d).isDirectory() && files(d).length > 0 && !['node_modules', 'bin', 'templates', 'scripts', 'rtl-out'].includes(d) && !d.startsWith('.'));
    expect(dirs.filter((d) => !(d in LAYERS))).toEqual([]);
  });

  it('no import points up or sideways', () => {
    expect(sources.length).toBeGreaterThan(50);
    expect(sources.flatMap((f) => importsOf(f.text)).length).toBeGreaterThan(200);
    expect(violations(sources)).toEqual([]);
  });

  it('fails on a planted upward import', () => {
    const planted = [
      ...sources,
      { path: 'generator/planted.ts', text: "import { UserError } from '../cli/errors.ts';\n" },
      { path: 'golden/planted.ts', text: "import type { SamGraph } from '../compiler/sam-graph.ts';" },
      { path: 'bench/planted.ts', text: "const k = await import('../test/helpers/arch.ts');" },
      { path: 'sim/planted.ts', text: "export { x } from '../synth/yosys.ts';" },
    ];
    expect(violations(planted)).toEqual([
      'generator/planted.ts -> cli/errors.ts (generator is layer 3, cli is layer 7)',
      'golden/planted.ts -> compiler/sam-graph.ts (golden is layer 3, compiler is layer 4)',
      'bench/planted.ts -> test/helpers/arch.ts (bench is layer 7, test is layer 8)',
      'sim/planted.ts -> synth/yosys.ts (sim is layer 5, synth is layer 5)',
    ]);
  });
});
