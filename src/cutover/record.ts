// What a cutover records in the state, as the extra attribute `cutover` of the `target.subscription.<key>`
// resource (its other attributes are apply's and stay as they are). A rerun reads it to continue where the last
// run stopped, and `cutover --undo-fence` reads the fence from it. Pure.
import type { JsonObject, JsonValue } from '../state/state-document.js';
import type { AfterAction, FenceMode } from './options.js';

/** One fenced role and what to put back: its LOGIN, and its role-level default_transaction_read_only (null = unset). */
export interface FencedRole {
  readonly name: string;
  readonly previous: { readonly login: boolean; readonly read_only: string | null };
}

export interface FenceRecord {
  readonly mode: Exclude<FenceMode, 'none'>;
  readonly roles: readonly FencedRole[];
  /** ISO 8601 UTC. */
  readonly at: string;
}

export interface CutoverRecord {
  readonly fence: FenceRecord | null;
  /** L: the source's pg_current_wal_insert_lsn() read after the fence. */
  readonly lsn: string | null;
  /** When the slot's confirmed_flush_lsn was seen at or past `lsn`. */
  readonly caught_up_at: string | null;
  readonly sequences_set_at: string | null;
  /** The `after` action that was carried out, or null before step 5. */
  readonly after_done: AfterAction | null;
}

export const EMPTY_RECORD: CutoverRecord = { fence: null, lsn: null, caught_up_at: null, sequences_set_at: null, after_done: null };

function str(v: JsonValue | undefined): string | null {
  return typeof v === 'string' ? v : null;
}

function obj(v: JsonValue | undefined): JsonObject | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as JsonObject) : null;
}

function parseFence(v: JsonValue | undefined): FenceRecord | null {
  const o = obj(v);
  if (o === null) return null;
  const mode = o['mode'] === 'nologin' ? 'nologin' : o['mode'] === 'read-only' ? 'read-only' : null;
  if (mode === null) return null;
  const roles: FencedRole[] = [];
  for (const r of Array.isArray(o['roles']) ? (o['roles'] as readonly JsonValue[]) : []) {
    const role = obj(r);
    const previous = obj(role?.['previous']);
    const name = str(role?.['name']);
    if (name === null || previous === null) continue;
    roles.push({ name, previous: { login: previous['login'] !== false, read_only: str(previous['read_only']) } });
  }
  return { mode, roles, at: str(o['at']) ?? '' };
}

const AFTER: readonly AfterAction[] = ['keep', 'disable', 'drop'];

/** The record in a subscription's attributes; EMPTY_RECORD when there is none. */
export function readCutoverRecord(attributes: JsonObject): CutoverRecord {
  const o = obj(attributes['cutover']);
  if (o === null) return EMPTY_RECORD;
  const after = str(o['after_done']);
  return {
    fence: parseFence(o['fence']),
    lsn: str(o['lsn']),
    caught_up_at: str(o['caught_up_at']),
    sequences_set_at: str(o['sequences_set_at']),
    after_done: after !== null && (AFTER as readonly string[]).includes(after) ? (after as AfterAction) : null,
  };
}

export function recordJson(record: CutoverRecord): JsonObject {
  const fence: JsonValue =
    record.fence === null
      ? null
      : {
          mode: record.fence.mode,
          roles: record.fence.roles.map((r) => ({ name: r.name, previous: { login: r.previous.login, read_only: r.previous.read_only } })),
          at: record.fence.at,
        };
  return {
    fence,
    lsn: record.lsn,
    caught_up_at: record.caught_up_at,
    sequences_set_at: record.sequences_set_at,
    after_done: record.after_done,
  };
}

/** The subscription's attributes with `record` as their `cutover` attribute, the others untouched. */
export function withCutoverRecord(attributes: JsonObject, record: CutoverRecord): JsonObject {
  return { ...attributes, cutover: recordJson(record) };
}
