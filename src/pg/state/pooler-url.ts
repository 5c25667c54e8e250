// What a state URL says about a transaction-mode pooler before anything connects. The state lock is a session
// advisory lock: behind PgBouncer in transaction mode, Supavisor or a Neon "-pooler" endpoint the session that
// took it is not the one the next statement runs on, so the lock would protect nothing. The live probes (a
// dropped `options` parameter, two sessions sharing a backend, the lock not visible from the next statement) are
// in state-session.ts and ../pooler.ts; these are the signs in the URL itself. Pure.
import type { ConnInfo } from '../conninfo/types.js';

/** The reason the URL looks pooled, or null. `raw` is the URL as written (for `pgbouncer=true`, which the parser refuses). */
export function poolerUrlEvidence(raw: string, ci: ConnInfo | null): string | null {
  if (/[?&\s]pgbouncer=(true|1)\b/i.test(raw) || /^\s*pgbouncer=(true|1)\b/i.test(raw)) return 'the URL says pgbouncer=true';
  if (ci === null) return null;
  const host = ci.host.toLowerCase();
  if (/-pooler\./.test(host)) return `the host ${ci.host} is a Neon pooled endpoint ("-pooler")`;
  if (host.endsWith('.pooler.supabase.com')) return `the host ${ci.host} is Supabase's connection pooler`;
  if (ci.port === 6543) return 'port 6543 is the transaction-mode pooler port of Supabase';
  if (ci.port === 6432) return "port 6432 is PgBouncer's default port";
  return null;
}
