// What the diff asks the target to run, on exact SQL: the order of ALTERs inside a change, what is destructive,
// create/replace/delete decisions, and the execution order across changes.
import { describe, expect, it } from 'vitest';
import type { SchemaModel, TableObject, TypeObject, ViewObject } from '../../src/model/schema.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { executionOrder } from '../../src/schema/diff/execution-order.js';
import { isSafeTypeChange } from '../../src/schema/diff/safe-type-change.js';
import { UnsupportedOnTargetError } from '../../src/pg/ddl/unsupported-error.js';
import { CUSTOMERS, OPEN_ORDERS, ORDERS, STATUS, TOUCH, baseModel, col, idx, withColumn, withObject, withTable } from './schema-diff-base.js';

const createDdl = (model: SchemaModel): { sql: string; transactional: boolean; phase: 'pre-data'; object: string }[] =>
  model.objects.map((o) => ({ sql: `CREATE ${o.key}`, transactional: true, phase: 'pre-data', object: o.key }));
const diff = (d: SchemaModel, a: SchemaModel = baseModel(), targetMajor = 15): ReturnType<typeof diffSchemas> => diffSchemas(d, a, { targetMajor, createDdl });
const sql = (d: SchemaModel, a: SchemaModel = baseModel(), targetMajor = 15): string[] => executionOrder(diff(d, a, targetMajor)).map((s) => s.sql);
const labels = (m: SchemaModel, l: string[]): SchemaModel => withObject<TypeObject>(m, STATUS.key, (t) => ({ ...t, type: { variant: 'enum', labels: l } }));

