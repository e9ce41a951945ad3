/**
 * The two build figures the benches report: a cold build (empty ccache and model cache), then a
 * warm one (the ccache kept, the model cache emptied). The caches are temporary directories, so
 * the user's caches are neither used nor touched.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HardwareIR } from '../generator/ir.ts';
import { buildModel, type Model } from '../sim/verilator.ts';

export async function coldAndWarmBuilds(ir: HardwareIR): Promise<{ cold: Model; warm: Model }> {
  const ccache = mkdtempSync(join(tmpdir(), 'basalt-ccache-'));
  const models = mkdtempSync(join(tmpdir(), 'basalt-models-'));
  const saved = { CCACHE_DIR: process.env.CCACHE_DIR, BASALT_CACHE: process.env.BASALT_CACHE };
  process.env.CCACHE_DIR = ccache;
  process.env.BASALT_CACHE = models;
  try {
    const cold = await buildModel(ir);
    rmSync(models, { recursive: true, force: true });
    const warm = await buildModel(ir);
    return { cold, warm };
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    rmSync(ccache, { recursive: true, force: true });
    rmSync(models, { recursive: true, force: true });
  }
}
