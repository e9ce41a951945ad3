/**
 * Template contexts of the tile cores (templates/basalt_core.v.hbs) and of the
 * primitive modules (templates/prims/*.v.hbs). Which modules a core holds, the
 * modes that enable each, and every mux of streams, config and SRAM ports
 * between them come from the primitive definitions (through cores.ts);
 * nothing here names a primitive.
 */
import { bitsFor, slice } from '../base/bits.ts';
import type { AnyPrimitiveDef } from '../sam/prims/index.ts';
import { tokenBits, type TokenBits } from '../sam/tokens.ts';
import { archParams, kindPrims, TILE_KINDS, type TileKindName } from './cores.ts';
import type { HardwareIR } from './ir.ts';
import type { ArchSpec } from './spec.ts';
import type { TileKind } from './tile-kind.ts';

/** One primitive module instance inside a core: the module and the primitives (modes) it runs. */
export interface CoreModule {
  readonly module: string;
  readonly inst: string;
  readonly prims: readonly AnyPrimitiveDef[];
}

/** The modules of a tile kind's core: one instance per module, shared by the primitives that name it. */
export function coreModules(kind: TileKindName, spec?: Pick<ArchSpec, 'denseModes'>): CoreModule[] {
  const byModule = new Map<string, AnyPrimitiveDef[]>();
  for (const d of kindPrims(kind, spec)) {
    const list = byModule.get(d.rtl!.module) ?? [];
    list.push(d);
    byModule.set(d.rtl!.module, list);
  }
  return [...byModule].map(([module, prims]) => ({ module, inst: `u_${module.replace(/^basalt_prim_/, '')}`, prims }));
}

/** Input buffers: 2 entries; 3 (and a second-token view) where a mode pops two tokens at once. */
export const IBUF = { plain: { module: 'basalt_ibuf', depth: 2 }, peek: { module: 'basalt_ibuf_peek', depth: 3 } } as const;

const needsPeek = (kind: TileKindName) => kindPrims(kind).some((d) => (d.rtl!.peek ?? []).length > 0);

/** The Verilog files (names) a core of this kind needs on an array of this spec, core first. */
export function coreFiles(kind: TileKindName, spec: Pick<ArchSpec, 'denseModes'>): string[] {
  const bufs = needsPeek(kind) ? [IBUF.plain.module, IBUF.peek.module] : [IBUF.plain.module];
  const hasSram = kindPrims(kind, spec).some((d) => d.rtl!.sramA || d.rtl!.sramB);
  return [`basalt_${kind}_core.v`, ...bufs.map((m) => `${m}.v`), ...coreModules(kind, spec).map((m) => `${m.module}.v`), ...(hasSram ? ['basalt_sram.v'] : [])];
}

const modeId = (mode: string) => `m_${mode.replace(/-/g, '_')}`;
const orOf = (terms: readonly string[], zero = "1'b0") => (terms.length ? terms.join(' | ') : zero);
const anyMode = (modes: readonly string[]) => (modes.length === 1 ? modeId(modes[0]) : `(${modes.map(modeId).join(' | ')})`);
/** AND-OR multiplexer of `width`-bit values; at most one select is high. */
const andOr = (width: number, terms: readonly { sel: string; value: string }[]) =>
  terms.length ? terms.map((t) => `({${width}{${t.sel}}} & ${t.value})`).join(' | ') : `${width}'d0`;

interface Wire { readonly range: string; readonly name: string }
interface Conn { readonly port: string; readonly expr: string }

export interface CoreContext {
  readonly archId: string;
  readonly generatorVersion: string;
  readonly module: string;
  readonly kindTitle: string;
  readonly hasMem: boolean;
  readonly modesDoc: string;
  readonly cfgPorts: readonly { name: string; wm1: number }[];
  readonly modeW: number;
  readonly modes: readonly { id: string; code: number }[];
  readonly inBufs: readonly { k: number; msb: number; lsb: number; peek: boolean; module: string; accept: string; pop: string; pop2: string }[];
  readonly instances: readonly { module: string; name: string; wires: Wire[]; conns: Conn[] }[];
  readonly outs: readonly { k: number; msb: number; lsb: number; valid: string; data: string }[];
  readonly busy: string;
  readonly sram?: { primA: string; weA: string; reA: string; addrA: string; wdataA: string; reB: string; addrB: string };
  readonly wm1: number; readonly inm1: number; readonly inDwm1: number; readonly outm1: number; readonly outDwm1: number;
  readonly memDepth: number; readonly dataWidth: number; readonly dwm1: number; readonly memAwm1: number;
}

