/**
 * Golden SAM primitives: the DESIGN.md example, the expectations of SAM's own
 * simulator unit tests (weiya711/sam sam/sim/test/primitives/*, with SAM's
 * level-less 'S' written as the stop it stands for), and corner cases.
 */
import { describe, expect, it } from 'vitest';
import {
  alu, crdDrop, crdHold, intersect, levelScanner, levelWriter, reduce, repeat, repeatSigGen, union, valueArray,
  valueWriter, ALU_OPS, type AluOp, type Level,
} from './helpers/sam.ts';
import { parseStream, streamToString, type Stream } from '../sam/tokens.ts';

const p = parseStream;
const str = (s: Stream) => streamToString(s);
const cs = (seg: number[], crd: number[]): Level => ({ kind: 's', seg, crd });
const dense = (size: number): Level => ({ kind: 'd', size });
/** Runs the scanner and prints both outputs. */
const scan = (l: Level, ref: string) => {
  const r = levelScanner(l, p(ref));
  return { crd: str(r.crd), ref: str(r.ref) };
};
const range = (n: number, f = (i: number) => String(i)) => Array.from({ length: n }, (_, i) => f(i));

// B = [[0,5,0],[0,0,0],[7,0,9]] stored DCSR (DESIGN.md).
const Bi = cs([0, 2], [0, 2]);
const Bj = cs([0, 1, 3], [1, 0, 2]);
const Bvals = [5, 7, 9];

