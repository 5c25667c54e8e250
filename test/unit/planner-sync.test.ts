// Continuous sync in the pure planner, on JSON fixtures (issue 5): the first sync (publication, slot with an exported
// snapshot, the copy inside it, the subscription with copy_data = false), the steady state (an empty plan), the
// lifecycle through the publication and REFRESH PUBLICATION (a table added, removed, re-filtered), subscription
// options gated by both majors, pause and cutover, a lost or missing slot, an interrupted copy, ownership, passwords,
// wal_level, and taking the replication objects apart (sync: false, plan --destroy).
import { describe, expect, it } from 'vitest';
import { buildSchedule, checkpointRank } from '../../src/apply/schedule.js';
import type { ActualState, PublicationFacts, ServerActual, SlotFacts, SubscriptionFacts } from '../../src/introspect/types.js';
import { replicationAddress, rowsAddress } from '../../src/model/address.js';
import { objectKey } from '../../src/model/object-key.js';
import type { SchemaModel } from '../../src/model/schema.js';
import { planChanges } from '../../src/plan/planner/plan-changes.js';
import { managedComment, type PlanOptions, type PublicationAttributes } from '../../src/plan/planner/types.js';
import type {
  CreateSlotOperation, CreateSubscriptionOperation, Operation, Plan, PlanStep, SqlOperation,
} from '../../src/plan/types.js';
import type { Spec } from '../../src/spec/model.js';
import type { StateDocument, StateResource } from '../../src/state/state-document.js';
import { replicationObjectName } from '../../src/state/object-names.js';
import { column, constraint, table } from './ddl-model-builders.js';
import {
  ADDR, BASIS, convergedActual, FRESH_LINEAGE, freshActual, OPTIONS, plan, sourceModel, specText, stateAfter, TARGET_IDENTITY, withReplication,
} from './planner-fixtures.js';

// Derived names come from the lineage: a first plan without a state uses FRESH_LINEAGE, and the states built here
// carry the same lineage, so one name serves the whole file.
const LINEAGE = FRESH_LINEAGE;
const NAME = replicationObjectName('shop', LINEAGE, TARGET_IDENTITY);
const PUB = replicationAddress('publication', 'shop');
const SLOT = replicationAddress('slot', 'shop');
const SUB = replicationAddress('subscription', 'shop');
const NOTES = rowsAddress('shop', 'sales', 'notes');
const NOTES_KEY = objectKey('table', 'sales', 'notes');

/** The fixture's model with a key on order_lines (every published table needs a replica identity) and a standalone table. */
function syncModel(): SchemaModel {
  const base = sourceModel();
  const objects = base.objects.map((o) => (o.kind === 'table' && o.name === 'order_lines'
    ? {
      ...o,
      columns: [...o.columns, column('line_no', 'integer', { notNull: true })],
      constraints: [...o.constraints, constraint('order_lines_pkey', 'p', 'PRIMARY KEY (order_id, line_no)')],
    }
    : o));
  const notes = table('sales', 'notes', {
    columns: [column('id', 'integer', { notNull: true }), column('body', 'text'), column('created_at', 'timestamp with time zone')],
    constraints: [constraint('notes_pkey', 'p', 'PRIMARY KEY (id)')],
    deps: [objectKey('schema', null, 'sales')],
  });
  return { ...base, objects: [...objects, notes].sort((a, b) => (a.key < b.key ? -1 : 1)) };
}

const step = (p: Plan, address: string): PlanStep | undefined => p.steps.find((s) => s.address === address);
const ops = <T extends Operation['type']>(s: PlanStep | undefined, type: T): Extract<Operation, { type: T }>[] =>
  (s?.operations ?? []).filter((o): o is Extract<Operation, { type: T }> => o.type === type);
const sqlOps = (s: PlanStep | undefined): SqlOperation[] => ops(s, 'sql');
const sqlOf = (o: SqlOperation | undefined): string[] => (o?.statements ?? []).map((st) => st.sql);
const errors = (p: Plan): string[] => p.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
const warnings = (p: Plan): string[] => p.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.message);
const summary = (p: Plan): string[] => p.steps.map((s) => `${s.action} ${s.address}`);

function withServers(actual: ActualState, source: Partial<ServerActual> = {}, target: Partial<ServerActual> = {}): ActualState {
  return { ...actual, source: { ...actual.source, ...source }, target: { ...actual.target, ...target } };
}

/** planChanges with the subscription's conninfo, which the fixture's plan() leaves at its password-less placeholder. */
function planWith(spec: Spec, actual: ActualState, state: StateDocument | null, conninfo: { preview: string; hasPassword: boolean }, options: Partial<PlanOptions> = {}): Plan {
  return planChanges({
    spec, actual, state, basedOn: BASIS, now: new Date('2026-11-26T09:00:00Z'), options: { ...OPTIONS, ...options },
    lineage: state?.lineage ?? LINEAGE, targetIdentity: TARGET_IDENTITY, subscriptionConninfo: conninfo,
  });
}

function publicationFacts(name: string, tables: readonly { table: string; filter: string | null }[], extra: Partial<PublicationFacts> = {}): PublicationFacts {
  return {
    name, owner: 'postgres', comment: managedComment(LINEAGE), allTables: false, viaRoot: false, publish: ['insert', 'update', 'delete', 'truncate'],
    tables: tables.map((t) => {
      const [schema, rel] = t.table.split('.') as [string, string];
      return { schema, name: rel, rowFilter: t.filter, columns: null };
    }),
    schemas: [], ...extra,
  };
}

