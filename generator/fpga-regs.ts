/**
 * The register map of the FPGA wrapper (an AXI4-Lite slave in front of the
 * array's config bus, memory port, start and done): the one description the
 * wrapper's Verilog, the host header basalt_regs.h and the simulation drivers
 * are all rendered from. Offsets, bit positions and constant values live here
 * and nowhere else.
 */
import { ADDRESS_INDEX_SHIFT, type HardwareIR } from './ir.ts';

/** Bump when a register, bit or behaviour of the map changes (readable in VERSION). */
export const REG_MAP_VERSION = 1;
/** The wrapper decodes a 4 KiB window: AXI address bits [11:0]; bits [1:0] select a byte and are ignored. */
export const AXI_ADDR_WIDTH = 12;
/** 'BSLT': what ID reads. */
export const ID_VALUE = 0x42534c54;
/** AXI response codes (AXI4 spec A3.4.4). */
export const AXI_RESP = { okay: 0, slverr: 2, decerr: 3 } as const;

export type RegAccess = 'ro' | 'rw' | 'wo';
/** ro: read only; rw: read/write; w1c: reads the flag, writing 1 clears it; w1p: writing 1 acts once (reads 0). */
export type BitAccess = 'ro' | 'rw' | 'w1c' | 'w1p';

export interface RegBits {
  readonly name: string;
  readonly lsb: number;
  readonly width: number;
  readonly access: BitAccess;
  readonly doc: string;
}

export interface WrapperRegister {
  readonly name: string;
  /** Byte offset in the AXI window. */
  readonly offset: number;
  readonly access: RegAccess;
  readonly doc: string;
  readonly bits: readonly RegBits[];
  /** Read-only registers with a value fixed by the arch. */
  readonly value?: number;
}

export interface WrapperMap {
  readonly version: number;
  readonly addrWidth: number;
  readonly registers: readonly WrapperRegister[];
  /** Cycles the wrapper ignores the array's done after a start (start and done cross two registers each way). */
  readonly startGuardCycles: number;
}

const bit = (name: string, lsb: number, access: BitAccess, doc: string, width = 1): RegBits => ({ name, lsb, width, access, doc });

/** The 32-bit word of the arch-id's hash that ARCH_ID reads (its first 8 hex digits). */
export function archIdWord(archId: string): number {
  const hash = archId.slice(archId.lastIndexOf('-') + 1);
  return parseInt(hash.slice(0, 8), 16) >>> 0;
}

