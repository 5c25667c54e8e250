// What the target role must be allowed to do: create subscriptions (superuser, or pg_create_subscription on 16+
// with CREATE on the database), create the databases that do not exist yet (CREATEDB), and the workers the
// subscriptions will need.
import type { ServerFacts, SubscriptionFacts } from '../../pg/catalog/validate/types.js';
import type { DatabaseSpec } from '../../spec/model.js';
import { fail, ok, skip, type CheckResult } from '../result.js';
import { databaseSubject, major, quoteIdent } from '../subjects.js';

/** Why this role may not create subscriptions, or null when it may (CREATE on the database aside). */
export function subscriptionRefusal(facts: ServerFacts): string | null {
  const role = facts.role;
  if (role.superuser || role.memberOf.includes('rds_superuser')) return null;
  if (facts.versionNum < 160000) {
    return `before PostgreSQL 16 only a superuser may create subscriptions, and role ${role.name} is not one (the target runs ${major(facts.versionNum)})`;
  }
  if (!role.memberOf.includes('pg_create_subscription')) {
    return `role ${role.name} is neither a superuser nor a member of pg_create_subscription`;
  }
  return null;
}

export function targetDatabaseExists(facts: ServerFacts, db: DatabaseSpec): boolean {
  return facts.databases.some((d) => d.name === db.targetDatabase);
}

export function checkSubscriptionRight(facts: ServerFacts | null, synced: readonly DatabaseSpec[]): CheckResult[] {
  const id = 'target.role.subscription';
  if (!facts) return [skip(id, 'the target is unreachable', { subject: 'target' })];
  if (synced.length === 0) return [skip(id, 'no database is synced, so no subscription is needed', { subject: 'target' })];
  const role = facts.role;
  const r = quoteIdent(role.name);
  const refusal = subscriptionRefusal(facts);
  if (refusal !== null) {
    const fix =
      facts.versionNum < 160000
        ? ['Connect to the target as a superuser, or use a PostgreSQL 16+ target and:', `GRANT pg_create_subscription TO ${r};`]
        : [`GRANT pg_create_subscription TO ${r};`];
    return [fail(id, refusal, { subject: 'target', fix, details: { role: role.name } })];
  }
  const out: CheckResult[] = [];
  const how = role.superuser ? 'is a superuser' : role.memberOf.includes('rds_superuser') ? 'is a member of rds_superuser' : 'is a member of pg_create_subscription';
  out.push(ok(id, `role ${role.name} ${how} and may create subscriptions`, { subject: 'target' }));
  if (!role.superuser) {
    for (const db of synced) {
      const target = facts.databases.find((d) => d.name === db.targetDatabase);
      // A database the role creates itself is its own, with CREATE.
      if (!target || target.canCreate) continue;
      out.push(
        fail('target.role.create', `role ${role.name} lacks CREATE on target database ${db.targetDatabase}: it cannot create the subscription there`, {
          subject: databaseSubject(db.key),
          fix: [`GRANT CREATE ON DATABASE ${quoteIdent(db.targetDatabase)} TO ${r};`],
          details: { role: role.name, database: db.targetDatabase, privilege: 'CREATE' },
        }),
      );
    }
  }
  return out;
}

export function checkCreatedb(facts: ServerFacts | null, databases: readonly DatabaseSpec[]): CheckResult {
  const id = 'target.role.createdb';
  if (!facts) return skip(id, 'the target is unreachable', { subject: 'target' });
  const missing = databases.filter((db) => !targetDatabaseExists(facts, db)).map((db) => db.targetDatabase);
  if (missing.length === 0) return ok(id, 'every target database exists already', { subject: 'target' });
  const role = facts.role;
  const list = missing.join(', ');
  if (role.superuser || role.createdb) {
    return ok(id, `role ${role.name} may create the missing target database${missing.length === 1 ? '' : 's'} ${list}`, {
      subject: 'target',
      details: { missing },
    });
  }
  const r = quoteIdent(role.name);
  return fail(id, `role ${role.name} lacks CREATEDB and target database${missing.length === 1 ? '' : 's'} ${list} must be created`, {
    subject: 'target',
    fix: [`ALTER ROLE ${r} CREATEDB;`, ...missing.map((d) => `-- or, as an administrator: CREATE DATABASE ${quoteIdent(d)} OWNER ${r};`)],
    details: { role: role.name, missing, privilege: 'CREATEDB' },
  });
}

function isOwnSubscription(s: SubscriptionFacts, db: DatabaseSpec): boolean {
  if (s.database !== db.targetDatabase) return false;
  return db.names.subscription !== undefined ? s.name === db.names.subscription : s.name.startsWith('pgrepl_');
}

export function checkWorkers(facts: ServerFacts | null, synced: readonly DatabaseSpec[]): CheckResult[] {
  const id = 'target.workers';
  if (!facts) return [skip(id, 'the target is unreachable', { subject: 'target' })];
  if (synced.length === 0) return [skip(id, 'no database is synced, so no apply worker is needed', { subject: 'target' })];
  const maxLogical = Number(facts.settings.max_logical_replication_workers ?? '0');
  const maxWorkers = Number(facts.settings.max_worker_processes ?? '0');
  const inUse = facts.logicalWorkers;
  const needed = synced.filter((db) => !facts.subscriptions.some((s) => isOwnSubscription(s, db))).length;
  const details = { max_logical_replication_workers: maxLogical, max_worker_processes: maxWorkers, inUse, needed };
  const out: CheckResult[] = [];
  const freeLogical = Math.max(0, maxLogical - inUse);
  if (needed > freeLogical) {
    out.push(
      fail(
        id,
        `max_logical_replication_workers = ${maxLogical} with ${inUse} running leaves ${freeLogical}; ${needed} more apply worker${needed === 1 ? '' : 's'} needed (one per subscription)`,
        {
          subject: 'target',
          fix: [`ALTER SYSTEM SET max_logical_replication_workers = ${inUse + needed + 2};`, '-- then restart the target server'],
          details,
        },
      ),
    );
  }
  // The launcher is a background worker too, and every logical worker comes out of max_worker_processes.
  const workersNeeded = inUse + needed + 1;
  if (maxWorkers < workersNeeded) {
    out.push(
      fail(id, `max_worker_processes = ${maxWorkers} is below the ${workersNeeded} background workers replication needs (the launcher, running and new apply workers)`, {
        subject: 'target',
        fix: [`ALTER SYSTEM SET max_worker_processes = ${Math.max(workersNeeded + 2, maxLogical + 2)};`, '-- then restart the target server'],
        details,
      }),
    );
  }
  if (out.length === 0) {
    out.push(ok(id, `${freeLogical} of ${maxLogical} logical replication workers free, ${needed} needed`, { subject: 'target', details }));
  }
  return out;
}