describe('level scanner', () => {
  it('reproduces the DESIGN.md example exactly', () => {
    expect(scan(Bi, '0, D')).toEqual({ crd: '0, 2, S0, D', ref: '0, 1, S0, D' });
    expect(scan(Bj, '0, 1, S0, D')).toEqual({ crd: '1, S0, 0, 2, S1, D', ref: '0, S0, 1, 2, S1, D' });
  });

  it('matches SAM test_rd_scan_c_direct_nd', () => {
    expect(scan(cs([0, 2, 3, 4], [0, 2, 2, 2]), '0, 1, 2, S0, D')).toEqual({
      crd: '0, 2, S0, 2, S0, 2, S1, D',
      ref: '0, 1, S0, 2, S0, 3, S1, D',
    });
    expect(scan(cs([0, 3, 4, 6], [0, 2, 3, 0, 2, 3]), '0, 0, S0, 1, S0, 2, S1, D')).toEqual({
      crd: '0, 2, 3, S0, 0, 2, 3, S1, 0, S1, 2, 3, S2, D',
      ref: '0, 1, 2, S0, 0, 1, 2, S1, 3, S1, 4, 5, S2, D',
    });
    expect(scan(cs([0, 4], [0, 1, 2, 3]), '0, D').crd).toBe('0, 1, 2, 3, S0, D');
  });

  it('matches SAM test_rd_scan_u_direct_{1,2,3}d for a dense level', () => {
    const row = (r: number) => range(3, (c) => String(r * 3 + c)).join(', ');
    expect(scan(dense(3), '0, D')).toEqual({ crd: '0, 1, 2, S0, D', ref: '0, 1, 2, S0, D' });
    expect(scan(dense(3), '0, 1, 2, 3, S0, D')).toEqual({
      crd: '0, 1, 2, S0, 0, 1, 2, S0, 0, 1, 2, S0, 0, 1, 2, S1, D',
      ref: `${row(0)}, S0, ${row(1)}, S0, ${row(2)}, S0, ${row(3)}, S1, D`,
    });
    expect(scan(dense(3), '0, 1, 2, S0, 3, 4, S0, 5, 6, S1, D').ref).toBe(
      `${row(0)}, S0, ${row(1)}, S0, ${row(2)}, S1, ${row(3)}, S0, ${row(4)}, S1, ${row(5)}, S0, ${row(6)}, S2, D`,
    );
  });

  it("scans 'N' as an empty fiber: SAM's 0-token tests with SAM's extra 'N' outputs removed", () => {
    // SAM's Python scanner emits an 'N' crd/ref before the stop; DESIGN.md: N is just an empty fiber.
    const dropN = (s: string) => s.split(', ').filter((t) => t !== 'N').join(', ');
    const cases: [Level, string, string, string][] = [
      [cs([0, 2, 3, 4], [0, 1, 2, 3]), '0, 1, N, 2, N, S0, D', '0, 1, S0, 2, S0, N, S0, 3, S0, N, S1, D', '0, 1, S0, 2, S0, N, S0, 3, S0, N, S1, D'],
      [cs([0, 3, 4, 6], [0, 2, 3, 0, 2, 3]), '0, N, 1, N, 2, S0, D', '0, 2, 3, S0, N, S0, 0, S0, N, S0, 2, 3, S1, D', '0, 1, 2, S0, N, S0, 3, S0, N, S0, 4, 5, S1, D'],
      [
        cs([0, 4, 5, 5, 7, 10, 11], range(11).map(Number)),
        '0, 1, N, N, S0, 2, 3, S0, N, N, S0, 4, 5, S0, N, N, S1, D',
        '0, 1, 2, 3, S0, 4, S0, N, S0, N, S1, S0, 5, 6, S1, N, S0, N, S1, 7, 8, 9, S0, 10, S1, N, S0, N, S2, D',
        '0, 1, 2, 3, S0, 4, S0, N, S0, N, S1, S0, 5, 6, S1, N, S0, N, S1, 7, 8, 9, S0, 10, S1, N, S0, N, S2, D',
      ],
    ];
    for (const [level, inRef, samCrd, samRef] of cases) {
      expect(scan(level, inRef)).toEqual({ crd: dropN(samCrd), ref: dropN(samRef) });
    }
    expect(scan(Bi, 'N, D')).toEqual({ crd: 'S0, D', ref: 'S0, D' });
    expect(scan(dense(4), 'N, S0, D').crd).toBe('S1, D');
  });

  it('handles empty fibers first, in the middle and last', () => {
    expect(scan(cs([0, 0, 2, 2, 2], [3, 4]), '0, 1, 2, 3, S0, D').crd).toBe('S0, 3, 4, S0, S0, S1, D');
    expect(scan(cs([0, 0, 2, 2, 2], [3, 4]), '0, 1, 2, 3, S0, D').ref).toBe('S0, 0, 1, S0, S0, S1, D');
  });

  it('handles an empty tensor: empty root fiber, then no fibers at all', () => {
    const i = levelScanner(cs([0, 0], []), p('0, D'));
    expect(str(i.crd)).toBe('S0, D');
    expect(scan(cs([0], []), str(i.ref))).toEqual({ crd: 'S1, D', ref: 'S1, D' });
    expect(scan(dense(5), 'S0, D').crd).toBe('S1, D');
    expect(scan(cs([0, 0], []), 'D')).toEqual({ crd: 'D', ref: 'D' });
  });

  it('handles a dense level of size 0 (every fiber empty)', () => {
    expect(scan(dense(0), '0, 1, S0, D')).toEqual({ crd: 'S0, S1, D', ref: 'S0, S1, D' });
  });

  it('carries the maximum 16-bit coordinate and the deepest stop level', () => {
    expect(scan(cs([0, 2], [0, 65535]), '0, D').crd).toBe('0, 65535, S0, D');
    expect(scan(cs([0, 1], [7]), '0, S254, D').crd).toBe('7, S255, D');
    expect(scan(cs([0, 1], [7]), 'S254, D').crd).toBe('S255, D');
    expect(() => scan(cs([0, 1], [7]), '0, S255, D')).toThrow(/beyond the deepest level S255/);
    expect(() => scan(cs([0, 1], [7]), 'S256, D')).toThrow(/outside 0\.\.255/);
  });

  it('refuses malformed streams and levels with a clear message', () => {
    expect(() => scan(Bj, '0, 1, S0')).toThrow(/in_ref: missing final 'D'/);
    expect(() => scan(Bj, '0, D, 1, D')).toThrow(/data after D/);
    expect(() => scan(Bj, '0, 2, S0, D')).toThrow(/in_ref token 1 \(2\) is out of range: the level has 2 fibers/);
    expect(() => scan(Bj, '0, R, D')).toThrow(/'R', not allowed/);
    expect(() => scan(Bj, '-1, D')).toThrow(/negative/);
    expect(() => scan(cs([1, 2], [0]), '0, D')).toThrow(/seg must start with 0/);
    expect(() => scan(cs([0, 2], [3, 1]), '0, D')).toThrow(/not strictly increasing/);
    expect(() => scan(cs([0, 3], [1, 2]), '0, D')).toThrow(/seg ends at 3 but crd has 2/);
    expect(() => scan(dense(-1), '0, D')).toThrow(/dense size/);
  });
});

