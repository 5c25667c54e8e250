// The I/O of `pgrepl validate`, one function per kind of probe. Each opens its own session(s) through connect()
// (pgrepl's session settings; source sessions READ ONLY), always closes them, and turns every failure into data
// (a ServerProbe that is unreachable, a CatalogProbe that failed, a failed probe result) with no secret in it, so
// the pure checks can report it. Nothing here changes a server: the probes run inside BEGIN … ROLLBACK.
import { PgreplError } from '../../../util/errors.js';
import { displayName } from '../../conninfo/display.js';
import type { ConnInfo } from '../../conninfo/types.js';
import { connect, PoolerError } from '../../connect.js';
import { detectPooler } from '../../pooler.js';
import { withClient } from '../../session.js';
import { readDatabaseCatalog } from './database-catalog.js';
import { probeFilters } from './filter-probe.js';
import { toProbeError } from './probe-error.js';
import { readServerFacts } from './server-facts.js';
import { probeSubscription } from './subscription-probe.js';
import type {
  CatalogProbe,
  FilterProbeRequest,
  FilterProbeResult,
  PoolerFinding,
  ProbeError,
  ServerProbe,
  SubscriptionProbeResult,
} from './types.js';

type Side = 'source' | 'target';

/** A connection failure: connect() already names the server by its display form; keep the root cause's code. */
function connectionError(e: unknown, ci: ConnInfo): ProbeError {
  const err = toProbeError(e, [ci.password]);
  const cause = e instanceof PgreplError ? e.cause : undefined;
  const code = err.code ?? (cause === undefined ? undefined : toProbeError(cause, [ci.password]).code);
  const hints = e instanceof PgreplError ? e.hints.join('; ') : '';
  return {
    message: err.message,
    ...(code ? { code } : {}),
    ...(err.detail ? { detail: err.detail } : {}),
    ...(hints ? { hint: toProbeError(new Error(hints), [ci.password]).message } : err.hint ? { hint: err.hint } : {}),
  };
}

async function poolerFinding(ci: ConnInfo, side: Side): Promise<PoolerFinding> {
  try {
    const d = await detectPooler(ci, { side });
    if (d.pooled) return { detected: true, reason: toProbeError(new Error(d.evidence), [ci.password]).message };
    return { detected: false, reason: d.notes.join('; ') };
  } catch (e) {
    return { detected: false, reason: `could not check: ${toProbeError(e, [ci.password]).message}` };
  }
}

/** Connects to a server and reads its cluster-wide facts; optionally probes for a transaction-mode pooler. */
export async function probeServer(ci: ConnInfo, side: Side, opts: { extensions: boolean; pooler: boolean }): Promise<ServerProbe> {
  const display = displayName(ci);
  try {
    const facts = await withClient(ci, { side }, (client) => readServerFacts(client, { extensions: opts.extensions }));
    const pooler = opts.pooler ? await poolerFinding(ci, side) : null;
    return { reachable: true, display, facts, pooler };
  } catch (e) {
    const error = connectionError(e, ci);
    // A pooler that refuses or drops pgrepl's startup settings fails connect() itself.
    if (e instanceof PoolerError) return { reachable: false, display, error, pooler: { detected: true, reason: error.message } };
    return { reachable: false, display, error };
  }
}

/** Reads one source database's catalog. */
export async function readCatalog(ci: ConnInfo, database: string): Promise<CatalogProbe> {
  try {
    const catalog = await withClient(ci, { side: 'source', database }, (client) => readDatabaseCatalog(client, database));
    return { ok: true, catalog };
  } catch (e) {
    return { ok: false, database, error: connectionError(e, ci) };
  }
}

/** Probes a database's row filters in one rolled-back transaction on the source. */
export async function probeSourceFilters(ci: ConnInfo, database: string, requests: readonly FilterProbeRequest[]): Promise<FilterProbeResult[]> {
  if (requests.length === 0) return [];
  try {
    return await withClient(ci, { side: 'source', database }, (client) => probeFilters(client, requests));
  } catch (e) {
    const error = connectionError(e, ci);
    return requests.map((r) => ({ key: r.key, ok: false, expression: null, error }));
  }
}

export interface SubscriptionProbeTarget {
  /** The source database the subscription would read. */
  readonly database: string;
  /** The conninfo the target would use; holds the password. */
  readonly conninfo: string;
}

/**
 * On the target, in database `runIn`, creates and rolls back one probe subscription per source database.
 * `secrets` are removed from every error.
 */
export async function probeTargetReachesSource(
  targetCi: ConnInfo,
  runIn: string,
  probes: readonly SubscriptionProbeTarget[],
  secrets: readonly (string | undefined)[],
): Promise<SubscriptionProbeResult[]> {
  const all = [...secrets, targetCi.password];
  let client;
  try {
    client = await connect(targetCi, { side: 'target', database: runIn });
  } catch (e) {
    const error = connectionError(e, targetCi);
    return probes.map((p) => ({ ok: false, database: p.database, error: { ...error, message: toProbeError(new Error(error.message), all).message } }));
  }
  try {
    const results: SubscriptionProbeResult[] = [];
    for (const p of probes) results.push(await probeSubscription(client, p.database, p.conninfo, all));
    return results;
  } finally {
    await client.end().catch(() => undefined);
  }
}
