/**
 * The SAM graph: a plain, JSON-serializable dataflow graph of SAM primitives,
 * built from a resolved kernel (compiler/sam-graph.ts), executed by the golden
 * model (golden/run-graph.ts) and, later, placed and routed onto PE/MEM tiles.
 *
 * The graph holds no tensor data: nodes that read or write memory carry a
 * binding (which tensor level, which vals array); the data is bound at run time.
 */
import type { StreamKind, TileKindName } from './prim-def.ts';
import type { NodeConfigOf, PrimName } from './prims/index.ts';

export type EdgeKind = StreamKind;

/** One stream port of a node; port names are those of the primitive's definition. */
export interface PortRef {
  readonly node: string;
  readonly port: string;
}

export interface GraphEdge {
  readonly from: PortRef;
  readonly to: PortRef;
  readonly kind: EdgeKind;
}

/** What a MEM node reads or writes. Scanners and writers without a binding use no memory (dense counters). */
export type NodeBinding =
  | { readonly kind: 'input-level'; readonly tensor: string; readonly level: number }
  | { readonly kind: 'input-vals'; readonly tensor: string }
  | { readonly kind: 'output-level'; readonly tensor: string; readonly level: number }
  | { readonly kind: 'output-vals'; readonly tensor: string };

interface NodeOf<P extends PrimName> {
  readonly id: string;
  readonly prim: P;
  /** Static configuration; memory contents (a compressed level's seg/crd, a tensor's vals) are bound at run time. */
  readonly config: NodeConfigOf<P>;
  /** Human-readable, e.g. "scan B.i (s)"; also the Graphviz label. */
  readonly label: string;
  readonly tile: TileKindName;
  readonly binding?: NodeBinding;
  /** The index variable the node works on, when it has one. */
  readonly indexVar?: string;
}
export type GraphNode = { [P in PrimName]: NodeOf<P> }[PrimName];

export interface InputLevelBinding {
  readonly level: number;
  readonly indexVar: string;
  readonly kind: 'd' | 's';
  /** Scanner nodes reading this level (one per access of the tensor). */
  readonly scanners: string[];
}
export interface InputBinding {
  readonly tensor: string;
  /** Canonical format text, e.g. 'ss:1,0'. */
  readonly format: string;
  readonly shape: readonly number[];
  readonly levels: InputLevelBinding[];
  /** Value-array nodes reading the tensor's vals. */
  readonly valueArrays: string[];
}
export interface OutputBinding {
  readonly tensor: string;
  readonly format: string;
  readonly shape: readonly number[];
  /** Each stored level, top first: a compressed one has its writer node, a dense one only its size. */
  readonly levels: (
    | { readonly level: number; readonly indexVar: string; readonly kind: 's'; readonly writer: string }
    | { readonly level: number; readonly indexVar: string; readonly kind: 'd'; readonly size: number }
  )[];
  /** The value writer node. */
  readonly values: string;
}

export interface SamGraph {
  /** The kernel's expression text. */
  readonly kernel: string;
  readonly order: readonly string[];
  readonly dataWidth: number;
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
  /** Input ports fed by the root reference stream `0, D`. */
  readonly roots: PortRef[];
  readonly inputs: InputBinding[];
  readonly output: OutputBinding;
}

/** The root reference stream every top-level scan starts from. */
export const ROOT_NODE = 'root';

export function tileCounts(g: SamGraph): { pe: number; mem: number } {
  let pe = 0;
  let mem = 0;
  for (const n of g.nodes) if (n.tile === 'pe') pe++;
  else mem++;
  return { pe, mem };
}

