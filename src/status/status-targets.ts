// Which databases status reports on, and what it expects of each: the spec's databases (listed ones, plus those
// include/exclude_databases choose among the source's databases) and any database the state still records
// replication objects for. The names come from the state (what apply made), never re-derived: a spec edit must not
// make status look at objects that do not exist yet. Pure.
import { droppedSummary, fenceUndoneSummary } from '../cutover/targets.js';
import { readCutoverRecord } from '../cutover/record.js';
import { parseAddress } from '../model/address.js';
import type { DatabaseSpec, Spec } from '../spec/model.js';
import { selectDatabases } from '../spec/select-databases.js';
import type { JsonObject, StateDocument, StateResource } from '../state/state-document.js';
import type { CutoverDone, ExpectedSubscription, PendingDeleteRef, ReplicationRef, StatusTarget } from './types.js';

const REPLICATION_KINDS: ReadonlySet<string> = new Set(['publication', 'slot', 'subscription']);

export interface StatusTargets {
  readonly databases: readonly StatusTarget[];
  readonly pendingDeletes: readonly PendingDeleteRef[];
}

/** The database key of a replication resource's address, or null for other kinds (and unreadable addresses). */
function replicationKey(resource: StateResource): { kind: string; key: string } | null {
  if (!REPLICATION_KINDS.has(resource.kind)) return null;
  try {
    const parts = parseAddress(resource.address);
    const key = parts.segments[0];
    return key === undefined ? null : { kind: parts.kind, key };
  } catch {
    return null;
  }
}

function text(attributes: JsonObject, name: string): string | null {
  const value = attributes[name];
  return typeof value === 'string' ? value : null;
}

function ref(attributes: JsonObject, fallbackDatabase: string): ReplicationRef | null {
  const name = text(attributes, 'name');
  return name === null ? null : { name, database: text(attributes, 'database') ?? fallbackDatabase };
}

interface Recorded {
  publication: ReplicationRef | null;
  slot: ReplicationRef | null;
  subscription: ExpectedSubscription | null;
  targetDatabase: string | null;
  /** cutover disabled the subscription (its `cutover.after_done` attribute). */
  cutover: CutoverDone | null;
}

/**
 * What cutover did, from the subscription's `cutover` attribute (after: disable) or, once cutover dropped the
 * subscription and slot and the state forgot them, from its history entry (src/cutover/targets.ts writes both).
 */
function cutoverDone(state: StateDocument | null, key: string, r: Recorded | undefined): CutoverDone | null {
  if (r?.cutover) return r.cutover;
  if (r?.slot || r?.subscription || state === null) return null;
  const head = droppedSummary(key);
  const history = state.history;
  for (let i = history.length - 1; i >= 0; i -= 1) {
    const h = history[i];
    if (h === undefined || h.command !== 'cutover' || !h.summary.startsWith(head)) continue;
    const undone = history.slice(i + 1).some((later) => later.command === 'cutover' && later.summary === fenceUndoneSummary(key));
    const fenced = !undone && h.summary.length > head.length;
    return { state: 'dropped', at: h.at, fence: fenced ? 'in place' : null };
  }
  return null;
}

/**
 * `sourceDatabases`: the source's connectable, non-template database names, needed only when the spec chooses
 * databases by rule (`spec.selection`); pass null otherwise.
 */
export function statusTargets(spec: Spec, state: StateDocument | null, sourceDatabases: readonly string[] | null): StatusTargets {
  const recorded = new Map<string, Recorded>();
  const pendingDeletes: PendingDeleteRef[] = [];
  for (const resource of state?.resources ?? []) {
    const at = replicationKey(resource);
    if (at === null) continue;
    if (resource.status === 'pending-delete') {
      pendingDeletes.push({
        address: resource.address,
        kind: resource.kind,
        name: text(resource.attributes, 'name'),
        database: text(resource.attributes, 'database'),
      });
      continue;
    }
    const entry = recorded.get(at.key) ?? { publication: null, slot: null, subscription: null, targetDatabase: null, cutover: null };
    if (at.kind === 'publication') entry.publication = ref(resource.attributes, at.key);
    if (at.kind === 'slot') entry.slot = ref(resource.attributes, at.key);
    if (at.kind === 'subscription') {
      const base = ref(resource.attributes, at.key);
      const enabled = resource.attributes['enabled'];
      entry.subscription = base === null ? null : { ...base, enabled: enabled !== false };
      entry.targetDatabase = base?.database ?? null;
      const record = readCutoverRecord(resource.attributes);
      const fence = record.fence?.mode ?? null;
      if (record.after_done === 'disable') entry.cutover = { state: 'disabled', at: record.sequences_set_at ?? record.caught_up_at, fence };
    }
    recorded.set(at.key, entry);
  }

  const specDatabases: readonly DatabaseSpec[] =
    spec.selection !== null && sourceDatabases !== null ? selectDatabases(spec, sourceDatabases).databases : spec.databases;
  const databases: StatusTarget[] = specDatabases.map((db) => {
    const r = recorded.get(db.key);
    return {
      key: db.key,
      targetDatabase: db.targetDatabase,
      sync: db.sync,
      inSpec: true,
      wantEnabled: db.subscription.enabled,
      publication: r?.publication ?? null,
      slot: r?.slot ?? null,
      subscription: r?.subscription ?? null,
      cutover: cutoverDone(state, db.key, r),
    };
  });
  const listed = new Set(specDatabases.map((d) => d.key));
  for (const [key, r] of [...recorded.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (listed.has(key)) continue;
    databases.push({
      key,
      targetDatabase: r.targetDatabase ?? key,
      sync: true,
      inSpec: false,
      wantEnabled: r.subscription?.enabled ?? true,
      publication: r.publication,
      slot: r.slot,
      subscription: r.subscription,
      cutover: cutoverDone(state, key, r),
    });
  }
  return { databases, pendingDeletes };
}
