// The apply engine's inputs, events and result. The engine (apply-plan.ts) runs a Plan's operations against the
// servers and records every finished step in the state; the CLI (src/cli/commands/apply.ts) owns prompts, consent
// and the lock; the progress views (src/render/progress/) turn the events into a terminal view or log lines.
import type { ConnInfo } from '../pg/conninfo/types.js';
import type { Plan, PlanStep } from '../plan/types.js';
import type { StateDocument } from '../state/state-document.js';

/** Where the state lives and how to write it (the local backend today; issue 7 adds a PostgreSQL one). */
export interface StateStore {
  /** For messages: the state file's path (or the backend's description). */
  readonly description: string;
  read(): Promise<StateDocument | null>;
  /** Compare-and-swap on serial: `next.serial` must be the stored serial + 1. Returns what was written. */
  write(next: StateDocument): Promise<StateDocument>;
}

export interface ApplyOptions {
  readonly plan: Plan;
  readonly source: ConnInfo;
  readonly target: ConnInfo;
  readonly store: StateStore;
  /** The state the plan was made against (the engine's base for its writes); null = none yet (first write is serial 1). */
  readonly state: StateDocument | null;
  /** A fresh state starts from this (lineage, spec ref) when `state` is null. */
  readonly newState: () => StateDocument;
  /** `apply`, `destroy`, `init`, … recorded in the history entry. */
  readonly command: string;
  /** Sessions per database for the copy, the post-data index and key builds, and ANALYZE (default: 2). */
  readonly workers?: number;
  /** A table's post-data index builds run beside other tables' only when its copy moved this much (tests lower it). */
  readonly parallelPostDataMinBytes?: number;
  /** Progress events (rendered by src/render/progress/). */
  readonly onEvent?: (event: ApplyEvent) => void;
  /** Cancels running COPYs and DDL (SIGINT/SIGTERM); the engine stops at once and rejects with CopyCancelledError / ApplyCancelledError. */
  readonly signal?: AbortSignal;
  /** Injected clock for `updated_at`, history and summaries (tests fix it). */
  readonly now?: () => Date;
  /** The spec's subscription.conninfo of a database key, when set (holds secrets: never logged). */
  readonly subscriptionConninfo?: (databaseKey: string) => string | undefined;
  /** How long slot creation may wait behind open transactions (default 5 min). */
  readonly slotTimeoutMs?: number;
  /** Default process.env: PGREPL_FAULT (`after-step:N`, `mid-copy:N`, `kill-mid-copy:N`). */
  readonly env?: NodeJS.ProcessEnv;
}

export type ApplyEvent =
  | { readonly type: 'step-start'; readonly step: PlanStep }
  | { readonly type: 'step-done'; readonly step: PlanStep; readonly seconds: number }
  /** A database's data stage starts: the tables it will copy (address `schema.table`, estimated bytes and rows). */
  | { readonly type: 'copy-start'; readonly database: string; readonly tables: readonly { readonly address: string; readonly bytes: number; readonly rows: number }[] }
  | { readonly type: 'copy-progress'; readonly database: string; readonly address: string; readonly rows: number; readonly bytes: number; readonly seconds: number; readonly bytesPerSecond: number; readonly done: boolean }
  | { readonly type: 'copy-done'; readonly database: string; readonly rows: number; readonly bytes: number; readonly seconds: number }
  /** A line worth showing (stage changes, warnings such as a trigger fallback). */
  | { readonly type: 'message'; readonly level: 'info' | 'warning'; readonly text: string };

export interface ApplyResult {
  /** Counted from the steps that ran (same rule as the plan's summary). */
  readonly added: number;
  readonly changed: number;
  readonly destroyed: number;
  readonly rows: number;
  readonly bytes: number;
  readonly seconds: number;
  /** The state as last written. */
  readonly state: StateDocument;
}
