/** SAM graph construction: structure, bindings, port discipline, Graphviz, and clear refusals. */
import { describe, expect, it } from 'vitest';
import { resolveKernel } from '../compiler/resolve.ts';
import { reducedToString } from '../lang/reductions.ts';
import { buildSamGraph, tileCounts, toDot, UnsupportedKernelError, type GraphNode, type SamGraph } from '../compiler/sam-graph.ts';
import { hoistSums } from '../compiler/sam-scopes.ts';
import { PRIM_PORTS, requiredInputs, type ConfigOf } from './helpers/sam.ts';
import { GUSTAVSON, SPACC_TABLE, TABLE, graphOf, uniformDims } from '../flow/kernel-table.ts';

const build = (expr: string, formats: Record<string, string>, shapes: Record<string, number[]>, order?: string[], dataWidth = 16) =>
  buildSamGraph(resolveKernel(expr, formats, order, shapes), { dataWidth });
const labels = (g: SamGraph) => g.nodes.map((n) => n.label);
const node = (g: SamGraph, label: string): GraphNode => {
  const n = g.nodes.find((x) => x.label === label);
  if (!n) throw new Error(`no node '${label}' in ${labels(g).join(' | ')}`);
  return n;
};
/** The source of an input port, as 'label.port' (or 'root'). */
const feed = (g: SamGraph, id: string, port: string): string => {
  if (g.roots.some((r) => r.node === id && r.port === port)) return 'root';
  const e = g.edges.find((x) => x.to.node === id && x.to.port === port);
  if (!e) return 'none';
  return `${g.nodes.find((n) => n.id === e.from.node)!.label}.${e.from.port}`;
};

/** The input ports each node must have driven (the ALU's depend on its op and constant). */
function needed(n: GraphNode): string[] {
  if (n.prim === 'alu') return requiredInputs('alu', n.config as ConfigOf<'alu'>);
  return [...PRIM_PORTS[n.prim].inputs];
}

describe('every kernel of the table', () => {
  for (const c of [...TABLE, ...SPACC_TABLE]) {
    it(`${c.name}: ports driven exactly once, known port names, MEM/PE tiles, data-free and JSON-clean`, () => {
      const { graph: g } = graphOf(c, uniformDims(c, 5));
      const ids = new Set(g.nodes.map((n) => n.id));
      expect(ids.size).toBe(g.nodes.length);
      const driven = new Map<string, number>();
      for (const e of g.edges) {
        expect(ids.has(e.from.node) && ids.has(e.to.node)).toBe(true);
        const from = g.nodes.find((n) => n.id === e.from.node)!;
        const to = g.nodes.find((n) => n.id === e.to.node)!;
        expect(PRIM_PORTS[from.prim].outputs).toContain(e.from.port);
        expect(PRIM_PORTS[to.prim].inputs).toContain(e.to.port);
        expect(['crd', 'ref', 'val', 'repsig']).toContain(e.kind);
        driven.set(`${e.to.node}.${e.to.port}`, (driven.get(`${e.to.node}.${e.to.port}`) ?? 0) + 1);
      }
      for (const r of g.roots) driven.set(`${r.node}.${r.port}`, (driven.get(`${r.node}.${r.port}`) ?? 0) + 1);
      for (const n of g.nodes) for (const p of needed(n)) expect(driven.get(`${n.id}.${p}`), `${n.label}.${p}`).toBe(1);
      expect([...driven.keys()].every((k) => g.nodes.some((n) => needed(n).some((p) => `${n.id}.${p}` === k)))).toBe(true);
      for (const n of g.nodes) expect(n.tile).toBe(['level-scanner', 'level-writer', 'level-scatter', 'value-array', 'value-writer', 'value-scatter', 'spacc', 'spacc2'].includes(n.prim) ? 'mem' : 'pe');
      // Only the kernels that sum outside a kept loop use the (golden-only) sparse accumulator.
      expect(g.nodes.some((n) => n.prim === 'spacc' || n.prim === 'spacc2')).toBe(SPACC_TABLE.includes(c));
      const t = tileCounts(g);
      expect(t.pe + t.mem).toBe(g.nodes.length);
      // Plain data: survives JSON, and holds no tensor contents (bound at run time).
      expect(JSON.parse(JSON.stringify(g))).toEqual(g);
      for (const n of g.nodes) expect(JSON.stringify(n.config)).not.toMatch(/"(seg|crd|vals)":/);
      // Each compressed input level is read by a scanner (a dense one is scanned or located), each tensor's vals by a value array.
      for (const b of g.inputs) {
        for (const l of b.levels) if (l.kind === 's') expect(l.scanners.length).toBeGreaterThan(0);
        expect(b.valueArrays.length).toBeGreaterThan(0);
      }
      expect(g.output.levels.length).toBe(g.output.shape.length);
    });
  }
});

