// Whether a subscription is ready for the handoff (step 1): every table `r` in pg_subscription_rel, and the lag
// under --max-lag. A byte limit compares pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn); a duration
// compares pg_stat_replication.replay_lag, where NULL means caught up (an idle stream reports no lag), not unknown.
// Pure: the SQL that reads these lives in src/pg/cutover.
import type { LagLimit } from '../spec/model.js';

export interface ReadinessSample {
  /** Tables of the subscription that are not `r` yet, as `schema.table` with their srsubstate. */
  readonly notReady: readonly { readonly table: string; readonly state: string }[];
  readonly tableCount: number;
  /** Bytes between the source's current WAL position and the slot's confirmed_flush_lsn (null: not known). */
  readonly byteLag: number | null;
  /** pg_stat_replication.replay_lag in ms; null when caught up or idle. */
  readonly replayLagMs: number | null;
  /** A walsender serves the slot (pg_stat_replication has its row). */
  readonly streaming: boolean;
}

export interface ReadinessVerdict {
  readonly ready: boolean;
  /** What is still awaited, for the report; empty when ready. */
  readonly waitingFor: readonly string[];
}

const STATE_NAMES: Readonly<Record<string, string>> = { i: 'init', d: 'copying', f: 'copied', s: 'synced', r: 'ready' };

export function formatBytes(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let v = bytes;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 ? String(v) : v.toFixed(1)} ${units[i] ?? 'B'}`;
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Number((ms / 60_000).toFixed(1))} min`;
}

/** Whether the lag is under the limit; a time limit with no replay_lag (idle, caught up) passes. */
export function lagWithin(limit: LagLimit | null, sample: Pick<ReadinessSample, 'byteLag' | 'replayLagMs' | 'streaming'>): { readonly ok: boolean; readonly text: string } {
  if (limit === null) return { ok: true, text: '' };
  if (limit.kind === 'bytes') {
    if (sample.byteLag === null) return { ok: false, text: 'byte lag unknown' };
    const ok = sample.byteLag < limit.bytes;
    return { ok, text: `byte lag ${formatBytes(sample.byteLag)}${ok ? ' <' : ' >='} ${limit.text}` };
  }
  // replay_lag is NULL both when idle and when no walsender runs; only the first means caught up.
  if (!sample.streaming) return { ok: false, text: 'no walsender serves the slot (the subscription worker is not connected)' };
  if (sample.replayLagMs === null) return { ok: true, text: 'caught up (no replay lag)' };
  const ok = sample.replayLagMs < limit.milliseconds;
  return { ok, text: `replay lag ${formatMs(sample.replayLagMs)}${ok ? ' <' : ' >='} ${limit.text}` };
}

export function readinessVerdict(limit: LagLimit | null, sample: ReadinessSample): ReadinessVerdict {
  const waitingFor: string[] = [];
  if (sample.notReady.length > 0) {
    const shown = sample.notReady.slice(0, 3).map((t) => `${t.table} ${STATE_NAMES[t.state] ?? t.state}`);
    const more = sample.notReady.length > 3 ? ` and ${sample.notReady.length - 3} more` : '';
    waitingFor.push(`${sample.notReady.length} of ${sample.tableCount} tables not ready (${shown.join(', ')}${more})`);
  }
  const lag = lagWithin(limit, sample);
  if (!lag.ok) waitingFor.push(lag.text);
  return { ready: waitingFor.length === 0, waitingFor };
}
