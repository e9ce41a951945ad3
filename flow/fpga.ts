/**
 * `basalt fpga`: a self-contained FPGA prototype of an array. The RTL, the
 * AXI4-Lite wrapper top, basalt_regs.h, a FuseSoC core and a smoke bench
 * (generator/fpga-wrapper.ts); the fit on the device from Yosys figures
 * (synth/fpga-fit.ts) and the largest array of the same tile mix; with
 * `pnr`, place and route on an iCE40 (synth/pnr.ts): the whole wrapped array
 * when it fits, else one tile of each kind. Everything is computed first and
 * written in one step into the output directory (nothing partial on error).
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { CapacityError, UserError } from '../base/errors.ts';
import { FPGA_DEVICES, FPGA_DEVICE_NAMES, isFpgaDeviceName, type FpgaDevice } from '../generator/fpga-devices.ts';
import { CORE_FILE, REGS_HEADER, WRAPPER_MODULE, WRAPPER_TB_MODULE, renderFpgaFiles, renderWrappedVerilog } from '../generator/fpga-wrapper.ts';
import { wrapperMap } from '../generator/fpga-regs.ts';
import { buildIR, type HardwareIR } from '../generator/ir.ts';
import type { ArchSpec } from '../generator/spec.ts';
import { renderVerilog } from '../generator/emit.ts';
import { SynthError } from '../synth/errors.ts';
import { fitArray, largestArray, type ArrayFit, type LargestReport } from '../synth/fpga-fit.ts';
import { NEXTPNR_PACKAGE, placeAndRoute, shellModule, tileShell, type PnrResult } from '../synth/pnr.ts';
import { tileModule } from '../synth/array.ts';

export interface FpgaRequest {
  readonly spec: ArchSpec;
  readonly device: string;
  readonly out: string;
  readonly pnr?: boolean;
  /** Synthesis cache (default .cache/synth; null: none). */
  readonly cacheDir?: string | null;
  /** Progress lines (synthesis units, place and route). */
  readonly log?: (line: string) => void;
}

export function lookupDevice(name: string): FpgaDevice {
  if (!isFpgaDeviceName(name)) throw new UserError(`--device '${name}': unknown device (known: ${FPGA_DEVICE_NAMES.join(', ')})`);
  return FPGA_DEVICES[name];
}

/** Files `basalt fpga` writes: an existing output directory holding anything else is not replaced. */
const OURS = /^(basalt_.*\.v|arch\.json|config-map\.json|routing-graph\.json|report\.json|basalt_regs\.h|basalt\.core|pnr)$/;

function checkOutDir(out: string): void {
  const dir = resolve(out);
  if (!existsSync(dir)) return;
  if (!statSync(dir).isDirectory()) throw new UserError(`--out ${out}: exists and is not a directory`);
  const stale = readdirSync(dir).filter((f) => !OURS.test(f));
  if (stale.length) throw new UserError(`--out ${out}: refusing to replace a directory holding files basalt did not write (${stale.slice(0, 3).join(', ')})`);
}