function slotFacts(name: string, extra: Partial<SlotFacts> = {}): SlotFacts {
  return { name, database: 'shop', plugin: 'pgoutput', active: true, walStatus: 'reserved', retainedBytes: 4096, confirmedFlushLsn: '0/16B3748', ...extra };
}

function subscriptionFacts(name: string, slot: string, publication: string, extra: Partial<SubscriptionFacts> = {}): SubscriptionFacts {
  return {
    name, owner: 'postgres', ownerSuperuser: true, comment: managedComment(LINEAGE), enabled: true, slotName: slot, publications: [publication],
    options: {}, tables: [], workerPid: 4242, errorCounts: { apply: 0, sync: 0 }, ...extra,
  };
}

interface Synced {
  readonly spec: Spec;
  readonly first: Plan;
  readonly actual: ActualState;
  readonly state: StateDocument;
}

interface SyncedOptions {
  readonly source?: Partial<ServerActual>;
  readonly target?: Partial<ServerActual>;
  /** Tables the target does not have (they were never in the spec). */
  readonly targetLacks?: readonly string[];
}

/**
 * After a full apply of the first sync of `block`: the state records the rows (copied with the slot), the
 * publication, the slot and the subscription as the engine writes them; the servers hold them as introspection reads them.
 */
function synced(block: string, o: SyncedOptions = {}): Synced {
  const spec = specText(block);
  const model = syncModel();
  const first = plan(spec, withServers(freshActual(model), o.source, o.target), null);
  expect(errors(first)).toEqual([]);
  let converged = withServers(convergedActual(model), o.source, o.target);
  const lacks = new Set(o.targetLacks ?? []);
  if (lacks.size > 0) {
    converged = {
      ...converged,
      databases: converged.databases.map((d) => (d.target === null ? d : {
        ...d,
        target: {
          ...d.target,
          model: { ...d.target.model, objects: d.target.model.objects.filter((x) => !lacks.has(x.key)) },
          tables: Object.fromEntries(Object.entries(d.target.tables).filter(([k]) => !lacks.has(k))),
        },
      })),
    };
  }
  const base = stateAfter(first, converged);
  const records: StateResource[] = first.steps.flatMap((s): StateResource[] => {
    const kind = s.address.split('.')[1] as string;
    if (kind !== 'publication' && kind !== 'slot' && kind !== 'subscription') return [];
    const attributes = kind === 'slot' ? { ...(s.after as object), snapshot: '00000003-00000002-1', consistent_point: '0/16B3700' } : (s.after as object);
    return [{ address: s.address, kind, attributes: attributes as StateResource['attributes'], updated_at: '2026-11-26T09:00:01.000Z' }];
  });
  const state: StateDocument = { ...base, lineage: LINEAGE, resources: [...base.resources, ...records].sort((a, b) => (a.address < b.address ? -1 : 1)) };
  const pub = step(first, PUB)?.after as PublicationAttributes;
  const sub = ops(step(first, SUB), 'create-subscription')[0] as CreateSubscriptionOperation;
  const actual = withReplication(converged, {
    publications: [publicationFacts(pub.name, pub.tables)],
    slots: [slotFacts(sub.slot)],
    subscriptions: [subscriptionFacts(sub.subscription, sub.slot, sub.publication, { options: { ...sub.options }, enabled: sub.enabled })],
  });
  return { spec, first, actual, state };
}

/** The same actual state with the subscription's live facts changed. */
function withSubscription(s: Synced, extra: Partial<SubscriptionFacts>): ActualState {
  const live = s.actual.databases[0]?.target?.subscriptions[0] as SubscriptionFacts;
  return withReplication(s.actual, { subscriptions: [{ ...live, ...extra }] });
}

function withRecord(state: StateDocument, address: string, change: (attributes: Record<string, unknown>) => Record<string, unknown>): StateDocument {
  return { ...state, resources: state.resources.map((r) => (r.address === address ? { ...r, attributes: change({ ...r.attributes }) as StateResource['attributes'] } : r)) };
}

const ALL = 'shop: { sync: true }';

