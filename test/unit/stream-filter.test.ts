// Which row filters a streamed table may be published with (facts file, "Row filters"): only filters that read
// replica-identity columns (any column under FULL) on a 15+ source, unless the publication carries no UPDATE or
// DELETE; a time window on another column streams the table unfiltered, with a note.
import { describe, expect, it } from 'vitest';
import type { TableObject } from '../../src/model/schema.js';
import type { RowFilter } from '../../src/plan/planner/row-filter.js';
import { identityColumns, referencedColumns, streamFilter } from '../../src/plan/planner/stream-filter.js';
import { column, constraint, index, table } from './ddl-model-builders.js';

const withPk = (definition: string, extra: Partial<TableObject> = {}): TableObject => table('sales', 'orders', {
  columns: [column('id', 'integer'), column('region_id', 'integer'), column('qty', 'integer'), column('name', 'text'), column('upper', 'text'), column('B', 'integer'), column('created_at', 'timestamp with time zone')],
  constraints: [constraint('orders_pkey', 'p', definition)],
  ...extra,
});

/** sales.orders keyed on (id, region_id). */
const orders = (extra: Partial<TableObject> = {}): TableObject => withPk('PRIMARY KEY (id, region_id)', extra);

const where = (w: string): RowFilter => ({ where: w, window: null, filter: w });
const windowOn = (col: string): RowFilter => {
  const literal = `${col} >= '2026-08-28 09:00:00+00'::timestamp with time zone`;
  return { where: null, window: { column: col, last: '90 days', anchor: '2026-11-26 09:00:00+00', bound: '2026-08-28 09:00:00+00' }, filter: literal };
};

describe('identityColumns', () => {
  it('reads the primary key, quoted names unquoted and bare ones folded', () => {
    expect(identityColumns(withPk('PRIMARY KEY (a, "B")'))).toEqual(['a', 'B']);
    expect(identityColumns(withPk('PRIMARY KEY (id)'))).toEqual(['id']);
  });

  it('reads the USING INDEX index, past its opclass and collation, not its INCLUDE list', () => {
    const t = orders({
      replicaIdentity: 'i',
      indexes: [
        index('orders_other', 'CREATE UNIQUE INDEX orders_other ON sales.orders USING btree (qty)'),
        index('orders_ri', 'CREATE UNIQUE INDEX orders_ri ON sales.orders USING btree (name COLLATE "C" text_pattern_ops, "B") INCLUDE (qty)', { isReplicaIdentity: true }),
      ],
    });
    expect(identityColumns(t)).toEqual(['name', 'B']);
  });

  it('finds no identity under USING INDEX without a flagged index', () => {
    expect(identityColumns(orders({ replicaIdentity: 'i' }))).toBeNull();
  });

  it('gives every column under FULL and none under NOTHING or without a key', () => {
    expect(identityColumns(orders({ replicaIdentity: 'f' }))).toBe('all');
    expect(identityColumns(orders({ replicaIdentity: 'n' }))).toBeNull();
    expect(identityColumns(orders({ constraints: [] }))).toBeNull();
  });

  it('keeps a quoted key column with a space in its name whole', () => {
    expect(identityColumns(withPk('PRIMARY KEY ("Order Line", id)'))).toEqual(['Order Line', 'id']);
  });

  it('refuses no filter on a key column whose quoted name has a space', () => {
    const t = withPk('PRIMARY KEY ("Order Line", id)', { columns: [column('Order Line', 'integer'), column('id', 'integer')] });
    expect(streamFilter(t, where('"Order Line" > 1'), 15, true)).toEqual({ ok: true, filter: '"Order Line" > 1', note: null });
  });

  it('keeps a quoted key column with a comma in its name whole', () => {
    expect(identityColumns(withPk('PRIMARY KEY ("Order, Line", id)'))).toEqual(['Order, Line', 'id']);
  });
});

describe('referencedColumns', () => {
  const t = orders();

  it('finds bare and quoted column names', () => {
    expect(referencedColumns('region_id IN (1, 2)', t)).toEqual(['region_id']);
    expect(referencedColumns('"B" > 3 AND Region_ID = 1', t)).toEqual(['B', 'region_id']);
  });

  it('ignores string literals', () => {
    expect(referencedColumns("name = 'qty' OR name = 'it''s qty'", t)).toEqual(['name']);
  });

  it('ignores type names after a cast and function names before a parenthesis', () => {
    expect(referencedColumns('upper(name) = \'X\'', t)).toEqual(['name']);
    expect(referencedColumns('id::text = \'1\'', t)).toEqual(['id']);
    expect(referencedColumns('created_at::timestamp with time zone > \'2020-01-01\'', t)).toEqual(['created_at']);
  });

  it('ignores words that are not columns of the table', () => {
    expect(referencedColumns('region_id IS NOT NULL AND true', t)).toEqual(['region_id']);
  });

  it('sees the columns after a one-word cast', () => {
    expect(referencedColumns('id::text IS NOT NULL AND qty > 1', t)).toEqual(['id', 'qty']);
  });
});