describe('structure of known graphs', () => {
  it('SpMV with B CSR (ds) and c dense: c located by B\'s coordinates (no scan of c, no intersect), mul, reduce, writers', () => {
    const g = build('x(i)=B(i,j)*c(j)', { B: 'ds', c: 'd' }, { B: [4, 5], c: [5] });
    expect(node(g, 'scan B.i (d)').binding).toEqual({ kind: 'input-level', tensor: 'B', level: 0 });
    expect(node(g, 'scan B.j (s)').binding).toEqual({ kind: 'input-level', tensor: 'B', level: 1 });
    expect(feed(g, node(g, 'scan B.i (d)').id, 'in_ref')).toBe('root');
    // c's only level hangs off the root reference 0: its positions are B's column coordinates.
    expect(feed(g, node(g, 'vals B').id, 'in_ref')).toBe('scan B.j (s).out_ref');
    expect(feed(g, node(g, 'vals c').id, 'in_ref')).toBe('scan B.j (s).out_crd');
    for (const gone of ['scan c.j (d)', 'intersect j', 'repeat c along i', 'repsig i']) expect(labels(g)).not.toContain(gone);
    expect(g.inputs.find((b) => b.tensor === 'c')!.levels[0].scanners).toEqual([]);
    expect(feed(g, node(g, 'reduce j').id, 'in_val')).toBe('mul.out_val');
    // x is compressed: rows whose fiber of B was empty are dropped, and their sums with them (the
    // reducer drops empty fibers' sums, so no re-alignment: it would buffer a sum per empty row).
    expect(feed(g, node(g, 'write x.i').id, 'in_crd')).toBe('drop i|j.out_outer');
    expect(feed(g, node(g, 'write x vals').id, 'in_val')).toBe('reduce j.out_val');
    expect(node(g, 'reduce j').config).toMatchObject({ dropEmpty: true });
    expect(labels(g).filter((l) => /align sums|once per|crd i per fiber/.test(l))).toEqual([]);
    expect(g.inputs.map((b) => [b.tensor, b.format])).toEqual([['B', 'ds'], ['c', 'd']]);
    expect(g.output).toMatchObject({ tensor: 'x', format: 's', shape: [4] });
    expect(tileCounts(g)).toEqual({ pe: 3, mem: 6 });
  });

  it('a dense level below the top is located as parent reference x size + coordinate', () => {
    const g = build('X(i,j)=B(i,j)*C(i,j)', { B: 'ss', C: 'dd' }, { B: [4, 6], C: [4, 6] });
    for (const gone of ['scan C.i (d)', 'scan C.j (d)', 'intersect i', 'intersect j']) expect(labels(g)).not.toContain(gone);
    // Level 0: C's positions are B's row coordinates; level 1: held row position x 6 + column coordinate.
    const hold = node(g, 'hold C ref along j');
    expect(feed(g, hold.id, 'in_outer')).toBe('scan B.i (s).out_crd');
    expect(feed(g, hold.id, 'in_inner')).toBe('scan B.j (s).out_crd');
    const mul = g.nodes.find((n) => n.prim === 'alu' && feed(g, n.id, 'val_a') === 'hold C ref along j.out_outer')!;
    expect(mul.config).toMatchObject({ op: 'mul', constant: 6 });
    const add = g.nodes.find((n) => n.prim === 'alu' && feed(g, n.id, 'val_a') === `${mul.label}.out_val`)!;
    expect(add.config).toMatchObject({ op: 'add' });
    expect(feed(g, add.id, 'val_b')).toBe('scan B.j (s).out_crd');
    expect(feed(g, node(g, 'vals C').id, 'in_ref')).toBe(`${add.label}.out_val`);
  });

  it('a dense level is scanned, not located, where its fibers may be empty (N references of a union)', () => {
    // D's row references pass a union with B (N where B has a row C lacks): its columns are scanned.
    const g = build('X(i,j)=B(i,j)+C(i,j)*D(i,j)', { B: 'ss', C: 'ss', D: 'dd' }, { B: [4, 6], C: [4, 6], D: [4, 6] });
    expect(labels(g)).not.toContain('scan D.i (d)');
    expect(labels(g)).toContain('scan D.j (d)');
    expect(labels(g)).toContain('intersect j');
  });

  it('SpMSpM inner product: C repeated along i, B along j, intersect over k, one reducer', () => {
    const g = build('X(i,j)=B(i,k)*C(k,j)', { C: 'ss:1,0' }, { B: [3, 4], C: [4, 5] }, ['i', 'j', 'k']);
    expect(labels(g)).toEqual(expect.arrayContaining(['repeat C along i', 'repeat B along j', 'intersect k', 'reduce k', 'write X.i', 'write X.j']));
    expect(labels(g).filter((l) => l.startsWith('union'))).toEqual([]);
    expect(node(g, 'scan C.j (s)').binding).toEqual({ kind: 'input-level', tensor: 'C', level: 0 });
    expect(feed(g, node(g, 'scan C.j (s)').id, 'in_ref')).toBe('repeat C along i.out_ref');
    expect(g.nodes.filter((n) => n.prim === 'reduce' && n.label.startsWith('reduce'))).toHaveLength(1);
  });

  it('Gustavson (order i,k,j): intersect over k, B repeated along j, one spacc over k into j, no reducer', () => {
    const { graph: g } = graphOf(GUSTAVSON, { i: 3, k: 4, j: 5 });
    const sp = node(g, 'spacc k into j');
    expect(sp).toMatchObject({ prim: 'spacc', config: { dataWidth: 16 }, tile: 'mem', indexVar: 'k' });
    expect(feed(g, sp.id, 'in_crd_outer')).toBe('intersect k.out_crd');
    expect(feed(g, sp.id, 'in_crd_inner')).toBe('scan C.j (s).out_crd');
    expect(feed(g, sp.id, 'in_val')).toBe('mul.out_val');
    expect(feed(g, node(g, 'scan C.j (s)').id, 'in_ref')).toBe('intersect k.out_ref_b');
    expect(feed(g, node(g, 'repeat B along j').id, 'in_ref')).toBe('intersect k.out_ref_a');
    expect(g.nodes.filter((n) => n.prim === 'reduce')).toEqual([]);
    // The accumulated j fibers are X's innermost level; rows whose fiber came out empty are dropped.
    expect(feed(g, node(g, 'write X.j').id, 'in_crd')).toBe('spacc k into j.out_crd');
    expect(feed(g, node(g, 'write X vals').id, 'in_val')).toBe('spacc k into j.out_val');
    expect(feed(g, node(g, 'drop i|j').id, 'in_outer')).toBe('scan B.i (s).out_crd');
    expect(feed(g, node(g, 'drop i|j').id, 'in_inner')).toBe('spacc k into j.out_crd');
    expect(feed(g, node(g, 'write X.i').id, 'in_crd')).toBe('drop i|j.out_outer');
    expect(tileCounts(g)).toEqual({ pe: 7, mem: 10 });
  });

  it('SpMV over CSC (order j,i): the spacc over j writes x.i directly; chains of spaccs for two summed loops', () => {
    const g = build('x(i)=B(i,j)*c(j)', { B: 'ss:1,0' }, { B: [3, 4], c: [4] });
    expect(g.order).toEqual(['j', 'i']);
    expect(feed(g, node(g, 'spacc j into i').id, 'in_crd_outer')).toBe('intersect j.out_crd');
    expect(feed(g, node(g, 'spacc j into i').id, 'in_crd_inner')).toBe('scan B.i (s).out_crd');
    expect(feed(g, node(g, 'write x.i').id, 'in_crd')).toBe('spacc j into i.out_crd');
    // MTTKRP in order i,k,l,j: spacc over l first, its output accumulated again over k.
    const m = build('X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', { C: 'ss:1,0', D: 'ss:1,0' }, { B: [2, 3, 4], C: [5, 3], D: [5, 4] }, ['i', 'k', 'l', 'j']);
    expect(feed(m, node(m, 'spacc k into j').id, 'in_crd_inner')).toBe('spacc l into j.out_crd');
    expect(feed(m, node(m, 'spacc k into j').id, 'in_val')).toBe('spacc l into j.out_val');
    expect(feed(m, node(m, 'spacc l into j').id, 'in_crd_outer')).toBe('intersect l.out_crd');
    expect(feed(m, node(m, 'spacc k into j').id, 'in_crd_outer')).toBe('intersect k.out_crd');
    // In order i,k,j,l the sum over l (inside j) is reduced and aligned to j before the spacc over k.
    const r = build('X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', { C: 'ss:1,0' }, { B: [2, 3, 4], C: [5, 3], D: [5, 4] }, ['i', 'k', 'j', 'l']);
    expect(feed(r, node(r, 'reduce l').id, 'in_val')).toBe('mul.out_val');
    expect(feed(r, node(r, 'spacc k into j').id, 'in_val')).toBe('reduce l.out_val');
    expect(node(r, 'reduce l').config).toMatchObject({ dropEmpty: true });
    expect(feed(r, node(r, 'spacc k into j').id, 'in_crd_inner')).toBe('drop j|l.out_outer');
  });

  it('add3: a union whose side holds two tensors is instantiated once per reference', () => {
    const g = build('X(i,j)=B(i,j)+C(i,j)+D(i,j)', {}, { B: [3, 3], C: [3, 3], D: [3, 3] });
    expect(labels(g).filter((l) => l.startsWith('union i'))).toEqual(['union i', 'union i #1', 'union i #2']);
    const [u1, u2] = [node(g, 'union i #1'), node(g, 'union i #2')];
    // Both copies merge the same coordinates; each carries one of B's and C's references.
    expect(feed(g, u1.id, 'crd_a')).toBe(feed(g, u2.id, 'crd_a'));
    expect(feed(g, u1.id, 'ref_a')).toBe('union i.out_ref_a');
    expect(feed(g, u2.id, 'ref_a')).toBe('union i.out_ref_b');
    expect(node(g, 'scan D.j (s)') && feed(g, node(g, 'scan D.j (s)').id, 'in_ref')).toBe('union i #1.out_ref_b');
  });

  it('constants become ALU constant operands; c - x is (x * -1) + c', () => {
    const g = build('x(i)=2*C(j,i)*d(j)+3*e(i)', { C: 'ss:1,0' }, { C: [4, 5], d: [4], e: [5] });
    const consts = g.nodes.filter((n) => n.prim === 'alu').map((n) => (n.config as ConfigOf<'alu'>).constant);
    expect(consts.sort()).toEqual([2, 3, undefined, undefined].sort());
    const h = build('x(i)=1-b(i)', {}, { b: [4] });
    expect(h.nodes.filter((n) => n.prim === 'alu').map((n) => n.label)).toEqual(['mul -1', 'add 1']);
    // A term of + that lacks i is dense in i: it enters the union through a dense scanner.
    expect(labels(h)).toContain('dense i for 1');
  });

  it('MTTKRP: the sums over k and l are hoisted into one, reduced innermost first', () => {
    expect(reducedToString(hoistSums(resolveKernel('X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', {}, undefined, { B: [2, 3, 4], C: [5, 3], D: [5, 4] }).reduced))).toBe(
      'sum[l,k]((B(i,k,l)*C(j,k))*D(j,l))',
    );
    const g = build('X(i,j)=B(i,k,l)*C(j,k)*D(j,l)', {}, { B: [2, 3, 4], C: [5, 3], D: [5, 4] });
    const red = node(g, 'reduce k');
    expect(feed(g, red.id, 'in_val')).toBe('reduce l.out_val');
    // Sums are never moved across + or -.
    expect(reducedToString(hoistSums(resolveKernel('x(i)=b(i)-C(i,j)*d(j)', {}, undefined, { b: [2], C: [2, 3], d: [3] }).reduced))).toBe('b(i)-sum[j](C(i,j)*d(j))');
  });

  it('scalar output: reduced down to the root, no level writers', () => {
    const g = build('x=B(i,j,k)*C(i,j,k)', {}, { B: [2, 3, 4], C: [2, 3, 4] });
    expect(g.output.levels).toEqual([]);
    expect(labels(g).filter((l) => l.startsWith('reduce'))).toEqual(['reduce k', 'reduce j', 'reduce i']);
  });

  it('toDot lists every node and edge, the root, and styles streams by kind', () => {
    const g = build('x(i)=B(i,j)*c(j)', { B: 'ds', c: 's' }, { B: [4, 5], c: [5] });
    const dot = toDot(g);
    expect(dot.startsWith('digraph SAM {')).toBe(true);
    expect(dot.trimEnd().endsWith('}')).toBe(true);
    for (const n of g.nodes) expect(dot).toContain(`  ${n.id} [label="${n.label}"`);
    expect(dot.match(/->/g)!.length).toBe(g.edges.length + g.roots.length);
    expect(dot).toContain('root [label="0, D"');
    expect(dot).toMatch(/style=dotted/); // repsig
    expect(dot).toMatch(/style=dashed/); // crd
  });
});