describe('level writer and value writer', () => {
  it('rebuilds the DESIGN.md levels from their crd streams', () => {
    expect(levelWriter(p('0, 2, S0, D'))).toEqual({ seg: [0, 2], crd: [0, 2] });
    expect(levelWriter(p('1, S0, 0, 2, S1, D'))).toEqual({ seg: [0, 1, 3], crd: [1, 0, 2] });
  });

  it('matches SAM test_comp_wr_scan_direct', () => {
    expect(levelWriter(p('0, 2, 3, S0, 0, 2, 3, S1, D'))).toEqual({ seg: [0, 3, 6], crd: [0, 2, 3, 0, 2, 3] });
  });

  it('keeps empty fibers by default, drops them like SAM CompressWrScan with dropEmpty', () => {
    const s = p('S0, 3, 4, S0, S0, S1, D');
    expect(levelWriter(s)).toEqual({ seg: [0, 0, 2, 2, 2], crd: [3, 4] });
    expect(levelWriter(s, { dropEmpty: true })).toEqual({ seg: [0, 2], crd: [3, 4] });
  });

  it('writes an empty tensor; a lone S1 counts as one empty fiber (documented ambiguity)', () => {
    expect(levelWriter(p('S0, D'))).toEqual({ seg: [0, 0], crd: [] });
    expect(levelWriter(p('S0, D'), { dropEmpty: true })).toEqual({ seg: [0], crd: [] });
    expect(levelWriter(p('S1, D'))).toEqual({ seg: [0, 0], crd: [] });
    expect(levelWriter(p('S1, D'), { dropEmpty: true })).toEqual({ seg: [0], crd: [] });
    expect(levelWriter(p('D'))).toEqual({ seg: [0], crd: [] });
  });

  it('writes the maximum coordinate; refuses unclosed fibers and missing D', () => {
    expect(levelWriter(p('65535, S0, D'))).toEqual({ seg: [0, 1], crd: [65535] });
    expect(() => levelWriter(p('1, 2, D'))).toThrow(/not closed by a stop before 'D'/);
    expect(() => levelWriter(p('1, S0'))).toThrow(/missing final 'D'/);
    expect(() => levelWriter(p('1, N, S0, D'))).toThrow(/'N', not allowed/);
  });

  it('value writer keeps values in order and ignores stops', () => {
    expect(valueWriter(p('10, 34, S0, 0, S1, D'))).toEqual([10, 34, 0]);
    expect(valueWriter(p('S0, D'))).toEqual([]);
    expect(() => valueWriter(p('N, S0, D'))).toThrow(/'N', not allowed/);
  });
});

describe('value array', () => {
  it('maps refs to values, N to 0, passes stops and D', () => {
    expect(str(valueArray(Bvals, p('0, S0, 1, 2, S1, D')))).toBe('5, S0, 7, 9, S1, D');
    expect(str(valueArray(Bvals, p('N, 2, N, S0, S2, D')))).toBe('0, 9, 0, S0, S2, D');
    expect(str(valueArray([], p('S0, D')))).toBe('S0, D');
  });
  it('refuses a ref outside the array', () => {
    expect(() => valueArray(Bvals, p('3, S0, D'))).toThrow(/in_ref token 0 \(3\) is outside the 3 values/);
  });
});

