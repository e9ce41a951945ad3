/**
 * The cycle limit of a kernel run and the stall report when it is hit. The
 * report comes from a debug run (sim/debug.ts) of the same job: every place
 * on a routed net where tokens vanish (a broken route), where a token is
 * offered and nobody takes it, and every consumer waiting on an empty input,
 * each named by the SAM graph edge it carries, the tile and the track.
 */
import { CapacityError, UserError } from '../base/errors.ts';
import { describeNode, netLabel, sinksThrough, topologicalEdges, type NetInfo } from '../compiler/net-map.ts';
import type { MappedKernel } from '../compiler/map-kernel.ts';
import type { HardwareIR } from '../generator/ir.ts';
import { encodeToken } from '../sam/tokens.ts';
import { debugRun, wordText, type DebugRun, type NodeState } from './debug.ts';

/**
 * Default cycle limit: a generous multiple of the golden model's ideal bound (the most tokens on
 * any one stream) plus a constant for pipeline latency. Measured on every kernel of the table and
 * the accumulator kernels (dims 5-8, densities 0.3-0.9, default array): 1.2-6.7 x idealCycles,
 * the high ratios on the smallest kernels, where the path latency dominates.
 */
export const CYCLE_LIMIT_FACTOR = 20;
export const CYCLE_LIMIT_SLACK = 10_000;
export const defaultCycleLimit = (idealCycles: number): number => CYCLE_LIMIT_FACTOR * idealCycles + CYCLE_LIMIT_SLACK;

/** `--max-cycles`: a positive integer. */
export function parseMaxCycles(text: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new UserError(`--max-cycles '${text}': expected a positive integer`);
  return n;
}

export type StallKind = 'lost' | 'held' | 'waiting';

export interface StallPlace {
  /** lost: tokens left one node of a route and never reached the next (the route is broken there);
   *  held: a token is offered and nobody takes it; waiting: a consumer waits on an empty input. */
  readonly kind: StallKind;
  /** The SAM graph edge(s) the place carries, `node 'label'.port -> node 'label'.port`. */
  readonly edge: string;
  /** Their indices in the mapped graph's edges. */
  readonly edges: readonly number[];
  /** The routing-graph node, its tile, and (switch boxes) its side and track. */
  readonly node: string;
  readonly tile: { readonly id: number; readonly x: number; readonly y: number };
  readonly side?: string;
  readonly track?: number;
  /** The place in words, e.g. `tile (2,3) switch box output N track 1`. */
  readonly where: string;
  readonly detail: string;
}

export interface StallReport {
  readonly limit: number;
  readonly cycles: number;
  /** The last run cycle a token moved on any routed net (-1: none moved). */
  readonly lastMove: number;
  /** No token moved for the last stretch of the run: a deadlock, not a limit that was too small. */
  readonly deadlock: boolean;
  readonly places: readonly StallPlace[];
}

const KIND_ORDER: Record<StallKind, number> = { lost: 0, held: 1, waiting: 2 };

