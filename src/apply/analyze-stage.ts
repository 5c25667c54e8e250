// ANALYZE of a database's copied tables on up to `workers` sessions. A big table is analysed alone; small ones
// (below ANALYZE_BATCH_BELOW_BYTES by the copy's estimate) go ANALYZE_BATCH_TABLES to a statement: at 1,000 tables of
// 10 rows, one round trip per table was ~0.35 s of the apply for ~0.3 ms of work each. When a batch fails, its
// tables are analysed again one by one, so the error names the table (and its step) that fails on its own.
import type { ApplySession } from '../pg/apply/apply-session.js';
import type { QualifiedName } from '../pg/apply/apply-sql.js';
import type { PlanStep } from '../plan/types.js';
import { ApplyCancelledError, ApplyStepError } from './errors.js';
import type { StepBook } from './step-book.js';
import { onSessions } from './with-session.js';

export const ANALYZE_BATCH_BELOW_BYTES = 1_048_576;
export const ANALYZE_BATCH_TABLES = 100;

export interface AnalyzeItem {
  readonly table: QualifiedName;
  readonly step: PlanStep;
  /** The copy's estimate of the table's bytes. */
  readonly bytes: number;
}

/** Pure: big tables alone, largest first; small ones in batches, in their order. */
export function analyzeBatches(items: readonly AnalyzeItem[]): readonly (readonly AnalyzeItem[])[] {
  const big = items.filter((i) => i.bytes >= ANALYZE_BATCH_BELOW_BYTES).sort((a, b) => b.bytes - a.bytes).map((i) => [i]);
  const small = items.filter((i) => i.bytes < ANALYZE_BATCH_BELOW_BYTES);
  const batches: AnalyzeItem[][] = [];
  for (let at = 0; at < small.length; at += ANALYZE_BATCH_TABLES) batches.push(small.slice(at, at + ANALYZE_BATCH_TABLES));
  return [...big, ...batches];
}

export interface AnalyzeStageInput {
  readonly book: StepBook;
  readonly items: readonly AnalyzeItem[];
  readonly workers: number;
  readonly session: ApplySession;
  readonly open: () => Promise<ApplySession>;
  readonly signal: AbortSignal | undefined;
  /** For messages: `the ANALYZE of shop`. */
  readonly label: string;
}

export async function runAnalyzeStage(input: AnalyzeStageInput): Promise<void> {
  const { book, label, signal } = input;
  const blame = (e: unknown, step: PlanStep): Error => {
    if (signal?.aborted === true) return new ApplyCancelledError(label, signal.reason);
    return new ApplyStepError(step, e);
  };
  book.checkCancel(label);
  await onSessions(analyzeBatches(input.items), input.workers, input.session, input.open, signal, async (s, batch) => {
    book.checkCancel(label);
    try {
      await s.analyze(batch.map((i) => i.table));
    } catch (e) {
      if (batch.length === 1 || signal?.aborted === true) throw blame(e, (batch[0] as AnalyzeItem).step);
      for (const item of batch) await s.analyze([item.table]).catch((alone: unknown) => {
        throw blame(alone, item.step);
      });
    }
  });
}