describe('refusals name the construct the primitives lack', () => {
  const refuse = (f: () => unknown, msg: RegExp) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UnsupportedKernelError);
    expect((err as Error).message).toMatch(msg);
    expect((err as Error).message).not.toContain('\n');
  };

  it('outer product (k,i,j) uses the two-level accumulator, three late variables are refused; Gustavson and SpMV over CSC build', () => {
    const op = build('X(i,j)=B(i,k)*C(k,j)', { B: 'ss:1,0' }, { B: [3, 4], C: [4, 5] }, ['k', 'i', 'j']);
    const acc = op.nodes.find((n) => n.prim === 'spacc2')!;
    expect(acc.config).toEqual({ dataWidth: 16, midSize: 3, innerSize: 5 });
    // Its outputs are the output's two levels and values.
    const feed = (node: string, port: string) => op.edges.find((e) => e.to.node === node && e.to.port === port)!.from;
    expect(feed(op.output.levels[1].kind === 's' ? op.output.levels[1].writer : '', 'in_crd')).toEqual({ node: acc.id, port: 'out_crd_inner' });
    expect(feed(op.output.values, 'in_val')).toEqual({ node: acc.id, port: 'out_val' });
    refuse(
      () => build('X(i,j,k)=B(i,j,l)*C(k,l)', { B: 'sss:2,0,1', C: 'ss:1,0' }, { B: [2, 3, 4], C: [5, 4] }, ['l', 'i', 'j', 'k']),
      /sums over l outside the loop over i,j,k.*3-level sparse accumulator, which the primitive set lacks/,
    );
    expect(() => graphOf(GUSTAVSON, { i: 3, j: 4, k: 5 })).not.toThrow();
    expect(() => build('x(i)=B(i,j)*c(j)', { B: 'ss:1,0' }, { B: [3, 4], c: [4] })).not.toThrow();
  });

  it('a spacc sum must be the whole right-hand side, over the innermost output level', () => {
    const whole = /sums over k outside the loop over j.*sparse accumulator.*only when the sum is the whole right-hand side/;
    refuse(() => build('X(i,j)=B(i,k)*C(k,j)+D(i,j)', {}, { B: [3, 4], C: [4, 5], D: [3, 5] }, ['i', 'k', 'j']), whole);
    refuse(() => build('X(i,j)=B(i,k)*C(k,j)+1', {}, { B: [3, 4], C: [4, 5] }, ['i', 'k', 'j']), whole);
    // The residual over a CSC matrix: the sum over j is one term of the difference.
    refuse(() => build('x(i)=b(i)-C(i,j)*d(j)', { C: 'ss:1,0' }, { b: [3], C: [3, 4], d: [4] }), /sums over j outside the loop over i.*whole right-hand side/);
  });

  it('dense output levels: positions from the coordinates, no writer; refused where a seg would need a run-time count', () => {
    const count = (g: SamGraph, prim: string) => g.nodes.filter((n) => n.prim === prim).length;
    const dd = build('X(i,j)=B(i,j)*C(i,j)', { X: 'dd' }, { B: [3, 4], C: [3, 4] });
    // No level writer; j's positions = i x 4 + j (a crd-hold of i, two ALU ops); the values scattered.
    expect([count(dd, 'level-writer'), count(dd, 'level-scatter'), count(dd, 'value-scatter'), count(dd, 'value-writer')]).toEqual([0, 0, 1, 0]);
    expect(dd.nodes.filter((n) => n.prim === 'alu').map((n) => (n.config as ConfigOf<'alu'>).constant)).toContain(4);
    expect(dd.output.levels.map((l) => l.kind)).toEqual(['d', 'd']);
    const ds = build('X(i,j)=B(i,j)*C(i,j)', { X: 'ds' }, { B: [3, 4], C: [3, 4] });
    expect(ds.nodes.find((n) => n.prim === 'level-scatter')!.config).toEqual({ parentPositions: 3 });
    expect(count(ds, 'crd-drop')).toBe(0); // a dense level keeps its coordinates
    expect(count(build('X(i,j)=B(i,j)*C(i,j)', { X: 'sd' }, { B: [3, 4], C: [3, 4] }), 'value-scatter')).toBe(1);
    refuse(() => build('X(i,j,k)=B(i,j,k)*C(i,j,k)', { X: 'sds' }, { B: [2, 3, 4], C: [2, 3, 4] }), /format 'sds': a compressed level below a dense level below a compressed one is not supported/);
    refuse(() => build('X(i,j)=B(i,j)*C(i,j)', { X: 'dd' }, { B: [300, 300], C: [300, 300] }), /dense levels have 90000 positions, beyond the 16-bit datapath/);
  });

  it('a discordant second access of a tensor', () => {
    refuse(() => build('X(i,j)=B(i,j)*B(j,i)', {}, { B: [3, 3] }), /discordant traversal: B\(j,i\)/);
  });

  it('aligning sums through a reducer needs coordinates that fit the datapath', () => {
    refuse(() => build('x(i)=b(i)-C(i,j)*d(j)', {}, { b: [300], C: [300, 4], d: [4] }, undefined, 8), /i has size 300 > 128/);
    expect(() => build('x(i)=b(i)-C(i,j)*d(j)', {}, { b: [128], C: [128, 4], d: [4] }, undefined, 8)).not.toThrow();
    // A sparse output's dropped sums need no re-alignment, so no such limit.
    expect(() => build('x(i)=B(i,j)*c(j)', {}, { B: [300, 4], c: [4] }, undefined, 8)).not.toThrow();
  });
});
