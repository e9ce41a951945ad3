/**
 * End to end on the generated RTL: every kernel of the DESIGN.md table is
 * placed, routed, configured by its bitstream, simulated by Verilator on the
 * default array, read back and decoded, and must equal the golden model and
 * the reference evaluation.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { presetIR } from './helpers/arch.ts';
import { SPACC_TABLE, TABLE, graphOf, kernelOf, randomInputs, uniformDims } from '../flow/kernel-table.ts';
import { buildSamGraph } from '../compiler/sam-graph.ts';
import { buildModel } from '../sim/verilator.ts';
import { runOnRtl } from '../sim/run-kernel.ts';
import { lowerForHardware, mapKernel } from '../compiler/map-kernel.ts';
import { runGraph } from '../golden/run-graph.ts';
import { evaluate } from '../golden/reference.ts';
import { makeTensor, tensorDiff, type Tensor } from '../formats/tensor.ts';
import { resolveKernel } from '../compiler/resolve.ts';
import { readBitstream } from '../compiler/bitstream.ts';
import { nodeMode } from '../compiler/place.ts';
import { configAddress, fieldOf } from '../generator/ir.ts';
import { mappedHash } from './helpers/map-hash.ts';
import { mulberry32 } from '../base/prng.ts';

const ir = presetIR('default');

describe('kernels on the RTL (default array, Verilator)', () => {
  beforeAll(async () => {
    await buildModel(ir);
  });

  it.each([...TABLE, ...SPACC_TABLE].map((c) => [c.name, c] as const))('%s', async (_, c) => {
    const runs = TABLE.includes(c) ? [[1, 0.5], [2, 0.25], [3, 0]] as const : [[1, 0.5], [3, 0]] as const;
    for (const [seed, density] of runs) {
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

  // Dense and mixed output formats: dense levels hold no seg/crd; their values sit at their positions.
  const FORMATS: [string, string[]][] = [
    ['elementwise mul', ['dd', 'ds', 'sd']],
    ['SpMSpM inner product', ['dd', 'ds', 'sd']],
    ['SpMSpM Gustavson', ['dd', 'sd']],
    ['TTM', ['ddd', 'dsd', 'sdd', 'dss']],
    ['SpMV CSR, c dense', ['d']],
    ['MTTKRP', ['dd']],
    ['SDDMM', ['ds']],
  ];
  it.each(FORMATS)('%s with dense and mixed output formats', async (name, formats) => {
    const c = [...TABLE, ...SPACC_TABLE].find((k) => k.name === name)!;
    const out = c.expr.slice(0, c.expr.indexOf('('));
    for (const [n, f] of formats.entries()) {
      const dims = uniformDims(c, 5);
      const kernel = kernelOf(c, dims, { ...c.formats, [out]: f });
      const graph = buildSamGraph(kernel, { dataWidth: 16 });
      // Empty rows and columns appear at this density; the dense levels keep them as zeros.
      const inputs = randomInputs(c, dims, 0.4, 20 + n);
      const ref = evaluate(kernel.assignment, inputs, { dataWidth: 16, outputShape: kernel.output.shape });
      expect(ref.values.length, 'a non-empty result').toBeGreaterThan(0);
      const r = await runOnRtl({ spec: ir.spec, kernel, graph, inputs, simulator: 'verilator' });
      expect(tensorDiff(r.output, ref), `${name} as ${out}=${f}`).toBeNull();
    }
  });

  // A sparse output drops the coordinates whose sums were empty. A run of them longer than the
  // stream buffers once deadlocked the array (the sums waited, one per dropped coordinate, for the
  // next kept one); the reducers now drop those sums themselves.
  it.each([
    ['SpMV CSR, sparse c: 150 empty rows, then rows whose products all miss c', 'x(i)=B(i,j)*c(j)', { B: 'ds', c: 's' }, undefined],
    ['inner product: a row of B meeting 150 columns of C it does not intersect', 'X(i,j)=B(i,k)*C(k,j)', { B: 'ss', C: 'ss:1,0' }, ['i', 'j', 'k']],
  ] as const)('%s', async (_, expr, formats, order) => {
    const n = 200;
    const entries = (f: (r: number) => number[]) => Array.from({ length: n }, (_, r) => f(r).map((c) => [[r, c], 1 + ((r * 7 + c) % 9)] as [number[], number])).flat();
    const inputs: Record<string, Tensor> = expr.startsWith('x')
      ? {
        // Rows 0..149 empty; rows 150..199 hold odd columns only, c even ones (and column 1 for the last row).
        B: makeTensor([n, n], entries((r) => (r < 150 ? [] : [1 + 2 * (r % 40), 3 + 2 * (r % 30)]))),
        c: makeTensor([n], [...Array.from({ length: 100 }, (_, k) => [[2 * k], 3] as [number[], number]), [[1], 5]]),
      }
      : {
        // B's rows hold even k; C's columns 0..149 odd k below 20, columns 150, 160, 199 even k too.
        B: makeTensor([n, n], entries((r) => (r % 50 === 0 ? [0, 2, 4, 6] : []))),
        C: makeTensor([n, n], entries((k) => (k % 2 === 1 && k < 20 ? Array.from({ length: 150 }, (_, j) => j) : k < 8 ? [150, 160, 199] : []))),
      };
    const kernel = resolveKernel(expr, formats, order, Object.fromEntries(Object.entries(inputs).map(([t, v]) => [t, v.shape])));
    const graph = buildSamGraph(kernel, { dataWidth: 16 });
    const ref = evaluate(kernel.assignment, inputs, { dataWidth: 16, outputShape: kernel.output.shape });
    expect(ref.values.length).toBeGreaterThan(0);
    const r = await runOnRtl({ spec: ir.spec, kernel, graph, inputs, simulator: 'verilator' });
    expect(tensorDiff(r.output, ref)).toBeNull();
  });

  it('maps deterministically: the same bitstream and memory image in another process', async () => {
    const name = TABLE.find((k) => k.name.startsWith('SpMV CSR'))!.name;
    const other = await execa('node', ['bin/run-ts.js', 'test/helpers/map-hash.ts', name, '9']);
    expect(other.stdout.trim()).toBe(mappedHash(name, 9));
    expect(mappedHash(name, 10)).not.toBe(mappedHash(name, 9));
  });

  it('configures every placed node with its mode, through a bitstream of this arch', () => {
    // MTTKRP: scanners, joiners, repeats of the root stream (C and D lack i), ALUs and reducers.
    const c = TABLE.find((k) => k.name === 'MTTKRP')!;
    const dims = uniformDims(c, 5);
    const { graph } = graphOf(c, dims);
    const m = mapKernel(ir, graph, randomInputs(c, dims, 0.5, 4));
    const words = new Map(readBitstream(ir, m.bitstream).map((w) => [w.address, w.data]));
    const g = m.graph;
    // Hardware lowering removes exactly the repeats of the root stream (they become wires).
    const rootRepeats = graph.nodes.filter((n) => n.prim === 'repeat' && graph.roots.some((r) => r.node === n.id));
    expect(rootRepeats.length).toBeGreaterThan(0);
    expect(g.nodes.map((n) => n.id)).toEqual(graph.nodes.filter((n) => !rootRepeats.includes(n)).map((n) => n.id));
    expect(m.placement.size).toBe(g.nodes.length);
    for (const n of g.nodes) {
      const tile = m.placement.get(n.id)!;
      expect(ir.tiles[tile].kind).toBe(nodeMode(n).kind);
      const f = fieldOf(ir, tile, 'mode');
      expect(((words.get(configAddress(tile, f.reg)) ?? 0) >>> f.lsb) & (2 ** f.width - 1), n.label).toBe(nodeMode(n).code);
    }
    // No two nodes share a tile.
    expect(new Set(m.placement.values()).size).toBe(m.placement.size);
  });

  it('turns a repeat of the root stream into a wire (SpMV broadcasts a sparse c along i)', () => {
    const c = TABLE.find((k) => k.name === 'SpMV CSR, c sparse')!;
    const { graph } = graphOf(c, uniformDims(c, 4));
    const rootRepeats = graph.nodes.filter((n) => n.prim === 'repeat' && graph.roots.some((r) => r.node === n.id));
    expect(rootRepeats.length).toBe(1);
    const g = lowerForHardware(graph);
    expect(g.nodes.length).toBe(graph.nodes.length - 1);
    expect(g.edges.some((e) => e.from.node === rootRepeats[0].id || e.to.node === rootRepeats[0].id)).toBe(false);
  });

  it.each([16, 32] as const)('wraps exactly like the reference at %i bits (values near the limits)', async (dw) => {
    const arch = dw === 16 ? ir : presetIR('tiny', { dataWidth: 32, memWidth: 32, width: 6 });
    const r = mulberry32(dw);
    const big = () => Math.floor((r() * 2 - 1) * 2 ** (dw - 1));
    for (const name of ['vector mul', 'residual', 'MatTransMul scaled (constants)']) {
      const c = TABLE.find((k) => k.name === name)!;
      const dims = uniformDims(c, 6);
      const { kernel, graph } = graphOf(c, dims, dw);
      // Random patterns, values spread over the whole signed range: products and sums wrap.
      const inputs = Object.fromEntries(Object.entries(randomInputs(c, dims, 0.7, 11)).map(([t, x]) => [t, { ...x, values: x.values.map(big) }]));
      const ref = evaluate(kernel.assignment, inputs, { dataWidth: dw, outputShape: kernel.output.shape });
      expect(ref.values.some((v) => Math.abs(v) > 2 ** (dw - 2)), 'values really are large').toBe(true);
      const out = await runOnRtl({ spec: arch.spec, kernel, graph, inputs, simulator: 'verilator' });
      expect(tensorDiff(out.output, ref), `${name} at ${dw} bits`).toBeNull();
    }
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

  it('tiles a vector longer than the 16-bit coordinate range, exactly', async () => {
    const r = await execa('node', ['bin/basalt.js', 'run', '--preset', 'default', '--expr', 'x(i)=b(i)*c(i)',
      '--input', 'b=random:100000:0.0002:1', '--input', 'c=random:100000:0.0002:2', '--values', 'seed:3', '--json'], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.match).toBe(true);
    // Coordinates on the datapath reach 65535: at least two tiles along i.
    expect(j.tiling.tileShape.i).toBeLessThanOrEqual(65536);
    expect(j.tiling.tiles).toBeGreaterThanOrEqual(2);
    // The bus and the array work at once: the total is at least either and at most their sum.
    expect(j.cycles).toBeGreaterThanOrEqual(Math.max(j.tiling.loadCycles, j.tiling.computeCycles));
    expect(j.cycles).toBeLessThanOrEqual(j.tiling.loadCycles + j.tiling.computeCycles);
  });

  it('tiles an input too large for a MEM tile (tasks back to back in one process), and names it where tiling is not allowed', async () => {
    const args = ['bin/basalt.js', 'run', '--preset', 'tiny', '--expr', 'x(i)=b(i)*c(i)', '--input', 'b=random:2000:0.9:1', '--input', 'c=random:2000:0.9:2', '--json'];
    const r = await execa('node', args, { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.match).toBe(true);
    expect(j.tiling.tiles).toBeGreaterThan(8);
    const icarus = await execa('node', [...args, '--simulator', 'icarus'], { reject: false });
    expect(icarus.exitCode).toBe(1);
    expect(icarus.stdout).toBe('');
    expect(icarus.stderr).toMatch(/--simulator icarus runs a kernel that fits the array whole, and this one needs tiling \(tensor b level 0 \(seg \+ crd\) needs \d+ SRAM words but a MEM tile holds 256/);
  });
});
