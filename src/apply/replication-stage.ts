// The replication parts of a database's apply (schedule.ts): the detach stage (before the cluster stage), the
// publication stage, the slot whose exported snapshot the copy reads, and the subscription stage. Statements run on
// the side the operation names; the source's in sessions of src/pg/replication/source-sql.ts (read-write for
// replication objects only). A slot is recorded in the state the moment it exists, so a killed apply never leaves
// one the next plan cannot name; a delete the source refuses or cannot be reached for stays in the state as
// pending-delete (destroy with the source down), and the next apply or destroy finishes it.
import { parseAddress } from '../model/address.js';
import { forDatabase } from '../pg/conninfo/for-database.js';
import { toSubscriptionConninfo } from '../pg/conninfo/subscription.js';
import type { ConnInfo } from '../pg/conninfo/types.js';
import type { ApplySession } from '../pg/apply/apply-session.js';
import { createReplicationSlot, dropReplicationSlot, type SlotHolder } from '../pg/replication/slot.js';
import { runSourceStatements } from '../pg/replication/source-sql.js';
import { createSubscription } from '../pg/replication/subscription.js';
import { dropTableSyncSlots, subscriptionOid } from '../pg/replication/sync-slots.js';
import type { SlotAttributes } from '../plan/planner/types.js';
import type { Plan, PlanStep, SqlOperation } from '../plan/types.js';
import { findResource, withResource, withoutResource } from '../state/state-edits.js';
import type { JsonObject } from '../state/state-document.js';
import { asError } from '../util/errors.js';
import { ApplyCancelledError, ApplyStepError } from './errors.js';
import { runChunk } from './run-sql-stage.js';
import { type DatabaseSchedule, type Schedule, stepsFinishedAt } from './schedule.js';
import type { StepBook } from './step-book.js';

export interface ReplicationContext {
  readonly plan: Plan;
  readonly schedule: Schedule;
  readonly book: StepBook;
  readonly source: ConnInfo;
  readonly target: ConnInfo;
  /** The spec's subscription.conninfo of a database key, when set (it replaces the one made from the source URL). */
  readonly subscriptionConninfo?: (key: string) => string | undefined;
  readonly slotTimeoutMs?: number;
}

function blame(book: StepBook, step: PlanStep, label: string, e: unknown): Error {
  if (e instanceof ApplyCancelledError || e instanceof ApplyStepError) return e;
  if (book.signal?.aborted === true) return new ApplyCancelledError(label, book.signal.reason);
  return new ApplyStepError(step, e);
}

async function runSource(ctx: ReplicationContext, db: DatabaseSchedule, step: PlanStep, op: SqlOperation): Promise<void> {
  ctx.book.start(step);
  await runSourceStatements(ctx.source, db.database.key, op.statements.map((s) => ({ sql: s.sql, object: step.address })), {
    autocommit: op.autocommit === true, ...(ctx.book.signal === undefined ? {} : { signal: ctx.book.signal }),
  });
}

/** A delete of a source object that could not run: kept in the state as pending-delete, with a warning. */
async function keepPending(ctx: ReplicationContext, step: PlanStep, e: unknown): Promise<void> {
  ctx.book.emit({ type: 'message', level: 'warning', text: `${step.address}: could not be removed (${asError(e).message}); kept in the state as pending-delete, the next apply or destroy retries` });
  await ctx.book.markPendingDelete(step);
}

/** The subscription a detach operation drops (DROP SUBSCRIPTION <name>), or null. */
function droppedSubscription(op: SqlOperation): string | null {
  for (const s of op.statements) {
    const m = /^DROP SUBSCRIPTION (?:IF EXISTS )?"?([a-z0-9_]+)"?$/.exec(s.sql);
    if (m !== null) return m[1] ?? null;
  }
  return null;
}

/** Table sync slots a detached subscription left on the source; the source may be down (destroy): then a warning. */
async function dropSyncSlots(ctx: ReplicationContext, oid: string): Promise<void> {
  try {
    const names = await dropTableSyncSlots(ctx.source, oid);
    if (names.length > 0) ctx.book.emit({ type: 'message', level: 'info', text: `dropped ${names.length} table sync slot(s) the detached subscription left: ${names.join(', ')}` });
  } catch (e) {
    ctx.book.emit({
      type: 'message', level: 'warning',
      text: `could not look for table sync slots (pg_${oid}_sync_%) on the source (${asError(e).message}): drop any left there with pg_drop_replication_slot`,
    });
  }
}