describe('first sync (nothing exists yet)', () => {
  const p = plan(specText(ALL), freshActual(syncModel()), null);

  it('plans the publication, the slot, the copy and the subscription without errors or destruction', () => {
    expect(errors(p)).toEqual([]);
    const replication = summary(p).filter((a) => /source\.|subscription/.test(a));
    expect(replication).toEqual([`create ${PUB}`, `create ${SLOT}`, `create ${SUB}`]);
    expect(p.steps.every((s) => !s.destructive)).toBe(true);
  });

  it('runs them in the order publication, slot, rows, subscription', () => {
    const schedule = buildSchedule(p);
    const at = (address: string): number => checkpointRank(schedule.finishAt.get((step(p, address) as PlanStep).index) as Parameters<typeof checkpointRank>[0]);
    expect(at(PUB)).toBeLessThan(at(SLOT));
    expect(at(SLOT)).toBeLessThan(at(ADDR.orders));
    expect(at(ADDR.orders)).toBeLessThan(at(SUB));
    const db = schedule.databases[0];
    expect(db?.publication.map((i) => i.step.address)).toEqual([PUB]);
    expect(db?.slot?.step.address).toBe(SLOT);
    expect(db?.subscription.map((i) => i.op.type)).toEqual(['create-subscription']);
  });

  it('creates the publication in the publication stage, with every table and its pgrepl comment', () => {
    const s = step(p, PUB);
    expect(s?.action).toBe('create');
    const [op] = sqlOps(s);
    expect(op?.side).toBe('source');
    expect(op?.stage).toBe('publication');
    expect(sqlOf(op)).toEqual([
      `CREATE PUBLICATION ${NAME} FOR TABLE sales.customers, sales.notes, sales.order_lines, sales.orders WITH (publish = 'insert, update, delete, truncate', publish_via_partition_root = false)`,
      `COMMENT ON PUBLICATION ${NAME} IS 'managed by pgrepl ${LINEAGE}'`,
    ]);
    expect((s?.after as PublicationAttributes).tables).toEqual([
      { table: 'sales.customers', filter: null }, { table: 'sales.notes', filter: null }, { table: 'sales.order_lines', filter: null }, { table: 'sales.orders', filter: null },
    ]);
  });

  it('makes the slot with an exported snapshot', () => {
    expect(step(p, SLOT)?.operations).toEqual([{ type: 'create-slot', slot: NAME, plugin: 'pgoutput', exportSnapshot: true }]);
  });

  it('copies every table itself, in stream mode for that slot', () => {
    for (const address of [ADDR.customers, ADDR.orders, ADDR.lines, NOTES]) {
      const s = step(p, address);
      expect(ops(s, 'data-copy')).toHaveLength(1);
      expect(s?.after).toMatchObject({ mode: 'stream', slot: NAME, stream_filter: null });
    }
  });

  it('subscribes with copy_data = false, enabled as the spec says, marked with the lineage', () => {
    const s = step(p, SUB);
    expect(s?.operations).toEqual([{
      type: 'create-subscription', subscription: NAME, publication: NAME, slot: NAME, options: {}, copyData: false, enabled: true,
      comment: `managed by pgrepl ${LINEAGE}`, storesPassword: false,
    }]);
    expect(s?.sqlPreview).toEqual([
      `CREATE SUBSCRIPTION ${NAME} CONNECTION 'host=source' PUBLICATION ${NAME} WITH (create_slot = false, slot_name = '${NAME}', copy_data = false, enabled = true)`,
    ]);
    const paused = plan(specText('shop: { sync: true, subscription: { enabled: false } }'), freshActual(syncModel()), null);
    expect(ops(step(paused, SUB), 'create-subscription')[0]).toMatchObject({ enabled: false, copyData: false });
  });

  it('derives the names from the lineage, the target and the database key', () => {
    expect(NAME).toMatch(/^pgrepl_shop_[0-9a-f]{8}$/);
    expect(step(p, PUB)?.after).toMatchObject({ name: NAME });
    expect(step(p, SLOT)?.after).toMatchObject({ name: NAME });
    expect(step(p, SUB)?.after).toMatchObject({ name: NAME, publication: NAME, slot: NAME });
    // Another state or another target gets other names, so they never share a slot.
    expect(replicationObjectName('shop', '3f8a1c2e-0000-4000-8000-000000000009', TARGET_IDENTITY)).not.toBe(NAME);
    expect(replicationObjectName('shop', LINEAGE, JSON.stringify(['postgres', 'dst2', 5432, 'shop', 'postgres']))).not.toBe(NAME);
  });

  it('uses the spec\'s names: instead', () => {
    const named = plan(specText('shop: { sync: true, names: { publication: my_pub, slot: my_slot, subscription: my_sub } }'), freshActual(syncModel()), null);
    expect(errors(named)).toEqual([]);
    expect(sqlOf(sqlOps(step(named, PUB))[0])[0]).toMatch(/^CREATE PUBLICATION my_pub FOR TABLE/);
    expect(ops(step(named, SLOT), 'create-slot')[0]?.slot).toBe('my_slot');
    expect(ops(step(named, SUB), 'create-subscription')[0]).toMatchObject({ subscription: 'my_sub', publication: 'my_pub', slot: 'my_slot' });
    expect(step(named, ADDR.orders)?.after).toMatchObject({ slot: 'my_slot' });
  });

  it('publishes a time window on a non-key column unfiltered, copies it filtered, and says so', () => {
    const windowed = plan(specText('shop: { sync: true, time_filters: [{ schema: sales, table: notes, column: created_at, last: 90 days }] }'), freshActual(syncModel()), null);
    expect(errors(windowed)).toEqual([]);
    expect(warnings(windowed).some((w) => w.includes('sales.notes: the time window on created_at filters the copy; the table streams unfiltered'))).toBe(true);
    expect((step(windowed, PUB)?.after as PublicationAttributes).tables).toContainEqual({ table: 'sales.notes', filter: null });
    expect(ops(step(windowed, NOTES), 'data-copy')[0]?.filter).toMatch(/^created_at >= /);
    expect(step(windowed, NOTES)?.after).toMatchObject({ mode: 'stream', stream_filter: null });
  });

  it('publishes a filter on key columns with the table', () => {
    const filtered = plan(specText('shop: { sync: true, table_filters: [{ schema: sales, table: order_lines, where: "line_no < 100" }] }'), freshActual(syncModel()), null);
    expect(errors(filtered)).toEqual([]);
    expect(sqlOf(sqlOps(step(filtered, PUB))[0])[0]).toContain('sales.order_lines WHERE (line_no < 100)');
    expect(ops(step(filtered, ADDR.lines), 'data-copy')[0]?.filter).toBe('line_no < 100');
  });

  it('refuses a filter on a column outside the replica identity', () => {
    const refused = plan(specText('shop: { sync: true, table_filters: [{ schema: sales, table: order_lines, where: "qty > 1" }] }'), freshActual(syncModel()), null);
    expect(errors(refused).some((e) => e.includes('sales.order_lines: the filter qty > 1 reads qty, outside the table\'s replica identity'))).toBe(true);
  });
});

