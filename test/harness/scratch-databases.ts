// Scratch databases for one test file: created through the cluster (names match the harness pattern) and all
// dropped after the file, also when a test failed.
import { afterAll } from 'vitest';
import type { Cluster } from './cluster.js';

export type ScratchFactory = (cluster: Cluster, prefix: string, template?: string) => Promise<string>;

/** Call at module level of a test file; returns `scratch(cluster, prefix, template?)`. */
export function useScratchDatabases(): ScratchFactory {
  const created: { cluster: Cluster; database: string }[] = [];
  afterAll(async () => {
    for (const { cluster, database } of created.splice(0)) await cluster.dropDatabase(database);
  });
  return async (cluster, prefix, template) => {
    const database = await cluster.createDatabase(prefix, template === undefined ? {} : { template });
    created.push({ cluster, database });
    return database;
  };
}
