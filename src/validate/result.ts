// The result of one validate check: what `--json` prints one per line and the human renderer prints as ✓ ✗ ! -.
// Checks never throw for a finding; they return results. Only a broken invariant throws.

export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skip';

export interface CheckResult {
  /** Stable, dotted check id, e.g. `source.wal_level`, `tables.replica_identity`. */
  readonly id: string;
  readonly status: CheckStatus;
  /** What the result is about: `source`, `target`, a database key, or `shop.public.orders`. */
  readonly subject?: string;
  /** One sentence for the user; for `skip`, why the check was skipped. */
  readonly message: string;
  /** Exact SQL or setting lines that fix the finding (a line starting with `--` or a word is prose). */
  readonly fix?: readonly string[];
  /** Structured facts behind the message, for --json consumers. */
  readonly details?: Readonly<Record<string, unknown>>;
}

export function ok(id: string, message: string, extra: Partial<Omit<CheckResult, 'id' | 'status' | 'message'>> = {}): CheckResult {
  return { id, status: 'ok', message, ...extra };
}

export function fail(id: string, message: string, extra: Partial<Omit<CheckResult, 'id' | 'status' | 'message'>> = {}): CheckResult {
  return { id, status: 'fail', message, ...extra };
}

export function warn(id: string, message: string, extra: Partial<Omit<CheckResult, 'id' | 'status' | 'message'>> = {}): CheckResult {
  return { id, status: 'warn', message, ...extra };
}

export function skip(id: string, message: string, extra: Partial<Omit<CheckResult, 'id' | 'status' | 'message'>> = {}): CheckResult {
  return { id, status: 'skip', message, ...extra };
}

/** Exit code of `pgrepl validate`: 1 when any check failed, warnings allowed. */
export function exitCodeOf(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
