// What a cutover still has to do for one database, from its record and the options: the resume logic, pure so
// every case is unit-tested. Steps that are recorded done are skipped; a finished cutover is a no-op, except that
// a later `--after` may go further (keep -> disable -> drop), never back.
import type { AfterAction, CutoverOptions } from './options.js';
import type { CutoverRecord } from './record.js';

export interface StepDecision {
  /** Nothing left: the record says the cutover finished with this `after` (or a stronger one). */
  readonly finished: boolean;
  /** Steps 1 and 3: wait for ready tables and lag, then for the slot to pass L. */
  readonly catchUp: boolean;
  /** Step 2: fence (or, with a fence already recorded, fence again and end the sessions again). */
  readonly fence: boolean;
  readonly sequences: boolean;
  /** Step 5, or null when there is nothing to do there. */
  readonly after: AfterAction | null;
}

const AFTER_RANK: Readonly<Record<AfterAction, number>> = { keep: 0, disable: 1, drop: 2 };

export function decideSteps(record: CutoverRecord, options: CutoverOptions): StepDecision {
  const catchUp = record.caught_up_at === null;
  const fence = catchUp && (options.fence !== 'none' || record.fence !== null);
  const sequences = record.sequences_set_at === null;
  let after: AfterAction | null = options.after;
  if (record.after_done !== null && AFTER_RANK[record.after_done] >= AFTER_RANK[options.after]) after = null;
  const finished = !catchUp && !sequences && after === null;
  return { finished, catchUp, fence, sequences, after };
}

/** True when `options.after` goes further than what was done (keep < disable < drop). */
export function goesFurther(done: AfterAction | null, wanted: AfterAction): boolean {
  return done === null || AFTER_RANK[wanted] > AFTER_RANK[done];
}

/** Setting sequences while writers may still write: values read now can be taken again on the source. */
export function sequenceRaceWarning(fenced: boolean, margin: number): string | null {
  if (fenced || margin > 0) return null;
  return 'no fence and no sequence margin: a row the source writes after its sequences are read takes a value the target will hand out again (pass --sequence-margin N, or fence the writers)';
}
