import { describe, expect, it } from 'vitest';
import { PRESETS, applyOverrides, validateSpec, archId } from '../generator/spec.ts';

const bad: [string, Record<string, unknown>, RegExp][] = [
  ['unknown field', { ...PRESETS.default, colour: 'red' }, /unknown field\(s\) 'colour'/],
  ['width 0', { ...PRESETS.default, width: 0 }, /field 'width': width must be at least 1/],
  ['tracks 0', { ...PRESETS.default, tracks: 0 }, /field 'tracks': tracks must be at least 1/],
  ['memRatio > width', { ...PRESETS.default, width: 3, memRatio: 4 }, /field 'memRatio': memRatio \(4\) must not be larger than width \(3\)/],
  ['memRatio 1', { ...PRESETS.default, memRatio: 1 }, /field 'memRatio': memRatio must be at least 2/],
  ['data width', { ...PRESETS.default, dataWidth: 12, memWidth: 12 }, /field 'dataWidth': dataWidth must be 16 or 32/],
  ['non-integer', { ...PRESETS.default, height: 2.5 }, /field 'height': height must be an integer/],
  ['string width', { ...PRESETS.default, width: 'eight' }, /field 'width': width must be an integer/],
  ['topology', { ...PRESETS.default, sbTopology: 'mesh' }, /field 'sbTopology': sbTopology must be one of disjoint, wilton, imran/],
  ['fifo depth', { ...PRESETS.default, fifoDepth: 1 }, /field 'fifoDepth': fifoDepth must be at least 2/],
  ['memDepth power of two', { ...PRESETS.default, memDepth: 1000 }, /field 'memDepth': memDepth must be a power of two/],
  ['memWidth', { ...PRESETS.default, memWidth: 32 }, /field 'memWidth': memWidth \(32\) must equal dataWidth \(16\)/],
  ['peOps', { ...PRESETS.default, peOps: ['add', 'fma'] }, /field 'peOps.1': peOps entries must be ALU ops/],
  ['missing field', (() => { const { tracks, ...rest } = PRESETS.default; void tracks; return rest; })(), /field 'tracks'/],
];

describe('ArchSpec validation', () => {
  it.each(bad)('refuses %s with a message naming the field', (_, spec, msg) => {
    expect(() => validateSpec(spec, 'spec.json')).toThrow(msg);
    expect(() => validateSpec(spec, 'spec.json')).toThrow(/^spec\.json: /);
  });

  it('accepts every preset', () => {
    for (const p of Object.values(PRESETS)) expect(validateSpec(p)).toEqual(p);
  });

  it('applies --set overrides with types, and refuses unknown keys', () => {
    const s = validateSpec(applyOverrides({ ...PRESETS.default }, ['tracks=3', 'sbTopology=imran', 'peOps=add,mul']));
    expect(s.tracks).toBe(3);
    expect(s.sbTopology).toBe('imran');
    expect(s.peOps).toEqual(['add', 'mul']);
    expect(() => applyOverrides({}, ['colour=red'])).toThrow(/unknown field 'colour'/);
    expect(() => applyOverrides({}, ['tracks'])).toThrow(/expected key=value/);
  });

  it('arch-id depends on the spec, not on key order', () => {
    const a = validateSpec({ ...PRESETS.default });
    const reordered = Object.fromEntries(Object.entries(PRESETS.default).reverse());
    expect(archId(validateSpec(reordered))).toBe(archId(a));
    expect(archId(validateSpec({ ...PRESETS.default, tracks: 4 }))).not.toBe(archId(a));
  });
});
