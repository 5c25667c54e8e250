// The planner on JSON fixtures: a fresh target gets role, database, schema and rows steps; the state a full apply
// leaves plans nothing (also a day later with a time window); each recorded difference gives exactly its step, with
// the consent and foreign-key rules of issue 4.
import { describe, expect, it } from 'vitest';
import { objectKey } from '../../src/model/object-key.js';
import { rowsAddress } from '../../src/model/address.js';
import { column, table } from './ddl-model-builders.js';
import type { CopyEstimate, DataCopyOperation, Plan, SqlOperation } from '../../src/plan/types.js';
import { formatEstimate } from '../../src/render/human-units.js';
import type { ActualState, DatabaseActual } from '../../src/introspect/types.js';
import { ADDR, convergedActual, freshActual, ORDER_SEQ, plan, sourceModel, specText, stateAfter } from './planner-fixtures.js';

const copies = (p: Plan, address: string): DataCopyOperation[] =>
  (p.steps.find((s) => s.address === address)?.operations ?? []).filter((o): o is DataCopyOperation => o.type === 'data-copy');
const errors = (p: Plan): string[] => p.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);

function withTargetTables(actual: ActualState, change: (t: Record<string, { oid: number; hasRows: boolean }>) => void): ActualState {
  const db = actual.databases[0] as DatabaseActual;
  const tables = { ...db.target?.tables };
  change(tables);
  return { ...actual, databases: [{ ...db, target: db.target === null ? null : { ...db.target, tables } }] };
}

describe('planner on a fresh target', () => {
  const spec = specText();
  const p = plan(spec, freshActual(), null);

  it('creates the owner role, the database, the schema, then copies the rows and the sequence value', () => {
    expect(errors(p)).toEqual([]);
    expect(p.databases).toEqual([{ key: 'shop', target: 'shop' }]);
    const addresses = p.steps.map((s) => `${s.action} ${s.address}`);
    expect(addresses.slice(0, 2)).toEqual(['create target.role.app_owner', 'create target.database.shop']);
    expect(addresses).toContain('create target.table.shop.sales.orders');
    expect(addresses.filter((a) => a.includes('target.rows.'))).toEqual([
      `create ${ADDR.customers}`, `create ${ADDR.lines}`, `create ${ADDR.orders}`, `create ${ADDR.seq}`,
    ]);
    expect(p.steps.every((s) => !s.destructive)).toBe(true);
  });

  it('creates the database from template0 with the source encoding and owner, in the cluster stage', () => {
    const step = p.steps.find((s) => s.address === ADDR.db);
    const op = step?.operations[0] as SqlOperation;
    expect(op.stage).toBe('cluster');
    expect(op.statements[0]?.sql).toBe("CREATE DATABASE shop OWNER app_owner TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C.UTF-8' LC_CTYPE 'C.UTF-8'");
    expect(op.statements[0]?.transactional).toBe(false);
    expect(step?.after).toEqual({ name: 'shop', created: true });
  });

  it('copies every column but the generated one, sets the identity sequence, estimates from the sampled rate', () => {
    const ops = p.steps.find((s) => s.address === ADDR.customers)?.operations ?? [];
    expect(ops).toEqual([
      { type: 'data-copy', table: { schema: 'sales', name: 'customers' }, columns: ['id', 'name'], filter: null, truncateFirst: [], group: 'batch:0', estimate: { rows: 100, bytes: 81_920, seconds: 0.1 } },
      { type: 'sequence-values', sequences: [{ schema: 'sales', name: 'customers_id_seq' }] },
    ]);
  });

  it('copies small tables in shared units (one transaction each), a table of 1 MiB or more on its own', () => {
    const source = sourceModel();
    const fresh = freshActual(source);
    const db = fresh.databases[0] as DatabaseActual;
    const big = { ...db, source: db.source === null ? null : { ...db.source, sizes: { ...db.source.sizes, [objectKey('table', 'sales', 'orders')]: { bytes: 1_048_576, rowEstimate: 10_000 } } } };
    const p = plan(spec, { ...fresh, databases: [big] }, null);
    expect([ADDR.customers, ADDR.lines, ADDR.orders].map((a) => copies(p, a)[0]?.group)).toEqual(['batch:0', 'batch:0', null]);
  });

  it('says the time is unknown when no copy rate was measured or sampled, instead of a made-up figure', () => {
    const p = plan(spec, { ...freshActual(), sampledThroughput: null }, null);
    const estimate = copies(p, ADDR.orders)[0]?.estimate;
    expect(estimate?.seconds).toBeNull();
    expect(formatEstimate(estimate as CopyEstimate)).toBe('100 rows, 80 kB, time unknown (no copy rate measured yet)');
  });

  it('plans nothing once the state records the copy and the target matches', () => {
    const actual = convergedActual();
    const again = plan(spec, actual, stateAfter(p, actual));
    expect(again.steps.map((s) => `${s.action} ${s.address}: ${s.reason}`)).toEqual([]);
    expect(errors(again)).toEqual([]);
  });
});

