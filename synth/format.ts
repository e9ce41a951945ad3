/** The array report as a few plain-text tables (the non-JSON output of `basalt synth`). */
import { TARGET_METRICS, type Area, type Metric } from './area.ts';
import { CORE_PARTS, INTERCONNECT_PARTS, TILE_PARTS, type ArrayReport } from './array.ts';

const LABEL: Record<Metric, string> = {
  cells: 'cells', transistors: 'transistors', uncostedCells: 'uncosted', sramBits: 'SRAM bits',
  luts: 'LUTs', ffs: 'FFs', blockRams: 'BRAMs', dsps: 'DSPs', carries: 'carries', lutRams: 'LUTRAMs',
};
const PART_LABEL = { muxes: 'SB/CB muxes', fifos: 'FIFOs', routingConfig: 'routing cfg', configBus: 'cfg bus', coreConfig: 'core cfg', core: 'core' } as const;

const num = (n: number) => n.toLocaleString('en-US');
const pct = (f: number | undefined) => `${((f ?? 0) * 100).toFixed(1)}%`;

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows.map((r) => r.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c]))).join('  ').trimEnd()).join('\n');
}

export function formatArrayReport(r: ArrayReport): string {
  // uncostedCells is a check (0 when the estimate is complete): shown only when it is not.
  const metrics = TARGET_METRICS[r.target].filter((m) => m !== 'uncostedCells' || r.array.area.uncostedCells);
  const main: Metric = r.target === 'generic' ? 'transistors' : 'luts';
  const tileCount = Object.values(r.tiles).reduce((s, t) => s + t.count, 0);
  const row = (name: string, count: string, a: Area, share?: number) => [name, count, ...metrics.map((m) => num(a[m] ?? 0)), share === undefined ? '' : pct(share)];
  const lines = [
    `${r.archId}: ${r.spec.width}x${r.spec.height}, ${tileCount} tiles, ${r.spec.tracks} tracks ${r.spec.sbTopology}; target ${r.target} (yosys ${r.yosys})`,
    '',
    table([
      ['', 'count', ...metrics.map((m) => LABEL[m]), `interconnect (${LABEL[main]})`],
      ...Object.values(r.tiles).map((t) => row(t.module, String(t.count), t.area, t.interconnectShare[main])),
      row('top glue', '1', r.glue.area),
      row('array', '', r.array.area, r.array.interconnectShare[main]),
    ]),
    '',
    `${LABEL[main]} per tile part (interconnect: ${INTERCONNECT_PARTS.map((p) => PART_LABEL[p]).join(', ')}; core: ${CORE_PARTS.map((p) => PART_LABEL[p]).join(', ')})`,
    table([
      ['', ...TILE_PARTS.map((p) => PART_LABEL[p])],
      ...Object.values(r.tiles).map((t) => [t.module, ...TILE_PARTS.map((p) => num(t.parts[p][main] ?? 0))]),
    ]),
  ];
  const mems = Object.values(r.tiles).flatMap((t) => t.memories.map((m) => `${t.module}: ${m.module}.${m.name} ${m.size} x ${m.width} (${num(m.bits)} bits) x ${m.instances}, ${m.mappedTo === 'memory' ? 'kept as a memory' : `mapped to ${m.mappedTo}`}`));
  if (mems.length) lines.push('', ...mems);
  const units = Object.entries(r.run.units).map(([u, s]) => `${u} ${s.cached ? 'cached' : `${s.seconds.toFixed(1)} s`}`);
  lines.push('', `synthesis: ${units.join(', ')}; ${r.run.seconds.toFixed(1)} s in all`);
  return lines.join('\n');
}
