// What a lock file records about its holder, and how pgrepl names the holder to people. Checked by hand rather
// than with ajv: the lock is read in tight loops and by the smallest possible code path.
import type { ProcessStart } from './process-identity.js';

export const LOCK_FORMAT_VERSION = 1;

export interface LockInfo {
  readonly version: typeof LOCK_FORMAT_VERSION;
  /** A UUID; `pgrepl force-unlock <id>` removes only the lock with this id. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
  /** `pid:[…]` on Linux: a pid means nothing in another pid namespace (another container). */
  readonly pid_namespace: string | null;
  /** null where /proc does not say (not Linux): then only the pid is checked. */
  readonly process_start: ProcessStart | null;
  /** When the holder process started (wall clock, ISO 8601 UTC), for people; null where /proc does not say. */
  readonly process_started_at: string | null;
  /** The pgrepl command holding the lock, e.g. `apply`. */
  readonly command: string;
  readonly user: string;
  /** ISO 8601 UTC. */
  readonly created_at: string;
}

/** The lock file's content, or null when it is not a lock pgrepl wrote. */
export function parseLockInfo(text: string): LockInfo | null {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Readonly<Record<string, unknown>>;
  const start = r['process_start'];
  const startOk =
    start === null ||
    (typeof start === 'object' &&
      typeof (start as Readonly<Record<string, unknown>>)['boot_id'] === 'string' &&
      Number.isSafeInteger((start as Readonly<Record<string, unknown>>)['start_ticks']));
  const ok =
    r['version'] === LOCK_FORMAT_VERSION &&
    typeof r['id'] === 'string' &&
    typeof r['host'] === 'string' &&
    Number.isSafeInteger(r['pid']) &&
    (r['pid_namespace'] === null || typeof r['pid_namespace'] === 'string') &&
    startOk &&
    (r['process_started_at'] === null || typeof r['process_started_at'] === 'string') &&
    typeof r['command'] === 'string' &&
    typeof r['user'] === 'string' &&
    typeof r['created_at'] === 'string' &&
    !Number.isNaN(Date.parse(r['created_at']));
  return ok ? (r as unknown as LockInfo) : null;
}

/** `pgrepl apply (pid 1234 on host x, since 10:41:03 UTC)`; the date is added when it is not today (UTC). */
export function describeLockHolder(info: LockInfo, now: Date = new Date()): string {
  const created = new Date(info.created_at);
  const iso = created.toISOString();
  const sameDay = iso.slice(0, 10) === now.toISOString().slice(0, 10);
  const since = `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 19)} UTC`;
  return `pgrepl ${info.command} (pid ${info.pid} on host ${info.host}, since ${since})`;
}
