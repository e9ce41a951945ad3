import type { Command } from 'commander';
import { registerGen } from './gen.ts';
import { registerSynth } from './synth.ts';
import { registerDemo } from './demo.ts';
import { registerRun } from './run.ts';
import { registerPrim } from './prim.ts';
import { registerFpga } from './fpga.ts';
import { registerSweep } from './sweep.ts';

/** Each command lives in its own module; add one line here per command. */
export function registerCommands(program: Command): void {
  registerGen(program);
  registerSynth(program);
  registerDemo(program);
  registerRun(program);
  registerPrim(program);
  registerFpga(program);
  registerSweep(program);
}
