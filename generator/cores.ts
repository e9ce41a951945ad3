/**
 * What sits inside each tile kind next to its switch box, derived from the
 * primitive catalogue (sam/prims/index.ts): the modes its mode register
 * selects ('off', 'pass', then every RTL primitive of the kind in catalogue
 * order), its core stream ports (as many as the busiest mode needs), its
 * config fields (every mode's fields, merged by name), and for every mode which
 * core port carries which stream (stream k of a primitive on port k).
 */
import { bitsFor } from '../base/bits.ts';
import { TILE_KINDS, type ArchParams, type FieldDecl, type TileKindName } from '../sam/prim-def.ts';
import { PRIMITIVES, primDef, type AnyPrimitiveDef } from '../sam/prims/index.ts';
import type { ArchSpec } from './spec.ts';

export { TILE_KINDS, type TileKindName };

/** Streams of one mode: primitive stream name -> core port name. */
export interface ModePorts {
  readonly inputs: Readonly<Record<string, string>>;
  readonly outputs: Readonly<Record<string, string>>;
}

export interface CoreDescription {
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  /** Mode names; the mode register holds the index (0 = off). */
  readonly modes: readonly string[];
  readonly fields: readonly FieldDecl[];
  /** Per mode name: the core port of each primitive stream ('off' has none). */
  readonly modePorts: Readonly<Record<string, ModePorts>>;
  /** The primitives of the kind's modes, in mode order. */
  readonly prims: readonly AnyPrimitiveDef[];
}

/** Modes every tile kind has before its primitives. 'pass' forwards core input k to output k (an interconnect test mode). */
export const BUILTIN_MODES = ['off', 'pass'] as const;

export const archParams = (spec: ArchSpec): ArchParams => ({ dataWidth: spec.dataWidth, memDepth: spec.memDepth, peOps: spec.peOps, accWidth: spec.accWidth });

/** The RTL primitives a tile kind runs, in mode order: all of them, or those an array's spec builds. */
export const kindPrims = (kind: TileKindName, spec?: Pick<ArchSpec, 'denseModes'>): AnyPrimitiveDef[] =>
  PRIMITIVES.filter((d) => d.rtl && d.tile === kind && (!d.dense || spec === undefined || spec.denseModes));

// Leaving the dense modes out must not renumber the others.
for (const kind of TILE_KINDS) {
  const all = kindPrims(kind);
  if (all.some((d, i) => !d.dense && all.slice(0, i).some((e) => e.dense))) throw new Error(`${kind} core: a sparse primitive follows a dense one in the catalogue`);
}

/** Why an array of this spec lacks a primitive's mode, if it does (checked before simulating). */
export function modeMissing(spec: Pick<ArchSpec, 'denseModes'>, prim: string): string | undefined {
  return primDef(prim).dense && !spec.denseModes ? `${prim} is a dense-mode primitive and this array is generated without dense modes (denseModes: false): use --set denseModes=true` : undefined;
}

/** The tile kind and mode code of an RTL primitive; throws for one the RTL lacks. */
export function primMode(prim: string): { kind: TileKindName; mode: string; code: number } {
  const d = primDef(prim);
  if (!d.rtl) throw new Error(`primitive '${prim}' has no RTL (golden model only)`);
  const code = BUILTIN_MODES.length + kindPrims(d.tile).indexOf(d);
  return { kind: d.tile, mode: d.name, code };
}

const portNames = (prefix: string, n: number) => Array.from({ length: n }, (_, k) => `${prefix}${k}`);
const bind = (ports: readonly { name: string }[], prefix: string) => Object.fromEntries(ports.map((p, k) => [p.name, `${prefix}${k}`]));

/** The modes' fields merged by name; a field shared by two modes must have one width. */
function mergeFields(kind: TileKindName, lists: readonly (readonly FieldDecl[])[]): FieldDecl[] {
  const out = new Map<string, FieldDecl>();
  for (const f of lists.flat()) {
    const old = out.get(f.name);
    if (old && old.width !== f.width) throw new Error(`${kind} core: field ${f.name} is ${old.width} bits in one mode and ${f.width} in another`);
    if (!old) out.set(f.name, f);
  }
  return [...out.values()];
}

export function coreDescription(spec: ArchSpec, kind: TileKindName): CoreDescription {
  const prims = kindPrims(kind, spec);
  const arch = archParams(spec);
  const nIn = Math.max(1, ...prims.map((p) => p.inputs.length));
  const nOut = Math.max(1, ...prims.map((p) => p.outputs.length));
  const nPass = Math.min(nIn, nOut);
  const modes = [...BUILTIN_MODES, ...prims.map((p) => p.name)];
  const modePorts: Record<string, ModePorts> = {
    off: { inputs: {}, outputs: {} },
    pass: { inputs: Object.fromEntries(portNames('in', nPass).map((p) => [p, p])), outputs: Object.fromEntries(portNames('out', nPass).map((p) => [p, p])) },
  };
  for (const p of prims) modePorts[p.name] = { inputs: bind(p.inputs, 'in'), outputs: bind(p.outputs, 'out') };
  const modeDoc = `core mode: ${modes.map((m, i) => `${i}=${m}`).join(', ')}`;
  const fields = mergeFields(kind, [[{ name: 'mode', width: bitsFor(modes.length), doc: modeDoc }], ...prims.map((p) => p.rtl!.fields(arch))]);
  return { inputs: portNames('in', nIn), outputs: portNames('out', nOut), modes, fields, modePorts, prims };
}

