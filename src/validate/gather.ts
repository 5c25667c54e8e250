// Gathers everything the checks need: parse both connection strings, probe both servers (in parallel), choose
// the databases, read each one's catalog, then run the row-filter and subscription probes the scope calls for.
// All server I/O goes through src/pg/catalog/validate/probe-io.ts; this file only decides what to ask.
import { forDatabase } from '../pg/conninfo/for-database.js';
import { parseConnString } from '../pg/conninfo/parse.js';
import { toSubscriptionConninfo } from '../pg/conninfo/subscription.js';
import type { ConnInfo } from '../pg/conninfo/types.js';
import {
  probeServer,
  probeSourceFilters,
  probeTargetReachesSource,
  readCatalog,
  type SubscriptionProbeTarget,
} from '../pg/catalog/validate/probe-io.js';
import type { FilterProbeResult, ServerFacts, ServerProbe } from '../pg/catalog/validate/types.js';
import type { DatabaseSpec, Spec } from '../spec/model.js';
import { selectDatabases } from '../spec/scope.js';
import { subscriptionRefusal } from './checks/target-role.js';
import { filterProbeRequests } from './filter-plan.js';
import type { DatabaseInput, SubscriptionProbes, ValidateInput } from './input.js';
import { syncedDatabases } from './run-checks.js';
import { scopeDatabase } from './scope.js';
import { probeState } from './state-probe.js';

/** How long the target waits for the source in the subscription probe, unless the conninfo says otherwise. */
export const PROBE_CONNECT_TIMEOUT_SECONDS = 10;

export interface GatherOptions {
  readonly env?: NodeJS.ProcessEnv;
}

export function parseServers(spec: Spec, env: NodeJS.ProcessEnv): { source: ConnInfo; target: ConnInfo } {
  return {
    source: parseConnString(spec.source.url, { env, defaultDatabase: 'postgres' }),
    target: parseConnString(spec.target.url, { env, defaultDatabase: 'postgres' }),
  };
}

/** Where the probe subscription can be created, or why it cannot. */
export function planSubscriptionProbe(
  target: ServerProbe,
  sourceReachable: boolean,
  targetDatabase: string,
  synced: readonly DatabaseSpec[],
): { runIn: string } | { reason: string } {
  if (!target.reachable) return { reason: 'the target is unreachable' };
  if (!sourceReachable) return { reason: 'the source is unreachable from here, so the probe would prove nothing new' };
  if (synced.length === 0) return { reason: 'no database is synced, so the target never connects to the source' };
  const facts: ServerFacts = target.facts;
  const refusal = subscriptionRefusal(facts);
  if (refusal !== null) return { reason: `the probe needs a role that may create subscriptions: ${refusal}` };
  const usable = (name: string): boolean => {
    const d = facts.databases.find((x) => x.name === name);
    return d !== undefined && d.allowConnections && d.canConnect && (facts.role.superuser || d.canCreate);
  };
  if (usable(targetDatabase)) return { runIn: targetDatabase };
  const other = synced.map((db) => db.targetDatabase).find(usable);
  if (other !== undefined) return { runIn: other };
  return {
    reason: `role ${facts.role.name} has CREATE on none of the existing target databases (${targetDatabase}${synced.length > 0 ? ', ' + synced.map((d) => d.targetDatabase).join(', ') : ''}) to hold the probe subscription`,
  };
}

/** The conninfo the target would use for one source database: subscription.conninfo, or the source URL's. */
function subscriptionConninfo(source: ConnInfo, db: DatabaseSpec, env: NodeJS.ProcessEnv): { conninfo: string; password?: string } {
  const base = db.subscription.conninfo !== undefined ? parseConnString(db.subscription.conninfo, { env, defaultDatabase: db.key }) : source;
  const ci = forDatabase(base, db.key, () => undefined);
  const withTimeout = ci.connectTimeoutSeconds === undefined ? { ...ci, connectTimeoutSeconds: PROBE_CONNECT_TIMEOUT_SECONDS } : ci;
  return { conninfo: toSubscriptionConninfo(withTimeout, { includePassword: true }), ...(ci.password ? { password: ci.password } : {}) };
}

export async function gatherInput(spec: Spec, opts: GatherOptions = {}): Promise<ValidateInput> {
  const env = opts.env ?? process.env;
  const ci = parseServers(spec, env);
  const [source, target] = await Promise.all([
    probeServer(ci.source, 'source', { extensions: false, pooler: true }),
    probeServer(ci.target, 'target', { extensions: true, pooler: false }),
  ]);

  let chosen: DatabaseSpec[];
  let unmatched: ValidateInput['unmatchedDatabases'] = [];
  let conflicts: ValidateInput['databaseConflicts'] = [];
  if (source.reachable) {
    const available = source.facts.databases.filter((d) => !d.isTemplate && d.allowConnections).map((d) => d.name);
    const choice = selectDatabases(spec, available);
    chosen = choice.databases;
    unmatched = choice.unmatched.map((u) => ({ name: u.name, suggestions: u.suggestions, list: u.source }));
    conflicts = choice.conflicts;
  } else {
    chosen = [...spec.databases];
  }

  const databases: DatabaseInput[] = [];
  const filterProbes: FilterProbeResult[] = [];
  for (const db of chosen) {
    if (!source.reachable) {
      databases.push({ spec: db, catalog: null, scope: null });
      continue;
    }
    const catalog = await readCatalog(ci.source, db.key);
    const scope = catalog.ok ? scopeDatabase(db, catalog.catalog) : null;
    databases.push({ spec: db, catalog, scope });
    if (scope) filterProbes.push(...(await probeSourceFilters(ci.source, db.key, filterProbeRequests(scope, source.facts.versionNum))));
  }

  const synced = syncedDatabases(databases);
  const plan = planSubscriptionProbe(target, source.reachable, ci.target.database, synced);
  let subscriptionProbes: SubscriptionProbes;
  if ('reason' in plan) {
    subscriptionProbes = { ran: false, reason: plan.reason };
  } else {
    const secrets: (string | undefined)[] = [ci.source.password];
    const probes: SubscriptionProbeTarget[] = synced.map((db) => {
      const s = subscriptionConninfo(ci.source, db, env);
      secrets.push(s.password);
      return { database: db.key, conninfo: s.conninfo };
    });
    const results = await probeTargetReachesSource(ci.target, plan.runIn, probes, secrets);
    subscriptionProbes = { ran: true, results, probedIn: plan.runIn };
  }

  return { spec, source, target, databases, unmatchedDatabases: unmatched, databaseConflicts: conflicts, filterProbes, subscriptionProbes, state: await probeState(spec, env) };
}
