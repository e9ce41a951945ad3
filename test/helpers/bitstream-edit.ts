/** Deliberately broken configurations for the debugging tests: a field of one tile changed in a mapped kernel's bitstream. */
import type { MappedKernel } from '../../compiler/map-kernel.ts';
import { configAddress, fieldOf, type HardwareIR } from '../../generator/ir.ts';

/** The kernel with field `field` of tile `tile` set to `value` in its bitstream (the register word must exist). */
export function withField(ir: HardwareIR, m: MappedKernel, tile: number, field: string, value: number): MappedKernel {
  const f = fieldOf(ir, tile, field);
  const address = configAddress(tile, f.reg);
  const mask = ((2 ** f.width - 1) * 2 ** f.lsb) >>> 0;
  if (!m.words.some((w) => w.address === address)) throw new Error(`tile ${tile} register ${f.reg} is not in the bitstream`);
  const words = m.words.map((w) => (w.address === address ? { address, data: ((w.data & ~mask) | ((value * 2 ** f.lsb) & mask)) >>> 0 } : w));
  return { ...m, words };
}

/** The value of a field in the kernel's bitstream. */
export function fieldValue(ir: HardwareIR, m: MappedKernel, tile: number, field: string): number {
  const f = fieldOf(ir, tile, field);
  const w = m.words.find((x) => x.address === configAddress(tile, f.reg));
  return w === undefined ? 0 : Math.floor(w.data / 2 ** f.lsb) % 2 ** f.width;
}

/** One hop of a route removed: the mux of routing-graph node `node` no longer selects anything. */
export function withoutHop(ir: HardwareIR, m: MappedKernel, node: string): MappedKernel {
  const n = ir.nodeById.get(node);
  if (!n?.selField || n.tile === null) throw new Error(`node ${node} has no mux`);
  return withField(ir, m, n.tile, n.selField, 0);
}
