/**
 * FPGA prototyping figures (not a test): for each device of the table, the
 * wrapped default array's resources and the largest array of the default tile
 * mix that fits; then iCE40 place and route: the smallest array that maps
 * SpMV (preset spmv) does not fit an iCE40, so one PE and one MEM tile are
 * placed and routed (basalt fpga --pnr), and the largest wrapped array of that
 * mix that does fit is placed and routed whole. Synthesis comes from
 * .cache/synth (cold the first time); wall and CPU times are printed.
 * Usage: node bin/run-ts.js bench/fpga.ts [--no-pnr] [--no-devices]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FPGA_DEVICES, FPGA_DEVICE_NAMES } from '../generator/fpga-devices.ts';
import { renderWrappedVerilog, WRAPPER_MODULE } from '../generator/fpga-wrapper.ts';
import { buildIR } from '../generator/ir.ts';
import { PRESETS, validateSpec } from '../generator/spec.ts';
import { fitArray, largestArray } from '../synth/fpga-fit.ts';
import { placeAndRoute } from '../synth/pnr.ts';
import { buildFpgaPrototype } from '../flow/fpga.ts';

const args = new Set(process.argv.slice(2));
const log = (l: string) => process.stderr.write(`  ${l}\n`);
const n = (x: number) => x.toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const cpu = () => ((c) => (c.user + c.system) / 1e6)(process.cpuUsage());

if (!args.has('--no-devices')) {
  const ir = buildIR(validateSpec(PRESETS.default));
  console.log(`Wrapped default array (${ir.spec.width}x${ir.spec.height}, ${ir.tiles.filter((t) => t.kind === 'pe').length} PE + ${ir.tiles.filter((t) => t.kind === 'mem').length} MEM) and the largest array of its tile mix, per device`);
  console.log('device        LUTs cap   FFs cap   BRAM cap  DSP cap | default 8x8: LUTs        FFs       BRAM   fits | largest array        limited by  | synth s (cpu s)');
  for (const name of FPGA_DEVICE_NAMES) {
    const d = FPGA_DEVICES[name];
    const w0 = performance.now();
    const c0 = cpu();
    const fit = await fitArray(ir, d, { log });
    const lg = await largestArray(fit, d, { log });
    const secs = `${((performance.now() - w0) / 1000).toFixed(1)} (${(cpu() - c0).toFixed(1)})`;
    const r = fit.resources;
    const u = fit.utilisation;
    const big = lg.largest
      ? `${lg.largest.width}x${lg.largest.height} (${lg.largest.pe} PE, ${lg.largest.mem} MEM)`.padEnd(20) + ` ${lg.largest.limitedBy.join(',').padEnd(11)}`
      : `none: ${lg.smallest!.width}x${lg.smallest!.height} needs ${n(lg.smallest!.resources.luts)} LUTs`.padEnd(32);
    console.log(
      `${name.padEnd(12)} ${n(d.capacity.luts).padStart(8)} ${n(d.capacity.ffs).padStart(9)} ${String(d.capacity.blockRams).padStart(8)} ${String(d.capacity.dsps).padStart(8)} | ` +
      `${`${n(r.luts)} (${pct(u.luts)})`.padStart(17)} ${`${n(r.ffs)} (${pct(u.ffs)})`.padStart(16)} ${String(r.blockRams).padStart(6)} ${String(fit.fits).padStart(6)} | ${big} | ${secs}`,
    );
  }
  console.log('(BRAM in the device unit: iCE40 4 kbit, ECP5 18 kbit, AMD 36 kbit; AMD figures from the 7-series mapping, also for the UltraScale+ ZU9EG)\n');
}

if (!args.has('--no-pnr')) {
  const dir = mkdtempSync(join(tmpdir(), 'basalt-bench-fpga-'));
  try {
    const spec = validateSpec(PRESETS.spmv);
    const w0 = performance.now();
    const c0 = cpu();
    const { report } = await buildFpgaPrototype({ spec, device: 'ice40-hx8k', out: join(dir, 'spmv'), pnr: true, log });
    console.log(`basalt fpga --preset spmv --device ice40-hx8k --pnr: ${((performance.now() - w0) / 1000).toFixed(0)} s wall, ${(cpu() - c0).toFixed(0)} s CPU`);
    console.log(`  the wrapped spmv array: ${n(report.resources.luts)} LUTs, ${n(report.resources.ffs)} FFs, ${report.resources.blockRams} BRAM (${pct(report.utilisation.luts)} of the HX8K's LUTs): fits ${report.fits}`);
    for (const d of report.pnr!.designs) {
      const lc = d.utilisation.ICESTORM_LC;
      const ram = d.utilisation.ICESTORM_RAM;
      console.log(`  ${d.what}: fmax ${d.fmaxMHz} MHz on ${d.device}, ${n(lc.used)}/${n(lc.available)} logic cells (${pct(lc.share)})${ram ? `, ${ram.used}/${ram.available} RAM` : ''}; ` +
        `critical path ${d.criticalPath?.delayNs} ns (${d.criticalPath?.logicNs} logic, ${d.criticalPath?.routingNs} routing); synth ${d.seconds.synth} s, nextpnr ${d.seconds.pnr} s, CPU ${d.seconds.cpu} s`);
    }
    const lg = report.largestArray;
    if (lg) {
      const ir = buildIR(validateSpec({ ...spec, width: lg.width, height: lg.height }));
      const what = `the whole wrapped ${lg.width}x${lg.height} array of this mix (AXI4-Lite wrapper included)`;
      try {
        const r = await placeAndRoute(renderWrappedVerilog(ir), WRAPPER_MODULE, FPGA_DEVICES['ice40-hx8k']);
        const lc = r.utilisation.ICESTORM_LC;
        console.log(`  ${what}: fmax ${r.fmaxMHz} MHz, ${n(lc.used)}/${n(lc.available)} logic cells (${pct(lc.share)}), ` +
          `RAM ${r.utilisation.ICESTORM_RAM?.used ?? 0}; critical path ${r.criticalPath?.delayNs} ns; synth ${r.seconds.synth} s, nextpnr ${r.seconds.pnr} s, CPU ${r.seconds.cpu} s`);
      } catch (e) {
        console.log(`  ${what}: ${(e as Error).message}`);
      }
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
