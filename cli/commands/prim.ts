import type { Command } from 'commander';
import { addArchOptions, loadSpec, type ArchOptions } from '../arch-options.ts';
import { UserError } from '../../base/errors.ts';
import { buildIR } from '../../generator/ir.ts';
import { primMode } from '../../generator/cores.ts';
import type { PrimName } from '../../sam/prims/index.ts';
import { buildCoreHarness, randomHarnessCases, runPrimCases, summarize, HARNESS_PRIMS } from '../../sim/prim-harness.ts';

const MAX_CASES = 100_000;

/** Exit code of a run where the RTL differs from the golden model (1 is bad input). */
export const MISMATCH_EXIT = 2;

function parseCount(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > MAX_CASES) throw new UserError(`--cases '${text}': expected an integer from 1 to ${MAX_CASES}`);
  return Number(text);
}
function parseSeed(text: string): number {
  if (!/^\d+$/.test(text) || Number(text) > 0xffffffff) throw new UserError(`--seed '${text}': expected an integer from 0 to 4294967295`);
  return Number(text);
}
function parseStall(text: string): number {
  const p = Number(text);
  // Above 0.95 the harness's cycle budget (and permil rounding at 1.0) would report stalls as mismatches.
  if (text.trim() === '' || !Number.isFinite(p) || p < 0 || p > 0.95) throw new UserError(`--stall '${text}': expected a probability from 0 to 0.95`);
  return p;
}

export function registerPrim(program: Command): void {
  addArchOptions(
    program
      .command('prim')
      .description(`run random cases of one SAM primitive on its tile core (RTL, Verilator) and on the golden model, token by token; exit ${MISMATCH_EXIT} on a mismatch`)
      .argument('<primitive>', HARNESS_PRIMS.join(' | ')),
  )
    .requiredOption('--cases <n>', 'number of random cases')
    .requiredOption('--seed <s>', 'seed of the cases and of the stall patterns')
    .option('--stall <p>', 'probability that an input withholds valid / an output withholds ready on a cycle', '0')
    .option('--json', 'print one JSON object')
    .action(async (primitive: string, opts: ArchOptions & { cases: string; seed: string; stall: string; json?: boolean }) => {
      if (!HARNESS_PRIMS.includes(primitive as PrimName)) throw new UserError(`unknown primitive '${primitive}' (known: ${HARNESS_PRIMS.join(', ')})`);
      const prim = primitive as PrimName;
      const n = parseCount(opts.cases);
      const seed = parseSeed(opts.seed);
      const stall = parseStall(opts.stall);
      const ir = buildIR(loadSpec(opts, 'tiny'));
      const cases = randomHarnessCases(ir, prim, n, seed);
      const model = await buildCoreHarness(ir, primMode(prim).kind, { log: (s) => process.stderr.write(`${s}\n`) });
      const results = await runPrimCases(ir, model, cases, { stall, seed });
      const { mismatches, tokens, cycles, report } = summarize(ir, cases, results, { seed, stall });
      if (report) process.stderr.write(`basalt: ${report}\n`);
      if (opts.json) console.log(JSON.stringify({ primitive: prim, cases: n, mismatches, tokens, cycles }));
      else {
        console.log(`${prim} on ${ir.archId}: ${n} cases, ${mismatches} mismatches, ${tokens} tokens, ${cycles} cycles (${(cycles / Math.max(1, tokens)).toFixed(3)} cycles/token, stall ${stall})`);
      }
      if (mismatches > 0) process.exitCode = MISMATCH_EXIT;
    });
}
