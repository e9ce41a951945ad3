/** Incremental construction of a SamGraph, checking port names against the primitive definitions as it goes. */
import { ROOT_NODE, type EdgeKind, type GraphEdge, type GraphNode, type NodeBinding, type PortRef } from '../sam/graph.ts';
import { primDef, type NodeConfigOf, type PrimName } from '../sam/prims/index.ts';

/** The root reference stream `0, D`, as a source port. */
export const ROOT: PortRef = { node: ROOT_NODE, port: 'ref' };

export class GraphBuilder {
  readonly nodes: GraphNode[] = [];
  readonly edges: GraphEdge[] = [];
  readonly roots: PortRef[] = [];
  private readonly byId = new Map<string, GraphNode>();

  add<P extends PrimName>(prim: P, config: NodeConfigOf<P>, label: string, extra: { binding?: NodeBinding; indexVar?: string } = {}): string {
    const id = `n${this.nodes.length}`;
    const node = { id, prim, config, label, tile: primDef(prim).tile, ...extra } as GraphNode;
    this.nodes.push(node);
    this.byId.set(id, node);
    return id;
  }

  /** An output port of a node. */
  out(node: string, port: string): PortRef {
    const n = this.byId.get(node);
    if (!n) throw new Error(`sam-graph: no node ${node}`);
    if (!primDef(n.prim).outputs.some((p) => p.name === port)) throw new Error(`sam-graph: ${n.prim} has no output '${port}'`);
    return { node, port };
  }

  /**
   * Removes nodes none of whose outputs is used (and the edges into them), repeatedly; writers
   * (output bindings) stay, whatever their outputs feed.
   */
  prune(): void {
    for (;;) {
      const used = new Set(this.edges.map((e) => e.from.node));
      const dead = new Set(this.nodes.filter((n) => !used.has(n.id) && primDef(n.prim).outputs.length > 0 && !n.binding?.kind.startsWith('output')).map((n) => n.id));
      if (dead.size === 0) return;
      const keep = <T>(xs: T[], ok: (x: T) => boolean) => xs.splice(0, xs.length, ...xs.filter(ok));
      keep(this.nodes, (n) => !dead.has(n.id));
      keep(this.edges, (e) => !dead.has(e.to.node));
      keep(this.roots, (r) => !dead.has(r.node));
      for (const id of dead) this.byId.delete(id);
    }
  }

  /** Connects a source port (or ROOT) to an input port; an output may feed any number of inputs. */
  connect(from: PortRef, node: string, port: string, kind: EdgeKind): void {
    const n = this.byId.get(node);
    if (!n) throw new Error(`sam-graph: no node ${node}`);
    if (!primDef(n.prim).inputs.some((p) => p.name === port)) throw new Error(`sam-graph: ${n.prim} has no input '${port}'`);
    if (this.edges.some((e) => e.to.node === node && e.to.port === port) || this.roots.some((r) => r.node === node && r.port === port)) {
      throw new Error(`sam-graph: input ${node}.${port} is driven twice`);
    }
    if (from.node === ROOT_NODE) this.roots.push({ node, port });
    else this.edges.push({ from, to: { node, port }, kind });
  }
}
