/**
 * End to end on the generated RTL: every kernel of the DESIGN.md table is
 * placed, routed, configured by its bitstream, simulated by Verilator on the
 * default array, read back and decoded, and must equal the golden model and
 * the reference evaluation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { presetIR } from './helpers/arch.ts';
import { TABLE, graphOf, randomInputs, uniformDims } from './helpers/kernels.ts';
import { buildModel } from '../sim/verilator.ts';
import { elideRootRepeats, mapKernel, runOnRtl } from '../sim/run-kernel.ts';
import { runGraph } from '../golden/run-graph.ts';
import { evaluate } from '../golden/reference.ts';
import { tensorDiff } from '../formats/tensor.ts';
import { readBitstream } from '../compiler/bitstream.ts';

const ir = presetIR('default');

describe('kernels on the RTL (default array, Verilator)', () => {
  beforeAll(async () => {
    await buildModel(ir);
  });

  it.each(TABLE.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    for (const [seed, density] of [[1, 0.5], [2, 0.25], [3, 0]] as const) {
      const dims = uniformDims(c, 5);
      const { kernel, graph } = graphOf(c, dims);
      const inputs = randomInputs(c, dims, density, seed);
      const gold = runGraph(graph, inputs);
      const ref = evaluate(kernel.assignment, inputs, { dataWidth: 16, outputShape: kernel.output.shape });
      const r = await runOnRtl({ spec: ir.spec, kernel, graph, inputs, simulator: 'verilator' });
      expect(tensorDiff(r.output, ref), `seed ${seed}`).toBeNull();
      expect(tensorDiff(r.output, gold.output)).toBeNull();
      // The RTL is never faster than the stream-level bound.
      expect(r.cycles).toBeGreaterThanOrEqual(gold.idealCycles);
    }
  });

  it('maps through a bitstream of this arch, deterministically', () => {
    const c = TABLE.find((k) => k.name.startsWith('SpMV CSR'))!;
    const dims = uniformDims(c, 6);
    const { graph } = graphOf(c, dims);
    const inputs = randomInputs(c, dims, 0.5, 9);
    const a = mapKernel(ir, graph, inputs);
    const b = mapKernel(ir, graph, inputs);
    expect(a.bitstream).toBe(b.bitstream);
    expect(a.memImage).toEqual(b.memImage);
    expect(readBitstream(ir, a.bitstream).length).toBeGreaterThan(10);
    // Repeats of the root stream are wires in hardware.
    expect(elideRootRepeats(graph).nodes.every((n) => n.prim !== 'repeat' || !graph.roots.some((r) => r.node === n.id))).toBe(true);
  });

  it('runs SpMV on a real SuiteSparse matrix through the CLI (west0067, CSR)', async () => {
    const r = await execa('node', ['bin/basalt.js', 'run', '--preset', 'default', '--expr', 'x(i)=B(i,j)*c(j)', '--format', 'B=ds', '--format', 'c=d',
      '--input', 'B=../shared/data/mtx/real/west0067.mtx', '--input', 'c=random:67:1:5', '--values', 'seed:1', '--json'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.match).toBe(true);
    expect(j.simulator).toBe('verilator');
    expect(j.cycles).toBeGreaterThanOrEqual(j.idealCycles);
    expect(j.cycles).toBeLessThan(j.idealCycles * 1.5);
  });

  it('refuses an input too large for a MEM tile, naming the tensor', async () => {
    const r = await execa('node', ['bin/basalt.js', 'run', '--preset', 'tiny', '--expr', 'x(i)=b(i)*c(i)',
      '--input', 'b=random:2000:0.9:1', '--input', 'c=random:2000:0.9:2', '--json'], { reject: false });
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/tensor b level 0 \(seg \+ crd\) needs \d+ SRAM words but a MEM tile holds 256/);
  });
});
