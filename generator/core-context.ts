/**
 * Template context of the tile cores (templates/basalt_core.v.hbs) and of the
 * primitive modules (templates/prims/*.v.hbs): which primitive modules each
 * core holds, the mode that enables each, and every mux of streams, config
 * and SRAM ports between them. The stream -> core port mapping comes from
 * cores.ts (modePorts); nothing here re-derives it.
 */
import type { HardwareIR } from './ir.ts';
import type { TileKind } from './tile-kind.ts';
import type { TileKindName } from './cores.ts';
import { bitsFor, slice } from './bits.ts';
import { ALU_OP_NAMES, aluOpcode, type AluOpName } from './alu-ops.ts';

/** One primitive module instance inside a core. */
export interface PrimRtl {
  /** Module name = file name without `.v`, rendered from templates/prims/<module>.v.hbs. */
  readonly module: string;
  readonly inst: string;
  /** Core modes it runs (the joiner runs intersect and union). */
  readonly modes: readonly string[];
  /** Inputs it may pop two tokens from at once (a coordinate and its merged stop). */
  readonly peek: readonly string[];
  /** Config fields it reads (port cfg_<name>). */
  readonly cfg: readonly string[];
  /** Extra inputs: port -> expression. */
  readonly extra?: Readonly<Record<string, string>>;
  /** SRAM port A use (read: ma_re/ma_addr/ma_rdata; write: ma_we/ma_addr/ma_wdata) and port B reads. */
  readonly memA?: 'read' | 'write';
  readonly memB?: boolean;
}

export const CORE_PRIMS: Readonly<Record<TileKindName, readonly PrimRtl[]>> = {
  pe: [
    { module: 'basalt_prim_alu', inst: 'u_alu', modes: ['alu'], peek: [], cfg: ['op', 'const', 'const_en'] },
    { module: 'basalt_prim_joiner', inst: 'u_join', modes: ['intersect', 'union'], peek: [], cfg: [], extra: { is_union: 'm_union' } },
    { module: 'basalt_prim_reduce', inst: 'u_reduce', modes: ['reduce'], peek: [], cfg: [] },
    { module: 'basalt_prim_repeat', inst: 'u_repeat', modes: ['repeat'], peek: ['in_ref'], cfg: [] },
    { module: 'basalt_prim_repeat_sig', inst: 'u_repsig', modes: ['repeat-sig'], peek: [], cfg: [] },
    { module: 'basalt_prim_crd_drop', inst: 'u_crd_drop', modes: ['crd-drop'], peek: ['in_outer'], cfg: [] },
    { module: 'basalt_prim_crd_hold', inst: 'u_crd_hold', modes: ['crd-hold'], peek: ['in_outer'], cfg: [] },
  ],
  mem: [
    {
      module: 'basalt_prim_level_scanner', inst: 'u_scan', modes: ['level-scanner'], peek: [],
      cfg: ['root', 'dense', 'dim', 'seg_base', 'crd_base'], memA: 'read', memB: true,
    },
    { module: 'basalt_prim_level_writer', inst: 'u_lwr', modes: ['level-writer'], peek: [], cfg: ['seg_base', 'crd_base', 'drop_empty'], memA: 'write' },
    { module: 'basalt_prim_value_array', inst: 'u_vals', modes: ['value-array'], peek: [], cfg: ['val_base'], memB: true },
    { module: 'basalt_prim_value_writer', inst: 'u_vwr', modes: ['value-writer'], peek: [], cfg: ['val_base'], memA: 'write' },
  ],
};

/** Input buffers: 2 entries; 3 (and a second-token view) where a mode pops two tokens at once. */
export const IBUF = { plain: { module: 'basalt_ibuf', depth: 2 }, peek: { module: 'basalt_ibuf_peek', depth: 3 } } as const;

/** The Verilog files (names) a core of this kind needs, core first. */
export function coreFiles(kind: TileKindName): string[] {
  const bufs = CORE_PRIMS[kind].some((p) => p.peek.length > 0) ? [IBUF.plain.module, IBUF.peek.module] : [IBUF.plain.module];
  return [`basalt_${kind}_core.v`, ...bufs.map((m) => `${m}.v`), ...CORE_PRIMS[kind].map((p) => `${p.module}.v`), ...(kind === 'mem' ? ['basalt_sram.v'] : [])];
}

const modeId = (mode: string) => `m_${mode.replace(/-/g, '_')}`;
const orOf = (terms: readonly string[], zero = "1'b0") => (terms.length ? terms.join(' | ') : zero);
const anyMode = (modes: readonly string[]) => (modes.length === 1 ? modeId(modes[0]) : `(${modes.map(modeId).join(' | ')})`);
/** AND-OR multiplexer of `width`-bit values; at most one select is high. */
const andOr = (width: number, terms: readonly { sel: string; value: string }[]) =>
  terms.length ? terms.map((t) => `({${width}{${t.sel}}} & ${t.value})`).join(' | ') : `${width}'d0`;

