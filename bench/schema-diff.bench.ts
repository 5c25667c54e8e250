// Schema diff benchmark: a synthetic model of 1,000 tables (10 columns, 2 indexes, 1 FK each, like the
// introspection benchmark) diffed against itself, and against a copy where 100 tables gained a column and an
// index and 100 tables are new (their CREATE statements from the real create builder).
// Run: npx vitest run --config bench/schema-diff.vitest.config.ts
import { expect, it } from 'vitest';
import type { Column, SchemaModel, TableObject } from '../src/model/schema.js';
import { objectKey } from '../src/model/object-key.js';
import { diffSchemas } from '../src/schema/diff/diff-schemas.js';
import { executionOrder } from '../src/schema/diff/execution-order.js';

const TABLES = 1000;
const CHANGED = 100;
const RUNS = 5;

function column(name: string, type: string, notNull = false): Column {
  return { name, type, collation: null, notNull, notNullName: null, default: null, identity: null, generated: null, storage: null, statisticsTarget: null, inheritedCount: 0, isLocal: true, acl: null, comment: null };
}

function table(i: number): TableObject {
  const name = `t${String(i)}`;
  const key = objectKey('table', 'bench', name);
  const columns = [column('id', 'bigint', true), column('hub_id', 'bigint'), ...Array.from({ length: 8 }, (_, c) => column(`c${String(c)}`, c % 2 === 0 ? 'text' : 'integer'))];
  return {
    key, kind: 'table', schema: 'bench', name, owner: 'app', acl: null, comment: null, deps: [objectKey('schema', null, 'bench'), objectKey('table', 'bench', 'hub')],
    persistence: 'p', partitionKey: null, partitionOf: null, inherits: [], columns,
    constraints: [
      { name: `${name}_pkey`, type: 'p', definition: 'PRIMARY KEY (id)', deferrable: false, deferred: false, validated: true, inherited: false, noInherit: false, references: null, comment: null },
      { name: `${name}_hub_fk`, type: 'f', definition: 'FOREIGN KEY (hub_id) REFERENCES bench.hub(id)', deferrable: false, deferred: false, validated: true, inherited: false, noInherit: false, references: objectKey('table', 'bench', 'hub'), comment: null },
    ],
    indexes: [
      { name: `${name}_pkey`, definition: `CREATE UNIQUE INDEX ${name}_pkey ON bench.${name} USING btree (id)`, constraint: `${name}_pkey`, parentIndex: null, isReplicaIdentity: false, clustered: false, comment: null },
      { name: `${name}_c0_idx`, definition: `CREATE INDEX ${name}_c0_idx ON bench.${name} USING btree (c0)`, constraint: null, parentIndex: null, isReplicaIdentity: false, clustered: false, comment: null },
    ],
    triggers: [], policies: [], rules: [], rowSecurity: { enabled: false, forced: false }, replicaIdentity: 'd', replicaIdentityIndex: null, options: [], accessMethod: null,
  };
}

function model(tables: readonly TableObject[]): SchemaModel {
  const hub: TableObject = { ...table(-1), key: objectKey('table', 'bench', 'hub'), name: 'hub', deps: [objectKey('schema', null, 'bench')], columns: [column('id', 'bigint', true)], constraints: [], indexes: [] };
  return {
    formatVersion: 1, serverVersionNum: 170_000,
    database: { name: 'bench', owner: 'app', encoding: 'UTF8', collate: 'C', ctype: 'C', localeProvider: 'c', locale: null, acl: null, comment: null, settings: [] },
    objects: [{ key: objectKey('schema', null, 'bench'), kind: 'schema', schema: null, name: 'bench', owner: 'app', acl: null, comment: null, deps: [] }, hub, ...tables],
    defaultPrivileges: [], roles: [],
  };
}

function timed(label: string, fn: () => number): void {
  const times: number[] = [];
  let count = 0;
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    count = fn();
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(`${label}: median ${times[Math.floor(RUNS / 2)]?.toFixed(0) ?? '?'} ms over ${String(RUNS)} runs (${String(count)} statements)`);
}

it(`diffs ${String(TABLES)} tables`, () => {
  const actual = model(Array.from({ length: TABLES }, (_, i) => table(i)));
  const desired = model([
    ...Array.from({ length: TABLES }, (_, i) => {
      const t = table(i);
      if (i >= CHANGED) return t;
      return { ...t, columns: [...t.columns, column('added', 'text')], indexes: [...t.indexes, { ...t.indexes[1], name: `t${String(i)}_added_idx`, definition: `CREATE INDEX t${String(i)}_added_idx ON bench.t${String(i)} USING btree (added)` } as TableObject['indexes'][number]] };
    }),
    ...Array.from({ length: CHANGED }, (_, i) => table(TABLES + i)),
  ]);
  expect(diffSchemas(actual, actual, { targetMajor: 17 })).toEqual([]);
  timed('identical (1,000 tables)', () => executionOrder(diffSchemas(actual, actual, { targetMajor: 17 })).length);
  const changes = diffSchemas(desired, actual, { targetMajor: 17 });
  expect(changes.length).toBe(2 * CHANGED);
  timed(`${String(CHANGED)} altered + ${String(CHANGED)} new`, () => executionOrder(diffSchemas(desired, actual, { targetMajor: 17 })).length);
});
