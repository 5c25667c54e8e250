// Runs every pure check over the gathered input, in the order the report reads best: the spec, the servers,
// server-wide settings and roles, then database by database, then leftovers and the target-to-source probe.
import type { DatabaseSpec } from '../spec/model.js';
import { checkEncoding, checkLocale } from './checks/encoding.js';
import { checkExtensions } from './checks/extensions.js';
import { checkLeftovers } from './checks/leftovers.js';
import { checkReachSource } from './checks/reach-source.js';
import { checkStateBackend } from './checks/state-backend.js';
import { checkReplicaIdentity, checkUnlogged } from './checks/replica-identity.js';
import { checkRowFilters } from './checks/row-filters.js';
import { checkPooler, checkReachable, checkVersion, checkVersionOrder } from './checks/servers.js';
import { checkSlots, checkWalLevel, checkWalSenders } from './checks/source-server.js';
import {
  checkCreateOnDatabase,
  checkLargeObjects,
  checkOwnership,
  checkReplicationRole,
  checkRowSecurity,
  checkSchemaUsage,
  checkSelect,
  checkSequences,
} from './checks/source-role.js';
import { checkDatabaseNames, checkIncludeExclude, checkTableNames } from './checks/spec-names.js';
import { checkCreatedb, checkSubscriptionRight, checkWorkers } from './checks/target-role.js';
import type { DatabaseInput, ValidateInput } from './input.js';
import { fail, type CheckResult } from './result.js';
import { databaseSubject } from './subjects.js';

/** Databases that will get a publication, slot and subscription. */
export function syncedDatabases(databases: readonly DatabaseInput[]): DatabaseSpec[] {
  return databases
    .filter((d) => d.spec.sync && (d.scope === null || d.scope.tables.some((t) => t.mode === 'stream')))
    .map((d) => d.spec);
}

export function runChecks(input: ValidateInput): CheckResult[] {
  const out: CheckResult[] = [];
  const source = input.source.reachable ? input.source.facts : null;
  const target = input.target.reachable ? input.target.facts : null;
  const synced = syncedDatabases(input.databases);

  out.push(...checkIncludeExclude(input.spec), ...checkDatabaseNames(input.unmatchedDatabases, input.databaseConflicts));
  out.push(checkReachable('source', input.source), checkVersion('source', input.source));
  if (input.source.reachable || input.source.pooler) out.push(checkPooler(input.source));
  out.push(checkReachable('target', input.target), checkVersion('target', input.target));
  out.push(checkVersionOrder(input.source, input.target));

  out.push(checkWalLevel(source, synced), checkSlots(source, synced), checkWalSenders(source, synced));
  out.push(checkReplicationRole(source, synced));
  out.push(...checkSubscriptionRight(target, synced), checkCreatedb(target, input.databases.map((d) => d.spec)));
  out.push(...checkWorkers(target, synced));

  for (const d of input.databases) {
    const subject = databaseSubject(d.spec.key);
    if (d.catalog && !d.catalog.ok) {
      out.push(fail('source.database', `cannot read source database ${d.spec.key}: ${d.catalog.error.message}`, { subject }));
      continue;
    }
    if (!source || !d.scope) continue;
    const scope = d.scope;
    out.push(...checkTableNames(scope));
    out.push(checkCreateOnDatabase(source, scope));
    out.push(...checkOwnership(source, scope), ...checkSelect(source, scope), ...checkSchemaUsage(source, scope));
    out.push(...checkSequences(source, scope), ...checkRowSecurity(source, scope), checkLargeObjects(source, scope));
    out.push(...checkReplicaIdentity(scope), ...checkUnlogged(scope));
    out.push(...checkRowFilters(scope, source.versionNum, input.filterProbes));
    out.push(checkEncoding(source, target, d.spec), checkLocale(source, target, d.spec));
    out.push(...checkExtensions(scope.catalog, target));
  }

  const catalogs = input.databases.flatMap((d) => (d.catalog?.ok ? [d.catalog.catalog] : []));
  out.push(...checkLeftovers(source, target, catalogs));
  out.push(...checkReachSource(input.subscriptionProbes));
  out.push(...checkStateBackend(input.state));
  return out;
}