describe('partitioned tables and standalone objects', () => {
  const events = table('sales', 'events', { partitionKey: 'RANGE (at)', columns: [column('id', 'integer'), column('at', 'date')], deps: [objectKey('schema', null, 'sales')] });
  const leaf = table('sales', 'events_2025', {
    partitionOf: { parent: events.key, bound: "FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')" }, columns: [column('id', 'integer'), column('at', 'date')],
    deps: [objectKey('schema', null, 'sales'), events.key],
  });
  const tickets = { ...ORDER_SEQ, key: objectKey('sequence', 'sales', 'tickets'), name: 'tickets' };
  const source = { ...sourceModel(), objects: [...sourceModel().objects, events, leaf, tickets].sort((a, b) => (a.key < b.key ? -1 : 1)) };

  it('copies a partitioned table through its leaves and plans nothing once recorded (the oid is the first leaf\'s)', () => {
    const p = plan(specText(), freshActual(source), null);
    expect(copies(p, rowsAddress('shop', 'sales', 'events')).map((c) => c.table)).toEqual([{ schema: 'sales', name: 'events_2025' }]);
    const actual = convergedActual(source);
    expect(plan(specText(), actual, stateAfter(p, actual)).steps.map((s) => `${s.action} ${s.address}: ${s.reason}`)).toEqual([]);
  });

  it('a whole-database spec takes a sequence no table uses; an include list does not', () => {
    const whole = plan(specText(), freshActual(source), null);
    expect(whole.steps.map((s) => s.address)).toContain(rowsAddress('shop', 'sales', 'tickets'));
    const some = plan(specText('shop: { sync: false, include_tables: [sales.customers] }'), freshActual(source), null);
    expect(some.steps.map((s) => s.address)).not.toContain(rowsAddress('shop', 'sales', 'tickets'));
  });
});

describe('time windows', () => {
  const spec = specText('shop: { sync: false, time_filters: [{ table: sales.orders, column: created_at, last: 90 days }] }');

  it('anchors at the source now() and renders a literal in the column type', () => {
    const p = plan(spec, freshActual(), null);
    expect(copies(p, ADDR.orders)[0]?.filter).toBe("created_at >= '2026-08-28 09:00:00+00'::timestamp with time zone");
    expect(p.steps.find((s) => s.address === ADDR.orders)?.after).toMatchObject({ window: { column: 'created_at', last: '90 days', anchor: '2026-11-26 09:00:00+00', bound: '2026-08-28 09:00:00+00' } });
  });

  it('stays empty a day later, and moves only with --refresh-windows or a new `last`', () => {
    const first = plan(spec, freshActual(), null);
    const actual = convergedActual();
    const state = stateAfter(first, actual);
    const dayLater = { ...actual, source: { ...actual.source, now: '2026-11-27 09:00:00+00' } };
    expect(plan(spec, dayLater, state).steps).toEqual([]);
    // A window that moves later narrows: nothing is copied, the rows outside stay (prune: false).
    const refreshed = plan(spec, dayLater, state, { refreshWindows: true });
    expect(refreshed.steps.map((s) => `${s.action} ${s.address} ${s.destructive}`)).toEqual([`update ${ADDR.orders} false`]);
    expect(copies(refreshed, ADDR.orders)).toEqual([]);
    expect(refreshed.steps[0]?.after).toMatchObject({ filter: "created_at >= '2026-08-29 09:00:00+00'::timestamp with time zone" });
    // prune: true deletes them (destructive).
    const pruning = plan(specText('shop: { sync: false, prune: true, time_filters: [{ table: sales.orders, column: created_at, last: 90 days }] }'), dayLater, state, { refreshWindows: true });
    expect(pruning.steps[0]?.destructive).toBe(true);
    expect(pruning.steps[0]?.sqlPreview).toEqual(["DELETE FROM ONLY sales.orders WHERE NOT (created_at >= '2026-08-29 09:00:00+00'::timestamp with time zone)"]);
    // A longer `last` widens: the rows that now match are copied (destructive re-copy).
    const widened = plan(specText('shop: { sync: false, time_filters: [{ table: sales.orders, column: created_at, last: 120 days }] }'), dayLater, state);
    expect(widened.steps.map((s) => `${s.action} ${s.address}`)).toEqual([`replace ${ADDR.lines}`, `replace ${ADDR.orders}`, `update ${ADDR.seq}`]);
    expect(copies(widened, ADDR.orders)[0]?.filter).toBe("created_at >= '2026-07-30 09:00:00+00'::timestamp with time zone");
  });
});

