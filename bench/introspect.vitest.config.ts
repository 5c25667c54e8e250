import { defineConfig } from 'vitest/config';

// The introspection benchmark (bench/introspect.bench.ts), kept out of `vitest run`'s projects because it builds a
// 1,000-table database. Run: npx vitest run --config bench/introspect.vitest.config.ts
// PGREPL_BENCH_MAJORS=12,18 picks the servers (default 17).
export default defineConfig({
  test: {
    include: ['bench/introspect.bench.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 600_000,
    hookTimeout: 600_000,
    globalSetup: ['test/harness/global-setup.ts'],
  },
});