export function coreContext(ir: HardwareIR, kind: TileKind, base: { archId: string; generatorVersion: string }): CoreContext {
  const W = ir.wordWidth;
  const dw = ir.spec.dataWidth;
  const aw = bitsFor(ir.spec.memDepth);
  const core = kind.core;
  const modeField = core.fields.find((f) => f.name === 'mode')!;
  const portIndex = (list: readonly string[], port: string) => {
    const k = list.indexOf(port);
    if (k < 0) throw new Error(`${kind.kind} core has no port ${port}`);
    return k;
  };

  const accept: string[][] = core.inputs.map(() => []);
  const pops: string[][] = core.inputs.map(() => []);
  const pops2: string[][] = core.inputs.map(() => []);
  const peek = core.inputs.map(() => false);
  const outValid: string[][] = core.outputs.map(() => []);
  const outData: { sel: string; value: string }[][] = core.outputs.map(() => []);
  for (const [mode, mp] of Object.entries(core.modePorts)) {
    for (const port of Object.values(mp.inputs)) accept[portIndex(core.inputs, port)].push(modeId(mode));
  }
  // 'pass': input k straight to output k through its buffer.
  for (const [from, to] of Object.entries(core.modePorts.pass.inputs)) {
    const k = portIndex(core.inputs, to);
    const o = portIndex(core.outputs, core.modePorts.pass.outputs[from.replace('in', 'out')]);
    pops[k].push(`(m_pass & ib${k}_valid & out_ready[${o}])`);
    outValid[o].push(`(m_pass & ib${k}_valid)`);
    outData[o].push({ sel: 'm_pass', value: `ib${k}_head` });
  }

  const busy: string[] = [];
  const memA: { sel: string; re?: string; we?: string; addr: string; wdata?: string }[] = [];
  const memB: { sel: string; re: string; addr: string }[] = [];
  const instances = coreModules(kind.kind, ir.spec).map((m) => {
    const names = m.prims.map((d) => d.name);
    const first = m.prims[0].rtl!;
    const mp = core.modePorts[names[0]];
    for (const d of m.prims) {
      if (JSON.stringify(core.modePorts[d.name]) !== JSON.stringify(mp)) throw new Error(`${m.inst}: modes ${names.join(', ')} map their streams differently`);
      if (d.rtl!.sramA !== first.sramA || d.rtl!.sramB !== first.sramB) throw new Error(`${m.inst}: modes ${names.join(', ')} use the SRAM differently`);
    }
    const en = anyMode(names);
    const wires: Wire[] = [];
    const wire = (name: string, width = 1) => {
      wires.push({ range: width > 1 ? `[${width - 1}:0] ` : '', name });
      return name;
    };
    const conns: Conn[] = [
      { port: 'clk', expr: 'clk' }, { port: 'rst_n', expr: 'rst_n' }, { port: 'clr', expr: 'start' }, { port: 'en', expr: en },
    ];
    const flags = [...new Set(m.prims.flatMap((d) => Object.keys(d.rtl!.modeFlags ?? {})))];
    for (const flag of flags) conns.push({ port: flag, expr: orOf(m.prims.filter((d) => d.rtl!.modeFlags?.[flag] === 1).map((d) => modeId(d.name))) });
    const arch = archParams(ir.spec);
    const cfg = [...new Set(m.prims.flatMap((d) => d.rtl!.fields(arch).map((f) => f.name)))];
    for (const f of cfg) conns.push({ port: `cfg_${f}`, expr: `cfg_${f}` });
    const peeks = new Set(m.prims.flatMap((d) => d.rtl!.peek ?? []));
    for (const [s, corePort] of Object.entries(mp.inputs)) {
      const k = portIndex(core.inputs, corePort);
      conns.push({ port: `${s}_data`, expr: `ib${k}_head` }, { port: `${s}_valid`, expr: `ib${k}_valid` });
      conns.push({ port: `${s}_ready`, expr: wire(`${m.inst}_${s}_ready`) });
      pops[k].push(`(${en} & ${m.inst}_${s}_ready)`);
      if (peeks.has(s)) {
        peek[k] = true;
        conns.push({ port: `${s}_valid2`, expr: `ib${k}_valid2` }, { port: `${s}_ready2`, expr: wire(`${m.inst}_${s}_ready2`) });
        pops2[k].push(`(${en} & ${m.inst}_${s}_ready2)`);
      }
    }
    for (const [s, corePort] of Object.entries(mp.outputs)) {
      const k = portIndex(core.outputs, corePort);
      conns.push({ port: `${s}_data`, expr: wire(`${m.inst}_${s}_data`, W) }, { port: `${s}_valid`, expr: wire(`${m.inst}_${s}_valid`) });
      conns.push({ port: `${s}_ready`, expr: `out_ready[${k}]` });
      outValid[k].push(`(${en} & ${m.inst}_${s}_valid)`);
      outData[k].push({ sel: en, value: `${m.inst}_${s}_data` });
    }
    if (first.sramA === 'read') {
      conns.push({ port: 'ma_re', expr: wire(`${m.inst}_ma_re`) }, { port: 'ma_addr', expr: wire(`${m.inst}_ma_addr`, aw) }, { port: 'ma_rdata', expr: 'sram_rdata_a' });
      memA.push({ sel: en, re: `${m.inst}_ma_re`, addr: `${m.inst}_ma_addr` });
    } else if (first.sramA === 'write') {
      conns.push({ port: 'ma_we', expr: wire(`${m.inst}_ma_we`) }, { port: 'ma_addr', expr: wire(`${m.inst}_ma_addr`, aw) }, { port: 'ma_wdata', expr: wire(`${m.inst}_ma_wdata`, dw) });
      memA.push({ sel: en, we: `${m.inst}_ma_we`, addr: `${m.inst}_ma_addr`, wdata: `${m.inst}_ma_wdata` });
    }
    if (first.sramB) {
      conns.push({ port: 'mb_re', expr: wire(`${m.inst}_mb_re`) }, { port: 'mb_addr', expr: wire(`${m.inst}_mb_addr`, aw) }, { port: 'mb_rdata', expr: 'sram_rdata_b' });
      memB.push({ sel: en, re: `${m.inst}_mb_re`, addr: `${m.inst}_mb_addr` });
    }
    conns.push({ port: 'done', expr: wire(`${m.inst}_done`) });
    busy.push(`(${en} & ~${m.inst}_done)`);
    return { module: m.module, name: m.inst, wires, conns };
  });

  const hasSram = memA.length > 0 || memB.length > 0;
  const sram = hasSram
    ? {
        primA: orOf(memA.map((m) => `(${m.sel} & ${m.re ?? m.we})`)),
        weA: orOf(memA.filter((m) => m.we).map((m) => `(${m.sel} & ${m.we})`)),
        reA: orOf(memA.filter((m) => m.re).map((m) => `(${m.sel} & ${m.re})`)),
        addrA: `(${andOr(aw, memA.map((m) => ({ sel: m.sel, value: m.addr })))})`,
        wdataA: `(${andOr(dw, memA.filter((m) => m.wdata).map((m) => ({ sel: m.sel, value: m.wdata! })))})`,
        reB: orOf(memB.map((m) => `(${m.sel} & ${m.re})`)),
        addrB: andOr(aw, memB.map((m) => ({ sel: m.sel, value: m.addr }))),
      }
    : undefined;
  const ni = core.inputs.length;
  const no = core.outputs.length;
  return {
    ...base,
    sram,
    module: `basalt_${kind.kind}_core`, kindTitle: kind.kind.toUpperCase(), hasMem: hasSram,
    modesDoc: core.modes.map((m, i) => `${i}=${m}`).join(', '),
    cfgPorts: core.fields.map((f) => ({ name: f.name, wm1: f.width - 1 })),
    modeW: modeField.width,
    modes: core.modes.map((m, code) => ({ id: modeId(m).slice(2), code })).filter((m) => m.code > 0),
    inBufs: core.inputs.map((_, k) => ({
      k, ...slice(k, W), peek: peek[k], module: peek[k] ? IBUF.peek.module : IBUF.plain.module,
      accept: orOf(accept[k]), pop: orOf(pops[k]), pop2: orOf(pops2[k]),
    })),
    instances,
    outs: core.outputs.map((_, k) => ({ k, ...slice(k, W), valid: orOf(outValid[k]), data: andOr(W, outData[k]) })),
    busy: orOf(busy),
    wm1: W - 1, inm1: ni - 1, inDwm1: ni * W - 1, outm1: no - 1, outDwm1: no * W - 1,
    memDepth: ir.spec.memDepth, dataWidth: dw, dwm1: dw - 1, memAwm1: aw - 1,
  };
}

