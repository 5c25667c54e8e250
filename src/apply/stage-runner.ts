// Running one stage's statements on several sessions, shared by the pre-data and post-data stages: a step is
// finished when its last statement ran, on whichever session; finished steps are recorded one write at a time
// (state writes are compare-and-swap on serial); an `after-step:N` fault cuts a session's batch right after step N's
// last statement so the kill lands after its write (other sessions may have committed more by then; the next plan
// diffs the live schema).
import type { ApplySession } from '../pg/apply/apply-session.js';
import type { PlanStep } from '../plan/types.js';
import { type Entry, runChunk, type SqlStageInput, splitPoints, STATEMENTS_PER_BATCH } from './run-sql-stage.js';
import { stepsFinishedAt } from './schedule.js';

export interface StageRunner {
  /** Runs entries in order on one session, in batches of at most STATEMENTS_PER_BATCH, recording finished steps. */
  run(session: ApplySession, entries: readonly Entry[]): Promise<void>;
  /** Records the steps finished so far (after the last batch, for steps without statements here). */
  record(): Promise<void>;
}

export function stageRunner(input: SqlStageInput, all: readonly Entry[]): StageRunner {
  const { book, label, killAfterStep } = input;
  const finishing = stepsFinishedAt(input.plan, input.schedule, input.checkpoint);
  const pending = new Map<number, number>();
  for (const e of all) pending.set(e.step.index, (pending.get(e.step.index) ?? 0) + 1);
  let writes: Promise<void> = Promise.resolve();
  const record = (): Promise<void> => {
    writes = writes.then(() => book.finish(finishing.filter((s: PlanStep) => (pending.get(s.index) ?? 0) === 0)));
    return writes;
  };
  const run = async (session: ApplySession, entries: readonly Entry[]): Promise<void> => {
    let done = 0;
    for (const end of splitPoints(entries, finishing, killAfterStep)) {
      const chunk = entries.slice(done, end);
      for (let at = 0; at < chunk.length; at += STATEMENTS_PER_BATCH) {
        const batch = chunk.slice(at, at + STATEMENTS_PER_BATCH);
        await runChunk(session, batch, book, label);
        for (const e of batch) pending.set(e.step.index, (pending.get(e.step.index) ?? 0) - 1);
      }
      done = end;
      await record();
    }
  };
  return { run, record };
}