describe('intersect', () => {
  const run = (ca: string, ra: string, cb: string, rb: string) => {
    const r = intersect({ crd: p(ca), ref: p(ra) }, { crd: p(cb), ref: p(rb) });
    return [str(r.crd), str(r.refA), str(r.refB)];
  };

  it('matches SAM test_intersect_direct_2d', () => {
    expect(run('0, S0, 0, 1, 2, S1, D', '0, S0, 1, 2, 3, S1, D', '0, 1, 2, S0, 0, 1, 2, S1, D', '0, 1, 2, S0, 0, 1, 2, S1, D')).toEqual([
      '0, S0, 0, 1, 2, S1, D',
      '0, S0, 1, 2, 3, S1, D',
      '0, S0, 0, 1, 2, S1, D',
    ]);
  });

  it('matches SAM test_intersect_1d (in1 = 16)', () => {
    const a = range(16).join(', ') + ', S0, D';
    const b = '0, 2, 4, 15, 17, 25, 31, 32, 50, 63, S0, D';
    expect(run(a, a, b, range(10).join(', ') + ', S0, D')).toEqual(['0, 2, 4, 15, S0, D', '0, 2, 4, 15, S0, D', '0, 1, 2, 3, S0, D']);
  });

  it('keeps a fiber that becomes empty as a bare stop', () => {
    expect(run('1, 3, S0, 2, S1, D', '0, 1, S0, 2, S1, D', '2, S0, 2, S1, D', '0, S0, 1, S1, D')).toEqual([
      'S0, 2, S1, D',
      'S0, 2, S1, D',
      'S0, 1, S1, D',
    ]);
    expect(run('1, S0, D', '0, S0, D', '2, S0, D', '0, S0, D')).toEqual(['S0, D', 'S0, D', 'S0, D']);
  });

  it('handles empty tensors and empty fibers on either side', () => {
    expect(run('S0, D', 'S0, D', 'S0, D', 'S0, D')).toEqual(['S0, D', 'S0, D', 'S0, D']);
    expect(run('S1, D', 'S1, D', 'S1, D', 'S1, D')).toEqual(['S1, D', 'S1, D', 'S1, D']);
    expect(run('S0, 1, S1, D', 'S0, 0, S1, D', '1, S0, S1, D', '0, S0, S1, D')).toEqual(['S0, S1, D', 'S0, S1, D', 'S0, S1, D']);
  });

  it('matches at the maximum coordinate and carries N refs', () => {
    expect(run('0, 65535, S0, D', '0, 1, S0, D', '65535, S0, D', 'N, S0, D')).toEqual(['65535, S0, D', '1, S0, D', 'N, S0, D']);
  });

  it('refuses misaligned or malformed inputs', () => {
    expect(() => run('1, S0, D', '0, S0, D', '1, S1, D', '0, S1, D')).toThrow(/misaligned stops: fiber 0 ends with S0 in crd_a \(token 1\) but S1 in crd_b/);
    expect(() => run('1, S0, 2, S1, D', '0, S0, 1, S1, D', '1, S1, D', '0, S1, D')).toThrow(/crd_a has 2 fibers, crd_b 1/);
    expect(() => run('2, 1, S0, D', '0, 1, S0, D', '1, S0, D', '0, S0, D')).toThrow(/crd_a is not strictly increasing at token 1/);
    expect(() => run('1, 2, S0, D', '0, S0, 1, D', '1, S0, D', '0, S0, D')).toThrow(/misaligned streams: crd_a token 1 is data but ref_a token 1 is S0/);
    expect(() => run('N, S0, D', 'N, S0, D', '1, S0, D', '0, S0, D')).toThrow(/crd_a: token 0 is 'N'/);
    expect(() => run('1, D', '0, D', '1, D', '0, D')).toThrow(/not closed by a stop before 'D'/);
    expect(() => run('1, S0, D', '0, S0, D', '1, S0', '0, S0')).toThrow(/crd_b: missing final 'D'/);
  });
});

describe('union', () => {
  const run = (ca: string, ra: string, cb: string, rb: string) => {
    const r = union({ crd: p(ca), ref: p(ra) }, { crd: p(cb), ref: p(rb) });
    return [str(r.crd), str(r.refA), str(r.refB)];
  };

  it('matches SAM test_union_direct_nd', () => {
    expect(run('0, 1, 3, 5, S0, D', '0, 1, 2, 3, S0, D', '0, 2, 3, 4, S0, D', '0, 1, 2, 3, S0, D')).toEqual([
      '0, 1, 2, 3, 4, 5, S0, D',
      '0, 1, N, 2, N, 3, S0, D',
      '0, N, 1, 2, 3, N, S0, D',
    ]);
    expect(
      run(
        '0, 1, S0, 2, 3, S0, S0, 4, 5, S1, D',
        '0, 1, S0, 2, 3, S0, S0, 4, 5, S1, D',
        '1, 2, 3, S0, S0, 0, 1, 2, S0, S1, D',
        '0, 1, 2, S0, S0, 2, 3, 4, S0, S1, D',
      ),
    ).toEqual([
      '0, 1, 2, 3, S0, 2, 3, S0, 0, 1, 2, S0, 4, 5, S1, D',
      '0, 1, N, N, S0, 2, 3, S0, N, N, N, S0, 4, 5, S1, D',
      'N, 0, 1, 2, S0, N, N, S0, 2, 3, 4, S0, N, N, S1, D',
    ]);
  });

  it('with an empty side gives the other side, N for the missing refs', () => {
    expect(run('S0, D', 'S0, D', '3, 65535, S0, D', '0, 1, S0, D')).toEqual(['3, 65535, S0, D', 'N, N, S0, D', '0, 1, S0, D']);
    expect(run('S0, S1, D', 'S0, S1, D', 'S0, S1, D', 'S0, S1, D')).toEqual(['S0, S1, D', 'S0, S1, D', 'S0, S1, D']);
  });

  it('refuses misaligned stops', () => {
    expect(() => run('1, S0, S1, D', '0, S0, S1, D', '1, S1, D', '0, S1, D')).toThrow(/misaligned stops/);
  });
});