describe('steady state (publication, slot and subscription exist and the state records them)', () => {
  it('plans nothing', () => {
    const s = synced(ALL);
    const again = plan(s.spec, s.actual, s.state);
    expect(errors(again)).toEqual([]);
    expect(again.steps.map((x) => `${x.action} ${x.address}: ${x.reason}`)).toEqual([]);
  });

  it('plans nothing with a key filter either', () => {
    const block = 'shop: { sync: true, table_filters: [{ schema: sales, table: order_lines, where: "line_no < 100" }] }';
    const s = synced(block);
    const again = plan(s.spec, s.actual, s.state);
    expect(errors(again)).toEqual([]);
    expect(summary(again)).toEqual([]);
  });

  it('adds a table: ADD TABLE, then REFRESH PUBLICATION WITH (copy_data = true); PostgreSQL copies it, nothing else is copied', () => {
    const s = synced('shop: { sync: true, exclude_tables: [sales.notes] }', { targetLacks: [NOTES_KEY] });
    expect(summary(plan(s.spec, s.actual, s.state))).toEqual([]);
    const p = plan(specText(ALL), s.actual, s.state);
    expect(errors(p)).toEqual([]);
    const pub = step(p, PUB);
    expect(pub?.action).toBe('update');
    expect(sqlOps(pub).map((o) => [o.side, o.stage])).toEqual([['source', 'publication']]);
    expect(sqlOf(sqlOps(pub)[0])).toEqual([`ALTER PUBLICATION ${NAME} ADD TABLE sales.notes`]);
    const sub = step(p, SUB);
    expect(sub?.action).toBe('update');
    expect(sqlOps(sub).map((o) => [o.side, o.stage, o.autocommit])).toEqual([['target', 'subscription', true]]);
    expect(sqlOf(sqlOps(sub)[0])).toEqual([`ALTER SUBSCRIPTION ${NAME} REFRESH PUBLICATION WITH (copy_data = true)`]);
    const rows = step(p, NOTES);
    expect(rows?.action).toBe('create');
    expect(ops(rows, 'data-copy')).toEqual([]);
    expect(rows?.after).toMatchObject({ mode: 'native', slot: NAME, stream_filter: null });
    // Nothing else is copied again, and nothing is destructive.
    expect(p.steps.filter((x) => x.address.startsWith('target.rows.') && x.address !== NOTES)).toEqual([]);
    expect(step(p, SLOT)).toBeUndefined();
    expect(p.steps.some((x) => x.destructive)).toBe(false);
  });

  it('removes a table: DROP TABLE, then REFRESH PUBLICATION WITH (copy_data = false); its target rows stay', () => {
    const s = synced(ALL);
    const p = plan(specText('shop: { sync: true, exclude_tables: [sales.notes] }'), s.actual, s.state);
    expect(errors(p)).toEqual([]);
    const pub = step(p, PUB);
    expect(sqlOps(pub).map((o) => o.stage)).toEqual(['publication']);
    expect(sqlOf(sqlOps(pub)[0])).toEqual([`ALTER PUBLICATION ${NAME} DROP TABLE sales.notes`]);
    expect(sqlOf(sqlOps(step(p, SUB))[0])).toEqual([`ALTER SUBSCRIPTION ${NAME} REFRESH PUBLICATION WITH (copy_data = false)`]);
    const rows = step(p, NOTES);
    expect(rows?.action).toBe('delete');
    expect(rows?.operations).toEqual([]);
    expect(p.steps.some((x) => x.destructive)).toBe(false);
  });

  it('changes what is published with ALTER PUBLICATION … SET, and refreshes nothing', () => {
    const s = synced(ALL);
    const p = plan(specText('shop: { sync: true, publish: [insert, update, delete] }'), s.actual, s.state);
    expect(errors(p)).toEqual([]);
    expect(summary(p)).toEqual([`update ${PUB}`]);
    expect(sqlOf(sqlOps(step(p, PUB))[0])).toEqual([`ALTER PUBLICATION ${NAME} SET (publish = 'insert, update, delete', publish_via_partition_root = false)`]);
  });

  it('refuses a re-filter that PostgreSQL\'s table sync would copy unfiltered (a 14 subscriber)', () => {
    const v14 = { major: 14, versionNum: 140_015 };
    const s = synced('shop: { sync: true, table_filters: [{ schema: sales, table: order_lines, where: "line_no < 100" }] }', { target: v14 });
    const p = plan(specText('shop: { sync: true, table_filters: [{ schema: sales, table: order_lines, where: "line_no < 50" }] }'), s.actual, s.state);
    expect(errors(p).some((e) => e.includes('sales.order_lines would be copied by PostgreSQL\'s table sync, which ignores its filter on a PostgreSQL 14 subscriber'))).toBe(true);
  });

  it('re-synchronises a table whose filter changed: destructive, out of the publication first, emptied, back with the new filter, copied by PostgreSQL', () => {
    const s = synced('shop: { sync: true, table_filters: [{ schema: sales, table: order_lines, where: "line_no < 100" }] }');
    const p = plan(specText('shop: { sync: true, table_filters: [{ schema: sales, table: order_lines, where: "line_no < 50" }] }'), s.actual, s.state);
    expect(errors(p)).toEqual([]);
    const pub = sqlOps(step(p, PUB));
    expect(pub.map((o) => [o.side, o.stage, o.order])).toEqual([['source', 'detach', -1], ['source', 'publication', 0]]);
    expect(sqlOf(pub[0])).toEqual([`ALTER PUBLICATION ${NAME} DROP TABLE sales.order_lines`]);
    expect(sqlOf(pub[1])).toEqual([`ALTER PUBLICATION ${NAME} ADD TABLE sales.order_lines WHERE (line_no < 50)`]);
    const sub = sqlOps(step(p, SUB));
    expect(sub.map((o) => [o.side, o.stage])).toEqual([['target', 'detach'], ['target', 'subscription']]);
    expect(sqlOf(sub[0])).toEqual([`ALTER SUBSCRIPTION ${NAME} REFRESH PUBLICATION WITH (copy_data = false)`]);
    expect(sqlOf(sub[1])).toEqual([`ALTER SUBSCRIPTION ${NAME} REFRESH PUBLICATION WITH (copy_data = true)`]);
    const rows = step(p, ADDR.lines);
    expect(rows?.action).toBe('replace');
    expect(rows?.destructive).toBe(true);
    expect(ops(rows, 'data-copy')).toEqual([]);
    expect(sqlOps(rows).map((o) => [o.stage, sqlOf(o)])).toEqual([['pre-data', ['TRUNCATE TABLE ONLY sales.order_lines']]]);
    expect(rows?.after).toMatchObject({ mode: 'native', filter: 'line_no < 50', stream_filter: 'line_no < 50' });
    // The engine's order: the table leaves the publication, then the subscription forgets it, then it is emptied.
    const detach = buildSchedule(p).databases[0]?.detach.map((i) => (i.op.type === 'sql' ? `${i.op.side}: ${sqlOf(i.op).join('; ')}` : i.op.type));
    expect(detach).toEqual([
      `source: ALTER PUBLICATION ${NAME} DROP TABLE sales.order_lines`,
      `target: ALTER SUBSCRIPTION ${NAME} REFRESH PUBLICATION WITH (copy_data = false)`,
    ]);
  });
});