export function wrapperMap(ir: HardwareIR): WrapperMap {
  const { spec } = ir;
  const shift = ADDRESS_INDEX_SHIFT;
  const regs: Omit<WrapperRegister, 'offset'>[] = [
    { name: 'ID', access: 'ro', value: ID_VALUE, doc: "reads 0x42534C54 ('BSLT')", bits: [] },
    { name: 'VERSION', access: 'ro', value: REG_MAP_VERSION, doc: 'version of this register map', bits: [] },
    { name: 'ARCH_ID', access: 'ro', value: archIdWord(ir.archId), doc: `first 32 bits of the arch-id hash (${ir.archId}): a bitstream names the arch-id it is for`, bits: [] },
    {
      name: 'GEOMETRY', access: 'ro', value: (spec.width | (spec.height << 8) | (spec.tracks << 16) | (spec.dataWidth << 24)) >>> 0, doc: 'array size, tracks and data width',
      bits: [bit('WIDTH', 0, 'ro', 'tiles per row', 8), bit('HEIGHT', 8, 'ro', 'tiles per column', 8), bit('TRACKS', 16, 'ro', 'tracks per side and direction', 8), bit('DATA_WIDTH', 24, 'ro', 'datapath bits', 8)],
    },
    { name: 'MEM_DEPTH', access: 'ro', value: spec.memDepth, doc: 'words per MEM tile SRAM', bits: [] },
    {
      name: 'CTRL', access: 'wo', doc: 'control: write 1 to act',
      bits: [
        bit('START', 0, 'w1p', 'start a run: clears DONE and CYCLES, sets BUSY (refused with SLVERR and ERR_BUSY while BUSY)'),
        bit('SOFT_RESET', 1, 'w1p', 'reset the array (its config, not its SRAM contents) and clear BUSY; START in the same write is ignored'),
      ],
    },
    {
      name: 'STATUS', access: 'rw', doc: 'run state and sticky error flags (write 1 to clear a flag)',
      bits: [
        bit('BUSY', 0, 'ro', 'a run is in progress: from START until the array reports done'),
        bit('DONE', 1, 'w1c', 'the last run finished'),
        bit('ERR_DECODE', 2, 'w1c', 'an access to an unmapped offset (answered DECERR)'),
        bit('ERR_BUSY', 3, 'w1c', 'an access refused while BUSY: START, CFG_WDATA, MEM_WDATA, MEM_RDATA (answered SLVERR)'),
        bit('ERR_ACCESS', 4, 'w1c', 'a write to a read-only register, a read of a write-only one, or a write with WSTRB other than 0xF (answered SLVERR)'),
        bit('ARRAY_DONE', 8, 'ro', "the array's done output, as it is now"),
      ],
    },
    {
      name: 'IRQ_ENABLE', access: 'rw', doc: 'irq = (DONE_EN and STATUS.DONE) or (ERROR_EN and any STATUS error flag)',
      bits: [bit('DONE_EN', 0, 'rw', 'interrupt on STATUS.DONE'), bit('ERROR_EN', 1, 'rw', 'interrupt on an error flag')],
    },
    { name: 'CYCLES_LO', access: 'ro', doc: 'cycles of the current or last run, bits [31:0]; reading it latches bits [63:32] for CYCLES_HI', bits: [] },
    { name: 'CYCLES_HI', access: 'ro', doc: 'bits [63:32] of the cycle count, as latched by the last CYCLES_LO read', bits: [] },
    {
      name: 'CFG_ADDR', access: 'rw', doc: `config bus address: register index << ${shift} | tile id`,
      bits: [bit('TILE', 0, 'rw', 'tile id (column-major: x * height + y)', shift), bit('REG', shift, 'rw', 'register index of the tile kind (config-map.json)', 32 - shift)],
    },
    { name: 'CFG_WDATA', access: 'wo', doc: 'writing it writes the word to the config register at CFG_ADDR', bits: [] },
    { name: 'CFG_RDATA', access: 'ro', doc: `reading it reads the config register at CFG_ADDR (the answer takes ${ir.cfgReadLatency} array cycles)`, bits: [] },
    {
      name: 'MEM_ADDR', access: 'rw', doc: `memory port address: word << ${shift} | MEM tile id; the word advances by one after each MEM_WDATA write and MEM_RDATA read`,
      bits: [bit('TILE', 0, 'rw', 'MEM tile id', shift), bit('WORD', shift, 'rw', 'SRAM word', 32 - shift)],
    },
    { name: 'MEM_WDATA', access: 'wo', doc: `writing it writes bits [${spec.dataWidth - 1}:0] to the SRAM word at MEM_ADDR`, bits: [] },
    { name: 'MEM_RDATA', access: 'ro', doc: `reading it reads the SRAM word at MEM_ADDR (the answer takes ${ir.memReadLatency} array cycles)`, bits: [] },
  ];
  return {
    version: REG_MAP_VERSION,
    addrWidth: AXI_ADDR_WIDTH,
    registers: regs.map((r, i) => ({ ...r, offset: 4 * i })),
    // The wrapper's start register, the top's start register, the cores, the top's done register.
    startGuardCycles: 4,
  };
}

export const regByName = (map: WrapperMap, name: string): WrapperRegister => {
  const r = map.registers.find((x) => x.name === name);
  if (!r) throw new Error(`wrapper register map has no ${name}`);
  return r;
};

/** Mask of a field: `width` ones at `lsb`. */
export const bitsMask = (b: RegBits): number => (b.width === 32 ? 0xffffffff : ((2 ** b.width - 1) * 2 ** b.lsb) >>> 0);
