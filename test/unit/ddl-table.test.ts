import { describe, expect, it } from 'vitest';
import { objectKey } from '../../src/model/object-key.js';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';
import { column, constraint, index, model, table } from './ddl-model-builders.js';

const OPTS = { roles: 'copy' as const, targetMajor: 15 };
const IDENTITY = { dataType: 'bigint', start: '1', increment: '1', min: '1', max: '9223372036854775807', cache: '1', cycle: false };

function sqlOf(m: ReturnType<typeof model>, opts: Parameters<typeof planCreateDdl>[1] = OPTS): string[] {
  return planCreateDdl(m, opts).statements.map((s) => s.sql);
}

describe('CREATE TABLE', () => {
  it('writes columns with awkward names, collation, identity, generated, default, NOT NULL and inline checks', () => {
    const t = table('Sales', 'Order Lines', {
      owner: null,
      columns: [
        column('id', 'bigint', { notNull: true, identity: { kind: 'a', sequence: '"Sales"."Order Lines_id_seq"', options: IDENTITY } }),
        column('user', 'text', { collation: 'pg_catalog."C"', default: "'nobody'::text" }),
        column('my-qty', 'integer', { notNull: true, default: '1' }),
        column('Total', 'numeric(12,2)', { generated: { kind: 's', expression: '("my-qty" * 2)' } }),
      ],
      constraints: [constraint('qty positive', 'c', 'CHECK (("my-qty" > 0))')],
      options: ['fillfactor=70'],
      persistence: 'u',
    });
    expect(sqlOf(model([t]))).toEqual([
      'CREATE UNLOGGED TABLE "Sales"."Order Lines" (\n' +
      '    id bigint GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME "Sales"."Order Lines_id_seq" START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 9223372036854775807 CACHE 1 NO CYCLE) NOT NULL,\n' +
      '    "user" text COLLATE pg_catalog."C" DEFAULT \'nobody\'::text,\n' +
      '    "my-qty" integer DEFAULT 1 NOT NULL,\n' +
      '    "Total" numeric(12,2) GENERATED ALWAYS AS (("my-qty" * 2)) STORED,\n' +
      '    CONSTRAINT "qty positive" CHECK (("my-qty" > 0))\n' +
      ') WITH (fillfactor=70)',
    ]);
  });

  it('refuses a VIRTUAL generated column before 18 and writes it on 18', () => {
    const t = table('public', 't', { owner: null, columns: [column('a', 'integer'), column('b', 'integer', { generated: { kind: 'v', expression: '(a + 1)' } })] });
    expect(() => sqlOf(model([t]), { ...OPTS, targetMajor: 17 })).toThrow('PostgreSQL 17 cannot take this object:\n  table:public.t: column b is a VIRTUAL generated column (first in PostgreSQL 18)');
    expect(sqlOf(model([t]), { ...OPTS, targetMajor: 18 })[0]).toContain('b integer GENERATED ALWAYS AS ((a + 1)) VIRTUAL');
  });

  it('adds an 18 NOT NULL … NOT VALID after the data', () => {
    const t = table('public', 't', { owner: null, columns: [column('a', 'integer', { notNull: true, notNullName: 'a_nn', notNullValidated: false })] });
    expect(sqlOf(model([t]), { ...OPTS, targetMajor: 18 })).toEqual([
      'CREATE TABLE public.t (\n    a integer\n)',
      'ALTER TABLE public.t ADD CONSTRAINT a_nn NOT NULL a NOT VALID',
    ]);
  });

  it('names NOT NULL constraints only on an 18 target', () => {
    const t = table('public', 't', { owner: null, columns: [column('a', 'integer', { notNull: true, notNullName: 'a_required' })] });
    expect(sqlOf(model([t]), { ...OPTS, targetMajor: 18 })[0]).toContain('a integer CONSTRAINT a_required NOT NULL');
    expect(sqlOf(model([t]), { ...OPTS, targetMajor: 17 })[0]).toContain('a integer NOT NULL');
  });

  it('creates an inheritance child with its local columns only, after its parent', () => {
    const parent = table('public', 'zparent', { owner: null, columns: [column('id', 'integer', { notNull: true })], constraints: [constraint('id_pos', 'c', 'CHECK ((id > 0))')] });
    const child = table('public', 'child', {
      owner: null,
      inherits: [parent.key],
      deps: [parent.key],
      columns: [column('id', 'integer', { notNull: true, isLocal: false, inheritedCount: 1 }), column('extra', 'text')],
      constraints: [constraint('id_pos', 'c', 'CHECK ((id > 0))', { inherited: true })],
    });
    expect(sqlOf(model([child, parent]))).toEqual([
      'CREATE TABLE public.zparent (\n    id integer NOT NULL,\n    CONSTRAINT id_pos CHECK ((id > 0))\n)',
      'CREATE TABLE public.child (\n    extra text\n) INHERITS (public.zparent)',
    ]);
  });

  it('creates partitions with PARTITION OF, and a partitioned key and index with ON ONLY then ATTACH', () => {
    const parentKey = objectKey('table', 'public', 'Events');
    const parent = table('public', 'Events', {
      owner: null,
      partitionKey: 'RANGE (at)',
      columns: [column('id', 'bigint', { notNull: true }), column('at', 'date', { notNull: true })],
      constraints: [constraint('Events_pkey', 'p', 'PRIMARY KEY (id, at)')],
      indexes: [
        index('Events_pkey', 'CREATE UNIQUE INDEX "Events_pkey" ON ONLY public."Events" USING btree (id, at)', { constraint: 'Events_pkey' }),
        index('events_at', 'CREATE INDEX events_at ON ONLY public."Events" USING btree (at)'),
      ],
    });
    const part = (name: string, bound: string) => table('public', name, {
      owner: null,
      partitionOf: { parent: parentKey, bound },
      deps: [parentKey],
      columns: [column('id', 'bigint', { notNull: true, isLocal: false, inheritedCount: 1 }), column('at', 'date', { notNull: true, isLocal: false, inheritedCount: 1 })],
      constraints: [constraint(`${name}_pkey`, 'p', 'PRIMARY KEY (id, at)', { inherited: true })],
      indexes: [
        index(`${name}_pkey`, `CREATE UNIQUE INDEX "${name}_pkey" ON public."${name}" USING btree (id, at)`, { constraint: `${name}_pkey`, parentIndex: 'public."Events_pkey"' }),
        index(`${name}_at_idx`, `CREATE INDEX "${name}_at_idx" ON public."${name}" USING btree (at)`, { parentIndex: 'public.events_at' }),
      ],
    });
    const sql = sqlOf(model([parent, part('Events 2024', "FOR VALUES FROM ('2024-01-01') TO ('2025-01-01')"), part('Events other', 'DEFAULT')]));
    expect(sql).toEqual([
      'CREATE TABLE public."Events" (\n    id bigint NOT NULL,\n    at date NOT NULL\n) PARTITION BY RANGE (at)',
      'CREATE TABLE public."Events 2024" PARTITION OF public."Events"\nFOR VALUES FROM (\'2024-01-01\') TO (\'2025-01-01\')',
      'CREATE TABLE public."Events other" PARTITION OF public."Events"\nDEFAULT',
      'ALTER TABLE ONLY public."Events 2024" ADD CONSTRAINT "Events 2024_pkey" PRIMARY KEY (id, at)',
      'CREATE INDEX "Events 2024_at_idx" ON public."Events 2024" USING btree (at)',
      'ALTER TABLE ONLY public."Events other" ADD CONSTRAINT "Events other_pkey" PRIMARY KEY (id, at)',
      'CREATE INDEX "Events other_at_idx" ON public."Events other" USING btree (at)',
      'ALTER TABLE ONLY public."Events" ADD CONSTRAINT "Events_pkey" PRIMARY KEY (id, at)',
      'CREATE INDEX events_at ON ONLY public."Events" USING btree (at)',
      'ALTER INDEX public.events_at ATTACH PARTITION public."Events 2024_at_idx"',
      'ALTER INDEX public."Events_pkey" ATTACH PARTITION public."Events 2024_pkey"',
      'ALTER INDEX public.events_at ATTACH PARTITION public."Events other_at_idx"',
      'ALTER INDEX public."Events_pkey" ATTACH PARTITION public."Events other_pkey"',
    ]);
  });

  it('adds an FK after the referenced key, even when that key is made later by rank or name', () => {
    const a = table('public', 'a', {
      owner: null,
      columns: [column('b_id', 'integer')],
      constraints: [constraint('a_b_fkey', 'f', 'FOREIGN KEY (b_id) REFERENCES public.b(id) ON DELETE CASCADE DEFERRABLE', { references: objectKey('table', 'public', 'b') })],
    });
    const b = table('public', 'b', {
      owner: null,
      columns: [column('id', 'integer', { notNull: true })],
      constraints: [constraint('b_id_key', 'u', 'UNIQUE (id)')],
      indexes: [index('b_id_key', 'CREATE UNIQUE INDEX b_id_key ON public.b USING btree (id)', { constraint: 'b_id_key' })],
    });
    const sql = sqlOf(model([a, b]));
    expect(sql.slice(2)).toEqual([
      'ALTER TABLE ONLY public.b ADD CONSTRAINT b_id_key UNIQUE (id)',
      'ALTER TABLE ONLY public.a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES public.b(id) ON DELETE CASCADE DEFERRABLE',
    ]);
  });

  it('writes triggers with their enabled state, RLS, policies, replica identity and a NOT VALID check', () => {
    const t = table('public', 'order', {
      owner: null,
      columns: [column('id', 'integer', { notNull: true }), column('tenant', 'text')],
      constraints: [constraint('tenant_set', 'c', 'CHECK ((tenant IS NOT NULL)) NOT VALID', { validated: false })],
      indexes: [index('order_id', 'CREATE UNIQUE INDEX order_id ON public."order" USING btree (id)', { isReplicaIdentity: true })],
      triggers: [{ name: 'Audit', definition: 'CREATE TRIGGER "Audit" AFTER INSERT ON public."order" FOR EACH ROW EXECUTE FUNCTION public.audit()', enabled: 'R', inherited: false, comment: 'audit it' }],
      rowSecurity: { enabled: true, forced: true },
      policies: [{ name: 'tenant only', permissive: false, command: 'r', roles: ['app-reader', 'public'], using: '(tenant = CURRENT_USER)', withCheck: null, comment: null }],
      replicaIdentity: 'i',
      replicaIdentityIndex: 'order_id',
    });
    expect(sqlOf(model([t])).slice(1)).toEqual([
      'ALTER TABLE public."order" ADD CONSTRAINT tenant_set CHECK ((tenant IS NOT NULL)) NOT VALID',
      'CREATE UNIQUE INDEX order_id ON public."order" USING btree (id)',
      'CREATE TRIGGER "Audit" AFTER INSERT ON public."order" FOR EACH ROW EXECUTE FUNCTION public.audit()',
      'ALTER TABLE public."order" ENABLE REPLICA TRIGGER "Audit"',
      'ALTER TABLE public."order" ENABLE ROW LEVEL SECURITY',
      'ALTER TABLE public."order" FORCE ROW LEVEL SECURITY',
      'CREATE POLICY "tenant only" ON public."order" AS RESTRICTIVE FOR SELECT TO "app-reader", PUBLIC USING ((tenant = CURRENT_USER))',
      'ALTER TABLE ONLY public."order" REPLICA IDENTITY USING INDEX order_id',
      'COMMENT ON TRIGGER "Audit" ON public."order" IS \'audit it\'',
    ]);
  });

  it('with roles: skip, leaves out the owner and a policy whose roles are all missing, with warnings', () => {
    const t = table('public', 't', {
      owner: 'src_owner',
      acl: [{ grantee: 'src_owner', grantor: 'src_owner', privileges: ['SELECT'], grantable: [] }, { grantee: 'ghost', grantor: 'src_owner', privileges: ['SELECT'], grantable: [] }],
      policies: [{ name: 'p', permissive: true, command: '*', roles: ['ghost'], using: 'true', withCheck: null, comment: null }],
    });
    const result = planCreateDdl(model([t]), { roles: 'skip', targetRole: 'tgt_user', targetMajor: 15 });
    expect(result.statements.map((s) => s.sql)).toEqual([
      'CREATE TABLE public.t ()',
      'REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE public.t FROM tgt_user',
    ]);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'table:public.t: policy p: role ghost left out (not on the target)',
      'table:public.t: policy p left out: none of its roles is on the target',
      'table:public.t: privileges of role ghost left out (role not on the target)',
    ]);
  });

  it('sets an inherited column\'s own default and NOT NULL on an inheritance child', () => {
    const parent = table('public', 'p', { owner: null, columns: [column('a', 'integer', { default: '1' }), column('b', 'text')] });
    const child = table('public', 'c', {
      owner: null, inherits: [parent.key],
      columns: [column('a', 'integer', { default: '1', isLocal: false, inheritedCount: 1 }), column('b', 'text', { notNull: true, default: "'x'::text", isLocal: false, inheritedCount: 1 })],
    });
    expect(sqlOf(model([parent, child]))).toEqual([
      'CREATE TABLE public.p (\n    a integer DEFAULT 1,\n    b text\n)',
      'CREATE TABLE public.c () INHERITS (public.p)',
      "ALTER TABLE ONLY public.c ALTER COLUMN b SET DEFAULT 'x'::text",
      'ALTER TABLE ONLY public.c ALTER COLUMN b SET NOT NULL',
    ]);
  });

  it('sets a cloned trigger\'s enabled state on a partition after the parent\'s', () => {
    const trigger = (enabled: 'O' | 'D', inherited: boolean) => ({ name: 'tg', definition: 'CREATE TRIGGER tg AFTER INSERT ON public.p FOR EACH ROW EXECUTE FUNCTION public.f()', enabled, inherited, comment: null });
    const parent = table('public', 'p', { owner: null, partitionKey: 'LIST (a)', columns: [column('a', 'integer')], triggers: [trigger('D', false)] });
    const child = (name: string, enabled: 'O' | 'D') => table('public', name, { owner: null, partitionOf: { parent: parent.key, bound: 'DEFAULT' }, columns: [column('a', 'integer', { isLocal: false })], triggers: [trigger(enabled, true)] });
    const sql = sqlOf(model([parent, child('c1', 'O')]));
    expect(sql.slice(2)).toEqual([
      'CREATE TRIGGER tg AFTER INSERT ON public.p FOR EACH ROW EXECUTE FUNCTION public.f()',
      'ALTER TABLE public.p DISABLE TRIGGER tg',
      'ALTER TABLE ONLY public.c1 ENABLE TRIGGER tg',
    ]);
    const bothEnabled = table('public', 'p', { ...parent, triggers: [trigger('O', false)] });
    expect(sqlOf(model([bothEnabled, child('c1', 'O')])).slice(2)).toEqual(['CREATE TRIGGER tg AFTER INSERT ON public.p FOR EACH ROW EXECUTE FUNCTION public.f()']);
  });

  it('copies per-column storage, statistics target, options and compression', () => {
    const t = table('public', 'plain', { owner: null, columns: [column('score', 'numeric', { storage: 'm', statisticsTarget: 400, options: ['n_distinct=100'], compression: 'lz4' })] });
    expect(sqlOf(model([t])).slice(1)).toEqual([
      'ALTER TABLE ONLY public.plain ALTER COLUMN score SET STORAGE MAIN',
      'ALTER TABLE ONLY public.plain ALTER COLUMN score SET STATISTICS 400',
      'ALTER TABLE ONLY public.plain ALTER COLUMN score SET (n_distinct=100)',
      'ALTER TABLE ONLY public.plain ALTER COLUMN score SET COMPRESSION lz4',
    ]);
    expect(() => sqlOf(model([t]), { ...OPTS, targetMajor: 13 })).toThrow('table:public.plain: column score sets COMPRESSION lz4 (first in PostgreSQL 14)');
  });

  it('comments an index that backs a key after the key is made', () => {
    const t = table('public', 't', {
      owner: null, columns: [column('id', 'integer', { notNull: true })], constraints: [constraint('t_pkey', 'p', 'PRIMARY KEY (id)', { comment: 'the key' })],
      indexes: [index('t_pkey', 'CREATE UNIQUE INDEX t_pkey ON public.t USING btree (id)', { constraint: 't_pkey', comment: 'its index' })],
    });
    expect(sqlOf(model([t])).slice(1)).toEqual([
      'ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id)',
      "COMMENT ON CONSTRAINT t_pkey ON public.t IS 'the key'",
      "COMMENT ON INDEX public.t_pkey IS 'its index'",
    ]);
  });

  it('leaves an invalid index out (with its comment), as pg_dump does, and says so', () => {
    const t = table('public', 't', {
      owner: null, columns: [column('a', 'integer')],
      indexes: [
        index('t_a_key', 'CREATE UNIQUE INDEX t_a_key ON public.t USING btree (a)', { invalid: true, comment: 'half built' }),
        index('t_a_idx', 'CREATE INDEX t_a_idx ON public.t USING btree (a)'),
      ],
    });
    const result = planCreateDdl(model([t]), OPTS);
    expect(result.statements.map((s) => s.sql).filter((s) => s.includes('t_a_'))).toEqual(['CREATE INDEX t_a_idx ON public.t USING btree (a)']);
    expect(result.warnings.map((w) => w.message)).toEqual([
      'table:public.t: index t_a_key is invalid on the source (a failed CREATE INDEX CONCURRENTLY?) and is left out, as pg_dump does; rebuild it there (REINDEX INDEX CONCURRENTLY) or drop it',
    ]);
  });

  it('warns when a partition orders its columns otherwise than its parent', () => {
    const parent = table('public', 'p', { owner: null, partitionKey: 'LIST (a)', columns: [column('a', 'integer'), column('b', 'text')] });
    const child = table('public', 'c', { owner: null, partitionOf: { parent: parent.key, bound: 'DEFAULT' }, columns: [column('b', 'text'), column('a', 'integer')] });
    expect(planCreateDdl(model([parent, child]), OPTS).warnings.map((w) => w.message)).toEqual([
      "table:public.c: created with its parent's column order, which differs from the source partition's (rows copy by column name)",
    ]);
  });
});
