// The looks of each action, in one table (STYLE.md #1): renderers and summaries read this, never switch on strings.
import type { Action, PlanSummary } from './types.js';

export interface ActionInfo {
  readonly symbol: string;
  /** A chalk colour name. */
  readonly colour: 'green' | 'yellow' | 'red' | 'magenta';
  /** Completes `# <address> …`. */
  readonly verb: string;
  /**
   * How the action counts in `Plan: N to add, N to change, N to destroy.`: a replace is a destroy plus an add,
   * as in Terraform, so the summary says how many objects disappear.
   */
  readonly counts: Readonly<Record<keyof PlanSummary, number>>;
}

export const ACTIONS: readonly Action[] = ['create', 'update', 'replace', 'delete'];

export const ACTION_INFO: Readonly<Record<Action, ActionInfo>> = {
  create: { symbol: '+', colour: 'green', verb: 'will be created', counts: { add: 1, change: 0, destroy: 0 } },
  update: { symbol: '~', colour: 'yellow', verb: 'will be updated in-place', counts: { add: 0, change: 1, destroy: 0 } },
  replace: { symbol: '-/+', colour: 'magenta', verb: 'will be replaced', counts: { add: 1, change: 0, destroy: 1 } },
  delete: { symbol: '-', colour: 'red', verb: 'will be destroyed', counts: { add: 0, change: 0, destroy: 1 } },
};