describe('streamFilter', () => {
  it('streams a table without a filter unfiltered', () => {
    expect(streamFilter(orders(), { where: null, window: null, filter: null }, 15, true)).toEqual({ ok: true, filter: null, note: null });
  });

  it('publishes a filter that reads key columns only', () => {
    expect(streamFilter(orders(), where('region_id IN (1, 2) AND id > 10'), 15, true)).toEqual({ ok: true, filter: 'region_id IN (1, 2) AND id > 10', note: null });
  });

  it('refuses a filter on a column outside the replica identity, with the choices', () => {
    const s = streamFilter(orders(), where('qty > 1 AND region_id = 1'), 15, true);
    expect(s.ok).toBe(false);
    if (s.ok) return;
    expect(s.message).toBe(
      'sales.orders: the filter qty > 1 AND region_id = 1 reads qty, outside the table\'s replica identity (id, region_id): PostgreSQL would accept the publication and then fail every UPDATE and DELETE of the table on the source',
    );
    expect(s.hints).toEqual([
      'copy it once without streaming: move the table to a database block with sync: false',
      'stream it unfiltered: drop the table filter',
      'give it REPLICA IDENTITY FULL on the source (ALTER TABLE sales.orders REPLICA IDENTITY FULL;), when every column type has an equality operator: pgrepl never changes the source\'s replica identity itself',
    ]);
  });

  it('refuses a non-key column read after a one-word cast', () => {
    expect(streamFilter(orders(), where('id::text IS NOT NULL AND qty > 1'), 15, true).ok).toBe(false);
  });

  it('refuses a filter that is not immutable, even on key columns under FULL, and names the call', () => {
    const s = streamFilter(orders({ replicaIdentity: 'f' }), where("id > 0 AND region_id < extract(epoch FROM now())"), 15, true);
    expect(s.ok).toBe(false);
    if (!s.ok) {
      expect(s.message).toContain('calls now(), which is not immutable'.replace('now()', 'now'));
      expect(s.hints[0]).toMatch(/sync: false .*init --no-sync/);
    }
    // `now` as a quoted column or inside a literal is no call.
    expect(streamFilter(orders({ replicaIdentity: 'f' }), where(`"now" > 1 AND region_id::text <> 'now()'`), 15, true).ok).toBe(true);
  });

  it('a where and a time window: both stream when the window column is in the identity, else the where alone with a note', () => {
    const w = windowOn('created_at');
    const both = (table: TableObject): ReturnType<typeof streamFilter> =>
      streamFilter(table, { where: 'region_id = 1', window: w.window, filter: `(region_id = 1) AND (${w.filter ?? ''})` }, 15, true);
    expect(both(withPk('PRIMARY KEY (id, region_id, created_at)'))).toEqual({ ok: true, filter: `(region_id = 1) AND (${w.filter ?? ''})`, note: null });
    const s = both(orders());
    expect(s).toMatchObject({ ok: true, filter: 'region_id = 1' });
    if (s.ok) expect(s.note).toMatch(/the time window on created_at filters the copy; the stream is filtered by region_id = 1 only/);
  });

  it('says a table without a replica identity has none', () => {
    const s = streamFilter(orders({ constraints: [] }), where('id = 1'), 15, true);
    expect(s.ok).toBe(false);
    if (!s.ok) expect(s.message).toContain('reads id, outside the table\'s replica identity (it has none)');
  });

  it('accepts any column under REPLICA IDENTITY FULL', () => {
    expect(streamFilter(orders({ replicaIdentity: 'f' }), where('qty > 1'), 15, true)).toEqual({ ok: true, filter: 'qty > 1', note: null });
  });

  it('accepts anything when the publication carries no UPDATE or DELETE', () => {
    expect(streamFilter(orders(), where('qty > 1'), 15, false)).toEqual({ ok: true, filter: 'qty > 1', note: null });
    expect(streamFilter(orders({ replicaIdentity: 'n' }), where('name <> \'\''), 16, false)).toEqual({ ok: true, filter: 'name <> \'\'', note: null });
  });

  it('refuses any filter on a 14 source, also one on key columns', () => {
    for (const [w, changes] of [['id > 10', true], ['qty > 1', false]] as const) {
      const s = streamFilter(orders(), where(w), 14, changes);
      expect(s.ok).toBe(false);
      if (!s.ok) expect(s.message).toBe(`sales.orders: the filter ${w} cannot be streamed: the source runs PostgreSQL 14, and publication row filters need 15`);
    }
  });

  it('turns a time window on a non-key column into an unfiltered stream with a note', () => {
    expect(streamFilter(orders(), windowOn('created_at'), 15, true)).toEqual({
      ok: true, filter: null,
      note: 'sales.orders: the time window on created_at filters the copy; the table streams unfiltered (created_at is not in its replica identity), and new rows fall inside the window anyway',
    });
  });

  it('streams a window unfiltered on a 14 source, saying why', () => {
    const s = streamFilter(withPk('PRIMARY KEY (id, created_at)'), windowOn('created_at'), 14, true);
    expect(s).toMatchObject({ ok: true, filter: null });
    if (s.ok) expect(s.note).toContain('the source runs PostgreSQL 14, and row filters need 15');
  });

  it('publishes a window on a key column (or any column under FULL, or without updates and deletes) as its filter', () => {
    const w = windowOn('created_at');
    expect(streamFilter(withPk('PRIMARY KEY (id, created_at)'), w, 15, true)).toEqual({ ok: true, filter: w.filter, note: null });
    expect(streamFilter(orders({ replicaIdentity: 'f' }), w, 15, true)).toEqual({ ok: true, filter: w.filter, note: null });
    expect(streamFilter(orders(), w, 15, false)).toEqual({ ok: true, filter: w.filter, note: null });
  });
});
