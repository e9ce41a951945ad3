/**
 * The FPGA prototype of an array: the AXI4-Lite wrapper top around
 * basalt_top, the host header basalt_regs.h, a smoke-test bench and the
 * FuseSoC CAPI2 core file, all rendered from the Hardware IR and the one
 * register map (fpga-regs.ts). TypeScript computes every port, offset and
 * constant here; the templates in templates/fpga/ only lay them out.
 */
import { bitsFor, slice } from '../base/bits.ts';
import { renderVerilog } from './emit.ts';
import { renderAll } from './outputs.ts';
import { ADDRESS_INDEX_SHIFT, configAddress, memAddress, type HardwareIR } from './ir.ts';
import { renderTemplate } from './render.ts';
import { AXI_RESP, ID_VALUE, bitsMask, regByName, wrapperMap, type WrapperMap } from './fpga-regs.ts';
import type { FpgaDevice } from './fpga-devices.ts';
import { START_GROUPS } from './tile-kind.ts';

export const WRAPPER_MODULE = 'basalt_axil_top';
export const WRAPPER_TB_MODULE = 'basalt_axil_tb';
export const ARRAY_TOP_MODULE = 'basalt_top';
export const REGS_HEADER = 'basalt_regs.h';
export const CORE_FILE = 'basalt.core';

export interface Port {
  readonly dir: 'input' | 'output';
  readonly name: string;
  readonly width: number;
}

/** The wrapper's ports: clock, reset, one AXI4-Lite slave, the interrupt. */
export function wrapperPorts(map: WrapperMap): Port[] {
  const a = map.addrWidth;
  const p = (dir: Port['dir'], name: string, width = 1): Port => ({ dir, name, width });
  return [
    p('input', 'aclk'), p('input', 'aresetn'),
    p('input', 's_axi_awaddr', a), p('input', 's_axi_awprot', 3), p('input', 's_axi_awvalid'), p('output', 's_axi_awready'),
    p('input', 's_axi_wdata', 32), p('input', 's_axi_wstrb', 4), p('input', 's_axi_wvalid'), p('output', 's_axi_wready'),
    p('output', 's_axi_bresp', 2), p('output', 's_axi_bvalid'), p('input', 's_axi_bready'),
    p('input', 's_axi_araddr', a), p('input', 's_axi_arprot', 3), p('input', 's_axi_arvalid'), p('output', 's_axi_arready'),
    p('output', 's_axi_rdata', 32), p('output', 's_axi_rresp', 2), p('output', 's_axi_rvalid'), p('input', 's_axi_rready'),
    p('output', 'irq'),
  ];
}

/** Device pins the wrapper needs as a chip top (every port bit). */
export const wrapperPins = (map: WrapperMap): number => wrapperPorts(map).reduce((s, p) => s + p.width, 0);

const hex32 = (n: number) => (n >>> 0).toString(16).padStart(8, '0');
const header = (ir: HardwareIR) => ({ archId: ir.archId, generatorVersion: ir.generatorVersion });

/** Template names of the map: R_<REG> word indices, B_<REG>_<BIT> bit positions. */
export function registerMapContext(map: WrapperMap) {
  const idxBits = map.addrWidth - 2;
  const regs = map.registers.map((r) => ({
    name: r.name, idx: r.offset / 4, offsetHex: r.offset.toString(16).padStart(3, '0'), access: r.access, doc: r.doc,
    hasValue: r.value !== undefined, valueHex: hex32(r.value ?? 0),
  }));
  const bits = map.registers.flatMap((r) => r.bits.map((b) => ({ name: `${r.name}_${b.name}`, lsb: b.lsb, width: b.width })));
  const anyOf = (names: readonly string[]) => names.map((n) => `(IDX == R_${n})`).join(' || ');
  return {
    idxBits, idxMsb: idxBits - 1, addrWidth: map.addrWidth, awm1: map.addrWidth - 1, mapVersion: map.version,
    regs, bits, constRegs: regs.filter((r) => r.hasValue),
    known: anyOf(map.registers.map((r) => r.name)),
    readable: anyOf(map.registers.filter((r) => r.access !== 'wo').map((r) => r.name)),
    writable: anyOf(map.registers.filter((r) => r.access !== 'ro').map((r) => r.name)),
  };
}

export function wrapperContext(ir: HardwareIR) {
  const map = wrapperMap(ir);
  const W = ir.wordWidth;
  const nio = ir.graph.io.length;
  const m = registerMapContext(map);
  const sub = (expr: string, idx: string) => expr.split('IDX').join(idx);
  const maxLatency = Math.max(ir.cfgReadLatency, ir.memReadLatency);
  return {
    ...header(ir), ...m,
    module: WRAPPER_MODULE, arrayModule: ARRAY_TOP_MODULE,
    ports: wrapperPorts(map).map((p, i, all) => ({ dir: p.dir, name: p.name, range: p.width > 1 ? `[${p.width - 1}:0] ` : '', last: i === all.length - 1 })),
    wKnown: sub(m.known, 'aw_idx_q'), wWritable: sub(m.writable, 'aw_idx_q'),
    rKnown: sub(m.known, 'ar_idx_q'), rReadable: sub(m.readable, 'ar_idx_q'),
    dw: ir.spec.dataWidth, dwm1: ir.spec.dataWidth - 1, padBits: 32 - ir.spec.dataWidth, hasPad: ir.spec.dataWidth < 32,
    wm1: W - 1, w: W, nio, niom1: nio - 1, ioDataMsb: nio * W - 1, groupCount: START_GROUPS,
    io: ir.graph.io.map((p) => ({ k: p.index, ...slice(p.index, W) })),
    wordStep: hex32(2 ** ADDRESS_INDEX_SHIFT),
    cfgWait: ir.cfgReadLatency + 1, memWait: ir.memReadLatency + 1, waitBits: bitsFor(maxLatency + 2), waitm1: bitsFor(maxLatency + 2) - 1,
    guard: map.startGuardCycles, guardBits: bitsFor(map.startGuardCycles + 1), guardm1: bitsFor(map.startGuardCycles + 1) - 1,
    resp: AXI_RESP,
  };
}

