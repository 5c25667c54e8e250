import { defineConfig } from 'vitest/config';

// The clone benchmark (bench/clone.bench.ts, issue 4): datasets cloned by pg_dump/pg_restore/psql, pgcopydb and
// `pgrepl apply` on two throwaway PostgreSQL 15 clusters. On demand only, kept out of `vitest run`'s projects.
// Run: npm run bench:clone (environment variables: bench/README.md).
export default defineConfig({
  test: {
    include: ['bench/clone.bench.ts'],
    environment: 'node',
    pool: 'forks',
    testTimeout: 7_200_000,
    hookTimeout: 600_000,
    globalSetup: ['test/harness/global-setup.ts'],
    // Progress lines and each dataset's table go straight to the terminal, without vitest's per-line headers.
    disableConsoleIntercept: true,
    reporters: ['verbose'],
  },
});
