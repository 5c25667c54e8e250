// The create DDL applied to an empty database, same major and newer: the schema fixture is loaded on a source,
// introspected, its roles created on the target with buildRoleDdl, its schema written with planCreateDdl +
// executeDdl, and the target introspected again. Same major: the two models are equal but for the database's
// name. Newer major: every object is there, and every table's columns, constraints and indexes match by name
// and type (definitions may print differently across majors; the pg_dump and catalog oracles judge those).
import { describe, expect, it } from 'vitest';
import type { SchemaModel, TableObject } from '../../src/model/schema.js';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';
import { UnsupportedOnTargetError } from '../../src/pg/ddl/unsupported-error.js';
import { buildRoleDdl } from '../../src/pg/ddl/build-role-ddl.js';
import { executeDdl } from '../../src/pg/ddl/execute.js';
import { getCluster, type Major, useScratchDatabases } from '../harness/index.js';
import { loadDatabaseLevel, loadSchemaFixture } from '../fixtures/schema/load.js';
import { readModel } from './schema-oracle-write.js';

const scratch = useScratchDatabases();

/** What must survive any major: names and types of every table part. */
function tableShape(t: TableObject): unknown {
  return {
    columns: t.columns.map((c) => [c.name, c.type, c.notNull, c.collation, c.identity?.kind ?? null, c.generated?.kind ?? null]),
    constraints: t.constraints.map((c) => [c.name, c.type]).sort(),
    indexes: t.indexes.map((i) => [i.name, i.constraint, i.parentIndex]).sort(),
    // Before 15 a trigger cloned onto a partition is internal (not in the model); from 15 it is listed as inherited.
    triggers: t.triggers.filter((x) => !x.inherited).map((x) => [x.name, x.enabled]).sort(),
    policies: t.policies.map((p) => [p.name, p.command, p.roles]).sort(),
    rowSecurity: t.rowSecurity, replicaIdentity: t.replicaIdentity, partitionKey: t.partitionKey !== null,
    partitionOf: t.partitionOf?.parent ?? null, inherits: t.inherits, persistence: t.persistence,
  };
}

describe.each([[15, 15], [15, 17], [13, 17], [12, 15], [18, 18]] as [Major, Major][])('create DDL from PostgreSQL %i onto an empty %i', (from, to) => {
  it('writes every object (roles copied), and the target reads back the same', async () => {
    const source = await getCluster({ major: from });
    const target = await getCluster({ major: to });
    const sourceDb = await scratch(source, 'ddl_src');
    await loadSchemaFixture(source, sourceDb);
    await loadDatabaseLevel(source, sourceDb);
    const model = await readModel(source, sourceDb);

    const targetDb = await scratch(target, 'ddl_tgt');
    const existing = (await target.query<{ rolname: string }>('SELECT rolname FROM pg_roles')).map((r) => r.rolname);
    const roles = buildRoleDdl(model.roles, existing, { canGrantSuperuser: true, canGrantReplication: true, canGrantBypassRls: true, targetMajor: to });
    const { statements, warnings } = planCreateDdl(model, { roles: 'copy', targetMajor: to, targetDatabase: targetDb });
    const client = await target.connect({ database: targetDb });
    const started = performance.now();
    try {
      await executeDdl(client, roles.statements);
      await executeDdl(client, statements);
    } finally {
      await client.end();
    }
    const applyMs = Math.round(performance.now() - started);
    console.log(`${from} -> ${to}: ${statements.length} statements for ${model.objects.length} objects applied in ${applyMs} ms; warnings: ${warnings.length}`);

    const copy = await readModel(target, targetDb);
    expect(copy.objects.map((o) => o.key)).toEqual(model.objects.map((o) => o.key));
    if (from === to) {
      // A partition's key made on the partition and then attached (as pg_dump does) keeps connoinherit = true,
      // where one cloned from the parent has false; the flag means nothing on a key, so it is not compared.
      const strip = (m: SchemaModel): unknown => ({
        ...m,
        database: { ...m.database, name: '' },
        objects: m.objects.map((o) => (o.kind !== 'table' ? o : { ...o, constraints: o.constraints.map((c) => (c.type === 'c' ? c : { ...c, noInherit: false })) })),
      });
      expect(strip(copy)).toEqual(strip(model));
    } else {
      for (const o of model.objects) {
        const other = copy.objects.find((c) => c.key === o.key);
        // PostgreSQL 15 gave schema public to pg_database_owner; a ≤ 14 source's default is not copied onto it.
        const newPublic = o.key === 'schema:public' && from < 15 && to >= 15;
        expect(other?.owner, o.key).toBe(newPublic ? 'pg_database_owner' : o.owner);
        if (o.kind === 'table' && other?.kind === 'table') expect(tableShape(other), o.key).toEqual(tableShape(o));
      }
    }
  });
});

describe('create DDL from PostgreSQL 17 for a 15 target', () => {
  it('refuses what 15 lacks before anything runs, naming each object', async () => {
    const source = await getCluster({ major: 17 });
    const sourceDb = await scratch(source, 'ddl_src');
    await loadSchemaFixture(source, sourceDb);
    const model = await readModel(source, sourceDb);
    let error: unknown;
    try {
      planCreateDdl(model, { roles: 'copy', targetMajor: 15 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedOnTargetError);
    expect((error as UnsupportedOnTargetError).problems).toContainEqual({
      object: 'collation:fx.builtin_c', message: 'the builtin collation provider is first in PostgreSQL 17',
    });
  });
});
