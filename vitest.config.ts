import { defineConfig } from 'vitest/config';

// Two projects: `unit` needs no server; `integration` starts real PostgreSQL clusters through test/harness.
// Integration files share one cluster per major and profile per worker process (isolate: false keeps the
// harness cache alive between files of one worker); the global setup removes whatever a crashed worker left.
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          environment: 'node',
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          environment: 'node',
          // Unit tests run first (group 0) so a broken pure layer fails fast before clusters start.
          sequence: { groupOrder: 1 },
          pool: 'forks',
          isolate: false,
          maxWorkers: 2,
          testTimeout: 120_000,
          hookTimeout: 180_000,
          globalSetup: ['test/harness/global-setup.ts'],
        },
      },
    ],
  },
});