describe('subscription options', () => {
  it('makes the slot a failover slot when failover is asked between 17 and 17 (create_slot = false leaves its flag alone)', () => {
    const v17 = { major: 17, versionNum: 170_006 };
    const p = plan(specText('shop: { sync: true, subscription: { options: { failover: true } } }'), withServers(freshActual(syncModel()), v17, v17), null);
    expect(errors(p)).toEqual([]);
    expect(ops(step(p, SLOT), 'create-slot')[0]).toEqual({ type: 'create-slot', slot: NAME, plugin: 'pgoutput', exportSnapshot: true, failover: true });
    expect(ops(step(p, SUB), 'create-subscription')[0]?.options).toEqual({ failover: true });
  });

  it('changes binary in place with ALTER SUBSCRIPTION … SET', () => {
    const s = synced('shop: { sync: true, subscription: { options: { binary: false } } }');
    const p = plan(specText('shop: { sync: true, subscription: { options: { binary: true } } }'), s.actual, s.state);
    expect(errors(p)).toEqual([]);
    const sub = step(p, SUB);
    expect(sub?.action).toBe('update');
    expect(sub?.destructive).toBe(false);
    expect(sqlOps(sub).map((o) => o.stage)).toEqual(['subscription']);
    expect(sqlOf(sqlOps(sub)[0])).toEqual([`ALTER SUBSCRIPTION ${NAME} SET (binary = true)`]);
    expect(summary(p)).toEqual([`update ${SUB}`]);
  });

  it('changes failover (17 to 17) only while disabled: DISABLE, SET, ENABLE', () => {
    const v17 = { major: 17, versionNum: 170_006 };
    const s = synced('shop: { sync: true, subscription: { options: { failover: false } } }', { source: v17, target: v17 });
    const p = plan(specText('shop: { sync: true, subscription: { options: { failover: true } } }'), s.actual, s.state);
    expect(errors(p)).toEqual([]);
    expect(sqlOf(sqlOps(step(p, SUB))[0])).toEqual([
      `ALTER SUBSCRIPTION ${NAME} DISABLE`, `ALTER SUBSCRIPTION ${NAME} SET (failover = true)`, `ALTER SUBSCRIPTION ${NAME} ENABLE`,
    ]);
  });

  it('pauses and changes failover with one DISABLE', () => {
    const v17 = { major: 17, versionNum: 170_006 };
    const s = synced('shop: { sync: true, subscription: { options: { failover: false } } }', { source: v17, target: v17 });
    const p = plan(specText('shop: { sync: true, subscription: { enabled: false, options: { failover: true } } }'), s.actual, s.state);
    expect(sqlOf(sqlOps(step(p, SUB))[0])).toEqual([`ALTER SUBSCRIPTION ${NAME} DISABLE`, `ALTER SUBSCRIPTION ${NAME} SET (failover = true)`]);
  });

  it('refuses to add a table to a two_phase subscription (REFRESH with copy_data is blocked)', () => {
    const s = synced('shop: { sync: true, exclude_tables: [sales.notes], subscription: { options: { two_phase: true } } }', { targetLacks: [NOTES_KEY] });
    expect(summary(plan(s.spec, s.actual, s.state))).toEqual([]);
    const p = plan(specText('shop: { sync: true, subscription: { options: { two_phase: true } } }'), s.actual, s.state);
    expect(errors(p).some((e) => e.includes('two_phase'))).toBe(true);
  });

  it('refuses to change two_phase on a 16 subscriber (only a re-create would, which copies everything again)', () => {
    const s = synced('shop: { sync: true, subscription: { options: { two_phase: false } } }', { target: { major: 16, versionNum: 160_010 } });
    const p = plan(specText('shop: { sync: true, subscription: { options: { two_phase: true } } }'), s.actual, s.state);
    expect(errors(p).some((e) => e.includes('subscription option two_phase cannot be changed on a PostgreSQL 16 subscription'))).toBe(true);
    expect(sqlOps(step(p, SUB))).toEqual([]);
  });

  it('leaves out an option the subscriber lacks, with a warning', () => {
    const p = plan(specText('shop: { sync: true, subscription: { options: { origin: none, binary: true } } }'), freshActual(syncModel()), null);
    expect(errors(p)).toEqual([]);
    expect(warnings(p)).toContain('database shop: subscription option origin is left out: origin needs a PostgreSQL 16+ subscriber');
    expect(ops(step(p, SUB), 'create-subscription')[0]?.options).toEqual({ binary: true });
    expect(step(p, SUB)?.after).toMatchObject({ options: { binary: true } });
  });

  it('warns that origin has no effect with a 15 publisher, and keeps it', () => {
    const p = plan(specText('shop: { sync: true, subscription: { options: { origin: none } } }'), withServers(freshActual(syncModel()), {}, { major: 16, versionNum: 160_010 }), null);
    expect(errors(p)).toEqual([]);
    expect(warnings(p).some((w) => w.startsWith('database shop: subscription option origin will have no effect') && w.includes('PostgreSQL 15 publisher ignores origin'))).toBe(true);
    expect(ops(step(p, SUB), 'create-subscription')[0]?.options).toEqual({ origin: 'none' });
  });
});