describe('columns', () => {
  it('adds a column, then its index after every pre-data statement', () => {
    const d = withTable(baseModel(), ORDERS.key, (t) => ({
      ...t, columns: [...t.columns, col('shipped_at', 'timestamp with time zone', { default: 'now()' })],
      indexes: [...t.indexes, idx('orders_shipped_idx', 'CREATE INDEX orders_shipped_idx ON sales.orders USING btree (shipped_at)')],
    }));
    const changes = diff(d);
    expect(changes.map((c) => [c.key, c.action, c.destructive])).toEqual([[ORDERS.key, 'update', false]]);
    expect(sql(d)).toEqual([
      'ALTER TABLE sales.orders ADD COLUMN shipped_at timestamp with time zone DEFAULT now()',
      'CREATE INDEX orders_shipped_idx ON sales.orders USING btree (shipped_at)',
    ]);
  });
  it('a widening type change is not destructive; a narrowing one rewrites and is', () => {
    const wider = withColumn(baseModel(), ORDERS.key, 'note', (c) => ({ ...c, type: 'character varying(300)' }));
    expect(sql(wider)).toEqual(['ALTER TABLE sales.orders ALTER COLUMN note TYPE character varying(300) COLLATE pg_catalog."C"']);
    expect(diff(wider)[0]?.destructive).toBe(false);
    const narrower = withColumn(baseModel(), ORDERS.key, 'amount', (c) => ({ ...c, type: 'integer' }));
    expect(sql(narrower)).toEqual([
      'ALTER TABLE sales.orders ALTER COLUMN amount DROP DEFAULT',
      'ALTER TABLE sales.orders ALTER COLUMN amount TYPE integer USING amount::integer',
      'ALTER TABLE sales.orders ALTER COLUMN amount SET DEFAULT 0',
    ]);
    expect(diff(narrower)[0]?.destructive).toBe(true);
  });
  it('proves only widening changes safe', () => {
    expect(isSafeTypeChange('character varying(10)', 'text')).toBe(true);
    expect(isSafeTypeChange('character varying(10)', 'character varying')).toBe(true);
    expect(isSafeTypeChange('character varying', 'character varying(10)')).toBe(false);
    expect(isSafeTypeChange('numeric(10,2)', 'numeric(12,2)')).toBe(true);
    expect(isSafeTypeChange('numeric(10,2)', 'numeric(12,3)')).toBe(false);
    expect(isSafeTypeChange('timestamp(3) without time zone', 'timestamp without time zone')).toBe(true);
    expect(isSafeTypeChange('timestamp without time zone', 'timestamp with time zone')).toBe(false);
    expect(isSafeTypeChange('integer', 'bigint')).toBe(false);
  });
  it('a dropped column and an added one of the same type are reported as a possible rename; the drop is destructive', () => {
    const d = withTable(baseModel(), ORDERS.key, (t) => ({ ...t, columns: t.columns.map((c) => (c.name === 'amount' ? { ...c, name: 'price' } : c)) }));
    const [change] = diff(d);
    expect(change?.destructive).toBe(true);
    expect(change?.reasons).toContain('column amount dropped (or renamed to price: a rename cannot be told from drop + add)');
    // ADD COLUMN does not spell per-column options and compression: they follow it.
    expect(sql(d)).toEqual([
      'ALTER TABLE sales.orders DROP COLUMN amount', 'ALTER TABLE sales.orders ADD COLUMN price numeric(10,2) DEFAULT 0',
      'ALTER TABLE ONLY sales.orders ALTER COLUMN price SET (n_distinct=100)', 'ALTER TABLE ONLY sales.orders ALTER COLUMN price SET COMPRESSION pglz',
    ]);
  });
  it('an index invalid on the target only is dropped and built again; one invalid on the source is left alone', () => {
    const invalid = withTable(baseModel(), ORDERS.key, (t) => ({ ...t, indexes: t.indexes.map((i) => (i.name === 'orders_status_idx' ? { ...i, invalid: true as const } : i)) }));
    const status = ORDERS.indexes.find((i) => i.name === 'orders_status_idx')?.definition ?? '';
    expect(diff(baseModel(), invalid).flatMap((c) => c.reasons)).toEqual(['index orders_status_idx is invalid on the target; built again']);
    expect(sql(baseModel(), invalid)).toEqual(['DROP INDEX sales.orders_status_idx', status]);
    // Not created (create DDL leaves it out, as pg_dump), not dropped where the target has it, valid or not.
    expect(diff(invalid)).toEqual([]);
    expect(diff(invalid, invalid)).toEqual([]);
    expect(diff(invalid, withTable(baseModel(), ORDERS.key, (t) => ({ ...t, indexes: t.indexes.filter((i) => i.name !== 'orders_status_idx') })))).toEqual([]);
  });
  it('per-column options: SET what is new or changed, RESET what is gone; absent and empty are the same', () => {
    const changed = withColumn(baseModel(), ORDERS.key, 'amount', (c) => ({ ...c, options: ['n_distinct=-0.5', 'n_distinct_inherited=7'] }));
    expect(sql(changed)).toEqual(['ALTER TABLE ONLY sales.orders ALTER COLUMN amount SET (n_distinct=-0.5, n_distinct_inherited=7)']);
    const none = withColumn(baseModel(), ORDERS.key, 'amount', (c) => ({ ...c, options: undefined }));
    expect(sql(none)).toEqual(['ALTER TABLE ONLY sales.orders ALTER COLUMN amount RESET (n_distinct)']);
    expect(sql(none, withColumn(baseModel(), ORDERS.key, 'amount', (c) => ({ ...c, options: [] })))).toEqual([]);
  });
  it('compression: SET COMPRESSION, back to the default by name; refused before 14', () => {
    const lz4 = withColumn(baseModel(), ORDERS.key, 'amount', (c) => ({ ...c, compression: 'lz4' }));
    expect(sql(lz4)).toEqual(['ALTER TABLE ONLY sales.orders ALTER COLUMN amount SET COMPRESSION lz4']);
    const none = withColumn(baseModel(), ORDERS.key, 'amount', (c) => ({ ...c, compression: null }));
    expect(sql(none)).toEqual(['ALTER TABLE ONLY sales.orders ALTER COLUMN amount SET COMPRESSION default']);
    expect(sql(withColumn(none, ORDERS.key, 'amount', (c) => ({ ...c, compression: undefined })), none)).toEqual([]);
    const on13 = withColumn(baseModel(), ORDERS.key, 'amount', (c) => ({ ...c, compression: null }));
    expect(() => sql(lz4, on13, 13)).toThrow(/COMPRESSION lz4, first in PostgreSQL 14/);
  });
  it('identity added to a nullable column: SET NOT NULL first', () => {
    const a = withColumn(baseModel(), ORDERS.key, 'id', (c) => ({ ...c, identity: null, notNull: false }));
    expect(sql(baseModel(), a)).toEqual([
      'ALTER TABLE sales.orders ALTER COLUMN id SET NOT NULL',
      'ALTER TABLE sales.orders ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME sales.orders_id_seq START WITH 1 INCREMENT BY 1 MINVALUE 1 MAXVALUE 2147483647 CACHE 1 NO CYCLE)',
    ]);
    expect(sql(a, baseModel())).toEqual(['ALTER TABLE sales.orders ALTER COLUMN id DROP IDENTITY', 'ALTER TABLE sales.orders ALTER COLUMN id DROP NOT NULL']);
  });
  it('a changed generation expression: SET EXPRESSION on 17+, drop and add before', () => {
    const d = withColumn(baseModel(), ORDERS.key, 'total', (c) => ({ ...c, generated: { kind: 's', expression: '(amount * (2)::numeric)' } }));
    expect(sql(d, baseModel(), 17)).toEqual(['ALTER TABLE sales.orders ALTER COLUMN total SET EXPRESSION AS ((amount * (2)::numeric))']);
    expect(sql(d, baseModel(), 16)).toEqual([
      'ALTER TABLE sales.orders DROP COLUMN total',
      'ALTER TABLE sales.orders ADD COLUMN total numeric GENERATED ALWAYS AS ((amount * (2)::numeric)) STORED',
    ]);
  });
});

