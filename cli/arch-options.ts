/** The array-selection options shared by gen, synth, prim and run. */
import { existsSync, readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { UserError } from '../base/errors.ts';
import { PRESETS, applyOverrides, validateSpec, type ArchSpec } from '../generator/spec.ts';

export interface ArchOptions {
  preset?: string;
  spec?: string;
  set?: string[];
}

export function addArchOptions(cmd: Command): Command {
  return cmd
    .option('--preset <name>', `array preset: ${Object.keys(PRESETS).join(' | ')}`)
    .option('--spec <file>', 'ArchSpec JSON file')
    .option('--set <key=value>', 'override one ArchSpec field (repeatable)', (v: string, acc: string[] = []) => [...acc, v]);
}

export function loadSpec(opts: ArchOptions, fallbackPreset?: string): ArchSpec {
  if (opts.preset && opts.spec) throw new UserError('give either --preset or --spec, not both');
  let base: Record<string, unknown>;
  let where: string;
  if (opts.spec) {
    if (!existsSync(opts.spec)) throw new UserError(`--spec ${opts.spec}: file not found`);
    try {
      base = JSON.parse(readFileSync(opts.spec, 'utf8')) as Record<string, unknown>;
    } catch (e) {
      throw new UserError(`--spec ${opts.spec}: not valid JSON (${(e as Error).message})`);
    }
    if (typeof base !== 'object' || base === null || Array.isArray(base)) throw new UserError(`--spec ${opts.spec}: expected a JSON object of ArchSpec fields`);
    // A spec file may be an arch.json written by `basalt gen`.
    if ('spec' in base && 'archId' in base) base = base.spec as Record<string, unknown>;
    where = opts.spec;
  } else {
    const name = opts.preset ?? fallbackPreset;
    if (!name) throw new UserError('give --preset NAME or --spec FILE');
    const p = Object.hasOwn(PRESETS, name) ? PRESETS[name] : undefined;
    if (!p) throw new UserError(`--preset '${name}': unknown preset (known: ${Object.keys(PRESETS).join(', ')})`);
    base = { ...p };
    where = `preset ${name}`;
  }
  const sets = opts.set ?? [];
  return validateSpec(applyOverrides(base, sets), sets.length ? `${where} with --set` : where);
}