/** Every stuck place of a debug run that hit its limit: broken routes first, then the rest in the graph's topological order. */
export function stallReport(ir: HardwareIR, m: MappedKernel, run: DebugRun): StallReport {
  const g = m.graph;
  const dw = ir.spec.dataWidth;
  const done = encodeToken('D', dw);
  const rank = new Map(topologicalEdges(g).map((e, i) => [e, i]));
  const places: (StallPlace & { order: number[] })[] = [];
  const state = (id: string): NodeState => {
    const s = run.nodes.get(id);
    if (!s) throw new Error(`stall report: no state of node ${id}`);
    return s;
  };
  const place = (net: NetInfo, kind: StallKind, node: string, detail: string, feedFrom?: string, pos = 0) => {
    const sinks = sinksThrough(net, node);
    const n = ir.nodeById.get(node)!;
    const t = ir.tiles[n.tile!];
    const edges = sinks.map((s) => s.edge);
    places.push({
      kind, edge: netLabel(g, net.from, sinks.map((s) => s.to)), edges, node, tile: { id: t.id, x: t.x, y: t.y },
      ...(n.kind === 'sb' ? { side: n.side, track: n.track } : {}),
      where: describeNode(ir, node, feedFrom), detail,
      // Broken routes first (they are causes, not symptoms), then by edge in topological order.
      order: [kind === 'lost' ? 0 : 1, Math.min(...edges.map((e) => rank.get(e)!)), KIND_ORDER[kind], pos],
    });
  };
  for (const net of run.nets) {
    const kind = g.edges[net.sinks[0].edge].kind;
    // lost: a node passed on fewer tokens than its predecessor sent minus what its FIFO holds.
    const seen = new Set<string>();
    for (const s of net.sinks) {
      for (let k = 0; k + 1 < s.path.length; k++) {
        const [a, b] = [s.path[k], s.path[k + 1]];
        if (seen.has(b)) continue;
        seen.add(b);
        const sa = state(a);
        const lost = sa.passed.count - (sa.occupancy ?? 0) - state(b).passed.count;
        if (lost > 0) place(net, 'lost', b, `${lost} token(s) left ${describeNode(ir, a)} but never arrived here: the route is broken between the two`, a, k + 1);
      }
    }
    // held: a token offered at a node's output that is not taken.
    net.nodes.forEach((node, k) => {
      const h = state(node).head;
      if (!h || !h.valid || h.ready) return;
      const occ = state(node).occupancy;
      place(net, 'held', node, `holds ${wordText(h.word, dw, kind)}${occ !== undefined ? ` (FIFO ${occ} token(s))` : ''}, which nobody takes; ${state(node).passed.count} token(s) passed`, undefined, k);
    });
    // waiting: a running core's input with nothing arriving, nothing buffered, and no D yet.
    for (const s of net.sinks) {
      const cb = s.path[s.path.length - 1];
      const st = state(cb);
      if (st.arriving || st.buffered || st.coreDone || (st.passed.count > 0 && st.passed.last === done)) continue;
      const got = st.passed.count === 0 ? 'nothing received yet' : `${st.passed.count} token(s) received, the last ${wordText(st.passed.last, dw, kind)}`;
      place(net, 'waiting', cb, `waits on an empty input: ${got}`, s.path[s.path.length - 2], s.path.length);
    }
  }
  places.sort((a, b) => a.order.reduce((acc, x, i) => acc || x - b.order[i], 0) || (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  const lastMove = Math.max(-1, ...[...run.nodes.values()].filter((s) => s.passed.count > 0).map((s) => s.passed.lastCycle));
  // Quiet for the last tenth of the run (at least 100 cycles): nothing will move any more.
  const deadlock = run.cycles - lastMove > Math.max(100, run.cycles / 10);
  return { limit: run.limit, cycles: run.cycles, lastMove, deadlock, places: places.map(({ order: _o, ...p }) => p) };
}

const LABEL: Record<StallKind, string> = { lost: 'tokens lost', held: 'token not taken', waiting: 'consumer waiting' };

/** The report as text, one line per place. */
export function formatStallReport(r: StallReport): string {
  const head = r.deadlock
    ? `no 'done' within ${r.limit} cycles: deadlock (no token moved on any routed net after run cycle ${r.lastMove})`
    : `no 'done' within ${r.limit} cycles: tokens were still moving at the limit (raise --max-cycles if the kernel is just long)`;
  const lines = r.places.map((p) => `  ${LABEL[p.kind]}: ${p.edge}\n      at ${p.where}: ${p.detail}`);
  return [head, ...(lines.length > 0 ? lines : ['  (no stuck place on a routed net)'])].join('\n') + '\n';
}

/** The run hit its cycle limit; `report` names every stuck place (text: formatStallReport). */
export class StallError extends CapacityError {
  constructor(readonly report: StallReport) {
    const first = report.places[0];
    super(`the array did not finish: no 'done' within ${report.limit} cycles (${report.deadlock ? 'deadlock' : 'still running at the limit'})` +
      (first ? `; first stuck place: ${first.edge} at ${first.where} (${report.places.length} in the report)` : ''));
    this.name = 'StallError';
  }
}

/** After a run hit its limit: the same job on the debug model, turned into the report. */
export async function stallError(ir: HardwareIR, m: MappedKernel, maxCycles: number, log?: (line: string) => void): Promise<StallError> {
  log?.(`no 'done' within ${maxCycles} cycles: rerunning on the debug model for the stall report`);
  const run = await debugRun(ir, m, { maxCycles, log });
  if (run.ok) throw new Error(`the debug model finished within ${maxCycles} cycles but the fast model did not: the two models disagree`);
  return new StallError(stallReport(ir, m, run));
}
