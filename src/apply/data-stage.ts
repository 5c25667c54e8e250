// The data stage of one database: mark the rows `copying` (pgrepl owns them before any row lands), export one
// snapshot, copy every table in it, set the sequences from values read in the same snapshot, copy the large objects
// in it too (large-objects-stage.ts, which keeps its own state records), release the snapshot,
// then record the rows `copied` with their runtime and the database's measured throughput in one state write.
import { exportSnapshot } from '../pg/copy/export-snapshot.js';
import { copyTables } from '../pg/copy/copy-tables.js';
import { CopyCancelledError, CopyError } from '../pg/copy/copy-error.js';
import { midCopyFaultRows } from '../pg/copy/fault.js';
import type { CopySummary, CopyTable, CopyTableResult } from '../pg/copy/types.js';
import type { ApplySession } from '../pg/apply/apply-session.js';
import { readSequenceValues } from '../pg/apply/apply-session.js';
import type { ConnInfo } from '../pg/conninfo/types.js';
import type { Plan, PlanStep } from '../plan/types.js';
import type { AnalyzeItem } from './analyze-stage.js';
import { ApplyCancelledError, ApplyStepError } from './errors.js';
import { type CopyItem, type DatabaseSchedule, type Schedule, stepsFinishedAt } from './schedule.js';
import { databaseThroughput, rowsCopied, rowsCopying, type RowsCopied } from './state-records.js';
import { runLargeObjectsStage } from './large-objects-stage.js';
import type { StepBook } from './step-book.js';

export interface DataStageInput {
  readonly plan: Plan;
  readonly schedule: Schedule;
  readonly book: StepBook;
  readonly db: DatabaseSchedule;
  readonly session: ApplySession;
  readonly source: ConnInfo;
  readonly target: ConnInfo;
  readonly workers: number;
  readonly env: NodeJS.ProcessEnv;
  /** The snapshot the database's slot exported (sync): read in it instead of a snapshot of its own. */
  readonly snapshotId?: string;
}

export interface DataStageResult {
  readonly rows: number;
  readonly bytes: number;
  /** The tables copied, for ANALYZE, with the step that copied each and the copy's estimate of its bytes. */
  readonly copied: readonly AnalyzeItem[];
}

const tableKey = (t: { readonly schema: string; readonly name: string }): string => `${t.schema}.${t.name}`;

export function copyTableOf(item: CopyItem): CopyTable {
  const op = item.op;
  return {
    schema: op.table.schema, table: op.table.name, columns: op.columns, filter: op.filter,
    truncateFirst: op.truncateFirst.length > 0, estimatedBytes: op.estimate.bytes,
    ...(op.group === null ? {} : { group: op.group }),
  };
}

