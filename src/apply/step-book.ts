// Keeps the books of a run: which steps started and finished, their events, the state write that records the steps
// finishing together, and the `after-step:N` fault that kills the process right after step N is recorded.
import { killSelf } from '../pg/copy/fault.js';
import type { PlanStep } from '../plan/types.js';
import type { StateDocument } from '../state/state-document.js';
import { ApplyCancelledError } from './errors.js';
import { findResource, withResource } from '../state/state-edits.js';
import { recordStep, recordSteps } from './state-records.js';
import type { StateWriter } from './state-writer.js';
import type { ApplyEvent } from './types.js';

export interface StepBookOptions {
  readonly writer: StateWriter;
  readonly now: () => Date;
  readonly emit: (event: ApplyEvent) => void;
  readonly signal?: AbortSignal;
  /** PGREPL_FAULT=after-step:N. */
  readonly killAfterStep?: number;
}

export class StepBook {
  private readonly started = new Map<number, number>();
  private readonly finished = new Set<number>();
  private readonly opts: StepBookOptions;

  constructor(opts: StepBookOptions) {
    this.opts = opts;
  }

  get writer(): StateWriter {
    return this.opts.writer;
  }

  now(): Date {
    return this.opts.now();
  }

  emit(event: ApplyEvent): void {
    this.opts.emit(event);
  }

  get signal(): AbortSignal | undefined {
    return this.opts.signal;
  }

  /** Throws ApplyCancelledError when the signal fired (checked between statements, stages and databases). */
  checkCancel(during: string): void {
    if (this.opts.signal?.aborted === true) throw new ApplyCancelledError(during, this.opts.signal.reason);
  }

  start(step: PlanStep): void {
    if (this.started.has(step.index)) return;
    this.started.set(step.index, performance.now());
    this.opts.emit({ type: 'step-start', step });
  }

  isFinished(step: PlanStep): boolean {
    return this.finished.has(step.index);
  }

  /**
   * Records `steps` (and `edit`, e.g. the copied rows) in ONE state write when resources changed, then step-done for
   * each; a pending `after-step:N` among them kills the process after that write.
   */
  async finish(steps: readonly PlanStep[], edit?: (state: StateDocument, at: string) => StateDocument): Promise<void> {
    const fresh = steps.filter((s) => !this.finished.has(s.index));
    if (fresh.length === 0 && edit === undefined) return;
    const at = this.opts.now().toISOString();
    await this.opts.writer.update((state) => {
      const next = edit === undefined ? state : edit(state, at);
      return recordSteps(next, fresh, at);
    });
    for (const step of fresh) {
      this.start(step);
      this.finished.add(step.index);
      const began = this.started.get(step.index) ?? performance.now();
      this.opts.emit({ type: 'step-done', step, seconds: (performance.now() - began) / 1000 });
    }
    if (this.opts.killAfterStep !== undefined && fresh.some((s) => s.index === this.opts.killAfterStep)) killSelf();
  }

  /**
   * A delete that could not run (the source unreachable for a slot or publication): the resource stays in the state
   * with status pending-delete, and the step counts as done for this run (the next apply or destroy retries it).
   */
  async markPendingDelete(step: PlanStep): Promise<void> {
    const at = this.opts.now().toISOString();
    await this.opts.writer.update((state) => {
      const r = findResource(state, step.address);
      return r === undefined ? state : withResource(state, { ...r, status: 'pending-delete', updated_at: at });
    });
    this.start(step);
    this.finished.add(step.index);
    this.opts.emit({ type: 'step-done', step, seconds: 0 });
  }

  /** Records a step before it finished (a role or database made in the cluster stage whose other operations come later). */
  async recordEarly(step: PlanStep): Promise<void> {
    const at = this.opts.now().toISOString();
    await this.opts.writer.update((state) => recordStep(state, step, at));
  }
}
