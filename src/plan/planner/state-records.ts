// Typed views of what the state records (the engine writes the planner's attributes back, see types.ts). The
// state file is parsed by src/state/parse-state.ts, which checks the envelope, not the attributes: these readers
// check the fields they use and treat anything else as "no usable record".
import { parseAddress } from '../../model/address.js';
import type { StateDocument, StateResource } from '../../state/state-document.js';
import { parseRanges } from '../../model/oid-ranges.js';
import type { DatabaseAttributes, LargeObjectsRecord, RowsRecord, WindowRecord } from './types.js';

const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function windowOf(v: unknown): WindowRecord | null {
  if (typeof v !== 'object' || v === null) return null;
  const w = v as Record<string, unknown>;
  const [column, last, anchor, bound] = [str(w.column), str(w.last), str(w.anchor), str(w.bound)];
  return column === null || last === null || anchor === null || bound === null ? null : { column, last, anchor, bound };
}

export function rowsRecord(r: StateResource | undefined): RowsRecord | null {
  if (r === undefined || r.kind !== 'rows') return null;
  const a = r.attributes as Record<string, unknown>;
  const status = a.status === 'copied' || a.status === 'copying' ? a.status : null;
  const targetDatabase = str(a.target_database);
  if (status === null || targetDatabase === null) return null;
  return {
    kind: a.kind === 'sequence' ? 'sequence' : 'table',
    target_database: targetDatabase,
    where: str(a.where),
    window: windowOf(a.window),
    filter: str(a.filter),
    table_created: a.table_created === true,
    ...(a.mode === 'stream' || a.mode === 'native' || a.mode === 'snapshot' ? { mode: a.mode } : {}),
    ...(a.slot === undefined ? {} : { slot: str(a.slot) }),
    ...(a.stream_filter === undefined ? {} : { stream_filter: str(a.stream_filter) }),
    status,
    snapshot: str(a.snapshot),
    target_oid: num(a.target_oid),
    rows: num(a.rows),
    bytes: num(a.bytes),
    seconds: num(a.seconds),
    copied_at: str(a.copied_at),
  };
}

export function largeObjectsRecord(r: StateResource | undefined): LargeObjectsRecord | null {
  if (r === undefined || r.kind !== 'largeobjects') return null;
  const a = r.attributes as Record<string, unknown>;
  const status = a.status === 'copied' || a.status === 'copying' ? a.status : null;
  const targetDatabase = str(a.target_database);
  const oids = parseRanges(a.oids);
  if (status === null || targetDatabase === null || oids === null) return null;
  return {
    target_database: targetDatabase, status, oids, snapshot: str(a.snapshot), count: num(a.count), bytes: num(a.bytes), seconds: num(a.seconds),
    copied_at: str(a.copied_at),
  };
}

export function databaseRecord(r: StateResource | undefined): DatabaseAttributes | null {
  if (r === undefined || r.kind !== 'database') return null;
  const a = r.attributes as Record<string, unknown>;
  const name = str(a.name);
  if (name === null) return null;
  const t = a.throughput as Record<string, unknown> | undefined;
  const bytes = num(t?.bytes);
  const seconds = num(t?.seconds);
  return { name, created: a.created === true, ...(bytes !== null && seconds !== null ? { throughput: { bytes, seconds } } : {}) };
}

/** The database key (first segment) of a target address, or null for addresses without one (roles). */
export function databaseKeyOf(address: string): string | null {
  try {
    const p = parseAddress(address);
    return p.kind === 'role' ? null : (p.segments[0] ?? null);
  } catch {
    return null;
  }
}

export function resources(state: StateDocument | null, kind: string): readonly StateResource[] {
  return state === null ? [] : state.resources.filter((r) => r.kind === kind);
}
