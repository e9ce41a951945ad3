/**
 * Place and route for Lattice iCE40 with nextpnr (@yowasp/nextpnr-ice40,
 * WebAssembly, in-process like Yosys): synth_ice40 to a JSON netlist, then
 * nextpnr-ice40 for the device, with its timing and utilisation report.
 * A whole design is synthesized flat; a tile is placed in a shell
 * (templates/fpga/basalt_pnr_shell.v.hbs) that feeds its inputs from a shift
 * register and registers its outputs, so it needs four pins and every path
 * through it is timed between flip-flops, and keeps its hierarchy, so the
 * shell's shared inputs cannot simplify the tile.
 */
import { CapacityError } from '../base/errors.ts';
import type { FpgaDevice } from '../generator/fpga-devices.ts';
import { renderTemplate } from '../generator/render.ts';
import { LATCHES } from './flows.ts';
import { runYosysScript } from './run-yosys.ts';
import { SynthError } from './errors.ts';
import { fileOf, moduleTree } from './verilog-deps.ts';

/** The nextpnr-ice40 build (part of every P&R report). */
export const NEXTPNR_PACKAGE = '@yowasp/nextpnr-ice40';

export interface PnrOptions {
  /** nextpnr placer/router seed. */
  readonly seed?: number;
  /** Keep the hierarchy in synthesis (nextpnr flattens it): tile shells. */
  readonly keepHierarchy?: boolean;
}

export interface PnrPathStep {
  readonly type: string;
  readonly delayNs: number;
  readonly from: string;
  readonly to: string;
}

export interface PnrResult {
  readonly design: string;
  readonly device: string;
  /** Highest clock the routed design meets (nextpnr's timing analysis), over all clocks. */
  readonly fmaxMHz: number;
  /** Per clock net. */
  readonly clocks: Readonly<Record<string, number>>;
  /** Used / available per bel type, and the share of each. */
  readonly utilisation: Readonly<Record<string, { readonly used: number; readonly available: number; readonly share: number }>>;
  /** The critical path of the slowest clock: total delay and its logic and routing shares. */
  readonly criticalPath?: { readonly from: string; readonly to: string; readonly delayNs: number; readonly logicNs: number; readonly routingNs: number; readonly steps: number };
  /** Wall time of synthesis and of nextpnr, and the CPU time of both (the tools run on this thread). */
  readonly seconds: { readonly synth: number; readonly pnr: number; readonly cpu: number };
  /** nextpnr's log (for pnr/*.log). */
  readonly log: string;
  /** nextpnr's --report JSON, as written. */
  readonly report: string;
}

const decoder = new TextDecoder();
const text = (v: unknown): string => (typeof v === 'string' ? v : v instanceof Uint8Array ? decoder.decode(v) : '');

interface NextpnrReport {
  utilization?: Record<string, { used: number; available: number }>;
  fmax?: Record<string, { achieved: number; constraint: number }>;
  critical_paths?: { from: string; to: string; path: { type: string; delay: number; from?: { cell?: string; port?: string }; to?: { cell?: string; port?: string } }[] }[];
}

