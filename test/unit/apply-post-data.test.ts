// Which post-data statements the engine builds in parallel (per table, largest first) and which run serially after.
import { describe, expect, it } from 'vitest';
import { isParallelStatement, PARALLEL_MIN_BYTES, splitPostData } from '../../src/apply/post-data-stage.js';
import type { CopyItem, SqlItem } from '../../src/apply/schedule.js';
import type { PlanStep, SqlOperation } from '../../src/plan/types.js';

const step = (index: number, address: string): PlanStep => ({
  index, address, action: 'create', reason: '', destructive: false, before: null, after: null, operations: [], sqlPreview: [],
});
const item = (s: PlanStep, statements: readonly (readonly [object: string, sql: string])[]): SqlItem => {
  const op: SqlOperation = {
    type: 'sql', side: 'target', stage: 'post-data', order: 0,
    statements: statements.map(([object, sql]) => ({ sql, transactional: true, phase: 'post-data', object })),
  };
  return { step: s, op };
};
const copy = (s: PlanStep, name: string, bytes: number): CopyItem => ({
  step: s, op: { type: 'data-copy', table: { schema: 'public', name }, columns: ['id'], filter: null, truncateFirst: [], group: null, estimate: { rows: 1, bytes, seconds: 0 } },
});

const customers = step(1, 'target.table.db.public.customers');
const orders = step(2, 'target.table.db.public.orders');
const view = step(3, 'target.view.db.public.v');
const seq = step(4, 'target.sequence.db.public.s');
const database = step(5, 'target.database.db');
const items: readonly SqlItem[] = [
  item(customers, [
    ['table:public.customers', 'ALTER TABLE ONLY public.customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id)'],
    ['table:public.customers', 'CREATE INDEX customers_name_idx ON public.customers USING btree (name)'],
    ['table:public.customers', 'CREATE TRIGGER t BEFORE INSERT ON public.customers FOR EACH ROW EXECUTE FUNCTION public.f()'],
    // After a serial statement of its table: serial too, so the table's statements keep their order.
    ['table:public.customers', 'CREATE INDEX customers_late_idx ON public.customers USING btree (id)'],
  ]),
  item(orders, [
    ['table:public.orders', 'ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id)'],
    ['table:public.orders', 'ALTER TABLE ONLY public.orders ADD CONSTRAINT orders_customer_id_fkey FOREIGN KEY (customer_id) REFERENCES public.customers(id)'],
    ['table:public.orders', 'CREATE UNIQUE INDEX orders_note_idx ON public.orders USING btree (note)'],
    ['table:public.orders', 'GRANT SELECT ON TABLE public.orders TO app'],
  ]),
  item(view, [['view:public.v', 'GRANT SELECT ON TABLE public.v TO app']]),
  item(seq, [['sequence:public.s', 'ALTER SEQUENCE public.s OWNED BY public.orders.id']]),
  item(database, [['database:db', 'ALTER DATABASE db SET work_mem = \'8MB\'']]),
];
const sqls = (entries: readonly { readonly statement: { readonly sql: string } }[]): string[] => entries.map((e) => e.statement.sql.split(' ').slice(0, 4).join(' '));

describe('splitPostData', () => {
  it('runs a table\'s leading index and key builds in parallel, largest table first; FKs and everything else serially after, in order', () => {
    const split = splitPostData(items, [copy(customers, 'customers', 10), copy(orders, 'orders', 1000)], 0);
    expect(split.parallel.map((g) => g.object)).toEqual(['table:public.orders', 'table:public.customers']);
    expect(split.parallel.map((g) => sqls(g.entries))).toEqual([
      ['ALTER TABLE ONLY public.orders'],
      ['ALTER TABLE ONLY public.customers', 'CREATE INDEX customers_name_idx ON'],
    ]);
    expect(sqls(split.serial)).toEqual([
      'CREATE TRIGGER t BEFORE',
      'CREATE INDEX customers_late_idx ON',
      'ALTER TABLE ONLY public.orders',
      'CREATE UNIQUE INDEX orders_note_idx',
      'GRANT SELECT ON TABLE',
      'GRANT SELECT ON TABLE',
      'ALTER SEQUENCE public.s OWNED',
      'ALTER DATABASE db SET',
    ]);
    expect(split.serial[2]?.statement.sql).toMatch(/FOREIGN KEY/);
    expect(split.serial.map((e) => e.step.index)).toEqual([1, 1, 2, 2, 2, 3, 4, 5]);
    // Every statement runs exactly once.
    expect(split.parallel.flatMap((g) => g.entries).length + split.serial.length).toBe(items.flatMap((i) => i.op.statements).length);
  });

  it('keeps schedule order between tables without a size', () => {
    const split = splitPostData(items, [], 0);
    expect(split.parallel.map((g) => g.object)).toEqual(['table:public.customers', 'table:public.orders']);
  });

  it('admits only a table\'s own index and non-FK key builds', () => {
    const entry = (object: string, sql: string): Parameters<typeof isParallelStatement>[0] => ({ step: customers, statement: { sql, transactional: true, phase: 'post-data', object } });
    expect(isParallelStatement(entry('table:public.t', 'CREATE INDEX i ON public.t (a)'))).toBe(true);
    expect(isParallelStatement(entry('table:public.t', 'ALTER TABLE public.t ADD CONSTRAINT c CHECK (a > 0) NOT VALID'))).toBe(true);
    expect(isParallelStatement(entry('table:public.t', 'ALTER TABLE public.t ADD CONSTRAINT c FOREIGN KEY (a) REFERENCES public.u(id)'))).toBe(false);
    expect(isParallelStatement(entry('table:public.t', 'ALTER INDEX public.p_idx ATTACH PARTITION public.t_idx'))).toBe(false);
    expect(isParallelStatement(entry('table:public.t', 'ALTER TABLE ONLY public.t ENABLE ALWAYS TRIGGER tg'))).toBe(false);
    expect(isParallelStatement(entry('matview:public.m', 'CREATE INDEX i ON public.m (a)'))).toBe(false);
  });
  it('keeps a table whose copy moved less than PARALLEL_MIN_BYTES in the serial part (its builds take milliseconds)', () => {
    const customers = step(1, 'target.table.shop.public.customers');
    const one = [item(customers, [['table:public.customers', 'ALTER TABLE ONLY public.customers ADD CONSTRAINT customers_pkey PRIMARY KEY (id)']])];
    expect(splitPostData(one, [copy(customers, 'customers', PARALLEL_MIN_BYTES - 1)]).parallel).toEqual([]);
    expect(splitPostData(one, [copy(customers, 'customers', PARALLEL_MIN_BYTES)]).parallel).toHaveLength(1);
  });
});
