/**
 * The drivers' sinks check the ready/valid protocol and fail the run when it
 * breaks: planted bugs in two PE primitives (tiny core harness, one build).
 */
import { describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { renderVerilog } from '../generator/emit.ts';
import { buildCoreHarness, firstMismatch, randomHarnessCases, runPrimCases, summarize } from '../sim/prim-harness.ts';

const ir = presetIR('tiny');

function plant(files: Map<string, string>, file: string, from: string, to: string): void {
  const text = files.get(file)!;
  expect(text).toContain(from);
  files.set(file, text.replace(from, to));
}

describe('ready/valid monitor of the core harness', () => {
  const files = new Map(renderVerilog(ir));
  // repeat-sig drops a stalled token: valid falls while ready is low.
  plant(files, 'basalt_prim_repeat_sig.v', 'out_repsig_valid <= fire | (out_repsig_valid & ~out_repsig_ready);', 'out_repsig_valid <= fire;');
  // reduce flips bit 0 of a stalled token every cycle.
  plant(files, 'basalt_prim_reduce.v', 'assign out_val_data = o_rd_q ? o1_q : o0_q;',
    "reg flip_q;\n  always @(posedge clk) flip_q <= ~flip_q;\n  assign out_val_data = (o_rd_q ? o1_q : o0_q) ^ {16'd0, flip_q};");

  it.each([
    ['repeat-sig', /port 0 at cycle \d+ of the run: valid withdrawn before ready/],
    ['reduce', /port 0 at cycle \d+ of the run: data changed while stalled/],
  ] as const)('%s: a broken handshake fails its case and names the port, cycle and rule', async (prim, message) => {
    const model = await buildCoreHarness(ir, 'pe', { files });
    const cases = randomHarnessCases(ir, prim, 20, 3);
    const results = await runPrimCases(ir, model, cases, { stall: 0.5, seed: 3 });
    const broken = results.filter((r) => r.protocol.length > 0);
    expect(broken.length).toBeGreaterThan(3);
    expect(broken[0].protocol[0]).toMatch(message);
    const s = summarize(ir, cases, results, { seed: 3, stall: 0.5 });
    expect(s.mismatches).toBeGreaterThanOrEqual(broken.length);
    expect(s.report).toMatch(new RegExp(`^${prim} mismatch: seed 3 case \\d+ .*: \\(protocol\\) token 0: expected ready/valid kept, got port 0 at cycle \\d+ of the run`));
  });

  it('without stalls the same planted RTL passes: the monitor only judges handshakes', async () => {
    const model = await buildCoreHarness(ir, 'pe', { files });
    const results = await runPrimCases(ir, model, randomHarnessCases(ir, 'repeat-sig', 20, 3), { stall: 0 });
    expect(results).toHaveLength(20);
    for (const r of results) expect(firstMismatch(r, ir.spec.dataWidth)).toBeUndefined();
  });
});