describe('re-copies, consent and foreign keys', () => {
  const spec = specText();
  const first = plan(spec, freshActual(), null);
  const actual = convergedActual();
  const state = stateAfter(first, actual);

  it('a changed filter replaces the rows (destructive), empties the table and every copied table referencing it in one group', () => {
    const filtered = specText('shop: { sync: false, table_filters: [{ table: sales.orders, where: "id > 10" }, { table: sales.order_lines, where: "order_id > 10" }] }');
    const p = plan(filtered, actual, state);
    expect(errors(p)).toEqual([]);
    expect(p.steps.map((s) => `${s.action} ${s.address} ${s.destructive}`)).toEqual([
      `replace ${ADDR.lines} true`, `replace ${ADDR.orders} true`, `update ${ADDR.seq} false`,
    ]);
    const groups = [ADDR.orders, ADDR.lines].map((a) => copies(p, a)[0]?.group);
    expect(new Set(groups).size).toBe(1);
    expect(groups[0]).toMatch(/^truncate:/);
    expect(copies(p, ADDR.lines)[0]?.truncateFirst).toEqual([{ schema: 'sales', name: 'order_lines' }]);
    expect(copies(p, ADDR.orders)[0]?.filter).toBe('id > 10');
  });

  it('emptying a parent for a re-copy copies again the copied tables that reference it', () => {
    const interrupted = { ...state, resources: state.resources.map((r) => (r.address === ADDR.orders ? { ...r, attributes: { ...r.attributes, status: 'copying' } } : r)) };
    const p = plan(spec, actual, interrupted);
    expect(p.steps.map((s) => `${s.action} ${s.address} ${s.destructive}`)).toEqual([
      `replace ${ADDR.lines} false`, `create ${ADDR.orders} false`, `update ${ADDR.seq} false`,
    ]);
    expect(p.steps.find((s) => s.address === ADDR.lines)?.reason).toContain('references sales.orders');
    expect(copies(p, ADDR.lines)[0]?.group).toBe(copies(p, ADDR.orders)[0]?.group);
  });

  it('refuses a parent filter whose children are not filtered to match, and names the matching filter', () => {
    const p = plan(specText('shop: { sync: false, table_filters: [{ table: sales.customers, where: "id % 2 = 0" }] }'), freshActual(), null);
    expect(errors(p)).toEqual([expect.stringContaining('the filter (id % 2 = 0) on sales.customers can leave rows of sales.orders pointing at rows that are not copied')]);
    expect(p.diagnostics.find((d) => d.severity === 'error')?.hints).toContain('give sales.orders the matching filter: where: "customer_id % 2 = 0"');
    const ok = plan(specText('shop: { sync: false, table_filters: [{ table: sales.customers, where: "id % 2 = 0" }, { table: sales.orders, where: "customer_id % 2 = 0" }] }'), freshActual(), null);
    // orders is filtered too now, so order_lines must follow orders.
    expect(errors(ok)).toEqual([expect.stringContaining('the filter (customer_id % 2 = 0) on sales.orders')]);
  });

  it('with filtered_foreign_keys: not_valid a window on a referenced table makes the foreign key NOT VALID instead', () => {
    const windowed = 'time_filters: [{ table: sales.orders, column: created_at, last: 30 days }]';
    expect(errors(plan(specText(`shop: { sync: false, ${windowed} }`), freshActual(), null)))
      .toEqual([expect.stringContaining('the time window on sales.orders can leave rows of sales.order_lines pointing at rows that are not copied')]);
    const p = plan(specText(`shop: { sync: false, filtered_foreign_keys: not_valid, ${windowed} }`), freshActual(), null);
    expect(errors(p)).toEqual([]);
    expect(p.diagnostics.map((d) => d.message)).toContain('the time window on sales.orders can leave rows of sales.order_lines pointing at rows that are not copied: foreign key order_lines_order_id_fkey is created NOT VALID on the target (filtered_foreign_keys: not_valid)');
    expect(p.steps.flatMap((s) => s.sqlPreview)).toContain('ALTER TABLE ONLY sales.order_lines ADD CONSTRAINT order_lines_order_id_fkey FOREIGN KEY (order_id) REFERENCES sales.orders(id) NOT VALID');
  });

  it('a schema-only parent of a copied child is refused', () => {
    const p = plan(specText('shop: { sync: false, schema_only: [sales.customers] }'), freshActual(), null);
    expect(errors(p)).toEqual([expect.stringContaining('sales.orders is copied with rows but references sales.customers, which is schema-only')]);
  });

  it('refuses a table the source role cannot read whole, with the statements that fix it', () => {
    const fresh = freshActual();
    const db = fresh.databases[0] as DatabaseActual;
    const src = db.source;
    const actual = { ...fresh, databases: [{ ...db, source: src === null ? null : { ...src, unreadable: { [objectKey('table', 'sales', 'orders')]: ['no-select', 'row-security'] as const } } }] };
    const p = plan(spec, actual, null);
    expect(errors(p)).toEqual(['database shop: the source role postgres cannot read every row of sales.orders (no SELECT, row-level security applies to it)']);
    expect(p.diagnostics[0]?.hints).toEqual(['GRANT SELECT ON TABLE sales.orders TO postgres;', 'ALTER ROLE postgres BYPASSRLS;', '-- or copy it as structure only (schema_only) if its policies must hold']);
  });

  it('rows already on the target that pgrepl did not copy need consent', () => {
    const p = plan(spec, convergedActual(), null);
    const step = p.steps.find((s) => s.address === ADDR.orders);
    expect(step).toMatchObject({ action: 'replace', destructive: true });
    expect(step?.reason).toContain('has rows pgrepl did not copy');
    expect(copies(p, ADDR.orders)[0]?.truncateFirst).toEqual([{ schema: 'sales', name: 'orders' }]);
  });

  it('empty target tables that pgrepl did not copy are filled without consent', () => {
    const p = plan(spec, convergedActual(sourceModel(), false), null);
    expect(p.steps.filter((s) => s.address.startsWith('target.rows')).every((s) => s.action === 'create' && !s.destructive)).toBe(true);
    expect(copies(p, ADDR.orders)[0]?.truncateFirst).toEqual([]);
  });

  it('an interrupted copy is resumed without consent: copying records are copied again', () => {
    const interrupted = { ...state, resources: state.resources.map((r) => (r.kind === 'rows' && r.address !== ADDR.seq ? { ...r, attributes: { ...r.attributes, status: 'copying' } } : r)) };
    const partial = withTargetTables(actual, (t) => { t[objectKey('table', 'sales', 'order_lines')] = { oid: 16_402, hasRows: false }; });
    const p = plan(spec, partial, interrupted);
    expect(p.steps.map((s) => `${s.action} ${s.address} ${s.destructive}`)).toEqual([
      `create ${ADDR.customers} false`, `create ${ADDR.lines} false`, `create ${ADDR.orders} false`, `update ${ADDR.seq} false`,
    ]);
    expect(p.steps[0]?.reason).toContain('interrupted');
    expect(copies(p, ADDR.lines)[0]?.truncateFirst).toEqual([{ schema: 'sales', name: 'order_lines' }]);
  });

  it('a target table made again since the copy (new oid) is copied again', () => {
    const remade = withTargetTables(convergedActual(sourceModel(), false), (t) => { t[objectKey('table', 'sales', 'order_lines')] = { oid: 99_999, hasRows: false }; });
    const p = plan(spec, remade, state);
    expect(p.steps.map((s) => `${s.action} ${s.address}`)).toEqual([`create ${ADDR.lines}`, `update ${ADDR.seq}`]);
  });

  it('refuses to empty a table that a target table outside the spec references', () => {
    const base = convergedActual();
    const db = base.databases[0] as DatabaseActual;
    const targetModel = db.target?.model ?? sourceModel();
    const outside = { ...targetModel.objects.find((o) => o.key === objectKey('table', 'sales', 'order_lines')), key: objectKey('table', 'public', 'audit'), schema: 'public', name: 'audit' };
    const withOutside = { ...base, databases: [{ ...db, target: db.target === null ? null : { ...db.target, model: { ...targetModel, objects: [...targetModel.objects, outside as never] } } }] };
    const p = plan(specText('shop: { sync: false, table_filters: [{ table: sales.orders, where: "id > 10" }, { table: sales.order_lines, where: "order_id > 10" }] }'), withOutside, state);
    expect(errors(p)).toEqual([expect.stringContaining('the target table public.audit is not managed by this spec and references sales.orders')]);
  });

  it('forgets rows the spec no longer selects, without touching them', () => {
    const p = plan(specText('shop: { sync: false, exclude_tables: [sales.order_lines] }'), actual, state);
    const step = p.steps.find((s) => s.address === ADDR.lines);
    expect(step).toMatchObject({ action: 'delete', destructive: false, operations: [] });
  });
});