describe('alu', () => {
  const W = 16;
  const op1 = (op: AluOp, a: number, b = 0, c = 0, w = W) => {
    const r = alu(op, [a, 'D'], op === 'abs' ? undefined : [b, 'D'], op === 'sel' ? [c, 'D'] : undefined, { dataWidth: w });
    return r[0];
  };

  it('computes every op with 16-bit two\'s complement wrap-around', () => {
    const table: [AluOp, number, number, number, number][] = [
      ['add', 32767, 1, 0, -32768],
      ['add', -32768, -1, 0, 32767],
      ['sub', -32768, 1, 0, 32767],
      ['sub', 5, 7, 0, -2],
      ['mul', 256, 256, 0, 0],
      ['mul', 300, 300, 0, 24464],
      ['mul', -32768, -1, 0, -32768],
      ['min', -5, 3, 0, -5],
      ['max', -5, 3, 0, 3],
      ['abs', -7, 0, 0, 7],
      ['abs', -32768, 0, 0, -32768],
      ['shl', 1, 15, 0, -32768],
      ['shl', 3, 17, 0, 6], // amount mod 16
      ['shl', -1, -1, 0, -32768], // amount 0xffff mod 16 = 15
      ['shr', -1, 1, 0, 32767], // logical
      ['shr', -32768, 15, 0, 1],
      ['ashr', -1, 1, 0, -1], // arithmetic
      ['ashr', -32768, 15, 0, -1],
      ['ashr', 100, 2, 0, 25],
      ['and', -1, 0x0f0f, 0, 0x0f0f],
      ['or', -32768, 1, 0, -32767],
      ['xor', -1, 0x7fff, 0, -32768],
      ['eq', 4, 4, 0, 1],
      ['ne', 4, 4, 0, 0],
      ['lt', -1, 0, 0, 1],
      ['le', 0, 0, 0, 1],
      ['gt', -32768, 32767, 0, 0],
      ['ge', 32767, -32768, 0, 1],
      ['sel', 11, 22, 1, 11],
      ['sel', 11, 22, 0, 22],
      ['sel', 11, 22, -1, 11],
    ];
    for (const [op, a, b, c, want] of table) expect([op, a, b, c, op1(op, a, b, c)]).toEqual([op, a, b, c, want]);
    expect(new Set(table.map((t) => t[0]))).toEqual(new Set(ALU_OPS));
  });

  it('reads unsigned words as signed, and works at 32 bits', () => {
    expect(op1('add', 65535, 1)).toBe(0);
    expect(op1('lt', 65535, 0)).toBe(1);
    expect(op1('mul', 0x7fffffff, 0x7fffffff, 0, 32)).toBe(1);
    expect(op1('shl', 1, 31, 0, 32)).toBe(-(2 ** 31));
    expect(op1('shr', -1, 28, 0, 32)).toBe(15);
    expect(op1('add', 2 ** 31 - 1, 1, 0, 32)).toBe(-(2 ** 31));
  });

  it('passes aligned stops and D through; a constant replaces val_b', () => {
    expect(str(alu('mul', p('10, S0, 7, 9, S1, D'), p('2, S0, 1, 3, S1, D'), undefined, { dataWidth: W }))).toBe('20, S0, 7, 27, S1, D');
    expect(str(alu('add', p('32767, S0, S0, -2, S1, D'), undefined, undefined, { dataWidth: W, constant: 1 }))).toBe('-32768, S0, S0, -1, S1, D');
    expect(str(alu('sel', p('1, 2, S0, D'), undefined, p('0, 5, S0, D'), { dataWidth: W, constant: 9 }))).toBe('9, 2, S0, D');
    expect(str(alu('abs', p('S0, D'), undefined, undefined, { dataWidth: W }))).toBe('S0, D');
  });

  it('refuses misaligned streams and wrong operands', () => {
    const o = { dataWidth: W };
    expect(() => alu('add', p('1, S0, D'), p('1, S1, D'), undefined, o)).toThrow(/misaligned streams: val_a token 1 is S0 but val_b token 1 is S1/);
    expect(() => alu('add', p('1, 2, S0, D'), p('1, S0, D'), undefined, o)).toThrow(/misaligned streams/);
    expect(() => alu('add', p('1, S0, D'), p('1, S0, 2, D'), undefined, o)).toThrow(/misaligned/);
    expect(() => alu('add', p('1, S0, D'), undefined, undefined, o)).toThrow(/needs val_b/);
    expect(() => alu('add', p('1, S0, D'), p('1, S0, D'), undefined, { dataWidth: W, constant: 3 })).toThrow(/either val_b or a constant/);
    expect(() => alu('abs', p('1, S0, D'), p('1, S0, D'), undefined, o)).toThrow(/abs is unary/);
    expect(() => alu('sel', p('1, S0, D'), p('1, S0, D'), undefined, o)).toThrow(/sel needs val_c/);
    expect(() => alu('add', p('1, S0, D'), p('1, S0, D'), p('1, S0, D'), o)).toThrow(/val_c is only read by sel/);
    expect(() => alu('div' as AluOp, p('1, D'), p('1, D'), undefined, o)).toThrow(/unknown op 'div'/);
    expect(() => alu('add', p('N, S0, D'), p('1, S0, D'), undefined, o)).toThrow(/val_a: token 0 is 'N'/);
    expect(() => alu('add', p('1, D'), p('1, D'), undefined, { dataWidth: 0 })).toThrow(/dataWidth 0/);
  });
});

