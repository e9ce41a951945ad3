import type { Command } from 'commander';
import { addArchOptions, loadSpec, type ArchOptions } from '../arch-options.ts';
import { UserError } from '../../base/errors.ts';
import { buildIR, type HardwareIR } from '../../generator/ir.ts';
import type { ArchSpec } from '../../generator/spec.ts';
import { renderAll, writeOutputs } from '../../generator/outputs.ts';

/** Builds the IR of a spec and writes every generated file into `out` (nothing on failure). */
export function generateInto(spec: ArchSpec, out: string): { ir: HardwareIR; files: Map<string, string> } {
  const ir = buildIR(spec);
  const files = renderAll(ir);
  try {
    writeOutputs(files, out);
  } catch (e) {
    throw new UserError(`--out ${out}: ${(e as Error).message}`);
  }
  return { ir, files };
}

export function registerGen(program: Command): void {
  addArchOptions(program.command('gen').description('generate the RTL, arch.json, config-map.json and routing-graph.json of an array'))
    .requiredOption('--out <dir>', 'output directory')
    .option('--json', 'print one JSON object')
    .action((opts: ArchOptions & { out: string; json?: boolean }) => {
      const t0 = performance.now();
      const { ir, files } = generateInto(loadSpec(opts), opts.out);
      const seconds = (performance.now() - t0) / 1000;
      const pe = ir.tiles.filter((t) => t.kind === 'pe').length;
      const summary = { archId: ir.archId, out: opts.out, files: [...files.keys()], tiles: { pe, mem: ir.tiles.length - pe }, routingNodes: ir.graph.nodes.length, seconds };
      if (opts.json) console.log(JSON.stringify(summary));
      else console.log(`${ir.archId}: ${ir.spec.width}x${ir.spec.height} (${pe} PE, ${ir.tiles.length - pe} MEM), ${ir.graph.nodes.length} routing nodes -> ${opts.out} (${files.size} files, ${seconds.toFixed(2)} s)`);
    });
}