describe('enabled, paused, cut over', () => {
  it('enables a disabled subscription the spec wants enabled', () => {
    const s = synced(ALL);
    const p = plan(s.spec, withSubscription(s, { enabled: false, workerPid: null }), s.state);
    expect(summary(p)).toEqual([`update ${SUB}`]);
    const sub = step(p, SUB);
    expect(sqlOps(sub).map((o) => o.stage)).toEqual(['subscription']);
    expect(sqlOf(sqlOps(sub)[0])).toEqual([`ALTER SUBSCRIPTION ${NAME} ENABLE`]);
    expect(sub?.reason).toContain('the subscription is disabled');
  });

  it('leaves a paused subscription alone (subscription.enabled: false is not drift)', () => {
    const s = synced('shop: { sync: true, subscription: { enabled: false } }');
    const p = plan(s.spec, withSubscription(s, { enabled: false, workerPid: null }), s.state);
    expect(errors(p)).toEqual([]);
    expect(summary(p)).toEqual([]);
  });

  it('enables a disabled subscription before adding a table (PostgreSQL refuses REFRESH on a disabled one)', () => {
    const s = synced('shop: { sync: true, exclude_tables: [sales.notes] }', { targetLacks: [NOTES_KEY] });
    const p = plan(specText(ALL), withSubscription(s, { enabled: false, workerPid: null }), s.state);
    expect(errors(p)).toEqual([]);
    expect(sqlOf(sqlOps(step(p, SUB))[0])).toEqual([`ALTER SUBSCRIPTION ${NAME} ENABLE`, `ALTER SUBSCRIPTION ${NAME} REFRESH PUBLICATION WITH (copy_data = true)`]);
  });

  it('refuses to add a table through a paused subscription', () => {
    const s = synced('shop: { sync: true, exclude_tables: [sales.notes], subscription: { enabled: false } }', { targetLacks: [NOTES_KEY] });
    const paused = withSubscription(s, { enabled: false, workerPid: null });
    const p = plan(specText('shop: { sync: true, subscription: { enabled: false } }'), paused, s.state);
    expect(errors(p)).toEqual([expect.stringContaining('while it is disabled (PostgreSQL refuses REFRESH PUBLICATION then)')]);
  });

  it('pauses an enabled subscription when the spec says enabled: false', () => {
    const s = synced(ALL);
    const p = plan(specText('shop: { sync: true, subscription: { enabled: false } }'), s.actual, s.state);
    expect(sqlOf(sqlOps(step(p, SUB))[0])).toEqual([`ALTER SUBSCRIPTION ${NAME} DISABLE`]);
  });

  it('keeps a subscription cutover disabled, with a warning instead of an ENABLE', () => {
    const s = synced(ALL);
    const state = withRecord(s.state, SUB, (a) => ({ ...a, cutover: { fence: null, lsn: '0/3000000', caught_up_at: null, sequences_set_at: null, after_done: 'disable' } }));
    const p = plan(s.spec, withSubscription(s, { enabled: false, workerPid: null }), state);
    expect(summary(p)).toEqual([]);
    expect(warnings(p).some((w) => w.includes(`pgrepl cutover disabled subscription ${NAME}; it stays disabled`))).toBe(true);
  });
});