/** basalt_regs.h: the register map for host software. */
export function regsHeader(ir: HardwareIR): string {
  const map = wrapperMap(ir);
  const m = registerMapContext(map);
  const { spec } = ir;
  const bits = map.registers.flatMap((r) => r.bits.map((b) => ({ name: `${r.name}_${b.name}`, lsb: b.lsb, maskHex: hex32(bitsMask(b)), access: b.access, doc: b.doc })));
  return renderTemplate('fpga/basalt_regs.h.hbs', {
    ...header(ir), ...m, bitDefs: bits, module: WRAPPER_MODULE,
    archIdWord: regByName(map, 'ARCH_ID').value!.toString(16).padStart(8, '0'),
    width: spec.width, height: spec.height, tracks: spec.tracks, dataWidth: spec.dataWidth, memDepth: spec.memDepth,
    tiles: ir.tiles.length, memTiles: ir.tiles.filter((t) => t.kind === 'mem').map((t) => t.id).join(', '),
    memTileCount: ir.tiles.filter((t) => t.kind === 'mem').length,
    shift: ADDRESS_INDEX_SHIFT, cfgReadLatency: ir.cfgReadLatency, memReadLatency: ir.memReadLatency, resp: AXI_RESP,
  });
}

/**
 * A self-checking Verilog bench for the FuseSoC sim target: resets the
 * wrapper, reads ID, writes a config register and a memory word and reads
 * both back through the AXI4-Lite port, and checks that an unmapped offset
 * answers DECERR and sets STATUS.ERR_DECODE. Prints PASS or FAIL.
 */
export function smokeBench(ir: HardwareIR): string {
  const map = wrapperMap(ir);
  const tile0 = ir.tiles[0];
  const reg0 = ir.kinds[tile0.kind].registers[0];
  const memTile = ir.tiles.find((t) => t.kind === 'mem')!;
  const status = regByName(map, 'STATUS');
  const bitOf = (name: string) => status.bits.find((b) => b.name === name)!;
  const last = map.registers[map.registers.length - 1];
  const cfgValue = 0xffffffff & reg0.mask;
  const dataMask = 2 ** ir.spec.dataWidth - 1;
  return renderTemplate('fpga/basalt_axil_tb.v.hbs', {
    ...header(ir), module: WRAPPER_TB_MODULE, dut: WRAPPER_MODULE, awm1: map.addrWidth - 1,
    off: Object.fromEntries(map.registers.map((r) => [r.name, `${map.addrWidth}'h${r.offset.toString(16).padStart(3, '0')}`])),
    unmapped: `${map.addrWidth}'h${(last.offset + 4).toString(16).padStart(3, '0')}`,
    idHex: hex32(ID_VALUE),
    cfgAddrHex: hex32(configAddress(tile0.id, reg0.index)), cfgValueHex: hex32(cfgValue >>> 0), cfgMaskHex: hex32(reg0.mask),
    memAddrHex: hex32(memAddress(memTile.id, 1)), memA: hex32(0x1234 & dataMask), memB: hex32(0xbeef & dataMask),
    errDecodeMaskHex: hex32(bitsMask(bitOf('ERR_DECODE'))),
    resp: AXI_RESP,
  });
}

/** The FuseSoC CAPI2 core: the RTL, the header, the bench; default, lint, sim and synth targets. */
export function coreFile(ir: HardwareIR, rtlFiles: readonly string[], device: FpgaDevice): string {
  const safe = ir.archId.replace(/[^A-Za-z0-9_]/g, '_');
  const pe = ir.tiles.filter((t) => t.kind === 'pe').length;
  const options = Object.entries(device.edalize.options).map(([key, v]) => ({ key, value: JSON.stringify(v) }));
  return renderTemplate('fpga/basalt.core.hbs', {
    ...header(ir), name: `basalt:cgra:array_${safe}:${ir.generatorVersion}`,
    description: JSON.stringify(`Basalt CGRA ${ir.spec.width}x${ir.spec.height} (${pe} PE, ${ir.tiles.length - pe} MEM tiles), AXI4-Lite top ${WRAPPER_MODULE}, arch ${ir.archId}`),
    rtlFiles, header: REGS_HEADER, bench: `${WRAPPER_TB_MODULE}.v`, top: WRAPPER_MODULE, tbTop: WRAPPER_TB_MODULE,
    device: device.name, tool: device.edalize.tool, options,
  });
}

/** The wrapped array's Verilog: the array's files and the wrapper top. */
export function renderWrappedVerilog(ir: HardwareIR): Map<string, string> {
  const files = renderVerilog(ir);
  files.set(`${WRAPPER_MODULE}.v`, renderTemplate('fpga/basalt_axil_top.v.hbs', wrapperContext(ir)));
  return files;
}

/** Every file of the prototype except report.json: what `basalt gen` writes, the wrapper, its bench, header and core file. */
export function renderFpgaFiles(ir: HardwareIR, device: FpgaDevice): Map<string, string> {
  const files = renderAll(ir);
  for (const [name, text] of renderWrappedVerilog(ir)) files.set(name, text);
  const rtl = [...files.keys()].filter((f) => f.endsWith('.v')).sort();
  files.set(`${WRAPPER_TB_MODULE}.v`, smokeBench(ir));
  files.set(REGS_HEADER, regsHeader(ir));
  files.set(CORE_FILE, coreFile(ir, rtl, device));
  return files;
}