/** Context shared by every template in templates/prims/: widths and the token encoding. */
export interface PrimContext {
  readonly archId: string;
  readonly generatorVersion: string;
  readonly w: number; readonly wm1: number; readonly dw: number; readonly dwm1: number; readonly aw: number; readonly awm1: number;
  /** Token encoding (sam/tokens.ts): bit indices and Verilog literals. */
  readonly tok: TokenBits;
}

export function primContext(ir: HardwareIR, base: { archId: string; generatorVersion: string }): PrimContext {
  const dw = ir.spec.dataWidth;
  const aw = bitsFor(ir.spec.memDepth);
  return { ...base, w: ir.wordWidth, wm1: ir.wordWidth - 1, dw, dwm1: dw - 1, aw, awm1: aw - 1, tok: tokenBits(dw) };
}

/** Every module rendered from templates/prims/: module name, template, extra context. */
export function primModules(ir: HardwareIR): { module: string; template: string; ctx: object }[] {
  const ibuf = (module: string, depth: number, peek: boolean) => {
    const pw = bitsFor(depth);
    const cw = bitsFor(depth + 1);
    return {
      module, template: 'basalt_ibuf.v.hbs',
      ctx: { module, depth, depthM1: depth - 1, peek, pw, pwm1: pw - 1, cw, cwm1: cw - 1, entries: Array.from({ length: depth }, (_, i) => ({ i })) },
    };
  };
  const arch = archParams(ir.spec);
  const modules = TILE_KINDS.flatMap((k) => coreModules(k, ir.spec));
  return [
    ibuf(IBUF.plain.module, IBUF.plain.depth, false),
    ...(TILE_KINDS.some(needsPeek) ? [ibuf(IBUF.peek.module, IBUF.peek.depth, true)] : []),
    ...modules.map((m) => ({ module: m.module, template: `${m.module}.v.hbs`, ctx: Object.assign({}, ...m.prims.map((d) => d.rtl!.context?.(arch) ?? {})) })),
  ];
}
