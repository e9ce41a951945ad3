/** `basalt gen` through the real CLI: files, determinism, and clean refusals. */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const basalt = (args: string[]) => execa('node', ['bin/basalt.js', ...args], { reject: false });

describe('basalt gen', () => {
  it('writes the RTL and the three JSON files, byte-identical across runs', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'basalt-gen-'));
    const a = await basalt(['gen', '--preset', 'tiny', '--out', join(dir, 'a')]);
    const b = await basalt(['gen', '--preset', 'tiny', '--out', join(dir, 'b')]);
    expect(a.exitCode).toBe(0);
    expect(b.exitCode).toBe(0);
    const files = readdirSync(join(dir, 'a')).sort();
    expect(files).toEqual(expect.arrayContaining(['arch.json', 'config-map.json', 'routing-graph.json', 'basalt_top.v', 'basalt_pe_tile.v', 'basalt_mem_tile.v']));
    for (const f of files) expect(readFileSync(join(dir, 'b', f)), f).toEqual(readFileSync(join(dir, 'a', f)));
    const arch = JSON.parse(readFileSync(join(dir, 'a', 'arch.json'), 'utf8'));
    expect(arch.spec.width).toBe(4);
    expect(readFileSync(join(dir, 'a', 'basalt_top.v'), 'utf8')).toContain(arch.archId);
  });

  it('--set overrides a field and changes the arch-id', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'basalt-gen-'));
    const r = await basalt(['gen', '--preset', 'tiny', '--set', 'tracks=3', '--out', dir + '/x', '--json']);
    expect(r.exitCode).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(JSON.parse(readFileSync(join(dir, 'x', 'arch.json'), 'utf8')).spec.tracks).toBe(3);
    expect(j.archId).toMatch(/^4x4-/);
  });

  it('refuses invalid specs with one line naming the field, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'basalt-gen-'));
    const spec = join(dir, 'spec.json');
    writeFileSync(spec, JSON.stringify({ width: 0, height: 4, memRatio: 2, tracks: 5, dataWidth: 16, sbTopology: 'wilton', fifoDepth: 2, memDepth: 256, memWidth: 16, peOps: ['add'] }));
    const r = await basalt(['gen', '--spec', spec, '--out', join(dir, 'out')]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim().split('\n').length).toBe(1);
    expect(r.stderr).toContain("field 'width': width must be at least 1");
    expect(existsSync(join(dir, 'out'))).toBe(false);
    const r2 = await basalt(['gen', '--preset', 'huge', '--out', join(dir, 'out')]);
    expect(r2.exitCode).toBe(1);
    expect(r2.stderr).toContain("--preset 'huge': unknown preset");
    const r3 = await basalt(['gen', '--preset', 'tiny', '--set', 'tracks=0', '--out', join(dir, 'out')]);
    expect(r3.stderr).toContain("field 'tracks'");
    writeFileSync(spec, '{ not json');
    const r4 = await basalt(['gen', '--spec', spec, '--out', join(dir, 'out')]);
    expect(r4.stderr).toMatch(/spec\.json: not valid JSON/);
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});
