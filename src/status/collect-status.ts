// One read of everything status reports: the state (read again each time, since an apply may have run in
// between), the databases to look at, what the servers show for each, and the report built from it. Servers are
// read only for databases that have replication recorded, so a spec that has not been applied yet needs none.
import type { Spec, LagLimit } from '../spec/model.js';
import type { StateBackend } from '../state/backend.js';
import { PgreplError } from '../util/errors.js';
import { buildStatusReport } from './build-report.js';
import { statusTargets } from './status-targets.js';
import type { DatabaseObservation, PendingDeleteObservation, PendingDeleteRef, StatusReport, StatusTarget } from './types.js';

/** What collectStatus needs from the servers (src/pg/catalog/status/status-reader.ts; a fake in unit tests). */
export interface StatusSource {
  sourceDatabases(): Promise<string[]>;
  readDatabase(target: StatusTarget): Promise<DatabaseObservation>;
  readPendingDelete(ref: PendingDeleteRef): Promise<PendingDeleteObservation>;
}

export interface CollectOptions {
  readonly spec: Spec;
  /** Where the state is read from (again on every read): the spec's state backend. */
  readonly state: Pick<StateBackend, 'description' | 'read'>;
  readonly maxLag: LagLimit | null;
  readonly now: () => Date;
  readonly previous?: StatusReport | null;
}

export async function collectStatus(reader: StatusSource, opts: CollectOptions): Promise<StatusReport> {
  const state = await opts.state.read();
  if (state === null) {
    // The local description is the file's path, the postgres one says `postgres state "…" in …`.
    const d = opts.state.description;
    const none = d.startsWith('postgres state ') ? `no state yet: ${d} does not exist` : `no state file at ${d}`;
    throw new PgreplError(`${none}: nothing has been applied with this spec yet`, {
      hints: ['run pgrepl apply first, or point --spec at the spec whose state: block holds the state'],
    });
  }
  const sourceDatabases = opts.spec.selection === null ? null : await reader.sourceDatabases();
  const targets = statusTargets(opts.spec, state, sourceDatabases);
  const checkedAt = opts.now();
  const databases: { target: StatusTarget; observed: DatabaseObservation | null }[] = [];
  for (const target of targets.databases) {
    const recorded = target.publication !== null || target.slot !== null || target.subscription !== null;
    databases.push({ target, observed: recorded ? await reader.readDatabase(target) : null });
  }
  const pendingDeletes: { ref: PendingDeleteRef; observed: PendingDeleteObservation | null }[] = [];
  for (const ref of targets.pendingDeletes) pendingDeletes.push({ ref, observed: await reader.readPendingDelete(ref) });
  return buildStatusReport({ checkedAt, maxLag: opts.maxLag, databases, pendingDeletes, previous: opts.previous ?? null });
}
