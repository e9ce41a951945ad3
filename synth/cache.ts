/**
 * On-disk cache of synthesis results, one JSON file per unit, content-addressed:
 * the key hashes everything the result depends on (the Verilog the unit reads,
 * the script, the Yosys build, the target). Files are written atomically
 * (temp file + rename), so a reader never sees half a file and two writers
 * of the same key simply race to identical contents.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** `.cache/synth` in the checkout, or $BASALT_SYNTH_CACHE. */
export const defaultSynthCacheDir = (): string => process.env.BASALT_SYNTH_CACHE ?? join(ROOT, '.cache', 'synth');

export function hashKey(parts: readonly string[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(String(p.length)).update(':').update(p);
  return h.digest('hex');
}

const entryPath = (dir: string, label: string, key: string) => join(dir, `${label}-${key.slice(0, 24)}.json`);

/** The cached value, or undefined on a miss (absent, unreadable, or stored under another full key). */
export function readCache<T>(dir: string, label: string, key: string): T | undefined {
  try {
    const entry = JSON.parse(readFileSync(entryPath(dir, label, key), 'utf8')) as { key?: string; value?: T };
    return entry.key === key ? entry.value : undefined;
  } catch {
    return undefined;
  }
}

export function writeCache(dir: string, label: string, key: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  const path = entryPath(dir, label, key);
  const tmp = `${path}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeFileSync(tmp, JSON.stringify({ key, value }) + '\n');
    renameSync(tmp, path);
  } finally {
    rmSync(tmp, { force: true });
  }
}