/**
 * Detach: source SQL with order < 0, the target's SQL, slot drops, source SQL with order >= 0 (schedule.ts sorted
 * them). `openTarget` opens the target database's session only when target SQL is there to run.
 */
export async function runDetachStage(ctx: ReplicationContext, db: DatabaseSchedule, openTarget: () => Promise<ApplySession>): Promise<void> {
  const label = `the detach stage of ${db.database.key}`;
  let target: ApplySession | null = null;
  try {
    for (const item of db.detach) {
      ctx.book.checkCancel(label);
      if (ctx.book.isFinished(item.step)) continue;
      const tolerant = item.step.action === 'delete' && (item.op.type === 'drop-slot' || item.op.side === 'source');
      try {
        if (item.op.type === 'drop-slot') {
          ctx.book.start(item.step);
          const outcome = await dropReplicationSlot(ctx.source, item.op.slot, ctx.book.signal === undefined ? {} : { signal: ctx.book.signal });
          if (outcome === 'absent') ctx.book.emit({ type: 'message', level: 'info', text: `slot ${item.op.slot} was already gone` });
        } else if (item.op.side === 'source') {
          await runSource(ctx, db, item.step, item.op);
        } else {
          target ??= await openTarget();
          const dropped = droppedSubscription(item.op);
          const oid = dropped === null ? null : await subscriptionOid(ctx.target, db.database.target, dropped);
          await runChunk(target, item.op.statements.map((statement) => ({ step: item.step, statement })), ctx.book, label);
          if (oid !== null) await dropSyncSlots(ctx, oid);
        }
      } catch (e) {
        if (tolerant && !(e instanceof ApplyCancelledError) && ctx.book.signal?.aborted !== true) {
          await keepPending(ctx, item.step, e);
          continue;
        }
        throw blame(ctx.book, item.step, label, e);
      }
    }
  } finally {
    await target?.close();
  }
  await ctx.book.finish(stepsFinishedAt(ctx.plan, ctx.schedule, { at: 'detach', database: db.index }));
}

export async function runPublicationStage(ctx: ReplicationContext, db: DatabaseSchedule): Promise<void> {
  const label = `the publication stage of ${db.database.key}`;
  for (const item of db.publication) {
    ctx.book.checkCancel(label);
    try {
      await runSource(ctx, db, item.step, item.op);
    } catch (e) {
      throw blame(ctx.book, item.step, label, e);
    }
  }
  await ctx.book.finish(stepsFinishedAt(ctx.plan, ctx.schedule, { at: 'database', database: db.index, phase: 'publication' }));
}

/** Makes the database's slot and records it at once; the caller releases the holder after the copy. */
export async function createSlot(ctx: ReplicationContext, db: DatabaseSchedule): Promise<SlotHolder | null> {
  const item = db.slot;
  if (item === null) return null;
  const label = `the slot of ${db.database.key}`;
  ctx.book.checkCancel(label);
  ctx.book.start(item.step);
  ctx.book.emit({ type: 'message', level: 'info', text: `${db.database.key}: creating slot ${item.op.slot}${item.op.exportSnapshot ? ' (its snapshot is the copy\'s)' : ''}` });
  let reported = '';
  let holder: SlotHolder;
  try {
    holder = await createReplicationSlot(ctx.source, db.database.key, item.op.slot, {
      exportSnapshot: item.op.exportSnapshot,
      ...(item.op.failover === true ? { failover: true } : {}),
      ...(ctx.slotTimeoutMs === undefined ? {} : { timeoutMs: ctx.slotTimeoutMs }),
      ...(ctx.book.signal === undefined ? {} : { signal: ctx.book.signal }),
      onWaiting: (blockers) => {
        const text = blockers.map((b) => `pid ${b.pid ?? `prepared ${b.preparedGid ?? '?'}`} (${b.user ?? '?'}${b.application ? `, ${b.application}` : ''}, open ${b.xactAgeSeconds ?? '?'} s)`).join(', ');
        if (text === reported || text === '') return;
        reported = text;
        ctx.book.emit({ type: 'message', level: 'warning', text: `${db.database.key}: slot ${item.op.slot} waits for ${blockers.length} transaction(s) that hold an xid to end: ${text}` });
      },
    });
  } catch (e) {
    throw blame(ctx.book, item.step, label, e);
  }
  const attributes: SlotAttributes = { name: item.op.slot, database: db.database.key, snapshot: holder.snapshotId, consistent_point: holder.consistentPoint };
  try {
    await ctx.book.finish([item.step], (state, at) => withResource(state, { address: item.step.address, kind: 'slot', attributes: attributes as unknown as JsonObject, updated_at: at }));
  } catch (e) {
    await holder.release();
    throw e;
  }
  return holder;
}

