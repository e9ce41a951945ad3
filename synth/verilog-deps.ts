/**
 * Which generated modules a module instantiates: the generator writes one
 * module per file, `<module>.v`, so a module needs every module whose name its
 * file mentions. Matching names as words over-approximates (a name in a
 * comment counts too), which can only make a cache key stricter, never miss a
 * real instance.
 */
import { SynthError } from './errors.ts';

const moduleOf = (file: string) => file.replace(/\.v$/, '');
export const fileOf = (module: string) => `${module}.v`;

const modulesIn = (files: ReadonlyMap<string, string>) => new Set([...files.keys()].filter((f) => f.endsWith('.v')).map(moduleOf));

/** Modules `module` mentions (its submodules), sorted. */
export function submodules(files: ReadonlyMap<string, string>, module: string): string[] {
  const modules = modulesIn(files);
  const text = files.get(fileOf(module));
  if (text === undefined) throw new SynthError(`no module ${module} in the generated RTL`);
  const found = new Set<string>();
  for (const word of text.match(/\b[A-Za-z_][A-Za-z0-9_$]*\b/g) ?? []) if (modules.has(word) && word !== module) found.add(word);
  return [...found].sort();
}

/** `top` and every module under it, sorted. */
export function moduleTree(files: ReadonlyMap<string, string>, top: string): string[] {
  const seen = new Set([top]);
  const todo = [top];
  while (todo.length) {
    for (const sub of submodules(files, todo.pop()!)) {
      if (!seen.has(sub)) {
        seen.add(sub);
        todo.push(sub);
      }
    }
  }
  return [...seen].sort();
}

/**
 * Splits the design under `top` into synthesis units: `roots` (and `top`)
 * head a unit each, and so does every module instantiated from more than one
 * module; every other module joins the unit of the one module that
 * instantiates it. A unit's result then depends only on its own files, and a
 * module shared by several parents is synthesized once. Returns root -> its
 * modules (root first, then sorted).
 */
export function synthesisUnits(files: ReadonlyMap<string, string>, top: string, roots: ReadonlySet<string>): Map<string, string[]> {
  const all = moduleTree(files, top);
  const parents = new Map<string, Set<string>>(all.map((m) => [m, new Set()]));
  for (const m of all) for (const sub of submodules(files, m)) parents.get(sub)!.add(m);
  const isRoot = (m: string) => m === top || roots.has(m) || parents.get(m)!.size !== 1;
  const rootOf = (m: string, seen = new Set<string>()): string => {
    // A cycle can only come from names in comments: its module heads a unit.
    if (isRoot(m) || seen.has(m)) return m;
    seen.add(m);
    return rootOf([...parents.get(m)!][0], seen);
  };
  const units = new Map<string, string[]>();
  for (const m of all) {
    const r = rootOf(m);
    if (!units.has(r)) units.set(r, [r]);
    if (r !== m) units.get(r)!.push(m);
  }
  for (const members of units.values()) members.splice(1, members.length - 1, ...members.slice(1).sort());
  return new Map([...units].sort(([a], [b]) => (a < b ? -1 : 1)));
}