describe('reduce', () => {
  const red = (s: string, w = 16) => str(reduce(p(s), { dataWidth: w }));

  it('matches the stream shapes of SAM test_reduce (sums)', () => {
    expect(red('5, 5, S0, 5, S0, 4, 8, S0, 4, 3, S0, 4, 3, S1, D')).toBe('10, 5, 12, 7, 7, S0, D');
    expect(red('1, 2, 3, 4, 5, 6, 7, 8, 9, S2, D')).toBe('45, S1, D');
    // Empty fibers emit 0, including the empty last fiber closed by S1 right after an S0.
    expect(red('5, 5, S0, S0, 4, 8, S0, 4, 3, S0, S1, D')).toBe('10, 0, 12, 7, 0, S0, D');
  });

  it('reduces a vector to a scalar and an empty tensor to 0', () => {
    expect(red('1, 2, 3, S0, D')).toBe('6, D');
    expect(red('S0, D')).toBe('0, D');
    expect(red('S1, D')).toBe('0, S0, D');
    expect(red('D')).toBe('D');
  });

  it('wraps at 16 bits, and lowers the deepest stop by one', () => {
    expect(red('32767, 1, S0, D')).toBe('-32768, D');
    expect(red('-32768, -32768, S0, 65535, 1, S1, D')).toBe('0, 0, S0, D');
    expect(red('1, S255, D')).toBe('1, S254, D');
  });

  it('refuses values not closed by a stop', () => {
    expect(() => red('1, 2, D')).toThrow(/values from token 0 are not closed by a stop/);
    expect(() => red('1, S0')).toThrow(/missing final 'D'/);
  });
});

