/**
 * Routes every stream of a placed SAM graph: one net per producing port,
 * from the core output of its tile to the connection box of each consumer
 * (fan-out when a stream has several consumers). Nets that fail are moved to
 * the front and everything is routed again, a few times, before giving up.
 */
import type { HardwareIR } from '../generator/ir.ts';
import type { SamGraph } from '../sam/graph.ts';
import { cbNodeId, coreOutNodeId } from '../generator/routing-graph.ts';
import { routeNet, RouteError, type RoutedNet } from './route.ts';
import { nodeMode, type Placement } from './place.ts';
import { CapacityError } from '../base/errors.ts';

/** Core port of a node's stream port (input or output), through the mode's port map. */
export function corePort(ir: HardwareIR, g: Pick<SamGraph, 'nodes'>, nodeId: string, port: string, dir: 'inputs' | 'outputs'): string {
  const node = g.nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`no node ${nodeId}`);
  const m = nodeMode(node);
  const map = ir.kinds[m.kind].core.modePorts[m.mode][dir];
  const p = map[port];
  if (p) return p;
  throw new Error(`mode ${m.mode} has no ${dir === 'inputs' ? 'input' : 'output'} stream '${port}' (node ${nodeId})`);
}

export interface GraphNet {
  readonly from: { node: string; port: string };
  readonly to: { node: string; port: string }[];
  readonly source: string;
  readonly sinks: string[];
}

export function graphNets(ir: HardwareIR, g: Pick<SamGraph, 'nodes' | 'edges'>, placement: Placement): GraphNet[] {
  const nets = new Map<string, GraphNet>();
  for (const e of g.edges) {
    const key = `${e.from.node}.${e.from.port}`;
    let net = nets.get(key);
    if (!net) {
      const source = coreOutNodeId(placement.get(e.from.node)!, corePort(ir, g, e.from.node, e.from.port, 'outputs'));
      net = { from: e.from, to: [], source, sinks: [] };
      nets.set(key, net);
    }
    net.to.push(e.to);
    net.sinks.push(cbNodeId(placement.get(e.to.node)!, corePort(ir, g, e.to.node, e.to.port, 'inputs')));
  }
  return [...nets.values()];
}

export function routeGraph(ir: HardwareIR, nets: readonly GraphNet[], attempts = 8): RoutedNet[] {
  let order = nets.map((_, i) => i);
  let lastError = '';
  for (let a = 0; a < attempts; a++) {
    const used = new Set<string>();
    const routed: RoutedNet[] = [];
    let failed = -1;
    for (const i of order) {
      try {
        const r = routeNet(ir, nets[i].source, nets[i].sinks, used);
        for (const n of r.nodes) used.add(n);
        routed[i] = r;
      } catch (e) {
        if (!(e instanceof RouteError)) throw e;
        failed = i;
        lastError = e.message;
        break;
      }
    }
    if (failed < 0) return routed;
    order = [failed, ...order.filter((i) => i !== failed)];
  }
  throw new CapacityError(`routing failed after ${attempts} attempts (${lastError}); try more --set tracks or a larger array`);
}