/** Synthesizes `top` from `files` (the modules under it) for iCE40 and places and routes it on the device. */
export async function placeAndRoute(files: ReadonlyMap<string, string>, top: string, device: FpgaDevice, opts: PnrOptions = {}): Promise<PnrResult> {
  if (!device.nextpnr) throw new SynthError(`${device.name}: nextpnr-ice40 places and routes iCE40 devices only`);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const used = new Map(moduleTree(files, top).map((m) => [fileOf(m), files.get(fileOf(m))!]));
  const synth = await runYosysScript(used, [
    ...[...used.keys()].sort().map((f) => `read_verilog ${f}`),
    `hierarchy -check -top ${top}`,
    'proc',
    `select -assert-none ${LATCHES}`,
    `synth_ice40 -top ${top}${opts.keepHierarchy ? ' -noflatten' : ''}`,
    'check -assert',
    'write_json netlist.json',
  ], ['netlist.json'], `${top} (ice40, for nextpnr)`);
  const t1 = performance.now();
  const { runNextpnrIce40 } = await import('@yowasp/nextpnr-ice40');
  let log = '';
  const sink = (bytes: Uint8Array | null) => {
    if (bytes) log += decoder.decode(bytes, { stream: true });
  };
  let out: Record<string, unknown>;
  const args = [
    ...device.nextpnr, '--json', 'netlist.json', '--report', 'report.json', '--log', 'nextpnr.log',
    // No pin constraints (a board's .pcf places them) and no clock target: the report gives the achieved fmax.
    '--pcf-allow-unconstrained', '--freq', '1', '--timing-allow-fail', '--seed', String(opts.seed ?? 1), '--quiet',
  ];
  try {
    out = (await runNextpnrIce40(args, { 'netlist.json': synth.outputs['netlist.json'] }, { stdout: sink, stderr: sink })) as Record<string, unknown>;
  } catch (err) {
    const why = log.split('\n').find((l) => /ERROR/.test(l))?.replace(/^ERROR:\s*/, '') ?? (err as Error).message;
    const full = /no BELs remaining|Unable to place|too many|failed to route|Failed to route|out of/i.test(why);
    const msg = `nextpnr on ${top} for ${device.name}: ${why.trim()}`;
    throw full ? new CapacityError(msg) : new SynthError(msg);
  }
  const t2 = performance.now();
  const reportText = text(out['report.json']);
  const report = JSON.parse(reportText) as NextpnrReport;
  const clocks = Object.fromEntries(Object.entries(report.fmax ?? {}).map(([clk, f]) => [clk, Math.round(f.achieved * 100) / 100]));
  const fmaxes = Object.values(clocks);
  if (fmaxes.length === 0) throw new SynthError(`nextpnr on ${top}: the report names no clock`);
  const utilisation = Object.fromEntries(
    Object.entries(report.utilization ?? {}).filter(([, u]) => u.used > 0).map(([bel, u]) => [bel, { used: u.used, available: u.available, share: Math.round((u.used / u.available) * 1e4) / 1e4 }]),
  );
  const cp = (report.critical_paths ?? []).filter((p) => p.from.startsWith('posedge') || p.to.startsWith('posedge'))
    .map((p) => ({ p, total: p.path.reduce((s, x) => s + x.delay, 0) }))
    .sort((a, b) => b.total - a.total)[0];
  const ns = (x: number) => Math.round(x * 1000) / 1000;
  const end = (e?: { cell?: string; port?: string }) => (e ? `${e.cell ?? '?'}.${e.port ?? '?'}` : '?');
  const criticalPath = cp && {
    from: end(cp.p.path[0]?.from), to: end(cp.p.path[cp.p.path.length - 1]?.to), delayNs: ns(cp.total),
    logicNs: ns(cp.p.path.filter((x) => x.type !== 'routing').reduce((s, x) => s + x.delay, 0)),
    routingNs: ns(cp.p.path.filter((x) => x.type === 'routing').reduce((s, x) => s + x.delay, 0)),
    steps: cp.p.path.length,
  };
  return {
    design: top, device: device.name, fmaxMHz: Math.min(...fmaxes), clocks, utilisation, ...(criticalPath ? { criticalPath } : {}),
    seconds: { synth: Math.round((t1 - t0) / 10) / 100, pnr: Math.round((t2 - t1) / 10) / 100, cpu: Math.round(((c) => (c.user + c.system) / 1e4)(process.cpuUsage(cpu0))) / 100 },
    log: text(out['nextpnr.log']) || log, report: reportText,
  };
}

export interface VerilogPort {
  readonly dir: 'input' | 'output';
  readonly name: string;
  readonly width: number;
}

/** The ports of a generated module (one `input|output wire|reg [m:0] name` per line, as the templates write them). */
export function modulePorts(verilog: string, module: string): VerilogPort[] {
  const start = verilog.indexOf(`module ${module} (`);
  const end = verilog.indexOf(');', start);
  if (start < 0 || end < 0) throw new SynthError(`no module header for ${module}`);
  return [...verilog.slice(start, end).matchAll(/^\s*(input|output)\s+(?:wire|reg)\s*(?:\[(\d+):0\])?\s*(\w+)/gm)].map((m) => ({
    dir: m[1] as 'input' | 'output', name: m[3], width: m[2] ? Number(m[2]) + 1 : 1,
  }));
}

export const shellModule = (tile: string) => `${tile}_pnr_shell`;
/** Length of the shell's input shift register: tile inputs share its bits beyond that. */
const CHAIN_BITS = 64;

/** The P&R shell of a tile module (see the file comment); `files` is the array's RTL. */
export function tileShell(files: ReadonlyMap<string, string>, tile: string, header: { archId: string; generatorVersion: string }): string {
  const ports = modulePorts(files.get(fileOf(tile)) ?? '', tile).filter((p) => p.name !== 'clk' && p.name !== 'rst_n');
  const inBits = ports.filter((p) => p.dir === 'input').reduce((s, p) => s + p.width, 0);
  const outBits = ports.filter((p) => p.dir === 'output').reduce((s, p) => s + p.width, 0);
  const chain = Math.max(2, Math.min(CHAIN_BITS, inBits));
  let i = 0;
  let o = 0;
  const conns = ports.map((p) => {
    if (p.dir === 'output') {
      const expr = `o[${o + p.width - 1}:${o}]`;
      o += p.width;
      return { port: p.name, expr };
    }
    const bits = Array.from({ length: p.width }, (_, b) => `chain_q[${(i + p.width - 1 - b) % chain}]`);
    i += p.width;
    return { port: p.name, expr: bits.length === 1 ? bits[0] : `{${bits.join(', ')}}` };
  });
  return renderTemplate('fpga/basalt_pnr_shell.v.hbs', {
    ...header, tile, module: shellModule(tile), inBits, outBits, chain, chainm1: chain - 1, chainNext: `{chain_q[${chain - 2}:0], si}`,
    outm1: outBits - 1, conns,
  });
}