describe('plan --destroy', () => {
  it('drops the database pgrepl created and forgets its rows', () => {
    const first = plan(specText(), freshActual(), null);
    const actual = convergedActual();
    const state = stateAfter(first, actual);
    const p = plan(specText(), actual, state, { destroy: true });
    const db = p.steps.find((s) => s.address === ADDR.db);
    expect(db).toMatchObject({ action: 'delete', destructive: true, sqlPreview: ['DROP DATABASE shop'] });
    expect(p.steps.filter((s) => s.address.startsWith('target.rows')).every((s) => s.action === 'delete' && s.operations.length === 0)).toBe(true);
    expect(p.diagnostics.map((d) => d.message)).toContain('roles pgrepl created are kept (other databases may use them): app_owner; drop them by hand when nothing needs them');
  });

  it('empties the copied tables of a database it did not create, in one TRUNCATE', () => {
    const actual = convergedActual(sourceModel(), false);
    const first = plan(specText(), actual, null);
    const state = stateAfter(first, actual);
    const p = plan(specText(), actual, state, { destroy: true });
    expect(p.steps.flatMap((s) => s.sqlPreview)).toEqual(['TRUNCATE TABLE ONLY sales.customers, ONLY sales.order_lines, ONLY sales.orders']);
    expect(p.steps.find((s) => s.address === ADDR.db)).toMatchObject({ action: 'delete', destructive: false, operations: [] });
  });
});

