import { defineConfig } from 'vitest/config';

// The verify benchmark (bench/verify.bench.ts, issue 6): `pgrepl verify` against pgcopydb's data comparison and a
// `count(*)` floor on two throwaway PostgreSQL 15 clusters. On demand only, kept out of `vitest run`'s projects.
// Run: npm run bench:verify (environment variables: bench/README.md).
export default defineConfig({
  test: {
    include: ['bench/verify.bench.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 7_200_000,
    hookTimeout: 1_800_000,
    globalSetup: ['test/harness/global-setup.ts'],
    disableConsoleIntercept: true,
    reporters: ['verbose'],
  },
});