export function coreContext(ir: HardwareIR, kind: TileKind, base: object) {
  const W = ir.wordWidth;
  const dw = ir.spec.dataWidth;
  const aw = bitsFor(ir.spec.memDepth);
  const core = kind.core;
  const ni = core.inputs.length;
  const no = core.outputs.length;
  const modeField = core.fields.find((f) => f.name === 'mode')!;
  const prims = CORE_PRIMS[kind.kind];
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
  if (core.modePorts.pass) {
    for (const [from, to] of Object.entries(core.modePorts.pass.inputs)) {
      const k = portIndex(core.inputs, to);
      const o = portIndex(core.outputs, core.modePorts.pass.outputs[from.replace('in', 'out')]);
      pops[k].push(`(m_pass & ib${k}_valid & out_ready[${o}])`);
      outValid[o].push(`(m_pass & ib${k}_valid)`);
      outData[o].push({ sel: 'm_pass', value: `ib${k}_head` });
    }
  }

  const busy: string[] = [];
  const memA: { sel: string; re?: string; we?: string; addr: string; wdata?: string }[] = [];
  const memB: { sel: string; re: string; addr: string }[] = [];
  const instances = prims.map((p) => {
    const mp = core.modePorts[p.modes[0]];
    for (const m of p.modes) {
      if (JSON.stringify(core.modePorts[m]) !== JSON.stringify(mp)) throw new Error(`${p.inst}: modes ${p.modes.join(', ')} map their streams differently`);
    }
    const en = anyMode(p.modes);
    const wires: { range: string; name: string }[] = [];
    const wire = (name: string, width = 1) => {
      wires.push({ range: width > 1 ? `[${width - 1}:0] ` : '', name });
      return name;
    };
    const conns: { port: string; expr: string }[] = [
      { port: 'clk', expr: 'clk' }, { port: 'rst_n', expr: 'rst_n' }, { port: 'clr', expr: 'start' }, { port: 'en', expr: en },
    ];
    for (const [port, expr] of Object.entries(p.extra ?? {})) conns.push({ port, expr });
    for (const f of p.cfg) conns.push({ port: `cfg_${f}`, expr: `cfg_${f}` });
    for (const [s, corePort] of Object.entries(mp.inputs)) {
      const k = portIndex(core.inputs, corePort);
      conns.push({ port: `${s}_data`, expr: `ib${k}_head` }, { port: `${s}_valid`, expr: `ib${k}_valid` });
      conns.push({ port: `${s}_ready`, expr: wire(`${p.inst}_${s}_ready`) });
      pops[k].push(`(${en} & ${p.inst}_${s}_ready)`);
      if (p.peek.includes(s)) {
        peek[k] = true;
        conns.push({ port: `${s}_valid2`, expr: `ib${k}_valid2` }, { port: `${s}_ready2`, expr: wire(`${p.inst}_${s}_ready2`) });
        pops2[k].push(`(${en} & ${p.inst}_${s}_ready2)`);
      }
    }
    for (const [s, corePort] of Object.entries(mp.outputs)) {
      const k = portIndex(core.outputs, corePort);
      conns.push({ port: `${s}_data`, expr: wire(`${p.inst}_${s}_data`, W) }, { port: `${s}_valid`, expr: wire(`${p.inst}_${s}_valid`) });
      conns.push({ port: `${s}_ready`, expr: `out_ready[${k}]` });
      outValid[k].push(`(${en} & ${p.inst}_${s}_valid)`);
      outData[k].push({ sel: en, value: `${p.inst}_${s}_data` });
    }
    if (p.memA === 'read') {
      conns.push({ port: 'ma_re', expr: wire(`${p.inst}_ma_re`) }, { port: 'ma_addr', expr: wire(`${p.inst}_ma_addr`, aw) }, { port: 'ma_rdata', expr: 'sram_rdata_a' });
      memA.push({ sel: en, re: `${p.inst}_ma_re`, addr: `${p.inst}_ma_addr` });
    } else if (p.memA === 'write') {
      conns.push({ port: 'ma_we', expr: wire(`${p.inst}_ma_we`) }, { port: 'ma_addr', expr: wire(`${p.inst}_ma_addr`, aw) }, { port: 'ma_wdata', expr: wire(`${p.inst}_ma_wdata`, dw) });
      memA.push({ sel: en, we: `${p.inst}_ma_we`, addr: `${p.inst}_ma_addr`, wdata: `${p.inst}_ma_wdata` });
    }
    if (p.memB) {
      conns.push({ port: 'mb_re', expr: wire(`${p.inst}_mb_re`) }, { port: 'mb_addr', expr: wire(`${p.inst}_mb_addr`, aw) }, { port: 'mb_rdata', expr: 'sram_rdata_b' });
      memB.push({ sel: en, re: `${p.inst}_mb_re`, addr: `${p.inst}_mb_addr` });
    }
    conns.push({ port: 'done', expr: wire(`${p.inst}_done`) });
    busy.push(`(${en} & ~${p.inst}_done)`);
    return { module: p.module, name: p.inst, wires, conns };
  });

  const mem = kind.kind === 'mem'
    ? {
        primA: orOf(memA.map((m) => `(${m.sel} & ${m.re ?? m.we})`)),
        weA: orOf(memA.filter((m) => m.we).map((m) => `(${m.sel} & ${m.we})`)),
        reA: orOf(memA.filter((m) => m.re).map((m) => `(${m.sel} & ${m.re})`)),
        addrA: `(${andOr(aw, memA.map((m) => ({ sel: m.sel, value: m.addr })))})`,
        wdataA: `(${andOr(dw, memA.filter((m) => m.wdata).map((m) => ({ sel: m.sel, value: m.wdata! })))})`,
        reB: orOf(memB.map((m) => `(${m.sel} & ${m.re})`)),
        addrB: andOr(aw, memB.map((m) => ({ sel: m.sel, value: m.addr }))),
      }
    : {};

  return {
    ...base,
    ...mem,
    module: `basalt_${kind.kind}_core`, kindTitle: kind.kind.toUpperCase(), hasMem: kind.kind === 'mem',
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

/** Verilog of a W-bit control word (data bits = code). */
const ctrlWord = (dw: number, code: number) => `${dw + 1}'h${((1n << BigInt(dw)) + BigInt(code)).toString(16)}`;

/** ALU result expression per op (a, b, c, sh are wires of the ALU template). */
function aluExpr(op: AluOpName, w: number, dw: number): string {
  const z = (x: string) => `{1'b0, ${x}}`;
  const flag = (cond: string) => `(${cond}) ? ${w}'d1 : ${w}'d0`;
  const sa = '$signed(a)';
  const sb = '$signed(b)';
  switch (op) {
    case 'add': return z('a + b');
    case 'sub': return z('a - b');
    case 'mul': return z('a * b');
    case 'min': return `(${sa} < ${sb}) ? ${z('a')} : ${z('b')}`;
    case 'max': return `(${sa} > ${sb}) ? ${z('a')} : ${z('b')}`;
    case 'abs': return `a[${dw - 1}] ? ${z('-a')} : ${z('a')}`;
    case 'shl': return z('a << sh');
    case 'shr': return z('a >> sh');
    case 'ashr': return z(`${sa} >>> sh`);
    case 'and': return z('a & b');
    case 'or': return z('a | b');
    case 'xor': return z('a ^ b');
    case 'eq': return flag('a == b');
    case 'ne': return flag('a != b');
    case 'lt': return flag(`${sa} < ${sb}`);
    case 'le': return flag(`${sa} <= ${sb}`);
    case 'gt': return flag(`${sa} > ${sb}`);
    case 'ge': return flag(`${sa} >= ${sb}`);
    case 'sel': return `(c != ${dw}'d0) ? ${z('a')} : ${z('b')}`;
  }
}

/** Context shared by every template in templates/prims/. */
export function primContext(ir: HardwareIR, base: object) {
  const dw = ir.spec.dataWidth;
  const w = ir.wordWidth;
  const aw = bitsFor(ir.spec.memDepth);
  const ops = ir.spec.peOps;
  const opW = bitsFor(ALU_OP_NAMES.length);
  return {
    ...base,
    w, wm1: w - 1, dw, dwm1: dw - 1, aw, awm1: aw - 1, shm1: Math.log2(dw) - 1,
    dWord: ctrlWord(dw, 0x100), nWord: ctrlWord(dw, 0x200),
    stopPrefix: `{1'b1, ${dw - 8}'d0`,
    opW, opWm1: opW - 1, absCode: aluOpcode('abs'), selCode: aluOpcode('sel'),
    ops: ALU_OP_NAMES.filter((op) => ops.includes(op)).map((op) => ({ name: op, code: aluOpcode(op), expr: aluExpr(op, w, dw) })),
    opsDoc: ALU_OP_NAMES.filter((op) => ops.includes(op)).join(' '),
    hasSel: ops.includes('sel'),
    hasShift: ops.some((op) => op === 'shl' || op === 'shr' || op === 'ashr'),
  };
}

/** Every module rendered from templates/prims/: module name, template, extra context. */
export function primModules(): { module: string; template: string; ctx: object }[] {
  const ibuf = (module: string, depth: number, peek: boolean) => {
    const pw = bitsFor(depth);
    const cw = bitsFor(depth + 1);
    return {
      module, template: 'basalt_ibuf.v.hbs',
      ctx: { module, depth, depthM1: depth - 1, peek, pw, pwm1: pw - 1, cw, cwm1: cw - 1, entries: Array.from({ length: depth }, (_, i) => ({ i })) },
    };
  };
  return [
    ibuf(IBUF.plain.module, IBUF.plain.depth, false),
    ibuf(IBUF.peek.module, IBUF.peek.depth, true),
    ...[...new Set([...CORE_PRIMS.pe, ...CORE_PRIMS.mem].map((p) => p.module))].map((module) => ({ module, template: `${module}.v.hbs`, ctx: {} })),
  ];
}
