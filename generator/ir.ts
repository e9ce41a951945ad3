/**
 * The Hardware IR: the single description of an array that templates,
 * router and bitstream writer consume.
 */
import { type ArchSpec, archId, GENERATOR_VERSION } from './spec.ts';
import { buildTileKind, type TileKind } from './tile-kind.ts';
import { buildRoutingGraph, buildTiles, type RNode, type RoutingGraph, type Tile } from './routing-graph.ts';
import { TILE_KINDS, type TileKindName } from './cores.ts';
import type { Field } from './config-fields.ts';

export interface HardwareIR {
  readonly spec: ArchSpec;
  readonly archId: string;
  readonly generatorVersion: string;
  /** Stream word width: data bits plus the control bit. */
  readonly wordWidth: number;
  readonly tiles: readonly Tile[];
  readonly kinds: Record<TileKindName, TileKind>;
  readonly graph: RoutingGraph;
  readonly nodeById: ReadonlyMap<string, RNode>;
  /** Cycles from mem_re to valid mem_rdata, and from cfg_re to cfg_rdata. */
  readonly memReadLatency: number;
  readonly cfgReadLatency: number;
}

export function buildIR(spec: ArchSpec): HardwareIR {
  const tiles = buildTiles(spec);
  const kinds = Object.fromEntries(TILE_KINDS.map((k) => [k, buildTileKind(spec, k)])) as Record<TileKindName, TileKind>;
  const graph = buildRoutingGraph(spec, tiles, kinds);
  return {
    spec, archId: archId(spec), generatorVersion: GENERATOR_VERSION, wordWidth: spec.dataWidth + 1,
    tiles, kinds, graph, nodeById: new Map(graph.nodes.map((n) => [n.id, n])),
    memReadLatency: 3, cfgReadLatency: 3,
  };
}

/** Bus addresses (config and memory port): register or word index in the upper half, tile id in the lower. */
export const ADDRESS_INDEX_SHIFT = 16;
export const configAddress = (tile: number, reg: number): number => ((reg << ADDRESS_INDEX_SHIFT) | tile) >>> 0;
export const memAddress = (tile: number, word: number): number => ((word << ADDRESS_INDEX_SHIFT) | tile) >>> 0;
/**
 * The array-clear command: a config write to this address (tile field all ones, which no tile has)
 * zeroes every config register of every tile and empties every interconnect FIFO in one cycle, as
 * Onyx's flow writes zeros to every interconnect register between kernels. The data is ignored.
 */
export const CLEAR_ADDRESS = 0xffffffff;
export const decodeAddress = (address: number): { tile: number; index: number } => ({
  tile: address & (2 ** ADDRESS_INDEX_SHIFT - 1),
  index: address >>> ADDRESS_INDEX_SHIFT,
});

export function fieldOf(ir: HardwareIR, tile: number, name: string): Field {
  const kind = ir.kinds[ir.tiles[tile].kind];
  const f = kind.fields.find((x) => x.name === name);
  if (!f) throw new Error(`tile ${tile} (${kind.kind}) has no config field '${name}'`);
  return f;
}
