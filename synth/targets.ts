/**
 * Synthesis targets and what their mapped cells are: the Yosys generic gate
 * library, or the primitives of one FPGA family (iCE40, Xilinx 7-series, ECP5).
 */
export const SYNTH_TARGETS = ['generic', 'ice40', 'xilinx', 'ecp5'] as const;
export type SynthTarget = (typeof SYNTH_TARGETS)[number];

export const isSynthTarget = (t: string): t is SynthTarget => (SYNTH_TARGETS as readonly string[]).includes(t);

/** Resource classes of FPGA primitives; everything else (muxes, inverters, buffers) is only in `cells`. */
export const FPGA_CLASSES = ['luts', 'ffs', 'blockRams', 'dsps', 'carries', 'lutRams'] as const;
export type FpgaClass = (typeof FPGA_CLASSES)[number];

const FPGA_CELLS: Record<Exclude<SynthTarget, 'generic'>, Record<FpgaClass, RegExp>> = {
  ice40: {
    luts: /^SB_LUT4$/, ffs: /^SB_DFF/, blockRams: /^SB_RAM40_4K|^SB_SPRAM256KA$/, dsps: /^SB_MAC16$/, carries: /^SB_CARRY$/, lutRams: /^$/,
  },
  xilinx: {
    luts: /^LUT[1-6]$/, ffs: /^FD[CPRS]E(_1)?$/, blockRams: /^RAMB(18|36)/, dsps: /^DSP48/, carries: /^CARRY[48]$/,
    lutRams: /^RAM(16|32|64|128|256|512)X\d[SD]|^RAM(32|64)M|^SRL/,
  },
  ecp5: {
    luts: /^LUT4$/, ffs: /^TRELLIS_FF$/, blockRams: /^(DP16KD|PDPW16KD)$/, dsps: /^(MULT18X18D|MULT9X9D|ALU54B|ALU24B)$/, carries: /^CCU2C$/,
    lutRams: /^TRELLIS_DPR16X4$/,
  },
};

/** Flip-flops of the generic gate library ($_DFF_P_, $_DFFE_PN0P_, $_SDFFCE_PP1P_, ...). */
const GENERIC_FF = /^\$_(DFF|DFFE|SDFF|SDFFE|SDFFCE|DFFSR|DFFSRE|ALDFF|ALDFFE)_/;

/** The resource class of one mapped cell type, if it has one. */
export function cellClass(target: SynthTarget, type: string): FpgaClass | undefined {
  if (target === 'generic') return GENERIC_FF.test(type) ? 'ffs' : undefined;
  const classes = FPGA_CELLS[target];
  return FPGA_CLASSES.find((c) => classes[c].test(type));
}

/**
 * Gate types `stat -tech cmos` has a transistor count for (Yosys kernel/cost.h);
 * used only to tell which cells the estimate leaves out, the counts come from Yosys.
 */
export const CMOS_COSTED = new Set([
  '$_BUF_', '$_NOT_', '$_AND_', '$_NAND_', '$_OR_', '$_NOR_', '$_ANDNOT_', '$_ORNOT_', '$_XOR_', '$_XNOR_',
  '$_AOI3_', '$_OAI3_', '$_AOI4_', '$_OAI4_', '$_MUX_', '$_NMUX_', '$_DFF_P_', '$_DFF_N_',
]);
