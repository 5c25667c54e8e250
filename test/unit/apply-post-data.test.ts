// Which post-data statements the engine builds in parallel (per table, largest first; small tables many to a chunk)
// and which run serially after.
import { describe, expect, it } from 'vitest';
import {
  CHUNKED_STATEMENTS_ALL_SESSIONS, chunkStatementsFor, isChunkStatement, isParallelStatement, PARALLEL_MIN_BYTES, SMALL_CHUNK_MIN_STATEMENTS, splitPostData,
} from '../../src/apply/post-data-stage.js';
import type { CopyItem, SqlItem } from '../../src/apply/schedule.js';
import type { PlanStep } from '../../src/plan/types.js';
import { item, step } from './plan-step-fixtures.js';

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

  it('puts small tables\' leading builds in chunks of many tables, each table whole in one chunk, in schedule order', () => {
    const small = (i: number): SqlItem => item(step(10 + i, `target.table.db.public.t${i}`), [
      [`table:public.t${i}`, `ALTER TABLE ONLY public.t${i} ADD CONSTRAINT t${i}_pkey PRIMARY KEY (id)`],
      [`table:public.t${i}`, `CREATE INDEX t${i}_name ON public.t${i} USING btree (name)`],
      [`table:public.t${i}`, `ALTER TABLE public.t${i} OWNER TO app`],
    ]);
    const smalls = [0, 1, 2, 3, 4].map(small);
    const split = splitPostData([...items, ...smalls], [copy(orders, 'orders', 1000)], 1000, 3);
    // orders is large: its own group; customers is small: in the first chunk, with what leads each table.
    expect(split.parallel.map((g) => g.object)).toEqual(['table:public.orders']);
    expect(split.chunks.map((c) => c.map((e) => e.statement.object))).toEqual([
      ['table:public.customers', 'table:public.customers', 'table:public.t0', 'table:public.t0'],
      ['table:public.t1', 'table:public.t1', 'table:public.t2', 'table:public.t2'],
      ['table:public.t3', 'table:public.t3', 'table:public.t4', 'table:public.t4'],
    ]);
    expect(sqls(split.chunks[0] ?? [])).toEqual([
      'ALTER TABLE ONLY public.customers', 'CREATE INDEX customers_name_idx ON', 'ALTER TABLE ONLY public.t0', 'CREATE INDEX t0_name ON',
    ]);
    // The owners, the trigger and what follows it, FKs: serial, in schedule order.
    expect(split.serial.map((e) => e.statement.sql)).toContain('ALTER TABLE public.t4 OWNER TO app');
    expect(split.serial.some((e) => /FOREIGN KEY/.test(e.statement.sql))).toBe(true);
    expect(split.serial.some((e) => /customers_late_idx/.test(e.statement.sql))).toBe(true);
    const all = [...items, ...smalls].flatMap((i) => i.op.statements);
    expect(split.parallel.flatMap((g) => g.entries).length + split.chunks.flat().length + split.serial.length).toBe(all.length);
    // Without chunks (one worker), small tables stay serial as before.
    expect(splitPostData([...items, ...smalls], [copy(orders, 'orders', 1000)], 1000).chunks).toEqual([]);
  });

  it('chunks only statements that lock their own table: an ALTER TABLE without ONLY reaches children another chunk may hold', () => {
    const entry = (sql: string): Parameters<typeof isChunkStatement>[0] => ({ step: customers, statement: { sql, transactional: true, phase: 'post-data', object: 'table:public.t' } });
    expect(isChunkStatement(entry('CREATE INDEX i ON public.t USING btree (a)'))).toBe(true);
    expect(isChunkStatement(entry('CREATE UNIQUE INDEX i ON ONLY public.t USING btree (a)'))).toBe(true);
    expect(isChunkStatement(entry('ALTER TABLE ONLY public.t ADD CONSTRAINT t_pkey PRIMARY KEY (id)'))).toBe(true);
    expect(isChunkStatement(entry('ALTER TABLE public.t ADD CONSTRAINT c CHECK (a > 0) NOT VALID'))).toBe(false);
    expect(isChunkStatement(entry('ALTER TABLE public.t ADD NOT NULL a NOT VALID'))).toBe(false);
    expect(isChunkStatement(entry('ALTER TABLE ONLY public.t ADD CONSTRAINT f FOREIGN KEY (a) REFERENCES public.u(id)'))).toBe(false);
    // A table cut by such a statement keeps the rest of its statements serial.
    const t = step(30, 'target.table.db.public.t');
    const split = splitPostData([item(t, [
      ['table:public.t', 'ALTER TABLE public.t ADD CONSTRAINT c CHECK (a > 0) NOT VALID'],
      ['table:public.t', 'CREATE INDEX i ON public.t USING btree (a)'],
    ])], [], 1000, 10);
    expect(split.chunks).toEqual([]);
    expect(split.serial).toHaveLength(2);
  });

  it('sizes chunks at about two a session, within a lock bound over all sessions; none for one worker', () => {
    expect(chunkStatementsFor(2000, 2)).toBe(500);
    expect(chunkStatementsFor(10_000, 2)).toBe(CHUNKED_STATEMENTS_ALL_SESSIONS / 2);
    expect(chunkStatementsFor(10_000, 8)).toBe(CHUNKED_STATEMENTS_ALL_SESSIONS / 8);
    expect(chunkStatementsFor(400, 2)).toBe(100);
    expect(chunkStatementsFor(10, 2)).toBe(SMALL_CHUNK_MIN_STATEMENTS);
    expect(chunkStatementsFor(10_000, 64)).toBe(SMALL_CHUNK_MIN_STATEMENTS);
    expect(chunkStatementsFor(2000, 1)).toBe(0);
  });
});
