// Whether the target can open a connection to the source, as its subscriptions will. Only the target can prove
// it (its network, its DNS, the source's pg_hba for the target's address): the probe subscription did it, or we
// say why it could not run.
import type { SubscriptionProbes } from '../input.js';
import { fail, ok, skip, type CheckResult } from '../result.js';
import { databaseSubject } from '../subjects.js';

export function checkReachSource(probes: SubscriptionProbes): CheckResult[] {
  const id = 'target.reaches_source';
  if (!probes.ran) return [skip(id, probes.reason, { subject: 'target' })];
  if (probes.results.length === 0) return [skip(id, 'no database is synced', { subject: 'target' })];
  return probes.results.map((r) => {
    const subject = databaseSubject(r.database);
    if (r.ok) {
      return ok(id, `the target connects to source database ${r.database} (probe subscription in ${probes.probedIn}, rolled back)`, { subject });
    }
    const e = r.error;
    const fix: string[] = [];
    if (e.detail) fix.push(`-- DETAIL: ${e.detail}`);
    if (e.hint) fix.push(`-- HINT: ${e.hint}`);
    const text = `${e.message} ${e.detail ?? ''}`;
    if (/start (WAL sender|walsender)|REPLICATION attribute|replication role|replication permission/i.test(text)) {
      fix.push('-- the source role needs REPLICATION to stream (see source.role.replication)');
    } else if (/password authentication failed/i.test(text)) {
      fix.push('-- the source refused the password the target sent: check the password in the source URL or subscription.conninfo');
    } else if (/password is required|must provide a password/i.test(text)) {
      fix.push('-- from PostgreSQL 16 a non-superuser subscription owner must put a password in the connection string,');
      fix.push('-- and the source must ask for one (not trust): give the source URL a password, or set subscription.conninfo');
    } else {
      fix.push('-- the target server itself connects: check the host name as the target resolves it, firewalls, and the');
      fix.push("-- source's pg_hba.conf for the target's address; set subscription.conninfo when the target needs another address");
    }
    return fail(id, `the target cannot connect to source database ${r.database}: ${e.message}`, {
      subject,
      fix,
      details: { ...(e.code ? { code: e.code } : {}) },
    });
  });
}
