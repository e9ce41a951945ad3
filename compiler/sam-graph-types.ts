/**
 * The SAM graph: a plain, JSON-serializable dataflow graph of SAM primitives,
 * built from a resolved kernel (compiler/sam-graph.ts), executed by the golden
 * model (golden/run-graph.ts) and, later, placed and routed onto PE/MEM tiles.
 *
 * The graph holds no tensor data: nodes that read or write memory carry a
 * binding (which tensor level, which vals array); the data is bound at run time.
 */
import { UserError } from '../cli/errors.ts';
import type { AnyPrimName, PrimConfigs } from '../golden/prims/index.ts';

export type EdgeKind = 'crd' | 'ref' | 'val' | 'repsig';
export type TileKind = 'pe' | 'mem';

/** One stream port of a node; port names are those of PRIM_PORTS. */
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

/**
 * Static configuration per primitive. Memory contents are not here: a bound
 * compressed scanner gets seg/crd, and a value array its vals, at run time.
 * The value writer is a level writer in 'vals' mode (SAM's FiberWrite vals):
 * the MEM tile writes the data words of its input in order, with no seg.
 */
export interface NodeConfigs {
  'level-scanner': { readonly level: { readonly kind: 'd'; readonly size: number } | { readonly kind: 's' } };
  'level-writer': { readonly mode: 'crd'; readonly dropEmpty: boolean } | { readonly mode: 'vals' };
  'value-array': Record<string, never>;
  intersect: PrimConfigs['intersect'];
  union: PrimConfigs['union'];
  alu: PrimConfigs['alu'];
  reduce: PrimConfigs['reduce'];
  repeat: PrimConfigs['repeat'];
  'repeat-sig': PrimConfigs['repeat-sig'];
  'crd-drop': PrimConfigs['crd-drop'];
  'crd-hold': PrimConfigs['crd-hold'];
  /** Golden model only: the RTL has no sparse accumulator yet, so a graph with one runs on --simulator golden only. */
  spacc: PrimConfigs['spacc'];
}

interface NodeOf<P extends AnyPrimName> {
  readonly id: string;
  readonly prim: P;
  readonly config: NodeConfigs[P];
  /** Human-readable, e.g. "scan B.i (s)"; also the Graphviz label. */
  readonly label: string;
  readonly tile: TileKind;
  readonly binding?: NodeBinding;
  /** The index variable the node works on, when it has one. */
  readonly indexVar?: string;
}
export type GraphNode = { [P in AnyPrimName]: NodeOf<P> }[AnyPrimName];

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
  /** Level-writer node of each stored level, top first. */
  readonly levels: { readonly level: number; readonly indexVar: string; readonly writer: string }[];
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

/**
 * Scanners, writers and value arrays hold memory (or are MEM modes); the rest run on PEs.
 * The sparse accumulator buffers a whole output fiber of partial sums (up to the
 * kept level's size), which needs an SRAM, so it is counted as a MEM tile; no RTL
 * implements it yet (a placeholder until the tile mode exists).
 */
export function tileOf(prim: AnyPrimName): TileKind {
  return prim === 'level-scanner' || prim === 'level-writer' || prim === 'value-array' || prim === 'spacc' ? 'mem' : 'pe';
}

export function tileCounts(g: SamGraph): { pe: number; mem: number } {
  let pe = 0;
  let mem = 0;
  for (const n of g.nodes) if (n.tile === 'pe') pe++;
  else mem++;
  return { pe, mem };
}

/** A kernel the primitive set cannot express (or not yet): one line, names the construct. */
export class UnsupportedKernelError extends UserError {
  constructor(kernel: string, problem: string) {
    super(`cannot build a SAM graph for '${kernel}': ${problem}`);
    this.name = 'UnsupportedKernelError';
  }
}
