/**
 * Everything `basalt gen` writes, rendered in memory first and then written
 * into place in one step, so a failure leaves no partial output behind.
 */
import { mkdirSync, renameSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve, basename } from 'node:path';
import type { HardwareIR } from './ir.ts';
import { ADDRESS_INDEX_SHIFT, CLEAR_ADDRESS, configAddress } from './ir.ts';
import { renderVerilog } from './emit.ts';

export function configMapJson(ir: HardwareIR): object {
  return {
    archId: ir.archId,
    addressFormat: `address[31:${ADDRESS_INDEX_SHIFT}] = register index, address[${ADDRESS_INDEX_SHIFT - 1}:0] = tile id`,
    dataBits: 32,
    readLatency: ir.cfgReadLatency,
    clearAddress: `0x${CLEAR_ADDRESS.toString(16).padStart(8, '0')}`,
    clearDoc: 'a write to clearAddress zeroes every config register of every tile and empties every FIFO (between kernels)',
    kinds: Object.fromEntries(
      Object.values(ir.kinds).map((k) => [
        k.kind,
        {
          modes: k.core.modes,
          // Per mode: which core port carries each stream of the primitive (for place and route).
          modePorts: k.core.modePorts,
          registers: k.registers.map((r) => ({
            index: r.index,
            mask: `0x${r.mask.toString(16).padStart(8, '0')}`,
            fields: r.fields.map((f) => ({ name: f.name, lsb: f.lsb, width: f.width, doc: f.doc })),
          })),
        },
      ]),
    ),
    tiles: ir.tiles.map((t) => ({ id: t.id, x: t.x, y: t.y, kind: t.kind, firstAddress: `0x${configAddress(t.id, 0).toString(16).padStart(8, '0')}` })),
  };
}

export function routingGraphJson(ir: HardwareIR): object {
  return {
    archId: ir.archId,
    wordWidth: ir.wordWidth,
    io: ir.graph.io,
    nodes: ir.graph.nodes,
  };
}

export function archJson(ir: HardwareIR): object {
  return { archId: ir.archId, generatorVersion: ir.generatorVersion, spec: ir.spec, memReadLatency: ir.memReadLatency };
}

export function renderAll(ir: HardwareIR): Map<string, string> {
  const files = renderVerilog(ir);
  files.set('arch.json', JSON.stringify(archJson(ir), null, 2) + '\n');
  files.set('config-map.json', JSON.stringify(configMapJson(ir), null, 2) + '\n');
  files.set('routing-graph.json', JSON.stringify(routingGraphJson(ir)) + '\n');
  return files;
}

/** Writes `files` into `outDir` atomically: a sibling temp dir is filled, then renamed into place. */
export function writeOutputs(files: Map<string, string>, outDir: string): void {
  const dir = resolve(outDir);
  // The first directory created here is removed again if writing fails.
  const madeParent = mkdirSync(dirname(dir), { recursive: true });
  const tmp = join(dirname(dir), `.${basename(dir)}.tmp-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp);
  try {
    for (const [name, text] of files) writeFileSync(join(tmp, name), text);
    if (existsSync(dir)) {
      // Only replace a directory that holds generated output, never a user's folder.
      const stale = readdirSync(dir).filter((f) => !/^(basalt_.*\.v|arch\.json|config-map\.json|routing-graph\.json)$/.test(f));
      if (stale.length) throw new Error(`refusing to replace ${dir}: it holds files basalt did not write (${stale.slice(0, 3).join(', ')})`);
      rmSync(dir, { recursive: true });
    }
    renameSync(tmp, dir);
  } catch (e) {
    if (madeParent) rmSync(madeParent, { recursive: true, force: true });
    throw e;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
