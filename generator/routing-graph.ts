/**
 * The global routing graph: every track wire, switch-box mux (with its FIFO),
 * connection-box mux, core port and top-level I/O of the array. The router,
 * the bitstream writer and the array template all read this one graph.
 *
 * A node is a place a token can be; `inputs` lists the nodes its mux can pick
 * (select value k+1 for inputs[k]). Sources (core outputs, top-level inputs)
 * have no inputs; a top-level output has exactly one, always connected.
 */
import type { ArchSpec } from './spec.ts';
import { OPPOSITE, SIDES, STEP, type Side } from './topology.ts';
import type { Fifo, TileKind } from './tile-kind.ts';
import type { TileKindName } from './cores.ts';

export interface Tile {
  readonly id: number;
  readonly x: number;
  readonly y: number;
  readonly kind: TileKindName;
}

export type NodeKind = 'io_in' | 'io_out' | 'sb' | 'cb' | 'core_out';
export interface RNode {
  readonly id: string;
  readonly kind: NodeKind;
  /** Owning tile (null for top-level I/O). */
  readonly tile: number | null;
  readonly side?: Side;
  readonly track?: number;
  readonly port?: string;
  readonly inputs: readonly string[];
  /** Config field (of the owning tile's kind) holding the select. */
  readonly selField?: string;
  readonly bypassField?: string;
  /** Index into the top-level I/O vectors, for io_in / io_out. */
  readonly ioIndex?: number;
  /** The FIFO a token passes at this node (SB outputs and the border FIFOs). */
  readonly fifo?: Fifo;
  /** sb and io_in: the tile track input this node's wire drives (none at the array's border). */
  readonly feeds?: TrackInput;
}

/** A tile's incoming track: the wire entering tile `tile` from `side` on `track`. */
export interface TrackInput {
  readonly tile: number;
  readonly side: Side;
  readonly track: number;
}

export interface IoPort {
  readonly index: number;
  readonly side: Side;
  /** x for N/S borders, y for E/W borders. */
  readonly pos: number;
  readonly track: number;
  readonly tile: number;
}

export interface RoutingGraph {
  readonly nodes: readonly RNode[];
  readonly io: readonly IoPort[];
}

export const tileIdOf = (spec: ArchSpec, x: number, y: number): number => x * spec.height + y;

export function buildTiles(spec: ArchSpec): Tile[] {
  const tiles: Tile[] = [];
  for (let x = 0; x < spec.width; x++) {
    const kind: TileKindName = x % spec.memRatio === spec.memRatio - 1 ? 'mem' : 'pe';
    for (let y = 0; y < spec.height; y++) tiles.push({ id: tileIdOf(spec, x, y), x, y, kind });
  }
  return tiles;
}

export const sbNodeId = (tile: number, side: Side, t: number) => `T${tile}.sb.${side}${t}`;
export const cbNodeId = (tile: number, port: string) => `T${tile}.${port}`;
export const coreOutNodeId = (tile: number, port: string) => `T${tile}.${port}`;
export const ioInNodeId = (side: Side, pos: number, t: number) => `io_in.${side}${pos}.${t}`;
export const ioOutNodeId = (side: Side, pos: number, t: number) => `io_out.${side}${pos}.${t}`;

/** Border ports in a fixed order: sides N, E, S, W; position ascending; track ascending. */
export function buildIoPorts(spec: ArchSpec): IoPort[] {
  const io: IoPort[] = [];
  for (const side of SIDES) {
    const n = side === 'N' || side === 'S' ? spec.width : spec.height;
    for (let pos = 0; pos < n; pos++) {
      const [x, y] = side === 'N' ? [pos, 0] : side === 'S' ? [pos, spec.height - 1] : side === 'E' ? [spec.width - 1, pos] : [0, pos];
      for (let t = 0; t < spec.tracks; t++) io.push({ index: io.length, side, pos, track: t, tile: tileIdOf(spec, x, y) });
    }
  }
  return io;
}

/** Which node drives the track entering tile (x, y) from `side`: the neighbour's SB output, or a top-level input. */
export function incomingTrackDriver(spec: ArchSpec, x: number, y: number, side: Side, t: number): string {
  const [dx, dy] = STEP[side];
  const nx = x + dx;
  const ny = y + dy;
  if (nx < 0 || ny < 0 || nx >= spec.width || ny >= spec.height) {
    return ioInNodeId(side, side === 'N' || side === 'S' ? x : y, t);
  }
  return sbNodeId(tileIdOf(spec, nx, ny), OPPOSITE[side], t);
}

/** The tile input a node drives: the neighbour across `side` of the SB output (tile, side), or the border tile of an io_in. */
function feedsOf(spec: ArchSpec, x: number, y: number, side: Side, track: number): TrackInput | undefined {
  const [dx, dy] = STEP[side];
  const nx = x + dx;
  const ny = y + dy;
  if (nx < 0 || ny < 0 || nx >= spec.width || ny >= spec.height) return undefined;
  return { tile: tileIdOf(spec, nx, ny), side: OPPOSITE[side], track };
}

export function buildRoutingGraph(spec: ArchSpec, tiles: readonly Tile[], kinds: Record<TileKindName, TileKind>): RoutingGraph {
  const io = buildIoPorts(spec);
  const nodes: RNode[] = [];
  // Border FIFOs: a top-level port never reaches array logic combinationally.
  const border: Fifo = { depth: spec.fifoDepth, bypassable: false };
  for (const p of io) {
    nodes.push({
      id: ioInNodeId(p.side, p.pos, p.track), kind: 'io_in', tile: null, side: p.side, track: p.track, inputs: [], ioIndex: p.index, fifo: border,
      feeds: { tile: p.tile, side: p.side, track: p.track },
    });
  }
  for (const tile of tiles) {
    const k = kinds[tile.kind];
    const sourceNode = (index: number): string => {
      const s = k.sources[index];
      return s.kind === 'track' ? incomingTrackDriver(spec, tile.x, tile.y, s.side, s.track) : coreOutNodeId(tile.id, s.port);
    };
    for (const port of k.core.outputs) nodes.push({ id: coreOutNodeId(tile.id, port), kind: 'core_out', tile: tile.id, port, inputs: [] });
    for (const m of k.muxes) {
      const common = { tile: tile.id, inputs: m.inputs.map(sourceNode), selField: m.selField, bypassField: m.bypassField };
      if (m.kind === 'sb') {
        const feeds = feedsOf(spec, tile.x, tile.y, m.side!, m.track!);
        nodes.push({ id: sbNodeId(tile.id, m.side!, m.track!), kind: 'sb', side: m.side, track: m.track, ...common, fifo: m.fifo, ...(feeds ? { feeds } : {}) });
      }
      else nodes.push({ id: cbNodeId(tile.id, m.port!), kind: 'cb', port: m.port, ...common });
    }
  }
  for (const p of io) {
    const t = tiles[p.tile];
    nodes.push({ id: ioOutNodeId(p.side, p.pos, p.track), kind: 'io_out', tile: null, side: p.side, track: p.track, inputs: [sbNodeId(t.id, p.side, p.track)], ioIndex: p.index, fifo: border });
  }
  return { nodes, io };
}
