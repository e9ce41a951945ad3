import type { Command } from 'commander';
import { addArchOptions, loadSpec, type ArchOptions } from '../arch-options.ts';
import { FPGA_DEVICE_NAMES } from '../../generator/fpga-devices.ts';
import { buildFpgaPrototype } from '../../flow/fpga.ts';

interface FpgaOptions extends ArchOptions {
  device: string;
  out: string;
  pnr?: boolean;
  cache: boolean;
  json?: boolean;
}

export function registerFpga(program: Command): void {
  addArchOptions(program.command('fpga').description('an FPGA prototype: RTL with an AXI4-Lite wrapper top, basalt_regs.h, a FuseSoC core, report.json (fit on the device; with --pnr, iCE40 place and route)'))
    .requiredOption('--device <name>', FPGA_DEVICE_NAMES.join(' | '))
    .requiredOption('--out <dir>', 'output directory')
    .option('--pnr', 'place and route with nextpnr-ice40 (iCE40 devices): the wrapped array if it fits, else one tile of each kind')
    .option('--no-cache', 'synthesize even when .cache/synth holds the result, and do not store it')
    .option('--json', 'print report.json on stdout')
    .action(async (opts: FpgaOptions) => {
      const spec = loadSpec(opts);
      const log = opts.json ? undefined : (line: string) => process.stderr.write(`fpga  ${line}\n`);
      const { report, summary } = await buildFpgaPrototype({ spec, device: opts.device, out: opts.out, pnr: opts.pnr ?? false, cacheDir: opts.cache ? undefined : null, log });
      if (opts.json) console.log(JSON.stringify(report));
      else process.stdout.write(summary);
    });
}