describe('repeat signal generator and repeat', () => {
  it('matches SAM test_repeat_gen_direct', () => {
    expect(str(repeatSigGen(p('0, 1, S0, 2, S0, 3, S1, D')))).toBe('R, R, S0, R, S0, R, S1, D');
    expect(str(repeatSigGen(p('0, 1, 2, S0, 0, 1, 2, S1, S1, 4, 5, S2, D')))).toBe('R, R, R, S0, R, R, R, S1, S1, R, R, S2, D');
    expect(str(repeatSigGen(p('S0, D')))).toBe('S0, D');
  });

  it('matches SAM test_repeat_direct', () => {
    const rep = (r: string, s: string) => str(repeat(p(r), p(s)));
    expect(rep('0, 1, 2, S0, D', 'R, R, S0, R, S0, R, S1, D')).toBe('0, 0, S0, 1, S0, 2, S1, D');
    expect(rep('0, 1, S0, 2, S0, 3, S1, D', 'R, R, R, S0, R, R, R, S1, R, S1, R, R, S2, D')).toBe('0, 0, 0, S0, 1, 1, 1, S1, 2, S1, 3, 3, S2, D');
    expect(rep('0, S0, 1, 2, 3, S1, D', 'R, R, R, S1, R, R, R, S0, R, S0, R, R, S2, D')).toBe('0, 0, 0, S1, 1, 1, 1, S0, 2, S0, 3, 3, S2, D');
    expect(rep('0, D', 'R, R, S0, D')).toBe('0, 0, S0, D');
    expect(rep('0, 1, S0, D', 'R, R, R, S0, R, R, R, S1, D')).toBe('0, 0, 0, S0, 1, 1, 1, S1, D');
  });

  it('handles empty repsig fibers, lone stops, N refs and empty streams', () => {
    const rep = (r: string, s: string) => str(repeat(p(r), p(s)));
    expect(rep('0, 1, S0, D', 'S0, R, S1, D')).toBe('S0, 1, S1, D');
    expect(rep('0, S0, S1, D', 'R, R, S1, S2, D')).toBe('0, 0, S1, S2, D');
    expect(rep('N, 4, S0, D', 'R, R, S0, R, S1, D')).toBe('N, N, S0, 4, S1, D');
    expect(rep('S0, D', 'S1, D')).toBe('S1, D');
    expect(rep('0, D', 'S0, D')).toBe('S0, D');
  });

  it('refuses a repsig stream that does not pair with the refs', () => {
    const rep = (r: string, s: string) => repeat(p(r), p(s));
    expect(() => rep('0, 1, S0, D', 'R, S0, D')).toThrow(/in_repsig ends \(D at token 2\) before in_ref does/);
    expect(() => rep('0, D', 'R, S0, R, S0, D')).toThrow(/in_repsig has more fibers than in_ref/);
    expect(() => rep('0, 1, S0, D', 'R, S0, R, S0, D')).toThrow(/misaligned stops: in_repsig token 3 is S0 but in_ref token 1 implies S1/);
    expect(() => rep('0, S0, S1, D', 'R, S1, R, S2, D')).toThrow(/in_repsig has data at token 2 where in_ref token 2 \(a stop\)/);
    expect(() => rep('0, D', '1, S0, D')).toThrow(/data not allowed/);
  });
});

