/**
 * PE core primitives (ALU, intersect, union, reduce, repeat, repeat-signal
 * generator, coordinate drop and hold): RTL on the PE core harness == golden
 * SAM model, token by token. One Verilator build of basalt_pe_core (tiny).
 */
import { primSuite } from './helpers/prim-suite.ts';

primSuite('pe', ['alu', 'intersect', 'union', 'reduce', 'repeat', 'repeat-sig', 'crd-drop', 'crd-hold'], 4242);
