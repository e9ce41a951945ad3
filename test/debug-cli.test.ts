/** `basalt run --max-cycles` through the real CLI on the default array: the default limit, the stall report, refusals. */
import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { CYCLE_LIMIT_FACTOR, CYCLE_LIMIT_SLACK } from '../sim/stall.ts';

const SPMV = ['--expr', 'x(i)=B(i,j)*c(j)', '--format', 'B=ds', '--format', 'c=d', '--input', 'B=random:6x6:0.5:1', '--input', 'c=random:6:1:2'];
const basalt = (args: string[]) => execa('node', ['bin/basalt.js', 'run', '--preset', 'default', ...SPMV, ...args], { reject: false });

describe('basalt run --max-cycles', () => {
  it('default limit: a multiple of the golden idealCycles, reported in --json', async () => {
    const r = await basalt(['--json']);
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.match).toBe(true);
    expect(j.maxCycles).toBe(CYCLE_LIMIT_FACTOR * j.idealCycles + CYCLE_LIMIT_SLACK);
    expect(j.streamDiff).toBeNull();
    expect(j.trace).toBeNull();
    expect(j.cycles).toBeLessThan(j.maxCycles);
  });

  it('too small: exit 1 with the stall report, which names edges, tiles and tracks', async () => {
    // At 30 cycles (of 54) tokens wait in switch boxes and consumers wait for them.
    const r = await basalt(['--max-cycles', '30']);
    expect(r.exitCode).toBe(1);
    const err = r.stderr.trim().split('\n').filter((l) => !/building|rerunning/.test(l));
    expect(err).toHaveLength(1);
    expect(err[0]).toMatch(/^basalt: the array did not finish: no 'done' within 30 cycles \(still running at the limit\); first stuck place: n\d+ '.*'\.\w+ -> .* at tile \(\d,\d\)/);
    expect(r.stdout).toMatch(/^no 'done' within 30 cycles: tokens were still moving at the limit/);
    expect(r.stdout).toMatch(/token not taken: n\d+ '[^']+'\.out_\w+ -> .*\n {6}at tile \(\d,\d\) switch box output [NESW] track \d: holds /);
    expect(r.stdout).toMatch(/consumer waiting: .*\n {6}at tile \(\d,\d\) core input in\d, from track [NESW]\d: waits on an empty input/);
  });

  it('too small with --json: one JSON object with the report', async () => {
    const r = await basalt(['--max-cycles', '40', '--json']);
    expect(r.exitCode).toBe(1);
    expect(r.stdout.trim().split('\n')).toHaveLength(1);
    const j = JSON.parse(r.stdout);
    expect(j.match).toBe(false);
    expect(j.stall).toMatchObject({ limit: 40, cycles: 40, deadlock: false });
    expect(j.stall.places.length).toBeGreaterThan(0);
    for (const p of j.stall.places) {
      expect(p.edge).toMatch(/^n\d+ '.*'\.\w+ -> /);
      expect(p.tile).toMatchObject({ x: expect.any(Number), y: expect.any(Number) });
      expect(['lost', 'held', 'waiting']).toContain(p.kind);
    }
    // Nothing is lost at a too-small limit: the routes are intact.
    expect(j.stall.places.filter((p: { kind: string }) => p.kind === 'lost')).toEqual([]);
  });

  it('refuses a bad limit, and a limit or trace for the golden model, with one line', async () => {
    const bads = ['0', '-3', '1.5', 'many'];
    const [g, ...rs] = await Promise.all([basalt(['--max-cycles', '100', '--simulator', 'golden']), ...bads.map((bad) => basalt(['--max-cycles', bad]))]);
    rs.forEach((r, i) => {
      expect(r.exitCode).toBe(1);
      expect(r.stderr.trim()).toBe(`basalt: --max-cycles '${bads[i]}': expected a positive integer`);
    });
    expect(g.exitCode).toBe(1);
    expect(g.stderr.trim()).toBe('basalt: --max-cycles needs an RTL simulator (--simulator verilator), not the golden model');
  });
});