describe('enums', () => {
  it('adds values next to existing ones, each committed before anything else runs', () => {
    const d = labels(baseModel(), ['draft', 'new', 'paid', 'refunded', 'shipped', 'lost']);
    const statements = executionOrder(diff(d));
    expect(statements.map((s) => [s.sql, s.commitAfter])).toEqual([
      ["ALTER TYPE sales.status ADD VALUE 'draft' BEFORE 'new'", true],
      ["ALTER TYPE sales.status ADD VALUE 'refunded' AFTER 'paid'", true],
      ["ALTER TYPE sales.status ADD VALUE 'lost' AFTER 'shipped'", true],
    ]);
  });
  it('an enum value added comes before a column default that uses it', () => {
    const d = withColumn(labels(baseModel(), ['new', 'paid', 'shipped', 'lost']), ORDERS.key, 'status', (c) => ({ ...c, default: "'lost'::sales.status" }));
    expect(sql(d)).toEqual([
      'ALTER TABLE sales.orders ALTER COLUMN status DROP DEFAULT',
      "ALTER TYPE sales.status ADD VALUE 'lost' AFTER 'shipped'",
      "ALTER TABLE sales.orders ALTER COLUMN status SET DEFAULT 'lost'::sales.status",
    ]);
  });
  it('a removed or reordered value is a destructive replacement', () => {
    for (const l of [['new', 'shipped'], ['paid', 'new', 'shipped']]) {
      const [change] = diff(labels(baseModel(), l));
      expect(change).toMatchObject({ key: STATUS.key, action: 'replace', destructive: true });
      expect(change?.teardown.map((s) => s.sql)).toEqual(['DROP TYPE IF EXISTS sales.status']);
      expect(change?.statements.map((s) => s.sql)).toEqual([`CREATE ${STATUS.key}`]);
    }
  });
});

