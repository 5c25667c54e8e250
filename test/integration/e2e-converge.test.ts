// End to end through the built CLI: plan -> apply -> plan is empty, 15 -> 17 and 15 -> 15, on a source with several
// schemas, foreign keys, an identity column, a serial, an enum, a view, a partitioned table with two leaves and a
// generated column. Rows are compared with SQL of the test's own (count + order-independent hash per table),
// sequence values must match, and a second apply changes nothing (no new state serial).
import { describe, expect, it } from 'vitest';
import { databaseExists, expectSameRows, sequenceValues, show, useE2eDatabase, userTables } from './e2e-helpers.js';

const SOURCE_SQL = `
CREATE SCHEMA sales;
CREATE SCHEMA inventory;
CREATE TYPE public.order_status AS ENUM ('new', 'paid', 'shipped');
CREATE TABLE public.customers (id int GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL, email text UNIQUE);
CREATE TABLE inventory.items (sku text PRIMARY KEY, descr text, weight real);
CREATE TABLE sales.orders (
  id serial PRIMARY KEY,
  customer_id int NOT NULL REFERENCES public.customers (id),
  status public.order_status NOT NULL DEFAULT 'new',
  qty int NOT NULL,
  price numeric(10, 2) NOT NULL,
  total numeric GENERATED ALWAYS AS (qty * price) STORED,
  placed_at timestamptz NOT NULL
);
CREATE TABLE sales.order_lines (
  order_id int NOT NULL REFERENCES sales.orders (id),
  line int NOT NULL,
  sku text NOT NULL REFERENCES inventory.items (sku),
  PRIMARY KEY (order_id, line)
);
CREATE INDEX order_lines_sku ON sales.order_lines (sku);
CREATE TABLE sales.events (id bigint NOT NULL, at date NOT NULL, payload jsonb) PARTITION BY RANGE (at);
CREATE TABLE sales.events_2025 PARTITION OF sales.events FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');
CREATE TABLE sales.events_2026 PARTITION OF sales.events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');
CREATE VIEW sales.customer_totals AS SELECT customer_id, sum(total) AS total FROM sales.orders GROUP BY customer_id;
CREATE SEQUENCE public.invoice_no START 1000;

INSERT INTO public.customers (name, email) SELECT 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 120) g;
INSERT INTO inventory.items SELECT 'sku-' || g, CASE WHEN g % 5 = 0 THEN NULL ELSE 'item ' || g END, g / 7.0 FROM generate_series(1, 60) g;
INSERT INTO sales.orders (customer_id, status, qty, price, placed_at)
  SELECT 1 + g % 120, (ARRAY['new', 'paid', 'shipped'])[1 + g % 3]::public.order_status, 1 + g % 9, g * 0.37,
         '2025-06-01 00:00:00+00'::timestamptz + g * interval '37 minutes 11.123456 seconds'
  FROM generate_series(1, 700) g;
INSERT INTO sales.order_lines SELECT 1 + g % 700, g, 'sku-' || (1 + g % 60) FROM generate_series(1, 1500) g;
INSERT INTO sales.events SELECT g, '2025-01-01'::date + (g % 700), jsonb_build_object('n', g, 'x', g * 0.1) FROM generate_series(1, 800) g;
SELECT setval('public.invoice_no', 1234);
-- A gap in the serial and the identity: the next value is not max(id) + 1.
SELECT setval(pg_get_serial_sequence('sales.orders', 'id'), 5000);
SELECT setval(pg_get_serial_sequence('public.customers', 'id'), 777);
ANALYZE;
`;

const CASES = [
  { name: '15 -> 17', target: { major: 17 as const } },
  // A second 15 cluster (distinct settings): same major on both sides.
  { name: '15 -> 15', target: { major: 15 as const, settings: { work_mem: '5MB' } } },
];

describe.each(CASES)('plan -> apply -> empty plan ($name)', ({ target }) => {
  const e2e = useE2eDatabase({ name: 'e2e_conv', sql: SOURCE_SQL, target });

  it('plans the creation, applies it, copies every row and sequence, then plans nothing', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const first = await ws.plan(['--detailed-exitcode']);
    expect(first.code, show(first)).toBe(2);
    expect(first.stdout).toContain(`# target.database.${db} will be created`);
    expect(await databaseExists(tgt, tdb)).toBe(false); // plan changes nothing

    const applied = await ws.applyOk();
    expect(applied.stdout).toMatch(/Apply complete! [1-9]\d* added, 0 changed, 0 destroyed/);
    expect(ws.leftoverPassfiles()).toEqual([]);
    expect(await databaseExists(tgt, tdb)).toBe(true);

    const tables = await userTables(src, db);
    expect(await userTables(tgt, tdb)).toEqual(tables);
    const counts = await expectSameRows(src, db, tgt, tdb, [...tables, 'sales.customer_totals']);
    expect(counts['sales.orders']).toBe(700);
    expect(counts['sales.events_2025'] ?? 0).toBeGreaterThan(0);
    expect(counts['sales.events_2026'] ?? 0).toBeGreaterThan(0);
    // The identity's and the serial's sequences (the standalone one: its own test below).
    const owned = (values: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(values).filter(([k]) => k !== 'public.invoice_no'));
    expect(owned(await sequenceValues(tgt, tdb))).toEqual(owned(await sequenceValues(src, db)));

    // The objects themselves: enum labels in order, the view, the generated and identity columns, the partitions.
    const shape = `SELECT
      (SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum WHERE enumtypid = 'public.order_status'::regtype) AS labels,
      (SELECT count(*) FROM pg_views WHERE schemaname = 'sales' AND viewname = 'customer_totals')::int AS views,
      (SELECT attgenerated FROM pg_attribute WHERE attrelid = 'sales.orders'::regclass AND attname = 'total') AS generated,
      (SELECT attidentity FROM pg_attribute WHERE attrelid = 'public.customers'::regclass AND attname = 'id') AS identity,
      (SELECT count(*) FROM pg_inherits WHERE inhparent = 'sales.events'::regclass)::int AS leaves,
      (SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace IN ('public'::regnamespace, 'sales'::regnamespace))::int AS fks`;
    expect(await tgt.query(shape, [], tdb)).toEqual(await src.query(shape, [], db));
    // The next identity and serial values continue after the source's, not after max(id).
    const next = 'SELECT nextval(pg_get_serial_sequence(\'sales.orders\', \'id\'))::int AS o, nextval(pg_get_serial_sequence(\'public.customers\', \'id\'))::int AS c';
    expect(await tgt.query(next, [], tdb)).toEqual([{ o: 5001, c: 778 }]);
    await tgt.query("SELECT setval(pg_get_serial_sequence('sales.orders', 'id'), 5000); SELECT setval(pg_get_serial_sequence('public.customers', 'id'), 777)", [], tdb);

    await ws.expectNoChanges();
  });

  it('a standalone sequence (no table uses it) is copied with its value, as in a whole-database copy', async () => {
    const { tgt, tdb } = e2e;
    expect((await sequenceValues(tgt, tdb))['public.invoice_no']).toBe('1234');
  });

  it('a second apply changes nothing: says so and writes no state', async () => {
    const { ws } = e2e;
    const before = ws.state();
    const again = await ws.apply(['--auto-approve']);
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toContain('No changes.');
    expect(again.stdout).not.toContain('Apply complete!');
    expect(ws.state().serial).toBe(before.serial);
    expect(ws.state()).toEqual(before);
    await ws.expectNoChanges();
  });
});
