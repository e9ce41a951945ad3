import { createHash } from 'node:crypto';
import { z } from 'zod';
import { UserError } from '../base/errors.ts';
import { ALU_OPS, type AluOp } from '../sam/prims/index.ts';

/** Bumped whenever generated RTL changes for the same spec; part of the arch-id. */
export const GENERATOR_VERSION = '0.8.0';

export const SB_TOPOLOGIES = ['disjoint', 'wilton', 'imran'] as const;

const int = (name: string) => z.number({ error: `${name} must be an integer` }).int(`${name} must be an integer`);

export const ArchSpecSchema = z
  .strictObject({
    width: int('width').min(1, 'width must be at least 1').max(64, 'width must be at most 64'),
    height: int('height').min(1, 'height must be at least 1').max(64, 'height must be at most 64'),
    memRatio: int('memRatio').min(2, 'memRatio must be at least 2 (every memRatio-th column is MEM, so 1 would leave no PE)'),
    tracks: int('tracks').min(1, 'tracks must be at least 1').max(16, 'tracks must be at most 16'),
    dataWidth: z.union([z.literal(16), z.literal(32)], {
      error: 'dataWidth must be 16 or 32 (the control codes D=0x100 and N=0x200 need at least 10 payload bits; 16 and 32 are the supported datapaths)',
    }),
    sbTopology: z.enum(SB_TOPOLOGIES, { error: `sbTopology must be one of ${SB_TOPOLOGIES.join(', ')}` }),
    fifoDepth: int('fifoDepth')
      .min(2, 'fifoDepth must be at least 2 (a FIFO with a registered ready needs 2 entries to pass one token per cycle)')
      .max(16, 'fifoDepth must be at most 16'),
    memDepth: int('memDepth')
      .min(16, 'memDepth must be at least 16')
      .max(65536, 'memDepth must be at most 65536 (word addresses are 16 bits)')
      .refine((n) => (n & (n - 1)) === 0, 'memDepth must be a power of two'),
    memWidth: int('memWidth'),
    accWidth: int('accWidth')
      .min(16, 'accWidth must be at least 16')
      .max(4096, 'accWidth must be at most 4096')
      .refine((n) => (n & (n - 1)) === 0, 'accWidth must be a power of two')
      .default(256),
    peOps: z
      .array(z.enum(ALU_OPS as [AluOp, ...AluOp[]], { error: `peOps entries must be ALU ops: ${ALU_OPS.join(' ')}` }))
      .min(1, 'peOps must name at least one ALU op'),
    // Dense mode's tile modes (affine reads and writes, line buffers, multiply-accumulate, row filters) cost area on every tile.
    denseModes: z.boolean({ error: 'denseModes must be true or false' }).default(true),
  })
  .superRefine((s, ctx) => {
    if (s.memRatio > s.width) {
      ctx.addIssue({ code: 'custom', path: ['memRatio'], message: `memRatio (${s.memRatio}) must not be larger than width (${s.width}): the array would have no MEM column` });
    }
    if (s.memWidth !== s.dataWidth) {
      ctx.addIssue({ code: 'custom', path: ['memWidth'], message: `memWidth (${s.memWidth}) must equal dataWidth (${s.dataWidth}): one stream word per SRAM word is the only layout implemented` });
    }
    if (s.accWidth > s.memDepth) {
      ctx.addIssue({ code: 'custom', path: ['accWidth'], message: `accWidth (${s.accWidth}) must not be larger than memDepth (${s.memDepth}): the sparse accumulator keeps one SRAM word per coordinate` });
    }
    if (new Set(s.peOps).size !== s.peOps.length) {
      ctx.addIssue({ code: 'custom', path: ['peOps'], message: 'peOps must not list an op twice' });
    }
  });

export type ArchSpec = z.infer<typeof ArchSpecSchema>;

