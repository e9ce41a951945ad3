/** Prints a hash of the bitstream and memory image of one mapped kernel: run in a separate process to check determinism across runs. */
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { presetIR } from './arch.ts';
import { TABLE, graphOf, randomInputs, uniformDims } from '../../flow/kernel-table.ts';
import { mapKernel } from '../../compiler/map-kernel.ts';

export function mappedHash(kernelName: string, seed: number): string {
  const c = TABLE.find((k) => k.name === kernelName)!;
  const dims = uniformDims(c, 6);
  const { graph } = graphOf(c, dims);
  const m = mapKernel(presetIR('default'), graph, randomInputs(c, dims, 0.5, seed));
  return createHash('sha256').update(m.bitstream).update(JSON.stringify(m.memImage)).digest('hex');
}

// Run as a script (node bin/run-ts.js test/helpers/map-hash.ts NAME SEED), not when imported.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) console.log(mappedHash(process.argv[2], Number(process.argv[3])));