/** Writes every file (paths may have one directory level) into `out` in one step: a sibling temp dir, then a rename. */
function writeAtomically(files: ReadonlyMap<string, string>, out: string): void {
  const dir = resolve(out);
  checkOutDir(out);
  const madeParent = mkdirSync(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  try {
    for (const [name, text] of files) {
      mkdirSync(dirname(join(tmp, name)), { recursive: true });
      writeFileSync(join(tmp, name), text);
    }
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
  } catch (e) {
    if (madeParent) rmSync(madeParent, { recursive: true, force: true });
    throw new UserError(`--out ${out}: ${(e as Error).message}`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export interface PnrDesignReport {
  readonly design: string;
  /** What was placed: the wrapped array, or one tile kind in its shell. */
  readonly what: string;
  readonly device: string;
  readonly fmaxMHz: number;
  readonly utilisation: PnrResult['utilisation'];
  readonly criticalPath?: PnrResult['criticalPath'];
  readonly seconds: PnrResult['seconds'];
}

export interface PnrReport {
  readonly tool: string;
  /** 'array': the wrapped array placed and routed; 'tiles': it does not fit, one tile of each kind was. */
  readonly scope: 'array' | 'tiles';
  readonly note: string;
  /** The array's clock: the routed array's, or (scope tiles) the slower tile's, an upper bound for the array. */
  readonly fmaxMHz: number;
  readonly designs: readonly PnrDesignReport[];
  /** Tiles that fit no iCE40, with the reason. */
  readonly unplaced?: readonly { readonly what: string; readonly reason: string }[];
}

const ICE40 = FPGA_DEVICE_NAMES.map((n) => FPGA_DEVICES[n]).filter((d) => d.nextpnr).sort((a, b) => a.capacity.luts - b.capacity.luts);

const designReport = (r: PnrResult, what: string): PnrDesignReport => ({
  design: r.design, what, device: r.device, fmaxMHz: r.fmaxMHz, utilisation: r.utilisation, ...(r.criticalPath ? { criticalPath: r.criticalPath } : {}), seconds: r.seconds,
});

/** Place and route: the whole wrapped array if it fits the device, else one tile of each kind (each on the smallest iCE40, from the requested one up, it fits). */
async function placeAndRoutePrototype(ir: HardwareIR, fit: ArrayFit, device: FpgaDevice, files: Map<string, string>, log?: (l: string) => void): Promise<PnrReport> {
  const tool = `nextpnr-ice40 (${NEXTPNR_PACKAGE})`;
  const keep = (r: PnrResult) => {
    files.set(`pnr/${r.design}.log`, r.log);
    files.set(`pnr/${r.design}.report.json`, r.report);
  };
  if (fit.fits) {
    if (fit.pins.wrapper > device.ios) {
      throw new CapacityError(`--pnr: the wrapper's ${fit.pins.wrapper} AXI4-Lite pins do not fit ${device.name} (${device.package}: ${device.ios} user I/O)`);
    }
    log?.(`place and route ${WRAPPER_MODULE} on ${device.name} ...`);
    const r = await placeAndRoute(renderWrappedVerilog(ir), WRAPPER_MODULE, device);
    keep(r);
    return {
      tool, scope: 'array', fmaxMHz: r.fmaxMHz, designs: [designReport(r, `the wrapped ${ir.spec.width}x${ir.spec.height} array`)],
      note: `the wrapped array placed and routed on ${device.name}, pins unconstrained (a board's .pcf places them)`,
    };
  }
  const anyIce40 = ICE40.find((d) => fit.resources.luts <= d.capacity.luts && fit.resources.ffs <= d.capacity.ffs && fit.resources.blockRams <= d.capacity.blockRams);
  const rtl = renderVerilog(ir);
  const designs: PnrDesignReport[] = [];
  const unplaced: { what: string; reason: string }[] = [];
  for (const kind of Object.keys(fit.breakdown.tiles).sort().reverse()) {
    const tile = tileModule(kind);
    const each = fit.breakdown.tiles[kind].each;
    const shellFiles = new Map(rtl);
    shellFiles.set(`${shellModule(tile)}.v`, tileShell(rtl, tile, ir));
    const candidates = ICE40.filter((d) => d.capacity.luts >= device.capacity.luts && each.luts <= d.capacity.luts && each.blockRams <= d.capacity.blockRams);
    let placed = false;
    let reason = `its ${each.luts} LUTs fit no iCE40 of the table`;
    for (const d of candidates) {
      log?.(`place and route one ${kind.toUpperCase()} tile on ${d.name} ...`);
      try {
        const r = await placeAndRoute(shellFiles, shellModule(tile), d, { keepHierarchy: true });
        keep(r);
        designs.push(designReport(r, `one ${kind.toUpperCase()} tile (${tile}) in a shell that registers its ports`));
        placed = true;
        break;
      } catch (e) {
        if (!(e instanceof CapacityError)) throw e;
        reason = e.message;
      }
    }
    if (!placed) unplaced.push({ what: `one ${kind.toUpperCase()} tile`, reason });
  }
  if (designs.length === 0) throw new CapacityError(`--pnr: the wrapped array does not fit ${device.name} and no tile fits an iCE40: ${unplaced.map((u) => `${u.what}: ${u.reason}`).join('; ')}`);
  const need = `the wrapped ${ir.spec.width}x${ir.spec.height} array needs ${fit.resources.luts} LUTs and ${fit.resources.ffs} flip-flops, ${device.name} has ${device.capacity.luts}`;
  const elsewhere = anyIce40 ? `; it would fit ${anyIce40.name}` : '; no iCE40 holds it';
  return {
    tool, scope: 'tiles', fmaxMHz: Math.min(...designs.map((d) => d.fmaxMHz)), designs, ...(unplaced.length ? { unplaced } : {}),
    note: `${need}${elsewhere}: one tile of each kind was placed and routed instead, each in a shell that registers its ports; the array's clock is at most the slower tile's fmax (tile-to-tile paths and the glue add to it)`,
  };
}

export async function buildFpgaPrototype(req: FpgaRequest) {
  // Every option is checked before anything long runs.
  const device = lookupDevice(req.device);
  if (req.pnr && !device.nextpnr) {
    throw new UserError(`--pnr: place and route runs for iCE40 devices (nextpnr-ice40: ${ICE40.map((d) => d.name).join(', ')}); ${device.name} is ${device.family}`);
  }
  checkOutDir(req.out);
  const t0 = performance.now();
  const ir = buildIR(req.spec);
  const files = renderFpgaFiles(ir, device);
  const opts = { cacheDir: req.cacheDir, log: req.log };
  let fit: ArrayFit;
  let largest: LargestReport;
  try {
    fit = await fitArray(ir, device, opts);
    largest = await largestArray(fit, device, opts);
  } catch (e) {
    if (e instanceof SynthError) throw new UserError(e.message.replace(/\s*\n\s*/g, ' '));
    throw e;
  }
  const tSynth = performance.now();
  let pnr: PnrReport | null = null;
  if (req.pnr) {
    try {
      pnr = await placeAndRoutePrototype(ir, fit, device, files, req.log);
    } catch (e) {
      if (e instanceof SynthError) throw new UserError(e.message.replace(/\s*\n\s*/g, ' '));
      throw e;
    }
  }
  const tPnr = performance.now();
  const map = wrapperMap(ir);
  const pe = ir.tiles.filter((t) => t.kind === 'pe').length;
  const fileList = [...files.keys(), 'report.json'].sort();
  const report = {
    device: device.name,
    fits: fit.fits,
    archId: ir.archId,
    spec: ir.spec,
    tiles: { pe, mem: ir.tiles.length - pe },
    deviceInfo: {
      vendor: device.vendor, part: device.part, family: device.family, package: device.package, datasheet: device.datasheet,
      synthTarget: device.synthTarget, ...(device.mappingNote ? { mappingNote: device.mappingNote } : {}), ...(device.unusedMemory ? { unusedMemory: device.unusedMemory } : {}),
      blockRamBits: device.blockRamBits,
    },
    resources: fit.resources,
    capacity: fit.capacity,
    utilisation: fit.utilisation,
    over: fit.over,
    pins: fit.pins,
    breakdown: fit.breakdown,
    largestArray: largest.largest,
    ...(largest.smallest ? { smallestArray: largest.smallest } : {}),
    glueModel: { ...largest.glueModel, check: largest.glueCheck },
    ...(pnr ? { fmaxMHz: pnr.fmaxMHz, pnr } : {}),
    wrapper: { module: WRAPPER_MODULE, header: REGS_HEADER, core: CORE_FILE, bench: `${WRAPPER_TB_MODULE}.v`, registerMapVersion: map.version, registers: map.registers },
    synthesis: fit.synthesis,
    seconds: { synthesis: Math.round((tSynth - t0) / 10) / 100, pnr: Math.round((tPnr - tSynth) / 10) / 100 },
    files: fileList,
  };
  files.set('report.json', JSON.stringify(report, null, 2) + '\n');
  writeAtomically(files, req.out);
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const r = fit.resources;
  const c = fit.capacity;
  const lines = [
    `${ir.archId} on ${device.name} (${device.part}): ${fit.fits ? 'fits' : `does not fit (${fit.over.join(', ')})`}`,
    `  LUTs ${r.luts}/${c.luts} (${pct(fit.utilisation.luts)}), FFs ${r.ffs}/${c.ffs} (${pct(fit.utilisation.ffs)}), block RAMs ${r.blockRams}/${c.blockRams}, DSPs ${r.dsps}/${c.dsps}; wrapper pins ${fit.pins.wrapper} (${device.package}: ${fit.pins.device})`,
    largest.largest
      ? `  largest array of this tile mix that fits: ${largest.largest.width}x${largest.largest.height} (${largest.largest.pe} PE, ${largest.largest.mem} MEM), limited by ${largest.largest.limitedBy.join(', ') || 'the 64 x 64 spec limit'}`
      : `  no array of this tile mix fits: ${largest.smallest!.width}x${largest.smallest!.height} already needs ${largest.smallest!.resources.luts} LUTs`,
    ...(pnr ? [`  place and route (${pnr.scope}): fmax ${pnr.fmaxMHz} MHz${pnr.scope === 'tiles' ? ` (slower tile; ${pnr.designs.map((d) => `${d.what.split(' (')[0]}: ${d.fmaxMHz} MHz on ${d.device}`).join(', ')})` : ''}`] : []),
    `  -> ${req.out} (${fileList.length} files; synthesis ${report.seconds.synthesis} s${pnr ? `, place and route ${report.seconds.pnr} s` : ''})`,
  ];
  return { report, summary: lines.join('\n') + '\n' };
}

export type FpgaReport = Awaited<ReturnType<typeof buildFpgaPrototype>>['report'];
