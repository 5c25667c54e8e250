// The pre-data stage of one database on up to `workers` sessions. The planner cuts pre-data into serial runs and
// parallel segments (SqlOperation.parallel, src/schema/diff/execution-order.ts): no table of a segment needs another
// of the same segment, so a segment's tables are created in chunks (one transaction each) on several sessions, after
// the serial run before it committed and before the run after it starts. Serial runs go on the database's session in
// schedule order, as runSqlStage does. On 1,000 small tables (bench/README.md) pre-data is the 1,000 CREATE TABLEs,
// CPU-bound in the target backend, so two sessions take about half the time of one.
import type { ApplySession } from '../pg/apply/apply-session.js';
import { chunkStatementsFor } from './post-data-stage.js';
import { type Entry, type SqlStageInput, STATEMENTS_PER_BATCH } from './run-sql-stage.js';
import type { SqlItem } from './schedule.js';
import { stageRunner } from './stage-runner.js';
import { onSessions } from './with-session.js';

export type PreDataPart =
  | { readonly kind: 'serial'; readonly entries: readonly Entry[] }
  /** Chunks of whole tables (operations), each one transaction, any session, any order. */
  | { readonly kind: 'parallel'; readonly chunks: readonly (readonly Entry[])[] };

/** A segment runs on several sessions only from this many operations: fewer are not worth a session. */
export const PARALLEL_MIN_OPERATIONS = 2;

const entriesOf = (items: readonly SqlItem[]): Entry[] => items.flatMap((item) => item.op.statements.map((statement) => ({ step: item.step, statement })));

/**
 * The stage's items (in schedule order) as serial runs and parallel segments. With one worker, or a segment of
 * fewer than PARALLEL_MIN_OPERATIONS operations, a segment joins the serial runs around it.
 */
export function splitPreData(items: readonly SqlItem[], workers: number): PreDataPart[] {
  const parts: PreDataPart[] = [];
  const serial = (entries: readonly Entry[]): void => {
    const last = parts[parts.length - 1];
    if (last?.kind === 'serial') parts[parts.length - 1] = { kind: 'serial', entries: [...last.entries, ...entries] };
    else if (entries.length > 0) parts.push({ kind: 'serial', entries });
  };
  for (let at = 0; at < items.length;) {
    const segment = (items[at] as SqlItem).op.parallel;
    let end = at + 1;
    while (end < items.length && segment !== undefined && (items[end] as SqlItem).op.parallel === segment) end += 1;
    const run = items.slice(at, end);
    if (segment === undefined || workers < 2 || run.length < PARALLEL_MIN_OPERATIONS) serial(entriesOf(run));
    else {
      // Locks: a CREATE TABLE holds several (table, TOAST table and index, inline keys) until its chunk commits, so all
      // sessions together stay within what one serial batch may hold (STATEMENTS_PER_BATCH).
      const per = Math.min(chunkStatementsFor(run.reduce((n, item) => n + item.op.statements.length, 0), workers), Math.floor(STATEMENTS_PER_BATCH / workers));
      const chunks: Entry[][] = [];
      let chunk: Entry[] = [];
      for (const item of run) {
        chunk.push(...entriesOf([item]));
        if (chunk.length >= per) {
          chunks.push(chunk);
          chunk = [];
        }
      }
      if (chunk.length > 0) chunks.push(chunk);
      parts.push({ kind: 'parallel', chunks });
    }
    at = end;
  }
  return parts;
}

export interface PreDataInput extends SqlStageInput {
  readonly session: ApplySession;
  readonly workers: number;
  /** A further session on the same database. */
  readonly open: () => Promise<ApplySession>;
  readonly signal: AbortSignal | undefined;
}

export async function runPreDataStage(input: PreDataInput): Promise<void> {
  const { book, label } = input;
  const parts = splitPreData(input.items, input.workers);
  const { run, record } = stageRunner(input, parts.flatMap((p) => (p.kind === 'serial' ? p.entries : p.chunks.flat())));
  book.checkCancel(label);
  for (const part of parts) {
    if (part.kind === 'serial') await run(input.session, part.entries);
    else await onSessions(part.chunks, input.workers, input.session, input.open, input.signal, run);
    book.checkCancel(label);
  }
  await record();
}
