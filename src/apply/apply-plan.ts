// The apply engine: runs a Plan's operations against the servers and records every finished step in the state
// (CONTRACTS.md, State and resume). Order (schedule.ts): the cluster stage on the target's maintenance connection,
// then per database teardown, pre-data, the data copy in one snapshot, post-data and ANALYZE of the copied tables.
// The unit of resume for rows is the database; DDL steps resume one by one because the next plan diffs the live
// schema again. The CLI owns prompts, consent and the lock.
import { afterStepFault } from '../pg/copy/fault.js';
import { openApplySession, type ApplySession } from '../pg/apply/apply-session.js';
import { summarise } from '../plan/summarise.js';
import type { SlotHolder } from '../pg/replication/slot.js';
import { runDataStage } from './data-stage.js';
import { createSlot, dropOrphanSlot, runDetachStage, runPublicationStage, runSubscriptionStage, type ReplicationContext } from './replication-stage.js';
import { buildSchedule, type DatabaseSchedule, type SqlItem, stepPlace } from './schedule.js';
import { type AnalyzeItem, runAnalyzeStage } from './analyze-stage.js';
import { runPostDataStage } from './post-data-stage.js';
import { runPreDataStage } from './pre-data-stage.js';
import { runSqlStage } from './run-sql-stage.js';
import { StateWriter } from './state-writer.js';
import { StepBook } from './step-book.js';
import type { ApplyOptions, ApplyResult } from './types.js';
import { withSession } from './with-session.js';

/** Copy workers, and sessions for a database's post-data index builds and ANALYZE. */
export const DEFAULT_COPY_WORKERS = 2;

/** Consecutive cluster items of one step (a step's cluster operations run and are recorded together). */
function byStep(items: readonly SqlItem[]): SqlItem[][] {
  const groups: SqlItem[][] = [];
  for (const item of items) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[0]?.step === item.step) last.push(item);
    else groups.push([item]);
  }
  return groups;
}

function needsSession(db: DatabaseSchedule): boolean {
  return db.teardown.length + db.preData.length + db.postData.length + db.copies.length + db.sequences.length +
    db.subscription.length + db.nativeRows.length + (db.slot === null ? 0 : 1) + (db.largeObjects === null ? 0 : 1) > 0;
}

export async function applyPlan(opts: ApplyOptions): Promise<ApplyResult> {
  const started = performance.now();
  const { plan, signal } = opts;
  const env = opts.env ?? process.env;
  const now = opts.now ?? ((): Date => new Date());
  const killAfterStep = afterStepFault(env);
  const schedule = buildSchedule(plan);
  const writer = new StateWriter(opts.store, opts.state ?? opts.newState());
  const book = new StepBook({
    writer, now, emit: (e) => opts.onEvent?.(e), ...(signal === undefined ? {} : { signal }),
    ...(killAfterStep === undefined ? {} : { killAfterStep }),
  });
  const workers = opts.workers ?? DEFAULT_COPY_WORKERS;
  const stage = { plan, schedule, book, ...(killAfterStep === undefined ? {} : { killAfterStep }) };
  let rows = 0;
  let bytes = 0;
  book.checkCancel('its start');
  const repl: ReplicationContext = {
    plan, schedule, book, source: opts.source, target: opts.target,
    ...(opts.subscriptionConninfo === undefined ? {} : { subscriptionConninfo: opts.subscriptionConninfo }),
    ...(opts.slotTimeoutMs === undefined ? {} : { slotTimeoutMs: opts.slotTimeoutMs }),
  };

  // Replication objects are taken apart first: a database holding a subscription cannot be dropped.
  for (const db of schedule.databases) {
    if (db.detach.length > 0) await runDetachStage(repl, db, () => openApplySession(opts.target, db.database.target));
  }

  if (schedule.cluster.length > 0) {
    await withSession(() => openApplySession(opts.target), signal, async (session) => {
      for (const items of byStep(schedule.cluster)) {
        const step = (items[0] as SqlItem).step;
        await runSqlStage({ ...stage, session, items, checkpoint: { at: 'cluster', step: step.index }, label: `the cluster stage (${step.address})` });
        // A role or database made here is recorded at once, even when the step has statements in later stages:
        // a kill before those must not leave pgrepl's own database looking like someone else's.
        if (!book.isFinished(step) && step.action !== 'delete') {
          const { kind } = stepPlace(step.address);
          if (kind === 'role' || kind === 'database') await book.recordEarly(step);
        }
      }
    });
  }

  for (const db of schedule.databases) {
    const key = db.database.key;
    book.checkCancel(`the apply of database ${key}`);
    const run = async (session: ApplySession | null): Promise<void> => {
      const at = (phase: 'teardown' | 'pre-data' | 'post-data') => ({ at: 'database', database: db.index, phase }) as const;
      await runSqlStage({ ...stage, session, items: db.teardown, checkpoint: at('teardown'), label: `the teardown of ${key}` });
      const open = (): Promise<ApplySession> => openApplySession(opts.target, db.database.target);
      const preData = { ...stage, items: db.preData, checkpoint: at('pre-data'), label: `the pre-data of ${key}` };
      if (session === null) await runSqlStage({ ...preData, session });
      else await runPreDataStage({ ...preData, session, workers, open, signal });
      await runPublicationStage(repl, db);
      let copied: readonly AnalyzeItem[] = [];
      let slot: SlotHolder | null = null;
      let subscribed = false;
      try {
        slot = await createSlot(repl, db);
        if (session !== null && (db.dataSteps.length > 0 || db.largeObjects !== null)) {
          const data = await runDataStage({
            plan, schedule, book, db, session, source: opts.source, target: opts.target, workers, env,
            ...(slot?.snapshotId == null ? {} : { snapshotId: slot.snapshotId }),
          });
          rows += data.rows;
          bytes += data.bytes;
          copied = data.copied;
        }
        // The copy is done: the snapshot may go (the slot stays and keeps every change since).
        await slot?.release();
        const postData = { ...stage, items: db.postData, checkpoint: at('post-data'), label: `the post-data of ${key}` };
        if (session === null) await runSqlStage({ ...postData, session });
        else {
          await runPostDataStage({
            ...postData, session, copies: db.copies, workers, open, signal,
            ...(opts.parallelPostDataMinBytes === undefined ? {} : { parallelMinBytes: opts.parallelPostDataMinBytes }),
          });
        }
        if (session !== null) await runSubscriptionStage(repl, db, session);
        subscribed = true;
      } catch (e) {
        if (slot !== null && !subscribed) await dropOrphanSlot(repl, db);
        throw e;
      } finally {
        await slot?.release();
      }
      if (session !== null && copied.length > 0) {
        book.emit({ type: 'message', level: 'info', text: `${key}: ANALYZE of ${copied.length} copied table(s) on up to ${workers} session(s)` });
        await runAnalyzeStage({ book, items: copied, workers, session, open, signal, label: `the ANALYZE of ${key}` });
      }
    };
    if (needsSession(db)) await withSession(() => openApplySession(opts.target, db.database.target), signal, run);
    else await run(null);
  }

  await book.finish(plan.steps.filter((s) => schedule.finishAt.get(s.index)?.at === 'end'));
  const summary = summarise(plan.steps);
  if (plan.steps.length > 0) {
    await writer.finish({
      at: now().toISOString(), command: opts.command,
      summary: `${summary.add} added, ${summary.change} changed, ${summary.destroy} destroyed`,
    });
  }
  return {
    added: summary.add, changed: summary.change, destroyed: summary.destroy, rows, bytes,
    seconds: (performance.now() - started) / 1000, state: writer.current,
  };
}
