// introspectSchema over the shared schema fixture (test/fixtures/schema/, every kind the issue lists, with roles)
// on every major 12..18: the model is deterministic, its deps name only objects of the model and never form a
// cycle (the DDL builders order CREATE statements by them), and extension members stay out.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectSchema } from '../../src/pg/catalog/schema/index.js';
import type { FunctionObject, ObjectKey, SchemaModel, TableObject, TypeObject } from '../../src/model/schema.js';
import { FIXTURE_ROLES, loadSchemaFixture } from '../fixtures/schema/load.js';
import { ALL_MAJORS, getCluster, type Cluster, type Major } from '../harness/index.js';

// Every major: each version gate in the queries (14 multiranges, 15 locale providers, 16 ICU rules and membership
// options, 17 builtin locales, 18 NOT NULL constraints) runs on both sides of its threshold.
const MAJORS: readonly Major[] = ALL_MAJORS;

async function introspect(cluster: Cluster, database: string): Promise<SchemaModel> {
  const client = await cluster.connect({ database });
  try {
    return await introspectSchema(client);
  } finally {
    await client.end();
  }
}

/** One dependency cycle as a list of keys, or null. */
function findCycle(model: SchemaModel): ObjectKey[] | null {
  const deps = new Map(model.objects.map((o) => [o.key, o.deps]));
  const state = new Map<ObjectKey, 'open' | 'done'>();
  const path: ObjectKey[] = [];
  const visit = (key: ObjectKey): ObjectKey[] | null => {
    if (state.get(key) === 'done') return null;
    if (state.get(key) === 'open') return [...path.slice(path.indexOf(key)), key];
    state.set(key, 'open');
    path.push(key);
    for (const dep of deps.get(key) ?? []) {
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    path.pop();
    state.set(key, 'done');
    return null;
  };
  for (const o of model.objects) {
    const cycle = visit(o.key);
    if (cycle) return cycle;
  }
  return null;
}

describe.each(MAJORS)('introspectSchema over the schema fixture on PostgreSQL %i', (major) => {
  let cluster: Cluster;
  let db = '';
  let model: SchemaModel;
  beforeAll(async () => {
    cluster = await getCluster({ major });
    db = await cluster.createDatabase('introspect_fx');
    await loadSchemaFixture(cluster, db);
    model = await introspect(cluster, db);
  });
  afterAll(async () => {
    if (db) await cluster.dropDatabase(db);
  });

  it('reads the same model twice', async () => {
    expect(JSON.stringify(await introspect(cluster, db))).toBe(JSON.stringify(model));
  });

  it('has deps that name objects of the model, never the object itself, and no cycle', () => {
    const keys = new Set(model.objects.map((o) => o.key));
    const dangling = model.objects.flatMap((o) => o.deps.filter((d) => !keys.has(d) || d === o.key).map((d) => `${o.key} -> ${d}`));
    expect(dangling).toEqual([]);
    expect(findCycle(model)).toBeNull();
    for (const o of model.objects) expect([...o.deps].sort()).toEqual(o.deps);
  });

  it('prints constants in UTC and ISO whatever the database\'s own TimeZone (Europe/Paris here)', () => {
    const partition = model.objects.find((o) => o.key === 'table:fx.events_2024') as TableObject | undefined;
    expect(partition?.partitionOf?.bound).toBe("FOR VALUES FROM ('2024-01-01 00:00:00+00') TO ('2025-01-01 00:00:00+00')");
  });

  it('leaves out extension members but keeps what uses them', () => {
    const extensions = model.objects.filter((o) => o.kind === 'extension').map((o) => o.name);
    expect(extensions).toEqual(['btree_gist', 'citext', 'hstore', 'pg_trgm']);
    // hstore's, citext's and pg_trgm's own functions, types and operators come with CREATE EXTENSION.
    const fromExtensions = model.objects.filter((o) => o.schema === 'ext' && o.kind !== 'schema');
    expect(fromExtensions.map((o) => o.key)).toEqual([]);
    expect(model.objects.some((o) => o.kind === 'function' && (o as FunctionObject).name === 'similarity')).toBe(false);
    const users = model.objects.filter((o) => o.deps.some((d) => d.startsWith('extension:')));
    expect(users.length).toBeGreaterThan(0);
  });

  it('covers every kind of the model and the fixture roles', () => {
    const kinds = new Set(model.objects.map((o) => o.kind));
    for (const kind of ['schema', 'extension', 'type', 'sequence', 'table', 'view', 'matview', 'function', 'cast', 'operator', 'opclass', 'opfamily', 'statistics']) {
      expect(kinds, kind).toContain(kind);
    }
    const variants = new Set(model.objects.filter((o): o is TypeObject => o.kind === 'type').map((o) => o.type.variant));
    expect([...variants].sort()).toEqual(['composite', 'domain', 'enum', 'range']);
    expect(model.objects.some((o) => o.kind === 'function' && (o as FunctionObject).variant === 'a')).toBe(true);
    const roles = model.roles.map((r) => r.name);
    for (const role of FIXTURE_ROLES) expect(roles).toContain(role);
    expect(model.defaultPrivileges.length).toBeGreaterThan(0);
    const writer = model.roles.find((r) => r.name === 'fx_writer');
    expect(writer?.memberOf).toEqual([{ role: 'fx_reader', admin: false, inherit: major >= 16 ? true : null, set: major >= 16 ? true : null }]);
    expect(model.roles.find((r) => r.name === 'fx_reader')).toMatchObject({ login: true, connectionLimit: 5, settings: [{ name: 'work_mem', value: '4MB' }] });
  });

  it('makes an operator class need its support function (a member, in pg_depend)', () => {
    expect(model.objects.find((o) => o.key === 'opclass:fx.int4_reverse_ops USING btree')?.deps).toEqual([
      'function:fx.int4_rev_cmp(integer, integer)', 'opfamily:fx.int4_reverse_ops USING btree', 'schema:fx',
    ]);
  });

  it('makes a table with a multirange column need the range type that made it (14+)', () => {
    const bookings = model.objects.find((o) => o.key === 'table:fx.bookings');
    expect(bookings?.deps).toEqual(major >= 14 ? ['schema:fx', 'type:fx.intrange14'] : undefined);
  });

  it('keeps a PG18 NOT VALID NOT NULL apart from a validated one', () => {
    const pg18 = model.objects.find((o) => o.key === 'table:fx.pg18') as TableObject | undefined;
    if (major < 18) {
      expect(pg18).toBeUndefined();
      return;
    }
    expect(pg18?.columns.map((c) => [c.name, c.notNull, c.notNullName, c.notNullValidated])).toEqual([
      ['id', true, 'pg18_id_not_null', undefined], ['price', true, 'pg18_price_not_null', undefined],
      ['qty', true, 'pg18_qty_required', undefined], ['gross', false, null, undefined], ['net', false, null, undefined],
      ['note', true, 'pg18_note_nn', false],
    ]);
  });

  it('reads a replica identity that uses an index', () => {
    const customers = model.objects.find((o) => o.key === 'table:fx.customers') as TableObject | undefined;
    expect(customers).toMatchObject({ replicaIdentity: 'i', replicaIdentityIndex: 'customers_code_uidx' });
    expect(customers?.indexes.filter((i) => i.isReplicaIdentity).map((i) => i.name)).toEqual(['customers_code_uidx']);
  });
});