describe('a lost or missing slot, an interrupted copy', () => {
  function expectResync(p: Plan, slotAction: 'create' | 'replace'): void {
    expect(errors(p)).toEqual([]);
    const sub = step(p, SUB);
    expect(sub?.action).toBe('replace');
    expect(sub?.destructive).toBe(true);
    expect(sub?.operations.map((o) => o.type)).toEqual(['sql', 'create-subscription']);
    const detach = sqlOps(sub)[0];
    expect([detach?.side, detach?.stage]).toEqual(['target', 'detach']);
    expect(sqlOf(detach)).toEqual([`ALTER SUBSCRIPTION ${NAME} DISABLE`, `ALTER SUBSCRIPTION ${NAME} SET (slot_name = NONE)`, `DROP SUBSCRIPTION ${NAME}`]);
    const slot = step(p, SLOT);
    expect(slot?.action).toBe(slotAction);
    expect(slot?.operations.at(-1)).toEqual({ type: 'create-slot', slot: NAME, plugin: 'pgoutput', exportSnapshot: true } satisfies CreateSlotOperation);
    for (const address of [ADDR.customers, ADDR.orders, ADDR.lines, NOTES]) {
      const rows = step(p, address);
      expect(rows?.action).toBe('replace');
      expect(rows?.destructive).toBe(true);
      expect(ops(rows, 'data-copy')).toHaveLength(1);
      expect(rows?.after).toMatchObject({ mode: 'stream', slot: NAME });
    }
  }

  it('re-synchronises the database from a new slot when the slot is lost (destructive)', () => {
    const s = synced(ALL);
    const p = plan(s.spec, withReplication(s.actual, { slots: [slotFacts(NAME, { walStatus: 'lost', active: false })] }), s.state);
    expectResync(p, 'replace');
    expect(step(p, SLOT)?.operations[0]).toEqual({ type: 'drop-slot', slot: NAME });
    expect(step(p, SLOT)?.reason).toContain('wal_status = lost');
  });

  it('--replace of a streamed table re-synchronises its database from a new slot (destructive), and says why', () => {
    const s = synced(ALL);
    const p = plan(s.spec, s.actual, s.state, { replace: [ADDR.orders] });
    expectResync(p, 'replace');
    expect(step(p, SUB)?.reason).toContain(`--replace ${ADDR.orders}: a streamed table cannot be copied apart from its stream, so database shop is synchronised again`);
    expect(plan(s.spec, s.actual, s.state).steps).toEqual([]);
  });

  it('re-synchronises the database when the slot is missing and the subscription is there (destructive)', () => {
    const s = synced(ALL);
    const p = plan(s.spec, withReplication(s.actual, { slots: [] }), s.state);
    expectResync(p, 'create');
    expect(step(p, SLOT)?.operations).toHaveLength(1);
    expect(step(p, SUB)?.reason).toContain('missing on the source');
  });

  it('copies again under a fresh slot when the slot exists without a subscription (interrupted copy): not destructive', () => {
    const s = synced(ALL);
    const state: StateDocument = {
      ...s.state,
      resources: s.state.resources
        .filter((r) => r.address !== SUB)
        .map((r) => (r.kind === 'rows' && (r.attributes as { kind?: unknown }).kind === 'table' ? { ...r, attributes: { ...r.attributes, status: 'copying', snapshot: null } } : r)),
    };
    const p = plan(s.spec, withReplication(s.actual, { subscriptions: [] }), state);
    expect(errors(p)).toEqual([]);
    const slot = step(p, SLOT);
    expect(slot?.action).toBe('replace');
    expect(slot?.operations).toEqual([{ type: 'drop-slot', slot: NAME }, { type: 'create-slot', slot: NAME, plugin: 'pgoutput', exportSnapshot: true }]);
    expect(step(p, SUB)?.action).toBe('create');
    expect(ops(step(p, SUB), 'create-subscription')[0]?.copyData).toBe(false);
    for (const address of [ADDR.customers, ADDR.orders, ADDR.lines, NOTES]) expect(ops(step(p, address), 'data-copy')).toHaveLength(1);
    expect(p.steps.filter((x) => x.destructive).map((x) => x.address)).toEqual([]);
  });
});

describe('ownership', () => {
  const fresh = (): ActualState => freshActual(syncModel());

  it('refuses a publication that carries another lineage', () => {
    const actual = withReplication(fresh(), { publications: [publicationFacts(NAME, [], { comment: 'managed by pgrepl 11111111-0000-4000-8000-000000000009' })] });
    const p = plan(specText(ALL), actual, null);
    expect(errors(p)).toContain(`publication ${NAME} belongs to another pgrepl state (lineage 11111111-0000-4000-8000-000000000009); pgrepl never touches it`);
  });

  it('refuses a publication pgrepl did not make (no comment)', () => {
    const actual = withReplication(fresh(), { publications: [publicationFacts('my_pub', [], { comment: null })] });
    const p = plan(specText('shop: { sync: true, names: { publication: my_pub } }'), actual, null);
    expect(errors(p)).toContain('publication my_pub exists and was not made by pgrepl; pgrepl never alters or drops it');
  });

  it('refuses a subscription that carries another lineage', () => {
    const actual = withReplication(convergedActual(syncModel()), {
      subscriptions: [subscriptionFacts(NAME, NAME, NAME, { comment: 'managed by pgrepl 11111111-0000-4000-8000-000000000009' })],
    });
    const p = plan(specText(ALL), actual, null);
    expect(errors(p)).toContain(`subscription ${NAME} belongs to another pgrepl state (lineage 11111111-0000-4000-8000-000000000009); pgrepl never touches it`);
  });

  it('refuses a slot that decodes another database', () => {
    const actual = withReplication(fresh(), { slots: [slotFacts(NAME, { database: 'other' })] });
    expect(errors(plan(specText(ALL), actual, null))).toContain(`slot ${NAME} decodes database other, not shop`);
  });

  it('refuses a slot with a spec-set name that the state does not record', () => {
    const actual = withReplication(fresh(), { slots: [slotFacts('my_slot')] });
    const p = plan(specText('shop: { sync: true, names: { slot: my_slot } }'), actual, null);
    expect(errors(p)).toContain('slot my_slot exists on the source and this state does not record it; pgrepl never drops a slot it did not make');
  });
});

