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

/** Sets become sorted arrays and Maps objects: canonicalJson would otherwise see them as `{}` and miss every change. */
export function plain(value: unknown): unknown {
  if (value instanceof Set) return [...(value as Set<unknown>)].map(plain).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
  if (value instanceof Map) return Object.fromEntries([...(value as Map<unknown, unknown>)].map(([k, v]) => [String(k), plain(v)]));
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = plain(v);
  return out;
}

/** Thrown inside the walk at a value JSON cannot hold; the composition then names it (same message as before). */
class NotJson extends Error {}

/**
 * Writes `canonicalJson(stripVolatile(plain(value), fields))` to `emit` piece by piece, in one walk: no deep copies,
 * no path string per node, keys sorted only when they are not already. Throws NotJson at a value JSON cannot hold.
 */
function emitStripped(value: unknown, fields: ReadonlySet<string>, emit: (piece: string) => void): void {
  const walk = (v: unknown): void => {
    if (typeof v === 'string') emit(JSON.stringify(v));
    else if (v === null) emit('null');
    else if (typeof v === 'boolean') emit(v ? 'true' : 'false');
    else if (typeof v === 'number') {
      if (!Number.isFinite(v)) throw new NotJson();
      emit(JSON.stringify(v));
    } else if (typeof v !== 'object') throw new NotJson();
    // plain()'s order of checks: a Set sorts by the JSON of its plain elements, a Map keys by String(k).
    else if (v instanceof Set) walk(plain(v));
    else if (v instanceof Map) walk(Object.fromEntries([...(v as Map<unknown, unknown>)].map(([k, x]) => [String(k), x])));
    else if (Array.isArray(v)) {
      emit('[');
      for (let i = 0; i < v.length; i++) {
        if (i > 0) emit(',');
        const x: unknown = v[i];
        if (x === undefined) emit('null');
        else walk(x);
      }
      emit(']');
    } else {
      const node = v as Record<string, unknown>;
      const keys = Object.keys(node);
      let sorted = true;
      for (let i = 1; i < keys.length && sorted; i++) sorted = (keys[i - 1] as string) < (keys[i] as string);
      // The default sort compares UTF-16 code units: canonicalJson's order.
      if (!sorted) keys.sort();
      emit('{');
      let first = true;
      for (const k of keys) {
        const x = node[k];
        if (x === undefined || fields.has(k)) continue;
        emit(first ? `${JSON.stringify(k)}:` : `,${JSON.stringify(k)}:`);
        first = false;
        walk(x);
      }
      emit('}');
    }
  };
  walk(value);
}

/**
 * `canonicalJson(stripVolatile(plain(value), fields))`, the same text byte for byte (unit-tested against the
 * composition), in one walk. A value JSON cannot hold is rare: the composition runs then, so the error names its
 * path exactly as before.
 */
export function strippedCanonicalJson(value: unknown, fields: ReadonlySet<string> = VOLATILE_FIELDS): string {
  const parts: string[] = [];
  try {
    emitStripped(value, fields, (piece) => parts.push(piece));
  } catch (e: unknown) {
    if (e instanceof NotJson) return canonicalJson(stripVolatile(plain(value), fields));
    throw e;
  }
  return parts.join('');
}

/** Text handed to the hash at a time: the canonical JSON (2 MB at 1,000 tables) is never held whole. */
const HASH_CHUNK_CHARS = 1 << 16;

/**
 * `sha256:<hex>` of strippedCanonicalJson(parts), i.e. fingerprint(stripVolatile(plain(parts))), hashed in chunks
 * as the walk goes. At 1,000 tables the composition took ~0.3 s of every plan and apply and grew the heap by ~40 MB
 * (two deep copies and the whole text); this ~0.1 s and a few hundred kB. Chunks split between pieces, and a piece
 * holds a whole JSON string, so no surrogate pair is ever split: the UTF-8 bytes are the whole text's.
 */
export function strippedFingerprint(parts: unknown, fields: ReadonlySet<string> = VOLATILE_FIELDS): string {
  const hash = createHash('sha256');
  let chunk = '';
  try {
    emitStripped(parts, fields, (piece) => {
      chunk += piece;
      if (chunk.length >= HASH_CHUNK_CHARS) {
        hash.update(chunk, 'utf8');
        chunk = '';
      }
    });
  } catch (e: unknown) {
    if (e instanceof NotJson) return fingerprint(stripVolatile(plain(parts), fields));
    throw e;
  }
  hash.update(chunk, 'utf8');
  return `sha256:${hash.digest('hex')}`;
}