describe('coordinate drop', () => {
  const drop = (o: string, i: string) => str(crdDrop(p(o), p(i)).outer);

  it('matches SAM test_crd_drop_1d, passing the inner stream through', () => {
    expect(drop('0, 1, S0, D', '1, S0, S1, D')).toBe('0, S0, D');
    expect(drop('0, 1, S0, D', '1, S0, 1, S1, D')).toBe('0, 1, S0, D');
    expect(drop('0, 1, 2, 3, S0, D', '1, S0, 1, S0, S0, 1, S1, D')).toBe('0, 1, 3, S0, D');
    expect(drop('S0, D', 'S1, D')).toBe('S0, D');
    expect(str(crdDrop(p('0, 1, S0, D'), p('1, S0, S1, D')).inner)).toBe('1, S0, S1, D');
  });

  it('keeps the outer stop structure when whole outer fibers empty out', () => {
    expect(drop('0, S0, 1, 2, S1, D', 'S1, 4, S0, S2, D')).toBe('S0, 1, S1, D');
    expect(drop('0, 1, S0, 2, S1, D', 'S0, S1, S2, D')).toBe('S0, S1, D');
    expect(drop('65535, S0, S1, D', '3, S1, S2, D')).toBe('65535, S0, S1, D');
  });

  it('refuses an inner stream that does not pair with the outer one', () => {
    expect(() => drop('0, 1, S0, D', '1, S1, D')).toThrow(/misaligned stops|ends \(D/);
    expect(() => drop('0, S0, D', '1, S0, D')).toThrow(/misaligned stops: in_inner token 1 is S0 but in_outer token 0 implies S1/);
  });
});

describe('coordinate hold', () => {
  const hold = (o: string, i: string) => str(crdHold(p(o), p(i)).outer);

  it('matches SAM test_crd_hold_nd', () => {
    expect(hold('0, 1, 2, S0, D', '0, 2, S0, 2, S0, 2, S1, D')).toBe('0, 0, S0, 1, S0, 2, S1, D');
    expect(hold('0, 1, 2, 5, S0, D', '1, 2, 5, S0, 2, S0, 2, S0, 2, 3, 4, 5, S1, D')).toBe('0, 0, 0, S0, 1, S0, 2, S0, 5, 5, 5, 5, S1, D');
    expect(hold('0, 2, S0, 3, S0, 4, S1, D', '0, 2, 3, S0, 0, 2, 3, S1, 0, S1, 2, 3, S2, D')).toBe('0, 0, 0, S0, 2, 2, 2, S1, 3, S1, 4, 4, S2, D');
  });

  it('handles empty inner fibers and empty tensors; inner passes through', () => {
    expect(hold('0, 1, S0, D', 'S0, 4, S1, D')).toBe('S0, 1, S1, D');
    expect(hold('S0, D', 'S1, D')).toBe('S1, D');
    expect(str(crdHold(p('0, S0, D'), p('3, 9, S1, D')).inner)).toBe('3, 9, S1, D');
  });

  it('refuses misaligned inputs', () => {
    expect(() => hold('0, 1, S0, D', '1, S1, D')).toThrow(/crd-hold/);
  });
});

describe('primitives composed into kernels', () => {
  it('SpMV x(i) = B(i,j) * c(j), B DCSR, c dense [1,2,3] -> x = {0: 10, 2: 34}', () => {
    const bi = levelScanner(Bi, p('0, D'));
    const bj = levelScanner(Bj, bi.ref);
    const cRef = repeat(p('0, D'), repeatSigGen(bi.crd)); // c is reused for every i
    expect(str(cRef)).toBe('0, 0, S0, D');
    const cj = levelScanner(dense(3), cRef);
    const j = intersect({ crd: bj.crd, ref: bj.ref }, { crd: cj.crd, ref: cj.ref });
    expect(str(j.crd)).toBe('1, S0, 0, 2, S1, D');
    const prod = alu('mul', valueArray(Bvals, j.refA), valueArray([1, 2, 3], j.refB), undefined, { dataWidth: 16 });
    const x = reduce(prod, { dataWidth: 16 });
    expect(str(x)).toBe('10, 34, S0, D');
    expect(levelWriter(bi.crd)).toEqual({ seg: [0, 2], crd: [0, 2] });
    expect(valueWriter(x)).toEqual([10, 34]);
  });

  it('X(i,j) = B(i,j) * C(i,j): a row that intersects empty is dropped by crd-drop', () => {
    const Ci = cs([0, 2], [0, 2]);
    const Cj = cs([0, 1, 2], [2, 0]);
    const bi = levelScanner(Bi, p('0, D'));
    const ci = levelScanner(Ci, p('0, D'));
    const i = intersect(bi, ci);
    const bj = levelScanner(Bj, i.refA);
    const cj = levelScanner(Cj, i.refB);
    const j = intersect(bj, cj);
    expect(str(j.crd)).toBe('S0, 0, S1, D');
    const dropped = crdDrop(i.crd, j.crd);
    expect(str(dropped.outer)).toBe('2, S0, D');
    expect(levelWriter(dropped.outer)).toEqual({ seg: [0, 1], crd: [2] });
    expect(levelWriter(dropped.inner, { dropEmpty: true })).toEqual({ seg: [0, 1], crd: [0] });
    const v = alu('mul', valueArray(Bvals, j.refA), valueArray([1, 2], j.refB), undefined, { dataWidth: 16 });
    expect(valueWriter(v)).toEqual([14]);
  });

  it('x(i) = b(i) + c(i) with union: N refs read as 0', () => {
    const b = levelScanner(cs([0, 2], [1, 3]), p('0, D'));
    const c = levelScanner(cs([0, 2], [0, 3]), p('0, D'));
    const u = union(b, c);
    const sum = alu('add', valueArray([10, 30], u.refA), valueArray([1, 3], u.refB), undefined, { dataWidth: 16 });
    expect(str(u.crd)).toBe('0, 1, 3, S0, D');
    expect(str(sum)).toBe('1, 10, 33, S0, D');
  });
});
