/**
 * What one SAM primitive is, in one place: its streams, its configuration, the
 * tile kind that runs it, the golden model, random and bounded behaviour, and
 * (when the RTL implements it) the module, config fields, SRAM use and the
 * encoder from configuration to register fields and memory contents.
 *
 * Everything else is derived from these definitions (sam/prims/index.ts holds
 * the catalogue): the tile kinds' mode tables and port counts, the core
 * template's muxes, the compiler's tile assignment and bitstream fields, both
 * harnesses' encoders, `basalt prim`, the latency table of the tests.
 */
import type { Rand } from '../base/prng.ts';
import type { Level } from './fibers.ts';
import type { RandomOptions } from './random.ts';
import type { Stream } from './tokens.ts';

export type TileKindName = 'pe' | 'mem';
export const TILE_KINDS: readonly TileKindName[] = ['pe', 'mem'];

/** What a stream carries (also the SAM graph's edge kinds). */
export type StreamKind = 'crd' | 'ref' | 'val' | 'repsig';

export interface StreamPort {
  /** Stable name: the graph's port name, the RTL module's port prefix. */
  readonly name: string;
  readonly kind: StreamKind;
}

/** The parameters of an array a primitive's fields, encoder and checks depend on. */
export interface ArchParams {
  readonly dataWidth: number;
  readonly memDepth: number;
  /** ALU operations the PE builds. */
  readonly peOps: readonly string[];
  /** Coordinates a sparse accumulator holds (0..accWidth-1). */
  readonly accWidth: number;
}

/** A config field a primitive reads; fields of the same name are shared by a tile kind's modes. */
export interface FieldDecl {
  readonly name: string;
  readonly width: number;
  /** Meaning, copied into config-map.json. */
  readonly doc: string;
}

/** The SRAM of a MEM tile, as an encoder sees it. */
export interface EncodeContext {
  readonly arch: ArchParams;
  /** Places an input array (preloaded through the memory port) and returns its base address. */
  preload(array: string, words: readonly number[]): number;
  /** Reserves the region of an array the primitive writes and returns its base address; `zeros` words of it start as 0. */
  reserve(array: string, opts?: { readonly zeros?: number }): number;
}

/** Memory a graph node's binding names, handed to `bind`. */
export interface BoundMemory {
  readonly level?: Level;
  readonly vals?: readonly number[];
}

export interface PrimCase<C> {
  readonly config: C;
  readonly inputs: Record<string, Stream>;
}

export interface RtlDef<C> {
  /** Module name = templates/prims/<module>.v.hbs. Primitives may share a module (it then gets `modeFlags`). */
  readonly module: string;
  /** Config fields the module reads (port cfg_<name>). */
  readonly fields: (arch: ArchParams) => readonly FieldDecl[];
  /** Configuration -> field values ('mode' is set by the caller) and SRAM contents (through ctx). */
  readonly encode: (config: C, ctx: EncodeContext) => Record<string, number>;
  /** Why this configuration cannot run on an array, if it cannot (checked before simulating). */
  readonly check?: (config: C, arch: ArchParams) => string | undefined;
  /** Inputs it may pop two tokens from at once (a coordinate and its merged stop): they get a 3-entry buffer. */
  readonly peek?: readonly string[];
  /** SRAM port A (shared with the memory port) for reads or writes; port B for reads. */
  readonly sramA?: 'read' | 'write';
  readonly sramB?: boolean;
  /** Inputs of a shared module that tell its primitives apart: port -> its value in this mode. */
  readonly modeFlags?: Readonly<Record<string, 0 | 1>>;
  /** Template context of the module beyond the common one. */
  readonly context?: (arch: ArchParams) => object;
  /** An input the module can generate as the root stream `0, D` itself, when `field` is 1. */
  readonly rootInput?: { readonly port: string; readonly field: string };
  /**
   * When input `port` is the root stream, output `output` is input `same` word
   * for word (R is the data word 0): the node becomes a wire in hardware.
   */
  readonly wireWhenRootFed?: { readonly port: string; readonly output: string; readonly same: string };
  /** Fixed cycles per run beyond `cycleBound`, without stalls, from start to done (measured, asserted by the tests). */
  readonly latency: number;
}

export interface PrimitiveDef<C = unknown, N = C> {
  /** Kebab-case name: graph nodes, `basalt prim`, the tile mode. */
  readonly name: string;
  /** One line: what it does (SAM's name for it). */
  readonly doc: string;
  /** The tile kind that runs it (or would: a primitive without `rtl` runs on the golden model only). */
  readonly tile: TileKindName;
  /** A dense-mode primitive: built only into arrays whose spec has denseModes (after every sparse one in the catalogue, so mode codes do not move). */
  readonly dense?: boolean;
  readonly inputs: readonly StreamPort[];
  /** Stream outputs, in core-port order. */
  readonly outputs: readonly StreamPort[];
  /** SRAM arrays: `reads` the host preloads, `writes` the primitive fills (returned by `run` as data streams ending in D). */
  readonly arrays?: { readonly reads?: readonly string[]; readonly writes?: readonly string[] };
  /** The inputs a configuration reads (default: every input). */
  readonly requiredInputs?: (config: C) => readonly string[];
  /** The golden model: every stream (and written array) from the inputs. Throws on a malformed input. */
  readonly run: (config: C, inputs: Readonly<Record<string, Stream>>) => Record<string, Stream>;
  /** A random well-formed case (for property tests and the RTL differential tests). */
  readonly random: (rng: Rand, opts: RandomOptions) => PrimCase<C>;
  /** A graph node's configuration plus the memory its binding names -> the configuration `run` takes (default: the node's). */
  readonly bind?: (node: N, memory: BoundMemory) => C;
  /**
   * Fewest cycles a design moving one token per cycle per stream needs for the
   * case (at least the most tokens on one stream; more where items cannot overlap).
   */
  readonly cycleBound: (c: PrimCase<C>, outputs: Readonly<Record<string, Stream>>) => number;
  readonly rtl?: RtlDef<C>;
}

/** Helper so each definition file keeps its own config types. */
export const definePrimitive = <C, N = C>(d: PrimitiveDef<C, N>): PrimitiveDef<C, N> => d;