describe('objects', () => {
  it('a new table is created by the create builder, after what it depends on', () => {
    const clients: TableObject = { ...CUSTOMERS, key: 'table:sales.clients', name: 'clients', deps: [STATUS.key] };
    const d = labels({ ...baseModel(), objects: [...baseModel().objects, clients] }, ['new', 'paid', 'shipped', 'x']);
    expect(diff(d).map((c) => [c.key, c.action])).toEqual([[STATUS.key, 'update'], ['table:sales.clients', 'create']]);
  });
  it('a dropped table is destructive, and FKs on kept tables that point to it go first', () => {
    const d: SchemaModel = {
      ...withTable(baseModel(), ORDERS.key, (t) => ({ ...t, constraints: t.constraints.filter((c) => c.type !== 'f') })),
      objects: withTable(baseModel(), ORDERS.key, (t) => ({ ...t, constraints: t.constraints.filter((c) => c.type !== 'f'), deps: t.deps.filter((k) => k !== CUSTOMERS.key) })).objects.filter((o) => o.key !== CUSTOMERS.key),
    };
    const changes = diff(d);
    expect(changes.find((c) => c.key === CUSTOMERS.key)).toMatchObject({ action: 'delete', destructive: true });
    expect(executionOrder(changes).map((s) => s.sql)).toEqual([
      'ALTER TABLE sales.orders DROP CONSTRAINT orders_customer_fk',
      'DROP TABLE IF EXISTS sales.customers',
    ]);
  });
  it('a view whose columns only grow is replaced in place; otherwise dropped and created', () => {
    const grown = withObject<ViewObject>(baseModel(), OPEN_ORDERS.key, (v) => ({
      ...v, definition: ' SELECT id,\n    status,\n    amount\n   FROM sales.orders;', columns: [...v.columns, { name: 'amount', type: 'numeric(10,2)', default: null, comment: null, acl: null }],
    }));
    expect(sql(grown)).toEqual(['CREATE OR REPLACE VIEW sales.open_orders AS\nSELECT id,\n    status,\n    amount\n   FROM sales.orders']);
    const shrunk = withObject<ViewObject>(baseModel(), OPEN_ORDERS.key, (v) => ({ ...v, definition: ' SELECT id\n   FROM sales.orders;', columns: v.columns.slice(0, 1) }));
    expect(diff(shrunk)[0]).toMatchObject({ action: 'replace', destructive: false });
    expect(sql(shrunk)).toEqual(['DROP VIEW IF EXISTS sales.open_orders', `CREATE ${OPEN_ORDERS.key}`]);
  });
  it('a view over a replaced object is replaced with it', () => {
    const d = withTable(baseModel(), ORDERS.key, (t) => ({ ...t, partitionKey: 'RANGE (id)' }));
    const changes = diff(d);
    expect(changes.map((c) => [c.key, c.action])).toEqual([[ORDERS.key, 'replace'], [OPEN_ORDERS.key, 'replace']]);
    expect(executionOrder(changes).map((s) => s.sql)).toEqual([
      'DROP VIEW IF EXISTS sales.open_orders', 'DROP TABLE IF EXISTS sales.orders', `CREATE ${ORDERS.key}`, `CREATE ${OPEN_ORDERS.key}`,
    ]);
  });
  it('a function body change is CREATE OR REPLACE; a result type change drops and creates', () => {
    const body = withObject(baseModel(), TOUCH.key, (f) => ({ ...f, definition: TOUCH.definition.replace('RETURN NEW', 'RETURN NULL') }));
    expect(sql(body)).toEqual([TOUCH.definition.replace('RETURN NEW', 'RETURN NULL').trim()]);
    const result = withObject(baseModel(), TOUCH.key, (f) => ({ ...f, definition: TOUCH.definition.replace('RETURNS trigger', 'RETURNS void') }));
    expect(diff(result)[0]).toMatchObject({ action: 'replace', destructive: false });
  });
  it('a new table that looks like a dropped one is reported as a possible rename', () => {
    const d: SchemaModel = { ...baseModel(), objects: [...baseModel().objects.filter((o) => o.key !== CUSTOMERS.key), { ...CUSTOMERS, key: 'table:sales.clients', name: 'clients' }] };
    const changes = diff(d);
    expect(changes.find((c) => c.key === CUSTOMERS.key)?.reasons).toContain('may have been renamed to table:sales.clients: a rename cannot be told from drop + create');
  });
  it('gives plan addresses their parts', () => {
    const [change] = diff(withTable(baseModel(), ORDERS.key, (t) => ({ ...t, comment: 'x' })));
    expect(change).toMatchObject({ kind: 'table', schema: 'sales', addressName: 'orders', reasons: ['comment changed'] });
    const [fn] = diff(withObject(baseModel(), TOUCH.key, (f) => ({ ...f, comment: 'x' })));
    expect(fn?.addressName).toBe('touch()');
  });
});

