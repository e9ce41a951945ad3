import { describe, expect, it } from 'vitest';
import { presetIR } from './helpers/arch.ts';
import { readBitstream, writeBitstream, resolveFields } from '../compiler/bitstream.ts';
import { routeNet } from '../compiler/route.ts';
import { ioInNodeId, ioOutNodeId, sbNodeId } from '../generator/routing-graph.ts';
import { configAddress, fieldOf } from '../generator/ir.ts';

const ir = presetIR('default');

describe('bitstream writer and reader', () => {
  const net = routeNet(ir, ioInNodeId('N', 2, 1), [ioOutNodeId('S', 2, 3)]);

  it('writes one word per touched register with a header naming the arch', () => {
    const { text, words } = writeBitstream(ir, { connections: net.connections }, 'unit');
    expect(text.split('\n')[1]).toBe(`// arch ${ir.archId}`);
    expect(text).toMatch(/^[0-9a-f]{8} [0-9a-f]{8}$/m);
    expect(readBitstream(ir, text)).toEqual(words);
    // Each SB hop sets its select to the input index + 1, at the address of its register.
    const hop = net.connections.find((c) => c.to.includes('.sb.'))!;
    const node = ir.nodeById.get(hop.to)!;
    const f = fieldOf(ir, node.tile!, node.selField!);
    const w = words.find((x) => x.address === configAddress(node.tile!, f.reg))!;
    expect((w.data >>> f.lsb) & (2 ** f.width - 1)).toBe(node.inputs.indexOf(hop.from) + 1);
  });

  it('depends on the configuration only, not on the order it was given in', () => {
    const other = routeNet(ir, ioInNodeId('W', 3, 0), [ioOutNodeId('E', 5, 2)], net.nodes);
    const both = [...net.connections, ...other.connections];
    const shuffled = [...both].reverse();
    const a = writeBitstream(ir, { connections: both }, 'unit').text;
    expect(writeBitstream(ir, { connections: shuffled }, 'unit').text).toBe(a);
    // ... and a different configuration gives a different bitstream.
    expect(writeBitstream(ir, { connections: net.connections }, 'unit').text).not.toBe(a);
  });

  it('refuses a bitstream for another arch, malformed lines, and unknown registers', () => {
    const { text } = writeBitstream(ir, { connections: net.connections }, 'unit');
    const tiny = presetIR('tiny');
    expect(() => readBitstream(tiny, text, 'b.bs')).toThrow(`b.bs: written for arch ${ir.archId}, but this array is ${tiny.archId}`);
    expect(() => readBitstream(ir, text.replace(/^[0-9a-f]{8} /m, 'zz '), 'b.bs')).toThrow(/b\.bs:4: expected 'AAAAAAAA DDDDDDDD'/);
    expect(() => readBitstream(ir, text.replace(/^\/\/ arch.*$/m, ''), 'b.bs')).toThrow(/no '\/\/ arch <arch-id>' header/);
    expect(() => readBitstream(ir, `// arch ${ir.archId}\n00ff0000 00000001\n`, 'b.bs')).toThrow(/register 255 of tile 0, which does not exist/);
  });

  it('refuses impossible connections and conflicting settings', () => {
    expect(() => resolveFields(ir, { connections: [{ from: ioInNodeId('N', 0, 0), to: sbNodeId(63, 'E', 0) }] })).toThrow(/cannot take/);
    const a = net.connections[1];
    const other = ir.nodeById.get(a.to)!.inputs.find((i) => i !== a.from)!;
    expect(() => resolveFields(ir, { connections: [a, { from: other, to: a.to }] })).toThrow(/already set/);
    expect(() => resolveFields(ir, { connections: [], bypass: [sbNodeId(0, 'W', 0)] })).toThrow(/not a switch-box output with a bypassable FIFO/);
  });
});