describe('passwords and the source\'s wal_level', () => {
  const nonSuperuser16 = (): ActualState => withServers(freshActual(syncModel()), {}, { major: 16, versionNum: 160_010, superuser: false, user: 'tgt_user' });

  it('refuses a non-superuser 16+ subscription owner without a password in the source URL', () => {
    const p = planWith(specText(ALL), nonSuperuser16(), null, { preview: 'host=source user=replicator', hasPassword: false });
    expect(errors(p).some((e) => e.includes('the subscription will be owned by tgt_user, not a superuser, and PostgreSQL 16 requires such an owner to give a password'))).toBe(true);
  });

  it('says the password is stored when the source URL has one', () => {
    const p = planWith(specText(ALL), nonSuperuser16(), null, { preview: 'host=source user=replicator password=<redacted>', hasPassword: true });
    expect(errors(p).filter((e) => e.includes('password'))).toEqual([]);
    expect(warnings(p)).toContain('database shop: the subscription\'s conninfo stores the source role\'s password in pg_subscription on the target (PostgreSQL keeps it there)');
    expect(ops(step(p, SUB), 'create-subscription')[0]?.storesPassword).toBe(true);
    expect(step(p, SUB)?.after).toMatchObject({ stores_password: true });
    expect(step(p, SUB)?.sqlPreview.join('\n')).toContain('password=<redacted>');
    expect(JSON.stringify(p)).not.toMatch(/password=(?!<redacted>)/);
  });

  it('stores no password for a superuser target', () => {
    const p = planWith(specText(ALL), freshActual(syncModel()), null, { preview: 'host=source', hasPassword: false });
    expect(errors(p)).toEqual([]);
    expect(ops(step(p, SUB), 'create-subscription')[0]?.storesPassword).toBe(false);
  });

  it('refuses sync when the source\'s wal_level is not logical', () => {
    const p = plan(specText(ALL), withServers(freshActual(syncModel()), { walLevel: 'replica' }), null);
    expect(errors(p)).toContain('database shop has sync: true, but the source runs with wal_level = replica');
  });
});

describe('taking the replication objects apart', () => {
  function expectTeardown(p: Plan): void {
    const sub = step(p, SUB);
    expect(sub?.action).toBe('delete');
    expect(sqlOps(sub).map((o) => [o.side, o.stage, o.autocommit])).toEqual([['target', 'detach', true]]);
    expect(sqlOf(sqlOps(sub)[0])).toEqual([`ALTER SUBSCRIPTION ${NAME} DISABLE`, `ALTER SUBSCRIPTION ${NAME} SET (slot_name = NONE)`, `DROP SUBSCRIPTION ${NAME}`]);
    expect(step(p, SLOT)?.operations).toEqual([{ type: 'drop-slot', slot: NAME, tolerateFailure: true }]);
    const pub = sqlOps(step(p, PUB));
    expect(pub.map((o) => [o.side, o.stage])).toEqual([['source', 'detach']]);
    expect(sqlOf(pub[0])).toEqual([`DROP PUBLICATION IF EXISTS ${NAME}`]);
  }

  it('sync: false takes them apart and keeps the rows', () => {
    const s = synced(ALL);
    const p = plan(specText('shop: { sync: false }'), s.actual, s.state);
    expect(errors(p)).toEqual([]);
    expect(summary(p)).toEqual([`delete ${SUB}`, `delete ${SLOT}`, `delete ${PUB}`]);
    expectTeardown(p);
    expect(step(p, SUB)?.reason).toMatch(/^sync is off: /);
    expect(p.steps.some((x) => x.destructive)).toBe(false);
  });

  it('plan --destroy takes them apart before the database is dropped', () => {
    const s = synced(ALL);
    const p = plan(s.spec, s.actual, s.state, { destroy: true });
    expectTeardown(p);
    const order = summary(p);
    const dbAt = order.indexOf(`delete ${ADDR.db}`);
    expect(dbAt).toBeGreaterThan(-1);
    for (const a of [SUB, SLOT, PUB]) expect(order.indexOf(`delete ${a}`)).toBeLessThan(dbAt);
    expect(sqlOf(sqlOps(step(p, ADDR.db))[0])[0]).toMatch(/^DROP DATABASE/);
    // The engine runs the detach stage before the cluster stage that drops the database.
    const schedule = buildSchedule(p);
    expect(schedule.databases[0]?.detach.map((i) => i.op.type)).toEqual(['sql', 'drop-slot', 'sql']);
  });
});