describe('what the target major cannot take', () => {
  it('is one plan error naming every object, from the ALTERs and the creates alike', () => {
    const virtual = withTable(baseModel(), ORDERS.key, (t) => ({ ...t, columns: [...t.columns, col('twice', 'numeric', { generated: { kind: 'v', expression: '(amount * (2)::numeric)' } })] }));
    const refusingCreate = (): never => {
      throw new UnsupportedOnTargetError(17, [{ object: 'table:sales.clients', message: 'refused by the create builder' }]);
    };
    const withNewTable: SchemaModel = { ...virtual, objects: [...virtual.objects, { ...CUSTOMERS, key: 'table:sales.clients', name: 'clients' }] };
    let error: unknown;
    try {
      diffSchemas(withNewTable, baseModel(), { targetMajor: 17, createDdl: refusingCreate });
    } catch (e: unknown) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnsupportedOnTargetError);
    expect((error as UnsupportedOnTargetError).problems).toEqual([
      { object: ORDERS.key, message: 'column twice is a VIRTUAL generated column, first in PostgreSQL 18' },
      { object: 'table:sales.clients', message: 'refused by the create builder' },
    ]);
    expect(diffSchemas(virtual, baseModel(), { targetMajor: 18, createDdl }).flatMap((c) => c.statements.map((s) => s.sql)))
      .toEqual(['ALTER TABLE sales.orders ADD COLUMN twice numeric GENERATED ALWAYS AS ((amount * (2)::numeric)) VIRTUAL']);
  });
});

describe('views over a changing table', () => {
  it('a dropped or retyped column rebuilds the views that read it (the server refuses while a view does)', () => {
    for (const d of [
      withTable(baseModel(), ORDERS.key, (t) => ({ ...t, columns: t.columns.filter((c) => c.name !== 'status') })),
      withColumn(baseModel(), ORDERS.key, 'status', (c) => ({ ...c, type: 'text' })),
    ]) {
      const changes = diff(d);
      expect(changes.find((c) => c.key === OPEN_ORDERS.key)).toMatchObject({ action: 'replace', reasons: [`depends on ${ORDERS.key}, which is dropping or retyping status`] });
      const order = executionOrder(changes).map((s) => s.sql);
      expect(order.indexOf('DROP VIEW IF EXISTS sales.open_orders')).toBe(0);
      expect(order.at(-1)).toBe(`CREATE ${OPEN_ORDERS.key}`);
    }
  });
  it('an added column, or a dropped one the view does not name, leaves them alone', () => {
    const d = withTable(baseModel(), ORDERS.key, (t) => ({ ...t, columns: [...t.columns, col('extra', 'text')] }));
    expect(diff(d).map((c) => c.key)).toEqual([ORDERS.key]);
    const dropped = withTable(baseModel(), ORDERS.key, (t) => ({ ...t, columns: t.columns.filter((c) => c.name !== 'note') }));
    expect(diff(dropped).map((c) => c.key)).toEqual([ORDERS.key]);
  });
});

