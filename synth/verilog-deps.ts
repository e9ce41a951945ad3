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
