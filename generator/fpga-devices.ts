/**
 * FPGA devices `basalt fpga --device NAME` knows: datasheet capacities, the
 * Yosys target whose cell counts measure a design for the device, and what
 * the FuseSoC synthesis target hands to Edalize. Plain data: the fit
 * (synth/fpga-fit.ts) compares synthesized resources with these capacities.
 */
export const FPGA_DEVICE_NAMES = ['ice40-up5k', 'ice40-hx8k', 'lfe5u-85f', 'xc7a100t', 'xc7z020', 'xczu9eg'] as const;
export type FpgaDeviceName = (typeof FPGA_DEVICE_NAMES)[number];

/** The resources a fit is decided on; block RAMs in the device's native block (see `blockRamBits`). */
export const FIT_RESOURCES = ['luts', 'ffs', 'blockRams', 'dsps'] as const;
export type FitResource = (typeof FIT_RESOURCES)[number];
export type Resources = Readonly<Record<FitResource, number>>;

export interface FpgaDevice {
  readonly name: FpgaDeviceName;
  readonly vendor: 'Lattice' | 'AMD Xilinx';
  readonly part: string;
  readonly family: string;
  /** The Yosys target (synth/targets.ts) whose mapping counts the design's cells for this device. */
  readonly synthTarget: 'ice40' | 'ecp5' | 'xilinx';
  /** What the synthesis target maps to when it is not this exact family. */
  readonly mappingNote?: string;
  /** Datasheet capacities: LUTs (LUT4 on Lattice, LUT6 on AMD), flip-flops, block RAMs, DSP blocks. */
  readonly capacity: Resources;
  /** User I/O of `package` (reported next to the wrapper's pins; not part of the fit). */
  readonly ios: number;
  /** Bits of one block RAM as counted in `capacity.blockRams`. */
  readonly blockRamBits: number;
  /** Memory the fit does not use (Yosys does not infer it for the dual-ported MEM SRAM). */
  readonly unusedMemory?: string;
  readonly package: string;
  readonly datasheet: string;
  /** FuseSoC/Edalize synthesis target: tool and its options. */
  readonly edalize: { readonly tool: string; readonly options: Readonly<Record<string, string | readonly string[]>> };
  /** nextpnr-ice40 device and package flags (iCE40 only: the devices `--pnr` places and routes for). */
  readonly nextpnr?: readonly string[];
}

export const FPGA_DEVICES: Readonly<Record<FpgaDeviceName, FpgaDevice>> = {
  'ice40-up5k': {
    name: 'ice40-up5k', vendor: 'Lattice', part: 'iCE40UP5K', family: 'iCE40 UltraPlus', synthTarget: 'ice40',
    capacity: { luts: 5280, ffs: 5280, blockRams: 30, dsps: 8 }, ios: 39,
    blockRamBits: 4096,
    unusedMemory: '4 SPRAM blocks of 256 kbit (single-ported; not inferred for the MEM SRAM)',
    package: 'SG48', datasheet: 'Lattice FPGA-DS-02008 (iCE40 UltraPlus Family Data Sheet), Table 1.1',
    edalize: { tool: 'icestorm', options: { arch: 'ice40', pnr: 'next', nextpnr_options: ['--up5k', '--package', 'sg48', '--pcf-allow-unconstrained'] } },
    nextpnr: ['--up5k', '--package', 'sg48'],
  },
  'ice40-hx8k': {
    name: 'ice40-hx8k', vendor: 'Lattice', part: 'iCE40HX8K', family: 'iCE40 HX', synthTarget: 'ice40',
    capacity: { luts: 7680, ffs: 7680, blockRams: 32, dsps: 0 }, ios: 206,
    blockRamBits: 4096,
    package: 'CT256', datasheet: 'Lattice DS1040 (iCE40 LP/HX Family Data Sheet), Table 1.1',
    edalize: { tool: 'icestorm', options: { arch: 'ice40', pnr: 'next', nextpnr_options: ['--hx8k', '--package', 'ct256', '--pcf-allow-unconstrained'] } },
    nextpnr: ['--hx8k', '--package', 'ct256'],
  },
  'lfe5u-85f': {
    name: 'lfe5u-85f', vendor: 'Lattice', part: 'LFE5U-85F', family: 'ECP5', synthTarget: 'ecp5',
    capacity: { luts: 83640, ffs: 83640, blockRams: 208, dsps: 156 }, ios: 205,
    blockRamBits: 18432,
    package: 'CABGA381', datasheet: 'Lattice FPGA-DS-02012 (ECP5 and ECP5-5G Family Data Sheet), Table 1.1 (DSP: 18x18 multipliers)',
    edalize: { tool: 'trellis', options: { nextpnr_options: ['--85k', '--package', 'CABGA381', '--lpf-allow-unconstrained'] } },
  },
  xc7a100t: {
    name: 'xc7a100t', vendor: 'AMD Xilinx', part: 'xc7a100tcsg324-1', family: 'Artix-7', synthTarget: 'xilinx',
    capacity: { luts: 63400, ffs: 126800, blockRams: 135, dsps: 240 }, ios: 210,
    blockRamBits: 36864,
    package: 'CSG324', datasheet: 'AMD DS180 (7 Series FPGAs Data Sheet: Overview), Table 3 (block RAM: 36 Kb blocks)',
    edalize: { tool: 'vivado', options: { part: 'xc7a100tcsg324-1' } },
  },
  xc7z020: {
    name: 'xc7z020', vendor: 'AMD Xilinx', part: 'xc7z020clg484-1', family: 'Zynq-7000', synthTarget: 'xilinx',
    capacity: { luts: 53200, ffs: 106400, blockRams: 140, dsps: 220 }, ios: 200,
    blockRamBits: 36864,
    package: 'CLG484', datasheet: 'AMD DS190 (Zynq-7000 SoC Data Sheet: Overview), Table 1 (programmable logic)',
    edalize: { tool: 'vivado', options: { part: 'xc7z020clg484-1' } },
  },
  xczu9eg: {
    name: 'xczu9eg', vendor: 'AMD Xilinx', part: 'xczu9eg-ffvb1156-2-e', family: 'Zynq UltraScale+', synthTarget: 'xilinx',
    mappingNote: 'counted with the 7-series mapping (synth_xilinx): UltraScale+ has the same LUT6, flip-flop, 36 Kb block RAM and DSP48 resources',
    capacity: { luts: 274080, ffs: 548160, blockRams: 912, dsps: 2520 }, ios: 328,
    blockRamBits: 36864,
    package: 'FFVB1156', datasheet: 'AMD DS891 (Zynq UltraScale+ MPSoC Data Sheet: Overview), Table 2 (programmable logic)',
    edalize: { tool: 'vivado', options: { part: 'xczu9eg-ffvb1156-2-e' } },
  },
};

export const isFpgaDeviceName = (n: string): n is FpgaDeviceName => (FPGA_DEVICE_NAMES as readonly string[]).includes(n);
