/**
 * MEM core primitives (level scanner, level writer, value array, value
 * writer): RTL on the MEM core harness, with the SRAM preloaded and read back
 * through the memory port, == golden SAM model. One Verilator build of
 * basalt_mem_core (tiny: 256-word SRAM).
 */
import { primSuite } from './helpers/prim-suite.ts';
import { kindPrims } from '../generator/cores.ts';
import type { PrimName } from '../sam/prims/index.ts';

primSuite('mem', kindPrims('mem').map((d) => d.name as PrimName), 777);
