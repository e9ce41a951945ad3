/**
 * Renders the Hardware IR through the Handlebars templates. TypeScript
 * computes every index, width and connection here; templates only lay out text.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import Handlebars from 'handlebars';
import type { HardwareIR } from './ir.ts';
import type { TileKind } from './tile-kind.ts';
import { SIDES, STEP, OPPOSITE } from './topology.ts';
import { bitsFor, slice } from './bits.ts';
import { TILE_KINDS } from './cores.ts';
import { tileIdOf } from './routing-graph.ts';
import { coreContext, primContext, primModules } from './core-context.ts';

const TEMPLATE_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'templates');

const hb = Handlebars.create();
hb.registerPartial('header', readFileSync(join(TEMPLATE_DIR, 'header.hbs'), 'utf8'));
const cache = new Map<string, HandlebarsTemplateDelegate>();
function render(template: string, ctx: object): string {
  let t = cache.get(template);
  if (!t) {
    t = hb.compile(readFileSync(join(TEMPLATE_DIR, template), 'utf8'), { noEscape: true, strict: true });
    cache.set(template, t);
  }
  return t(ctx);
}


/** Width of the config data a tile kind uses: its widest register. */
export function cfgDataWidth(kind: TileKind): number {
  return Math.max(1, ...kind.fields.map((f) => f.lsb + f.width));
}

function tileContext(ir: HardwareIR, kind: TileKind, base: object) {
  const W = ir.wordWidth;
  const T = ir.spec.tracks;
  const nsrc = kind.sources.length;
  const fields = kind.fields.map((f) => ({ name: f.name, width: f.width, wm1: f.width - 1 }));
  const registers = kind.registers.map((r) => {
    const top = Math.max(...r.fields.map((f) => f.lsb + f.width));
    const parts = [...r.fields].sort((a, b) => b.lsb - a.lsb).map((f) => `f_${f.name}`);
    const readback = top < 32 ? `{${32 - top}'d0, ${parts.join(', ')}}` : `{${parts.join(', ')}}`;
    return { index: r.index, readback, fields: r.fields.map((f) => ({ name: f.name, msb: f.lsb + f.width - 1, lsb: f.lsb })) };
  });
  const muxes = kind.muxes.map((m) => ({
    name: m.name,
    selField: m.selField,
    cases: m.inputs.map((src, k) => ({ code: `${m.selWidth}'d${k + 1}`, src, ...slice(src, W) })),
  }));
  // For each source, the AND over its possible consumers: a mux that does not select it does not hold it back.
  const consumers: string[][] = kind.sources.map(() => []);
  for (const m of kind.muxes) m.inputs.forEach((src, k) => consumers[src].push(`(f_${m.selField} != ${m.selWidth}'d${k + 1} || ${m.name}_r)`));
  const sourceReady = consumers.map((terms, index) => ({ index, expr: terms.length ? terms.join(' && ') : `1'b1` }));
  const sbOuts = kind.muxes.filter((m) => m.kind === 'sb').map((m) => ({
    name: m.name, side: m.side, track: m.track, ...slice(m.track!, W),
    bypass: m.bypassField ? `f_${m.bypassField}` : `1'b0`,
  }));
  const cbs = kind.muxes.filter((m) => m.kind === 'cb').map((m) => ({ name: m.name, port: m.portIndex, ...slice(m.portIndex!, W) }));
  const ni = kind.core.inputs.length;
  const no = kind.core.outputs.length;
  const trackName = (src: { side: string; track: number }) => `${src.side}${src.track}`;
  const sources = kind.sources.map((src) =>
    src.kind === 'track'
      ? { index: src.index, data: `in_${trackName(src)}_data`, valid: `in_${trackName(src)}_valid` }
      : { index: src.index, data: `core_out_data[${slice(src.portIndex, W).msb}:${slice(src.portIndex, W).lsb}]`, valid: `core_out_valid[${src.portIndex}]` },
  );
  const trackSources = kind.sources.flatMap((src) => (src.kind === 'track' ? [{ name: trackName(src), index: src.index }] : []));
  const coreOutReady = kind.sources.filter((src) => src.kind === 'core').reverse().map((src) => `s${src.index}_r`).join(', ');
  return {
    ...base,
    trackPorts: trackSources.map((t) => t.name), sources, trackSources, coreOutReady,
    module: `basalt_${kind.kind}_tile`, coreModule: `basalt_${kind.kind}_core`,
    kind: kind.kind, kindTitle: kind.kind.toUpperCase(), tracks: T, topology: ir.spec.sbTopology,
    hasMem: kind.kind === 'mem', memAwm1: bitsFor(ir.spec.memDepth) - 1, dwm1: ir.spec.dataWidth - 1,
    w: W, wm1: W - 1, twm1: T * W - 1, tm1: T - 1, sides: SIDES,
    cfgWm1: cfgDataWidth(kind) - 1,
    srcm1: nsrc - 1, srcDwm1: nsrc * W - 1,
    coreInm1: ni - 1, coreInDwm1: ni * W - 1, coreOutm1: no - 1, coreOutDwm1: no * W - 1,
    fields, registers, muxes, sourceReady, sbOuts, cbs,
    coreFields: kind.core.fields.map((f) => f.name),
  };
}

