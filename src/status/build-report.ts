// The whole status report: every database classified, the pending-delete leftovers described, the overall health
// and the exit code (CONTRACTS.md: 2 when a database is broken or lagging). Pure.
import type { LagLimit } from '../spec/model.js';
import { classifyDatabase } from './classify-database.js';
import { formatByteCount } from './format-values.js';
import {
  STATUS_FORMAT_VERSION,
  type DatabaseObservation,
  type DatabaseReport,
  type Health,
  type PendingDeleteObservation,
  type PendingDeleteRef,
  type PendingDeleteReport,
  type StatusReport,
  type StatusTarget,
} from './types.js';

/** Worst first: the overall health is the first of these any database has. */
export const HEALTH_ORDER: readonly Health[] = ['broken', 'lagging', 'not-started', 'paused', 'syncing', 'healthy', 'snapshot-only'];

export interface ReportInput {
  readonly checkedAt: Date;
  readonly maxLag: LagLimit | null;
  readonly databases: readonly { readonly target: StatusTarget; readonly observed: DatabaseObservation | null }[];
  readonly pendingDeletes: readonly { readonly ref: PendingDeleteRef; readonly observed: PendingDeleteObservation | null }[];
  /** The previous report (--watch): rising error counters between the two reads mean broken. */
  readonly previous?: StatusReport | null;
}

export function buildStatusReport(input: ReportInput): StatusReport {
  const before = new Map((input.previous?.databases ?? []).map((d) => [d.key, d.subscription?.errors ?? null]));
  const databases: DatabaseReport[] = input.databases.map(({ target, observed }) =>
    classifyDatabase(target, observed, { maxLag: input.maxLag, previousErrors: before.get(target.key) ?? null }),
  );
  const health = overallHealth(databases.map((d) => d.health));
  return {
    format_version: STATUS_FORMAT_VERSION,
    checked_at: input.checkedAt.toISOString(),
    max_lag: input.maxLag?.text ?? null,
    health,
    exit_code: healthExitCode(health),
    databases,
    pending_deletes: input.pendingDeletes.map(({ ref, observed }) => describePendingDelete(ref, observed)),
  };
}

export function overallHealth(healths: readonly Health[]): Health {
  return HEALTH_ORDER.find((h) => healths.includes(h)) ?? 'healthy';
}

/** 2 when broken or lagging, else 0 (not-started, paused and syncing are reported, not failed). */
export function healthExitCode(health: Health): 0 | 2 {
  return health === 'broken' || health === 'lagging' ? 2 : 0;
}

export function describePendingDelete(ref: PendingDeleteRef, observed: PendingDeleteObservation | null): PendingDeleteReport {
  const what = `${ref.kind} ${ref.name ?? ref.address}`;
  const base = {
    address: ref.address,
    kind: ref.kind,
    name: ref.name,
    database: ref.database,
    exists: observed?.exists ?? null,
    active: observed?.active ?? null,
    wal_status: observed?.walStatus ?? null,
    retained_bytes: observed?.retainedBytes ?? null,
  };
  let message: string;
  if (observed === null || observed.exists === null) message = `${what} could not be dropped yet and was not checked; the next apply or destroy removes it`;
  else if (!observed.exists) message = `${what} is already gone; the next apply or destroy forgets it`;
  else if (ref.kind === 'slot') {
    const kept = observed.retainedBytes === null ? 'WAL' : `${formatByteCount(observed.retainedBytes)} of WAL`;
    const status = observed.walStatus === null ? '' : `, wal_status ${observed.walStatus}`;
    message = `${what} could not be dropped yet and keeps ${kept} on the source${status}${observed.active === true ? ' (still in use)' : ''}; run pgrepl apply or pgrepl destroy to drop it`;
  } else message = `${what} could not be dropped yet; run pgrepl apply or pgrepl destroy to drop it`;
  return { ...base, message };
}
