/**
 * Template context of the tile cores (templates/basalt_<kind>_core.v.hbs):
 * the primitives each core holds and the wiring of its mode and fields.
 */
import type { HardwareIR } from './ir.ts';
import type { TileKind } from './tile-kind.ts';
import { bitsFor, slice } from './bits.ts';

export function coreContext(ir: HardwareIR, kind: TileKind, base: object) {
  const W = ir.wordWidth;
  const ni = kind.core.inputs.length;
  const no = kind.core.outputs.length;
  const modeField = kind.core.fields.find((f) => f.name === 'mode')!;
  const passPorts = Array.from({ length: Math.min(ni, no) }, (_, k) => ({ k, ...slice(k, W) }));
  return {
    ...base,
    modesDoc: kind.core.modes.map((m, i) => `${i}=${m}`).join(', '),
    modeW: modeField.width, modeWm1: modeField.width - 1, modePass: kind.core.modes.indexOf('pass'),
    inm1: ni - 1, inDwm1: ni * W - 1, outm1: no - 1, outDwm1: no * W - 1,
    passPorts, idleInputs: Array.from({ length: Math.max(0, ni - no) }, (_, i) => no + i),
    memDepth: ir.spec.memDepth, dataWidth: ir.spec.dataWidth, dwm1: ir.spec.dataWidth - 1, memAwm1: bitsFor(ir.spec.memDepth) - 1,
  };
}

