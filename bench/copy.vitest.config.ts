import { defineConfig } from 'vitest/config';

// The clone benchmark (bench/copy.bench.ts): pgbench data cloned by pg_dump/pg_restore/psql and by pgrepl's copy
// engine, on two PostgreSQL 15 clusters. On demand only, kept out of `vitest run`'s projects.
// Run: npx vitest run --config bench/copy.vitest.config.ts
// PGREPL_BENCH_SCALE=50 (default 10) sets pgbench's scale, PGREPL_BENCH_ROUNDS=5 (default 3) the rounds,
// PGREPL_BENCH_WARMUP=0 skips the uncounted warm-up round.
export default defineConfig({
  test: {
    include: ['bench/copy.bench.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 3_600_000,
    hookTimeout: 600_000,
    globalSetup: ['test/harness/global-setup.ts'],
  },
});