const DEFAULT: ArchSpec = {
  width: 8,
  height: 8,
  memRatio: 4,
  tracks: 5,
  dataWidth: 16,
  sbTopology: 'wilton',
  fifoDepth: 2,
  memDepth: 2048,
  memWidth: 16,
  accWidth: 256,
  peOps: [...ALU_OPS],
  denseModes: true,
};

export const PRESETS: Record<string, ArchSpec> = {
  // Smallest array that maps the vector kernels (2 scanners, 2 value arrays, 2 writers, a joiner and an ALU).
  tiny: { ...DEFAULT, width: 4, height: 4, memRatio: 2, memDepth: 256 },
  default: DEFAULT,
  // Smallest array that maps SpMV in CSR on west0067 (7 PE + 8 MEM tiles; 2 tracks route it, 1 does not;
  // B's seg + crd take 362 SRAM words): the FPGA prototyping preset (basalt fpga), sparse modes only.
  spmv: { ...DEFAULT, width: 4, height: 4, memRatio: 2, tracks: 2, memDepth: 512, accWidth: 16, peOps: ['mul'], denseModes: false },
  // Onyx: 32x16, 3 PE columns then 1 MEM column, 4 KB per MEM tile.
  onyx: { ...DEFAULT, width: 32, height: 16, memRatio: 4, memDepth: 2048 },
};

/** Turns zod issues into one line per problem, each naming the field. */
function describeIssues(err: z.ZodError, where: string): string {
  return err.issues
    .map((i) => {
      const field = i.path.length ? i.path.join('.') : '(spec)';
      if (i.code === 'unrecognized_keys') return `${where}: unknown field(s) ${i.keys.map((k) => `'${k}'`).join(', ')} (known: ${Object.keys(ArchSpecSchema.shape).join(', ')})`;
      return `${where}: field '${field}': ${i.message}`;
    })
    .join('; ');
}

export function validateSpec(raw: unknown, where = 'spec'): ArchSpec {
  const r = ArchSpecSchema.safeParse(raw);
  if (!r.success) throw new UserError(describeIssues(r.error, where));
  // Canonical key order, so that the arch-id does not depend on how the JSON was written.
  const s = r.data;
  return {
    width: s.width, height: s.height, memRatio: s.memRatio, tracks: s.tracks, dataWidth: s.dataWidth,
    sbTopology: s.sbTopology, fifoDepth: s.fifoDepth, memDepth: s.memDepth, memWidth: s.memWidth, accWidth: s.accWidth, peOps: [...s.peOps], denseModes: s.denseModes,
  };
}

/** Applies `--set key=value` overrides; values are parsed as JSON when they look like it (numbers, booleans, arrays). */
export function applyOverrides(base: Record<string, unknown>, sets: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const s of sets) {
    const eq = s.indexOf('=');
    if (eq <= 0) throw new UserError(`--set '${s}': expected key=value`);
    const key = s.slice(0, eq).trim();
    const text = s.slice(eq + 1).trim();
    if (!(key in ArchSpecSchema.shape)) {
      throw new UserError(`--set '${s}': unknown field '${key}' (known: ${Object.keys(ArchSpecSchema.shape).join(', ')})`);
    }
    let value: unknown = text;
    if (/^-?\d+(\.\d+)?$/.test(text)) value = Number(text);
    else if (text === 'true' || text === 'false') value = text === 'true';
    else if (text.startsWith('[')) {
      try {
        value = JSON.parse(text);
      } catch {
        throw new UserError(`--set '${s}': value is not valid JSON`);
      }
    } else if (key === 'peOps') value = text.split(',').map((x) => x.trim()).filter(Boolean);
    out[key] = value;
  }
  return out;
}

export function archId(spec: ArchSpec): string {
  const h = createHash('sha256').update(JSON.stringify({ spec, generator: GENERATOR_VERSION })).digest('hex');
  return `${spec.width}x${spec.height}-${h.slice(0, 12)}`;
}