/**
 * A slot this run made whose subscription does not exist yet is dropped when the run fails or is cancelled
 * (CONTRACTS.md, resume): an orphaned slot would keep WAL on the source. Best effort; the state forgets it on success.
 */
export async function dropOrphanSlot(ctx: ReplicationContext, db: DatabaseSchedule): Promise<void> {
  const item = db.slot;
  if (item === null) return;
  try {
    await dropReplicationSlot(ctx.source, item.op.slot, { waitMs: 2_000 });
    // Rows copied in its snapshot meet no stream now: they count as an interrupted copy (redone without consent).
    await ctx.book.writer.update((state) => {
      let next = findResource(state, item.step.address) === undefined ? state : withoutResource(state, item.step.address);
      for (const r of next.resources) {
        if (r.kind === 'rows' && r.attributes['slot'] === item.op.slot && r.attributes['status'] === 'copied' && parseAddress(r.address).segments[0] === db.database.key) {
          next = withResource(next, { ...r, attributes: { ...r.attributes, status: 'copying' } });
        }
      }
      return next;
    });
    ctx.book.emit({ type: 'message', level: 'info', text: `${db.database.key}: dropped slot ${item.op.slot}, made by this run, which has no subscription yet` });
  } catch (e) {
    ctx.book.emit({ type: 'message', level: 'warning', text: `${db.database.key}: could not drop slot ${item.op.slot} (${asError(e).message}); the next apply drops it` });
  }
}

/** CREATE SUBSCRIPTION, then the target's subscription SQL; rows PostgreSQL copies are recorded with their tables' oids. */
export async function runSubscriptionStage(ctx: ReplicationContext, db: DatabaseSchedule, session: ApplySession): Promise<void> {
  const key = db.database.key;
  const label = `the subscription stage of ${key}`;
  for (const item of db.subscription) {
    ctx.book.checkCancel(label);
    if (item.op.type === 'create-subscription') {
      const op = item.op;
      ctx.book.start(item.step);
      const conninfo = ctx.subscriptionConninfo?.(key) ?? toSubscriptionConninfo(forDatabase(ctx.source, key), { includePassword: op.storesPassword });
      try {
        await createSubscription(ctx.target, db.database.target, op, conninfo, ctx.book.signal);
      } catch (e) {
        throw blame(ctx.book, item.step, label, e);
      }
    } else {
      await runChunk(session, item.op.statements.map((statement) => ({ step: item.step, statement })), ctx.book, label);
    }
  }
  const tables = db.nativeRows.map((s) => {
    const [, schema, name] = splitRows(s.address);
    return { schema, name };
  });
  const oids = await session.tableOids(tables).catch((e: unknown) => {
    throw blame(ctx.book, db.nativeRows[0] as PlanStep, label, e);
  });
  await ctx.book.finish(stepsFinishedAt(ctx.plan, ctx.schedule, { at: 'database', database: db.index, phase: 'subscription' }), (state, at) => {
    let next = state;
    db.nativeRows.forEach((step, i) => {
      const runtime = { status: 'copied', snapshot: null, target_oid: oids[i] ?? null, rows: null, bytes: null, seconds: null, copied_at: at };
      next = withResource(next, { address: step.address, kind: 'rows', attributes: { ...(step.after as JsonObject), ...runtime }, updated_at: at });
    });
    return next;
  });
}

function splitRows(address: string): [string, string, string] {
  const s = parseAddress(address).segments;
  return [s[0] ?? '', s[1] ?? '', s[2] ?? ''];
}
