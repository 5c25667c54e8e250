// The fingerprint of the live state a plan was made from (CONTRACTS.md, Plans): sha256 of a canonical JSON (object
// keys sorted, arrays kept in order) of whatever the caller passes. The caller passes what decides the plan: which
// objects exist, their definitions and options, the state serial. It must leave out what moves on a busy server
// without changing the plan (statistics, sizes, row estimates, LSNs, lag, sequence values), or every saved plan
// would be stale by the time it is applied; stripVolatile() removes the known field names of those.
import { createHash } from 'node:crypto';

/** Field names that change on a live server without changing what pgrepl would do. */
export const VOLATILE_FIELDS: ReadonlySet<string> = new Set([
  'statistics', 'stats', 'sizeBytes', 'totalBytes', 'rowEstimate', 'reltuples', 'relpages', 'estimate',
  'lsn', 'currentLsn', 'confirmedFlushLsn', 'restartLsn', 'lag', 'lagBytes', 'lagSeconds', 'retainedWalBytes',
  'safeWalSize', 'lastValue', 'isCalled', 'lastMessageAt', 'errorCount', 'applyErrorCount', 'syncErrorCount',
]);

/** A deep copy without the fields named in `fields` (at any depth). */
export function stripVolatile(value: unknown, fields: ReadonlySet<string> = VOLATILE_FIELDS): unknown {
  if (Array.isArray(value)) return value.map((v: unknown) => stripVolatile(v, fields));
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!fields.has(k)) out[k] = stripVolatile(v, fields);
  return out;
}

/** JSON with object keys in code-point order; refuses values JSON cannot carry exactly instead of guessing. */
export function canonicalJson(value: unknown, path = '$'): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`fingerprint: ${path} is ${value}, which JSON cannot hold`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map((v: unknown, i) => (v === undefined ? 'null' : canonicalJson(v, `${path}[${i}]`))).join(',')}]`;
  if (typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v, `${path}.${k}`)}`).join(',')}}`;
  }
  throw new Error(`fingerprint: ${path} is a ${typeof value}, which JSON cannot hold`);
}

/** `sha256:<hex>` of canonicalJson(parts). */
export function fingerprint(parts: unknown): string {
  return `sha256:${createHash('sha256').update(canonicalJson(parts), 'utf8').digest('hex')}`;
}
