/**
 * The one Handlebars renderer for every template (Verilog, and the C++
 * drivers of sim/). Strict: a name the context lacks is an error, not an
 * empty string. Partials are the templates whose file name starts with `_`
 * or is `header.hbs`, registered by name without the extension.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';

export const TEMPLATE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

const hb = Handlebars.create();
for (const f of readdirSync(TEMPLATE_DIR)) {
  if (f === 'header.hbs' || f.startsWith('_')) hb.registerPartial(f.replace(/^_/, '').replace(/\.[^.]+\.hbs$|\.hbs$/, ''), readFileSync(join(TEMPLATE_DIR, f), 'utf8'));
}
const cache = new Map<string, HandlebarsTemplateDelegate>();

/** Renders templates/<name> (a path below templates/) with the context. */
export function renderTemplate(name: string, ctx: object): string {
  let t = cache.get(name);
  if (!t) {
    t = hb.compile(readFileSync(join(TEMPLATE_DIR, name), 'utf8'), { noEscape: true, strict: true });
    cache.set(name, t);
  }
  return t(ctx);
}
