/** Verilator lint of generated RTL (`--lint-only -Wall`): every warning is returned. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';

export interface LintResult {
  readonly ok: boolean;
  readonly warnings: string[];
}

export async function lintVerilog(files: ReadonlyMap<string, string>, top: string): Promise<LintResult> {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-lint-'));
  try {
    const names = [...files.keys()].filter((n) => n.endsWith('.v'));
    for (const n of names) writeFileSync(join(dir, n), files.get(n)!);
    const r = await execa('verilator', ['--lint-only', '-Wall', '--top-module', top, ...names], { cwd: dir, reject: false, all: true });
    const warnings = (r.all ?? '').split('\n').filter((l) => /^%(Warning|Error)/.test(l));
    return { ok: r.exitCode === 0 && warnings.length === 0, warnings };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
