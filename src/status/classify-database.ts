// The health of one database's replication, from what the spec and state expect and what the servers showed.
// Pure, so every rule is unit-tested without a server (test/unit/status-classify.test.ts).
//
// Order of precedence: broken > lagging > paused > syncing > healthy. `broken` means replication does not flow
// (or will not without someone acting); `lagging` needs --max-lag; tables still in their initial copy are
// `syncing`, never broken. A single read of non-zero error counters is a warning (they count since the last
// stats reset, maybe long ago); counters that rise between two reads (--watch) mean the worker is failing now.
import type { LagLimit } from '../spec/model.js';
import { formatByteCount, formatLagSeconds } from './format-values.js';
import {
  REL_STATES,
  REL_STATE_NAMES,
  type DatabaseObservation,
  type DatabaseReport,
  type Health,
  type LagReport,
  type SlotReport,
  type StatusTarget,
  type SubscriptionReport,
  type TablesReport,
} from './types.js';

export interface ClassifyOptions {
  readonly maxLag: LagLimit | null;
  /** Error counters of the previous read of this database (--watch), to tell rising errors from old ones. */
  readonly previousErrors?: { readonly apply: number; readonly sync: number } | null;
}

/** How many table names a reason lists before it says "and N more". */
const LISTED_TABLES = 5;