describe('leaving a parent', () => {
  it('NO INHERIT makes the parent\'s constraints the table\'s own: not added again', () => {
    const check = { name: 'c_check', type: 'c' as const, definition: 'CHECK ((id > 0))', deferrable: false, deferred: false, validated: true, inherited: false, noInherit: false, references: null, comment: null };
    const child = (inherits: readonly string[], inherited: boolean): SchemaModel => withTable(baseModel(), CUSTOMERS.key, (t) => ({ ...t, inherits, constraints: [...t.constraints, { ...check, inherited }] }));
    expect(sql(child([], false), child([ORDERS.key], true))).toEqual(['ALTER TABLE sales.customers NO INHERIT sales.orders']);
    // Staying a child, an inherited constraint is still the parent's business.
    expect(sql(child([ORDERS.key], true), child([ORDERS.key], true))).toEqual([]);
  });
});

describe('column storage back to the default', () => {
  const custom = withColumn(baseModel(), ORDERS.key, 'note', (c) => ({ ...c, storage: 'm' }));
  it('is SET STORAGE DEFAULT on 16+', () => {
    expect(sql(baseModel(), custom, 16)).toEqual(['ALTER TABLE sales.orders ALTER COLUMN note SET STORAGE DEFAULT']);
  });
  it('is a plan error before 16, never a table replacement', () => {
    expect(() => diff(baseModel(), custom, 15)).toThrow(UnsupportedOnTargetError);
  });
});

describe('a replaced table with foreign keys pointing at it', () => {
  it('the referencing table drops its FK first and makes it again after', () => {
    const d = withTable(baseModel(), CUSTOMERS.key, (t) => ({ ...t, partitionKey: 'HASH (id)' }));
    const changes = diff(d);
    expect(changes.map((c) => [c.key, c.action])).toEqual([[CUSTOMERS.key, 'replace'], [ORDERS.key, 'update']]);
    expect(executionOrder(changes).map((s) => s.sql)).toEqual([
      'ALTER TABLE sales.orders DROP CONSTRAINT orders_customer_fk',
      'DROP TABLE IF EXISTS sales.customers',
      `CREATE ${CUSTOMERS.key}`,
      'ALTER TABLE sales.orders ADD CONSTRAINT orders_customer_fk FOREIGN KEY (customer_id) REFERENCES sales.customers(id) ON DELETE CASCADE',
    ]);
  });
});

describe('a replaced function with callers', () => {
  it('triggers and defaults that call it are dropped first and made again after', () => {
    const base = withColumn(withTable(baseModel(), ORDERS.key, (t) => ({ ...t, deps: [...t.deps, TOUCH.key] })), ORDERS.key, 'note', (c) => ({ ...c, default: 'sales.touch()' }));
    const d = withObject(base, TOUCH.key, (f) => ({ ...f, definition: TOUCH.definition.replace('sales.touch()', 'sales.touch(x integer DEFAULT 0)') }));
    const changes = diff(d, base);
    expect(changes.map((c) => [c.key, c.action])).toEqual([[TOUCH.key, 'replace'], [ORDERS.key, 'update']]);
    expect(executionOrder(changes).map((s) => s.sql)).toEqual([
      'ALTER TABLE sales.orders ALTER COLUMN note DROP DEFAULT',
      'DROP TRIGGER orders_touch ON sales.orders',
      'DROP FUNCTION IF EXISTS sales.touch()',
      `CREATE ${TOUCH.key}`,
      'ALTER TABLE sales.orders ALTER COLUMN note SET DEFAULT sales.touch()',
      'CREATE TRIGGER orders_touch BEFORE UPDATE ON sales.orders FOR EACH ROW EXECUTE FUNCTION sales.touch()',
    ]);
  });
});
