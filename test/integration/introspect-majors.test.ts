// One schema (the shared fixture as PostgreSQL 12 can take it) read on 12, 15, 17 and 18 gives the same object
// keys and the same deps: keys are the diff's identity across servers, so a key that changes with the major
// (e.g. 14+ printing IN before a procedure's arguments) would turn into a drop and a create.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectSchema } from '../../src/pg/catalog/schema/index.js';
import type { SchemaModel, TableObject } from '../../src/model/schema.js';
import { loadSchemaFixture } from '../fixtures/schema/load.js';
import { getCluster, type Cluster, type Major } from '../harness/index.js';

const MAJORS: readonly Major[] = [12, 15, 17, 18];
const BASE_MAJOR = 12;

describe('introspection across majors', () => {
  const models = new Map<Major, SchemaModel>();
  const made: { cluster: Cluster; db: string }[] = [];
  beforeAll(async () => {
    for (const major of MAJORS) {
      const cluster = await getCluster({ major });
      const db = await cluster.createDatabase('introspect_majors');
      made.push({ cluster, db });
      await loadSchemaFixture(cluster, db, { major: BASE_MAJOR });
      const client = await cluster.connect({ database: db });
      try {
        models.set(major, await introspectSchema(client));
      } finally {
        await client.end();
      }
    }
  });
  afterAll(async () => {
    for (const { cluster, db } of made) await cluster.dropDatabase(db);
  });

  it.each(MAJORS.filter((m) => m !== BASE_MAJOR))('PostgreSQL %i names every object as 12 does, with the same deps', (major) => {
    const base = models.get(BASE_MAJOR);
    const other = models.get(major);
    const deps = (m: SchemaModel | undefined): Record<string, readonly string[]> => Object.fromEntries((m?.objects ?? []).map((o) => [o.key, o.deps]));
    expect(deps(other)).toEqual(deps(base));
    const parts = (m: SchemaModel | undefined): string[] => (m?.objects ?? []).flatMap((o) => o.kind !== 'table' ? [] : [
      ...(o as TableObject).columns.map((c) => `${o.key} column ${c.name} ${c.type} ${String(c.notNull)} ${c.default ?? ''}`),
      ...(o as TableObject).constraints.map((c) => `${o.key} constraint ${c.name} ${c.type} ${String(c.inherited)}`),
      ...(o as TableObject).indexes.map((i) => `${o.key} index ${i.name} ${i.parentIndex ?? ''} ${i.constraint ?? ''}`),
      ...(o as TableObject).triggers.map((t) => `${o.key} trigger ${t.name} ${String(t.inherited)}`),
      ...(o as TableObject).policies.map((p) => `${o.key} policy ${p.name}`),
    ]);
    expect(parts(other)).toEqual(parts(base));
  });
});
