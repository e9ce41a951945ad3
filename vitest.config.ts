import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Verilator builds are cached per arch-id; the first build of a run can take minutes.
    testTimeout: 600_000,
    hookTimeout: 900_000,
    // Two cores: Verilator builds serialize on a lock (sim/verilator.ts); TS-only suites run in parallel.
    maxWorkers: 2,
  },
});
