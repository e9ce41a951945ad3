/**
 * PE core primitives (ALU, intersect, union, reduce, repeat, repeat-signal
 * generator, coordinate drop and hold): RTL on the PE core harness == golden
 * SAM model, token by token. One Verilator build of basalt_pe_core (tiny).
 */
import { primSuite } from './helpers/prim-suite.ts';
import { kindPrims } from '../generator/cores.ts';
import type { PrimName } from '../sam/prims/index.ts';

primSuite('pe', kindPrims('pe').map((d) => d.name as PrimName), 4242);
