/**
 * The RTL-vs-golden suite of one tile kind's primitives on its core harness
 * (one Verilator build per kind, tiny preset; every test runs all its cases in
 * one simulator process).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { presetIR } from './arch.ts';
import { CORNERS } from './prim-corners.ts';
import { DIRECTED } from './prim-directed.ts';
import type { TileKindName } from '../../generator/cores.ts';
import type { Model } from '../../sim/verilator.ts';
import type { PrimName } from '../../sam/prims/index.ts';
import {
  buildCoreHarness, caseLatency, firstMismatch, goldenOutputs, itemCycleBound, maxStreamTokens, randomHarnessCases, runPrimCases, summarize,
  type CaseResult, type HarnessCase,
} from '../../sim/prim-harness.ts';

/**
 * Ceilings of the fixed latency per case (cycles beyond the cycle bound at stall 0) the
 * definitions declare: a change that slows a primitive's RTL has to raise its number here too.
 */
const LATENCY_CEILING: Readonly<Record<string, number>> = {
  'level-scanner': 5, 'level-writer': 2, 'value-array': 2, 'value-writer': 1, spacc: 1, spacc2: 2, 'level-scatter': 1, 'value-scatter': 1, 'affine-read': 2, 'affine-write': 1,
  intersect: 2, union: 2, alu: 2, mac: 2, 'row-filter': 2, 'line-buffer': 3, reduce: 3, repeat: 2, 'repeat-sig': 2, 'crd-drop': 2, 'crd-hold': 2,
};

/** Primitives whose streams move in lockstep (or have one stream): item bound = most tokens on one stream. */
const ONE_TO_ONE: readonly PrimName[] = ['alu', 'value-array', 'repeat-sig', 'union', 'level-writer', 'value-writer'];

const RANDOM_CASES = 250;

function expectMatch(cases: readonly HarnessCase[], results: readonly CaseResult[], dataWidth: number): void {
  expect(results).toHaveLength(cases.length);
  for (const r of results) {
    const m = firstMismatch(r, dataWidth);
    if (m) expect.fail(`case ${r.index} ${JSON.stringify(cases[r.index].inputs).slice(0, 400)}: ${m.stream} token ${m.index}: expected ${m.expected}, got ${m.got}`);
  }
}

export function primSuite(kind: TileKindName, prims: readonly PrimName[], seed: number): void {
  const ir = presetIR('tiny');
  let model: Model;
  beforeAll(async () => {
    model = await buildCoreHarness(ir, kind);
  });

  describe.each(prims)('%s: RTL == golden model', (prim) => {
    it(`${RANDOM_CASES} random cases with valid/ready stalls (0.3)`, async () => {
      const cases = randomHarnessCases(ir, prim, RANDOM_CASES, seed);
      const results = await runPrimCases(ir, model, cases, { stall: 0.3, seed });
      expectMatch(cases, results, ir.spec.dataWidth);
      const s = summarize(ir, cases, results, { seed, stall: 0.3 });
      expect(s.mismatches).toBe(0);
      expect(s.cycles).toBeGreaterThan(s.tokens); // the stalls did cost cycles
    });

    it('directed cases (expected outputs by hand) and corner cases, without and with stalls', async () => {
      const directed = DIRECTED[prim] ?? [];
      const cases: HarnessCase[] = [...directed.map((d) => ({ prim, config: d.config, inputs: d.inputs })), ...(CORNERS[prim] ?? [])];
      expect(directed.length).toBeGreaterThan(2);
      // The RTL is compared with the golden model below; the golden model with the hand-written outputs here.
      directed.forEach((d) => expect(goldenOutputs(cases[directed.indexOf(d)]), d.name).toEqual(d.expect));
      for (const stall of [0, 0.5]) expectMatch(cases, await runPrimCases(ir, model, cases, { stall, seed: seed + 1 }), ir.spec.dataWidth);
    });

    it(`without stalls: one token per cycle, cycles <= item bound + ${caseLatency(prim)} per case`, async () => {
      expect(caseLatency(prim)).toBeLessThanOrEqual(LATENCY_CEILING[prim]);
      const cases = randomHarnessCases(ir, prim, RANDOM_CASES, seed + 2);
      const results = await runPrimCases(ir, model, cases, { stall: 0 });
      expectMatch(cases, results, ir.spec.dataWidth);
      for (const r of results) {
        const bound = itemCycleBound(cases[r.index]);
        // The item bound is the most tokens on one stream wherever every item has the same busiest stream.
        if (ONE_TO_ONE.includes(prim)) expect(bound).toBe(maxStreamTokens(cases[r.index]));
        else expect(bound).toBeGreaterThanOrEqual(maxStreamTokens(cases[r.index]));
        if (r.cycles > bound + caseLatency(prim)) expect.fail(`case ${r.index}: ${r.cycles} cycles > bound ${bound} + ${caseLatency(prim)}`);
      }
    });

    it('back to back without reset: `start` clears the core between cases', async () => {
      const cases = randomHarnessCases(ir, prim, 60, seed + 3);
      expectMatch(cases, await runPrimCases(ir, model, cases, { stall: 0.2, seed, reset: false }), ir.spec.dataWidth);
    });
  });
}