describe('--replace', () => {
  const spec = specText('shop: { sync: false }');
  const first = plan(spec, freshActual(), null);
  const actual = convergedActual();
  const state = stateAfter(first, actual);

  it('copies one table\'s rows again, destructively where they are, with what must be emptied with it; without it nothing', () => {
    expect(plan(spec, actual, state).steps).toEqual([]);
    const p = plan(spec, actual, state, { replace: [ADDR.lines] });
    expect(errors(p)).toEqual([]);
    // Sequence values are set again after any copy of the database.
    expect(p.steps.map((s) => `${s.action} ${s.address} ${s.destructive}`)).toEqual([`replace ${ADDR.lines} true`, `update ${ADDR.seq} false`]);
    expect(p.steps[0]?.reason).toBe('--replace: the rows copied earlier are discarded and copied again');
    expect(copies(p, ADDR.lines)).toHaveLength(1);
    // A referenced table takes its referencing tables along: one TRUNCATE of the closure, never CASCADE.
    const parent = plan(spec, actual, state, { replace: [ADDR.orders] });
    expect(parent.steps.map((s) => `${s.action} ${s.address}`)).toEqual([`replace ${ADDR.lines}`, `replace ${ADDR.orders}`, `update ${ADDR.seq}`]);
  });

  it('takes the address in any form that parses to it', () => {
    const p = plan(spec, actual, state, { replace: ['target.rows["shop"]["sales"]["order_lines"]'] });
    expect(p.steps.map((s) => `${s.action} ${s.address}`)).toEqual([`replace ${ADDR.lines}`, `update ${ADDR.seq}`]);
  });

  it('refuses what is not copied data, or not in the plan, with the closest addresses', () => {
    const p = plan(spec, actual, state, { replace: ['target.rows.shop.sales.order_line', 'target.table.shop.sales.orders', 'target.rows.shop.Sales.orders', 'target.largeobjects.shop'] });
    expect(errors(p)).toEqual([
      '--replace target.rows.shop.sales.order_line: the spec copies no such data',
      '--replace target.table.shop.sales.orders: only copied data can be copied again (target.rows.<database>.<schema>.<table> or target.largeobjects.<database>), not target.table',
      expect.stringMatching(/^--replace target\.rows\.shop\.Sales\.orders: not a resource address/),
      '--replace target.largeobjects.shop: the spec copies no such data',
    ]);
    expect(p.diagnostics.find((d) => d.message.includes('order_line:'))?.hints?.[0]).toBe(`did you mean ${ADDR.lines}?`);
  });

  it('sets a sequence value again', () => {
    const p = plan(spec, actual, state, { replace: [ADDR.seq] });
    expect(p.steps.map((s) => `${s.action} ${s.address} ${s.reason}`)).toEqual([`update ${ADDR.seq} --replace: the sequence value is taken again from the source`]);
  });
});