function topContext(ir: HardwareIR, base: object) {
  const { spec } = ir;
  const W = ir.wordWidth;
  const T = spec.tracks;
  const name = (id: number) => `t${id}`;
  const ioBase = new Map<string, number>();
  for (const p of ir.graph.io) if (p.track === 0) ioBase.set(`${p.side}${p.pos}`, p.index);
  const borders: object[] = [];
  const tiles = ir.tiles.map((t) => {
    const ports = SIDES.flatMap((side) => {
      const [dx, dy] = STEP[side];
      const nx = t.x + dx;
      const ny = t.y + dy;
      const inside = nx >= 0 && ny >= 0 && nx < spec.width && ny < spec.height;
      return Array.from({ length: T }, (_, track) => {
        const p = `${side}${track}`;
        if (inside) {
          const nb = name(tileIdOf(spec, nx, ny));
          const q = `${OPPOSITE[side]}${track}`;
          return { p, inData: `${nb}_out_${q}_data`, inValid: `${nb}_out_${q}_valid`, outReady: `${nb}_in_${q}_ready` };
        }
        const k = ioBase.get(`${side}${side === 'N' || side === 'S' ? t.x : t.y}`)! + track;
        borders.push({ tile: name(t.id), p, k });
        return { p, inData: `ioa_in${k}_data`, inValid: `ioa_in${k}_valid`, outReady: `ioa_out${k}_ready` };
      });
    });
    const kind = ir.kinds[t.kind];
    return { id: t.id, name: name(t.id), module: `basalt_${t.kind}_tile`, hasMem: t.kind === 'mem', cfgWm1: cfgDataWidth(kind) - 1, ports };
  });
  return {
    ...base,
    width: spec.width, height: spec.height, tracks: T, topology: spec.sbTopology,
    peCount: ir.tiles.filter((t) => t.kind === 'pe').length, memCount: ir.tiles.filter((t) => t.kind === 'mem').length,
    dw: spec.dataWidth, dwm1: spec.dataWidth - 1, wm1: W - 1,
    memAddrMsb: 16 + bitsFor(spec.memDepth) - 1,
    cfgReadLatency: ir.cfgReadLatency, memReadLatency: ir.memReadLatency,
    tiles, borders,
    io: ir.graph.io.map((p) => ({ k: p.index })),
    memTiles: tiles.filter((t) => t.hasMem),
    doneList: tiles.map((t) => `${t.name}_done`).join(', '),
  };
}

/** All generated Verilog files, by file name. */
export function renderVerilog(ir: HardwareIR): Map<string, string> {
  const base = { archId: ir.archId, generatorVersion: ir.generatorVersion };
  const W = ir.wordWidth;
  const d = ir.spec.fifoDepth;
  const aw = bitsFor(d);
  const cw = bitsFor(d + 1);
  const files = new Map<string, string>();
  const entries = Array.from({ length: d }, (_, i) => ({ i }));
  files.set('basalt_fifo.v', render('basalt_fifo.v.hbs', { ...base, depth: d, depthM1: d - 1, wm1: W - 1, aw, awm1: aw - 1, cw, cwm1: cw - 1, entries, w: W }));
  const mw = bitsFor(ir.spec.memDepth);
  files.set('basalt_sram.v', render('basalt_sram.v.hbs', { ...base, depth: ir.spec.memDepth, depthM1: ir.spec.memDepth - 1, width: ir.spec.dataWidth, wm1: ir.spec.dataWidth - 1, awm1: mw - 1 }));
  const prims = primContext(ir, base);
  for (const m of primModules()) files.set(`${m.module}.v`, render(`prims/${m.template}`, { ...prims, ...m.ctx }));
  for (const k of TILE_KINDS) {
    const kind = ir.kinds[k];
    files.set(`basalt_${k}_core.v`, render('basalt_core.v.hbs', coreContext(ir, kind, base)));
    files.set(`basalt_${k}_tile.v`, render('basalt_tile.v.hbs', tileContext(ir, kind, base)));
  }
  files.set('basalt_top.v', render('basalt_top.v.hbs', topContext(ir, base)));
  return files;
}
