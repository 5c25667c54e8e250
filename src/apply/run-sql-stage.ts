// Runs one stage's sql operations on one session in few executeDdl calls (it batches consecutive transactional
// statements into one transaction; STATEMENTS_PER_BATCH bounds its locks), then records the steps that
// finished at this checkpoint. An `after-step:N` fault splits the batch right after step N's last statement, so a
// kill -9 test stops exactly there. A failure names the step of the failing statement.
import type { ApplySession } from '../pg/apply/apply-session.js';
import { DdlExecutionError } from '../pg/ddl/execute.js';
import type { DdlStatement } from '../pg/ddl/types.js';
import type { Plan, PlanStep } from '../plan/types.js';
import { ApplyCancelledError, ApplyStepError } from './errors.js';
import { type Checkpoint, type Schedule, type SqlItem, stepsFinishedAt } from './schedule.js';
import type { StepBook } from './step-book.js';

/**
 * Statements per executeDdl call, so per transaction at most: one transaction over a 1,000-table schema would hold a
 * lock per table, toast table, index and sequence, and run out of the lock table (max_locks_per_transaction x
 * max_connections, 6,400 slots by default). Each statement takes a few; 500 stay far below.
 */
export const STATEMENTS_PER_BATCH = 500;

export interface Entry {
  readonly step: PlanStep;
  readonly statement: DdlStatement;
}

export interface SqlStageInput {
  readonly plan: Plan;
  readonly schedule: Schedule;
  readonly book: StepBook;
  /** null: nothing to run here, only steps to record. */
  readonly session: ApplySession | null;
  readonly items: readonly SqlItem[];
  readonly checkpoint: Checkpoint;
  /** For messages: `pre-data of shop`. */
  readonly label: string;
  readonly killAfterStep?: number;
}

/** Where to cut the batch: after the last statement of the step the fault names, if it finishes here. */
export function splitPoints(entries: readonly Entry[], finishing: readonly PlanStep[], killAfterStep: number | undefined): number[] {
  if (killAfterStep === undefined || !finishing.some((s) => s.index === killAfterStep)) return [entries.length];
  let last = -1;
  entries.forEach((e, i) => {
    if (e.step.index === killAfterStep) last = i;
  });
  return last === -1 || last === entries.length - 1 ? [entries.length] : [last + 1, entries.length];
}

export async function runSqlStage(input: SqlStageInput): Promise<void> {
  const { book } = input;
  const entries: Entry[] = input.items.flatMap((item) => item.op.statements.map((statement) => ({ step: item.step, statement })));
  const finishing = stepsFinishedAt(input.plan, input.schedule, input.checkpoint);
  book.checkCancel(input.label);
  let done = 0;
  for (const end of splitPoints(entries, finishing, input.killAfterStep)) {
    const chunk = entries.slice(done, end);
    if (chunk.length > 0 && input.session === null) throw new Error('internal error: SQL to run without a session');
    for (let at = 0; at < chunk.length; at += STATEMENTS_PER_BATCH) {
      await runChunk(input.session as ApplySession, chunk.slice(at, at + STATEMENTS_PER_BATCH), book, input.label);
    }
    done = end;
    // Steps of this checkpoint none of whose statements are still to run here.
    const pending = new Set(entries.slice(done).map((e) => e.step.index));
    await book.finish(finishing.filter((s) => !pending.has(s.index)));
  }
}

export async function runChunk(session: ApplySession, chunk: readonly Entry[], book: StepBook, label: string): Promise<void> {
  let current = 0;
  try {
    await session.runDdl(chunk.map((e) => e.statement), {
      onStatement: (_statement, index) => {
        book.checkCancel(label);
        current = index;
        book.start((chunk[index] as Entry).step);
      },
    });
  } catch (e) {
    if (e instanceof ApplyCancelledError) throw e;
    if (book.signal?.aborted === true) throw new ApplyCancelledError(label, book.signal.reason);
    const failed = e instanceof DdlExecutionError ? chunk.find((x) => x.statement === e.ddl) ?? chunk[current] : chunk[current];
    throw new ApplyStepError((failed as Entry).step, e);
  }
}
