import { defineConfig } from 'vitest/config';

// The schema diff benchmark (bench/schema-diff.bench.ts): pure, no server; kept out of `vitest run`'s projects.
// Run: npx vitest run --config bench/schema-diff.vitest.config.ts
export default defineConfig({
  test: { include: ['bench/schema-diff.bench.ts'], environment: 'node', testTimeout: 120_000 },
});
