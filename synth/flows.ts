/**
 * Yosys scripts: read, elaborate, (optionally) split a tile's config logic into
 * submodules, map to the target with the hierarchy kept, check, and write the
 * statistics the report is built from.
 */
import type { SynthTarget } from './targets.ts';

export const LATCHES = 't:$dlatch t:$adlatch t:$dlatchsr t:$_DLATCH_* t:$_DLATCHSR_*';

/** Files a unit script writes. */
export const OUT = { stat: 'stat.json', cmos: 'cmos.json', mems: 'mems.json' } as const;

/**
 * A tile's config registers, split by what they configure. Field names are
 * the IR's; the tile template names each register `f_<field>`.
 */
export interface ConfigSplit {
  /** SB/CB selects and FIFO bypasses. */
  readonly routingFields: readonly string[];
  /** Mode, ALU op, constants, base addresses: fields the core reads. */
  readonly coreFields: readonly string[];
}

/** Submodules the config split creates inside `tile`. */
export const configModules = (tile: string) => ({
  routing: `${tile}__cfg_routing`, core: `${tile}__cfg_core`, bus: `${tile}__cfg_bus`,
});

export interface UnitScript {
  readonly top: string;
  /** Files read as RTL. */
  readonly read: readonly string[];
  /** Files read as black boxes (ports only): modules synthesized in their own unit. */
  readonly blackboxes?: readonly string[];
  readonly configSplit?: ConfigSplit;
}

const FF_TYPES = 't:$adff t:$adffe t:$dff t:$dffe %u %u %u';

/**
 * Moves the tile's config plane into three submodules, so the cells of each
 * are counted apart after mapping: the registers of routing fields, the
 * registers of core fields, and the bus logic shared by all registers (write
 * decode and the read-back mux and register). The bus logic is the
 * combinational input cone of all config registers; it is checked to feed
 * only config registers, so nothing of the datapath moves with it.
 */
export function configSplitCommands(tile: string, split: ConfigSplit): string[] {
  const m = configModules(tile);
  const wires = (fields: readonly string[]) => fields.map((f) => `${tile}/w:f_${f}`).join(' ');
  const cmds: string[] = [
    // FFs settle into enable FFs first, so a register's hold mux is part of the register, not of the bus.
    'opt -fast',
    `select -set basalt_rdata_q ${tile}/w:cfg_rdata %ci1 c:* %i`,
  ];
  const sets = ['@basalt_rdata_q'];
  for (const [name, fields] of [['basalt_routing_q', split.routingFields], ['basalt_core_q', split.coreFields]] as const) {
    if (!fields.length) continue;
    // Every field has its register wire (a renamed wire would silently stay in the tile body).
    cmds.push(`select -set ${name}_w ${wires(fields)}`, `select -assert-count ${fields.length} @${name}_w`, `select -set ${name} @${name}_w %ci1 c:* %i`);
    sets.push(`@${name}`);
  }
  cmds.push(
    `select -set basalt_cfg_q ${sets.join(' ')}`,
    `select -assert-none @basalt_cfg_q ${FF_TYPES} %d`,
    `select -set basalt_cfg_bus @basalt_cfg_q %ci1 %cie* c:* %i ${sets.slice(1).map((s) => `${s} %d`).join(' ')}`,
    // Bus logic drives config registers only (its consumers are in the config plane).
    `select -assert-none @basalt_cfg_bus %co2 c:* %i @basalt_cfg_q @basalt_cfg_bus %u %d`,
  );
  if (split.routingFields.length) cmds.push(`submod -name ${m.routing} @basalt_routing_q`);
  if (split.coreFields.length) cmds.push(`submod -name ${m.core} @basalt_core_q`);
  cmds.push(`submod -name ${m.bus} @basalt_cfg_bus`, 'select -clear');
  return cmds;
}

/** Target mapping with the hierarchy kept, split where RAMs are about to be mapped. */
function mapping(target: SynthTarget, top: string): { beforeRams: string[]; afterRams: string[] } {
  switch (target) {
    case 'generic':
      // The default `synth` flow minus memory_map: SRAMs stay one $mem cell each
      // instead of thousands of flip-flops, as a memory compiler would provide them.
      return { beforeRams: [`synth -top ${top} -run coarse:fine`], afterRams: ['opt -fast -full', 'techmap', 'opt -fast', 'abc -fast', 'opt -fast'] };
    case 'ice40':
    case 'ecp5':
      return { beforeRams: [`synth_${target} -top ${top} -noflatten -run begin:map_ram`], afterRams: [`synth_${target} -top ${top} -noflatten -run map_ram:`] };
    case 'xilinx':
      // Out of context: a tile is not a chip top, so no I/O or clock buffers.
      return {
        beforeRams: [`synth_xilinx -top ${top} -noiopad -noclkbuf -run begin:map_memory`],
        afterRams: [`synth_xilinx -top ${top} -noiopad -noclkbuf -run map_memory:`],
      };
  }
}

/** Techmap file of the transistor estimate: an async-reset flip-flop counted as a plain one. */
export const ASYNC_FF_MAP = {
  name: 'basalt_cmos_ff_map.v',
  text: [
    '(* techmap_celltype = "$_DFF_PN0_ $_DFF_PN1_" *)',
    'module basalt_cmos_async_ff (input C, input D, input R, output Q);',
    '  \\$_DFF_P_ _TECHMAP_REPLACE_ (.C(C), .D(D), .Q(Q));',
    'endmodule',
    '',
  ].join('\n'),
};

/**
 * Cell statistics per module, then (generic) a transistor estimate. For the
 * estimate, enables and synchronous resets become gates (dfflegalize) and
 * async-reset flip-flops count as plain ones ($_DFF_P_, 16 transistors: the
 * reset devices are left out), the only flip-flops `stat -tech cmos` has a cost for.
 */
function reports(target: SynthTarget): string[] {
  const cmds = [`tee -q -o ${OUT.stat} stat -json`];
  if (target === 'generic') {
    cmds.push(
      'dfflegalize -cell $_DFF_P_ 01 -cell $_DFF_PN0_ 01 -cell $_DFF_PN1_ 01',
      `techmap -map ${ASYNC_FF_MAP.name}`,
      `tee -q -o ${OUT.cmos} stat -json -tech cmos`,
    );
  }
  return cmds;
}

/** The script of one synthesis unit; it writes OUT.stat, OUT.mems and (generic) OUT.cmos. */
export function unitScript(target: SynthTarget, u: UnitScript): string[] {
  const { beforeRams, afterRams } = mapping(target, u.top);
  return [
    ...(u.blackboxes?.length ? [`read_verilog -lib ${u.blackboxes.join(' ')}`] : []),
    ...u.read.map((f) => `read_verilog ${f}`),
    `hierarchy -check -top ${u.top}`,
    'proc',
    `select -assert-none ${LATCHES}`,
    ...(u.configSplit ? configSplitCommands(u.top, u.configSplit) : []),
    ...beforeRams,
    // The memories as the RTL declares them, before a target maps them to RAM primitives.
    `select t:$mem_v2`, `write_json -selected ${OUT.mems}`, 'select -clear',
    ...afterRams,
    'hierarchy -check',
    'check -assert',
    `select -assert-none ${LATCHES}`,
    ...reports(target),
  ];
}