export async function runDataStage(input: DataStageInput): Promise<DataStageResult> {
  const { book, db, plan, schedule } = input;
  const key = db.database.key;
  const label = `the data copy of ${key}`;
  const largeObjects = db.largeObjects;
  if (db.dataSteps.length === 0 && largeObjects === null) return { rows: 0, bytes: 0, copied: [] };
  const first = db.dataSteps[0] ?? (largeObjects?.step as PlanStep);
  for (const step of db.dataSteps) book.start(step);
  if (db.dataSteps.length > 0) await book.writer.update((state) => rowsCopying(state, db.dataSteps, book.now().toISOString()));
  book.checkCancel(label);

  // Copy results are named `schema.table`; the step that owns each is the one to blame and to credit.
  const stepOfTable = new Map(db.copies.map((c) => [tableKey(c.op.table), c.step]));
  const blame = (e: unknown): Error => {
    if (e instanceof ApplyCancelledError || e instanceof ApplyStepError) return e;
    if (e instanceof CopyCancelledError || book.signal?.aborted === true) return new ApplyCancelledError(label, book.signal?.reason ?? e);
    const step = e instanceof CopyError ? stepOfTable.get(e.address) ?? first : first;
    return new ApplyStepError(step, e);
  };

  const sequences = db.sequences.flatMap((s) => s.op.sequences.map((q) => ({ schema: q.schema, name: q.name })));
  let summary: CopySummary = { tables: 0, rows: 0, bytes: 0, seconds: 0, results: [] };
  let snapshotId: string;
  // An unlink-only large object step (destroy) reads nothing: no snapshot.
  const reads = db.copies.length > 0 || sequences.length > 0 || largeObjects?.op.copy === true;
  try {
    const holder = input.snapshotId !== undefined || !reads
      ? { snapshotId: input.snapshotId ?? '', release: async (): Promise<void> => undefined }
      : await exportSnapshot(input.source, key);
    snapshotId = holder.snapshotId;
    try {
      if (db.copies.length > 0) {
        book.emit({
          type: 'copy-start', database: key,
          tables: db.copies.map((c) => ({ address: tableKey(c.op.table), bytes: c.op.estimate.bytes, rows: c.op.estimate.rows })),
        });
        const faultAfterRows = midCopyFaultRows(input.env);
        summary = await copyTables({
          source: input.source, target: input.target, sourceDatabase: key, targetDatabase: db.database.target, snapshotId,
          tables: db.copies.map(copyTableOf), workers: input.workers, format: 'auto',
          onProgress: (p) => book.emit({
            type: 'copy-progress', database: key, address: p.address, rows: p.rows, bytes: p.bytes, seconds: p.seconds,
            bytesPerSecond: p.bytesPerSecond, done: p.done,
          }),
          ...(book.signal === undefined ? {} : { signal: book.signal }),
          ...(faultAfterRows === undefined ? {} : { faultAfterRows }),
        });
        book.emit({ type: 'copy-done', database: key, rows: summary.rows, bytes: summary.bytes, seconds: summary.seconds });
        report(book, key, summary.results);
      }
      if (sequences.length > 0) {
        book.checkCancel(label);
        const values = await readSequenceValues(input.source, key, snapshotId, sequences, book.signal);
        book.checkCancel(label);
        await input.session.setSequences(values);
      }
      if (largeObjects !== null) {
        book.checkCancel(label);
        try {
          await runLargeObjectsStage({
            item: largeObjects, book, source: input.source, target: input.target, key, targetDatabase: db.database.target,
            snapshotId: reads ? snapshotId : null, env: input.env,
          });
        } catch (e) {
          if (e instanceof CopyCancelledError || book.signal?.aborted === true) throw e;
          throw new ApplyStepError(largeObjects.step, e);
        }
      }
    } finally {
      await holder.release();
    }
    book.checkCancel(label);
  } catch (e) {
    throw blame(e);
  }

  const copiedTables = db.copies.map((c) => c.op.table);
  const oids = await input.session.tableOids(copiedTables).catch((e: unknown) => {
    throw blame(e);
  });
  const oidOf = new Map(copiedTables.map((t, i) => [tableKey(t), oids[i] ?? null]));
  const resultOf = new Map(summary.results.map((r) => [r.address, r]));
  // Grouped once: a filter of every copy per step was quadratic (8,000 tables: 0.5 s).
  const copiesOf = new Map<PlanStep, CopyItem[]>();
  for (const c of db.copies) {
    const list = copiesOf.get(c.step);
    if (list === undefined) copiesOf.set(c.step, [c]);
    else list.push(c);
  }
  const records: RowsCopied[] = db.dataSteps.map((step) => {
    const copies = copiesOf.get(step) ?? [];
    const results = copies.map((c) => resultOf.get(tableKey(c.op.table))).filter((r): r is CopyTableResult => r !== undefined);
    const firstTable = copies[0]?.op.table;
    return {
      step, snapshot: snapshotId, targetOid: firstTable === undefined ? null : oidOf.get(tableKey(firstTable)) ?? null,
      rows: copies.length === 0 ? null : results.reduce((s, r) => s + r.rows, 0),
      bytes: copies.length === 0 ? null : results.reduce((s, r) => s + r.bytes, 0),
      seconds: copies.length === 0 ? null : results.reduce((s, r) => s + r.seconds, 0),
    };
  });
  const checkpoint = { at: 'database', database: db.index, phase: 'data' } as const;
  await book.finish(stepsFinishedAt(plan, schedule, checkpoint), (state, at) => {
    const copied = rowsCopied(state, records, at);
    return db.copies.length === 0 ? copied : databaseThroughput(copied, key, db.database.target, { bytes: summary.bytes, seconds: summary.seconds }, at);
  });
  return {
    rows: summary.rows, bytes: summary.bytes,
    copied: db.copies.map((c) => ({ table: c.op.table, step: c.step, bytes: c.op.estimate.bytes })),
  };
}

/** The trigger-guard fallback and text-format choices are worth a line: they explain a slower or riskier copy. */
function report(book: StepBook, key: string, results: readonly CopyTableResult[]): void {
  const disabled = results.filter((r) => r.triggerGuard === 'disable_trigger').map((r) => r.address);
  if (disabled.length > 0) {
    book.emit({
      type: 'message', level: 'warning',
      text: `${key}: session_replication_role = replica was refused; the user triggers of ${disabled.join(', ')} were disabled by name during the load and enabled again`,
    });
  }
  for (const r of results) {
    if (r.formatReason !== undefined) book.emit({ type: 'message', level: 'info', text: `${key}: ${r.address} copied as text: ${r.formatReason}` });
  }
}