function listTables(tables: readonly string[]): string {
  const shown = tables.slice(0, LISTED_TABLES).join(', ');
  return tables.length > LISTED_TABLES ? `${shown} and ${tables.length - LISTED_TABLES} more` : shown;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export function classifyDatabase(target: StatusTarget, observed: DatabaseObservation | null, options: ClassifyOptions): DatabaseReport {
  const base = { key: target.key, target_database: target.targetDatabase, sync: target.sync, in_spec: target.inSpec };
  const recorded = target.publication !== null || target.slot !== null || target.subscription !== null;
  const warnings: string[] = [];
  if (!target.inSpec) warnings.push('the spec no longer lists this database: the next apply removes its replication');
  const cutover = target.cutover;
  const cutAt = cutover?.at ? ` at ${cutover.at}` : '';
  if (cutover?.fence) warnings.push(`writes on the source are fenced (${cutover.fence}) by pgrepl cutover; pgrepl cutover --undo-fence lifts the fence`);
  if (cutover?.state === 'dropped') {
    return {
      ...base, publication: null, subscription: null, slot: null, lag: null, health: 'paused', warnings,
      reasons: [`cut over${cutAt}: pgrepl cutover dropped the subscription and the slot, so replication has ended`],
    };
  }
  // After `cutover` with after: disable, a disabled subscription is what was asked for, whatever the spec says.
  const wantEnabled = target.wantEnabled && cutover?.state !== 'disabled';

  if (!recorded) {
    const empty = { publication: null, subscription: null, slot: null, lag: null };
    if (!target.sync) return { ...base, ...empty, health: 'snapshot-only', reasons: ['snapshot only: no replication (sync: false)'], warnings };
    return { ...base, ...empty, health: 'not-started', reasons: ['not started (run pgrepl apply)'], warnings };
  }
  if (!target.sync) warnings.push('the spec says sync: false: the next apply removes this replication');

  const broken: string[] = [];
  const lagging: string[] = [];
  const obs: DatabaseObservation = observed ?? {
    publication: null, slot: null, stream: null, subscription: null, targetDatabaseMissing: false, sourceDatabaseMissing: false,
  };

  // Publication.
  let publication: DatabaseReport['publication'] = null;
  if (target.publication === null) broken.push('no publication is recorded: apply did not finish (run pgrepl apply)');
  else {
    const exists = obs.publication?.exists === true;
    publication = { name: target.publication.name, exists };
    if (obs.sourceDatabaseMissing) broken.push(`source database ${JSON.stringify(target.publication.database)} does not exist`);
    else if (!exists) broken.push(`publication ${target.publication.name} does not exist on the source`);
  }

  // Slot.
  let slot: SlotReport | null = null;
  if (target.slot === null) broken.push('no replication slot is recorded: apply did not finish (run pgrepl apply)');
  else {
    const s = obs.slot;
    slot = {
      name: target.slot.name,
      exists: s?.exists === true,
      active: s?.exists === true ? s.active : null,
      wal_status: s?.walStatus ?? null,
      safe_wal_size: s?.safeWalSize ?? null,
      retained_bytes: s?.retainedBytes ?? null,
    };
    if (!slot.exists) broken.push(`replication slot ${target.slot.name} does not exist on the source: the target must be re-synchronised (pgrepl plan shows the repair)`);
    else if (slot.wal_status === 'lost') {
      broken.push(`replication slot ${target.slot.name} lost WAL it needed (wal_status lost): the target must be re-synchronised`);
    } else if (slot.wal_status === 'unreserved') {
      warnings.push(`replication slot ${target.slot.name} is past max_wal_size (wal_status unreserved): it loses WAL at the next checkpoint unless the subscriber catches up`);
    }
    if (slot.exists && slot.retained_bytes !== null && slot.active === false) {
      warnings.push(`replication slot ${target.slot.name} is inactive and keeps ${formatByteCount(slot.retained_bytes)} of WAL on the source`);
    }
  }

  // Subscription.
  let subscription: SubscriptionReport | null = null;
  if (target.subscription === null) broken.push('no subscription is recorded: apply did not finish, and the slot keeps WAL meanwhile (run pgrepl apply)');
  else {
    const name = target.subscription.name;
    const o = obs.subscription;
    const exists = o?.exists === true && !obs.targetDatabaseMissing;
    const tables = tableStates(o?.tables ?? [], obs.publication?.tables ?? null);
    const errors = exists && o?.errors ? { apply: o.errors.apply, sync: o.errors.sync, conflicts: o.errors.conflicts, stats_reset: o.errors.statsReset } : null;
    subscription = {
      name,
      exists,
      enabled: exists ? (o?.enabled ?? null) : null,
      worker_running: exists ? (o?.workerRunning ?? null) : null,
      tables,
      last_message_at: exists ? (o?.lastMessageAt ?? null) : null,
      errors,
    };
    if (obs.targetDatabaseMissing) broken.push(`target database ${JSON.stringify(target.subscription.database)} does not exist`);
    else if (!exists) broken.push(`subscription ${name} does not exist on the target`);
    else if (o !== null) {
      if (!o.enabled && wantEnabled) {
        broken.push(`subscription ${name} is disabled, but the spec wants it enabled (disabled by an error with disable_on_error, or by hand)`);
      }
      if (o.enabled && !wantEnabled) warnings.push(`the spec pauses subscription ${name}, but it is enabled (run pgrepl apply)`);
      if (o.enabled && !o.workerRunning) broken.push(`subscription ${name} is enabled but no apply worker is running (see the target's server log)`);
      if (o.enabled && o.workerRunning && slot?.exists === true && slot.active === false) {
        broken.push(`subscription ${name} has a worker, but replication slot ${slot.name} is not in use: the worker cannot reach the source`);
      }
      if (target.slot !== null && o.slotName !== null && o.slotName !== target.slot.name) {
        warnings.push(`subscription ${name} uses slot ${o.slotName}, not the recorded ${target.slot.name}`);
      }
      if (tables.unsubscribed.length > 0) {
        broken.push(
          `${plural(tables.unsubscribed.length, 'published table')} ${tables.unsubscribed.length === 1 ? 'is' : 'are'} in no subscription state ` +
            `(${listTables(tables.unsubscribed)}): their changes are not applied (run pgrepl apply to refresh the subscription)`,
        );
      }
      if (o.errors !== null) errorFindings(o.errors, options.previousErrors ?? null, broken, warnings);
    }
  }

  // Lag.
  const lag = lagOf(obs, slot);
  if (obs.stream?.detailsHidden === true) {
    warnings.push('the source role may not see pg_stat_replication details, so the time lag is unknown (GRANT pg_read_all_stats to it)');
  }
  if (options.maxLag !== null && lag !== null && !lag.caught_up) {
    const limit = options.maxLag;
    if (limit.kind === 'bytes' && lag.bytes !== null && lag.bytes > limit.bytes) {
      lagging.push(`byte lag ${formatByteCount(lag.bytes)} exceeds --max-lag ${limit.text}`);
    }
    if (limit.kind === 'time') {
      if (lag.seconds === null) {
        lagging.push(`time lag unknown (no streaming walsender for the subscription${lag.bytes === null ? '' : `; ${formatByteCount(lag.bytes)} behind`}), so it cannot be shown to be within --max-lag ${limit.text}`);
      } else if (lag.seconds * 1000 > limit.milliseconds) {
        lagging.push(`time lag ${formatLagSeconds(lag.seconds)} exceeds --max-lag ${limit.text}`);
      }
    }
  }

  const syncing = subscription !== null && subscription.exists ? subscription.tables.syncing : 0;
  const paused = subscription?.exists === true && subscription.enabled === false && !wantEnabled;
  const pausedReason =
    cutover?.state === 'disabled'
      ? `cut over${cutAt}: pgrepl cutover disabled subscription ${subscription?.name ?? ''}; the slot keeps WAL on the source until it is dropped`
      : `subscription ${subscription?.name ?? ''} is disabled, as the spec asks (subscription.enabled: false); the slot keeps WAL meanwhile`;
  let health: Health;
  let reasons: string[];
  if (broken.length > 0) [health, reasons] = ['broken', [...broken, ...lagging]];
  else if (lagging.length > 0) [health, reasons] = ['lagging', lagging];
  else if (paused) [health, reasons] = ['paused', [pausedReason]];
  else if (syncing > 0 && subscription !== null) {
    const names = subscription.tables.not_ready.map((t) => `${t.table} (${t.state})`);
    [health, reasons] = ['syncing', [`${plural(syncing, 'table')} still in the initial copy: ${listTables(names)}`]];
  } else [health, reasons] = ['healthy', []];
  return { ...base, publication, subscription, slot, lag, health, reasons, warnings };
}

function tableStates(rels: readonly { readonly table: string; readonly state: string }[], published: readonly string[] | null): TablesReport {
  const byState: Record<string, number> = Object.fromEntries(REL_STATES.map((s) => [REL_STATE_NAMES[s], 0]));
  const notReady: { table: string; state: string }[] = [];
  for (const rel of rels) {
    const name = REL_STATE_NAMES[rel.state as keyof typeof REL_STATE_NAMES] ?? rel.state;
    byState[name] = (byState[name] ?? 0) + 1;
    if (rel.state !== 'r') notReady.push({ table: rel.table, state: name });
  }
  const known = new Set(rels.map((r) => r.table));
  const unsubscribed = (published ?? []).filter((t) => !known.has(t));
  return { ready: byState['ready'] ?? 0, syncing: notReady.length, by_state: byState, not_ready: notReady, unsubscribed };
}

function errorFindings(
  errors: { readonly apply: number; readonly sync: number; readonly conflicts: Readonly<Record<string, number>>; readonly statsReset: string | null },
  previous: { readonly apply: number; readonly sync: number } | null,
  broken: string[],
  warnings: string[],
): void {
  const since = errors.statsReset === null ? 'since the statistics were last reset' : `since ${errors.statsReset}`;
  for (const [kind, count, before] of [['apply', errors.apply, previous?.apply], ['table sync', errors.sync, previous?.sync]] as const) {
    if (before !== undefined && count > before) broken.push(`${kind} errors are rising: ${before} -> ${count} since the last read (see the target's server log)`);
    else if (count > 0) warnings.push(`${plural(count, `${kind} error`)} ${since}`);
  }
  const conflicts = Object.entries(errors.conflicts).filter(([, n]) => n > 0);
  if (conflicts.length > 0) warnings.push(`conflicts ${since}: ${conflicts.map(([k, n]) => `${k} ${n}`).join(', ')}`);
}

/**
 * Byte lag from the slot; time lag from the walsender. NULL-safe: replay_lag is NULL on an idle stream, and a
 * streaming walsender whose subscriber confirmed everything it was sent is caught up, not lagging.
 */
function lagOf(obs: DatabaseObservation, slot: SlotReport | null): LagReport | null {
  if (slot === null || !slot.exists) return null;
  const bytes = obs.slot?.lagBytes ?? null;
  const stream = obs.stream;
  const idleAndConfirmed =
    stream !== null && stream.state === 'streaming' && stream.replayLagSeconds === null && (stream.unconfirmedBytes === null || stream.unconfirmedBytes <= 0);
  const caughtUp = bytes === 0 || idleAndConfirmed;
  const seconds = stream?.replayLagSeconds ?? (caughtUp ? 0 : null);
  return { bytes, seconds, caught_up: caughtUp };
}
