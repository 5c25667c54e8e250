// Which databases a cutover works on, and what the state says about each: the slot on the source and the
// subscription on the target that apply recorded (`source.slot.<key>`, `target.subscription.<key>`). Pure.
import { parseAddress, replicationAddress } from '../model/address.js';
import type { Spec } from '../spec/model.js';
import type { JsonObject, JsonValue, StateDocument } from '../state/state-document.js';
import { PgreplError } from '../util/errors.js';
import { EMPTY_RECORD, readCutoverRecord, recordJson, type CutoverRecord, type FenceRecord } from './record.js';

export interface CutoverTarget {
  /** The spec's database key. */
  readonly key: string;
  readonly slotAddress: string;
  readonly subscriptionAddress: string;
  readonly slot: { readonly name: string; readonly database: string };
  readonly subscription: { readonly name: string; readonly database: string };
  /** The subscription resource's attributes as recorded (kept whole when the record is updated). */
  readonly attributes: JsonObject;
  readonly record: CutoverRecord;
}

/** A database whose subscription and slot an earlier cutover dropped (`after: drop`): nothing is left to do. */
export interface DroppedTarget {
  readonly key: string;
  readonly at: string;
  /** The fence still in place when the resources were dropped (kept in the history entry for --undo-fence). */
  readonly fence: FenceRecord | null;
}

export interface CutoverTargets {
  readonly targets: readonly CutoverTarget[];
  readonly dropped: readonly DroppedTarget[];
}

/**
 * The history summary a cutover writes when it dropped a database's subscription and slot; read back on a rerun.
 * The subscription resource (which held the fence record) is gone then, so a fence still in place is carried in
 * the entry as JSON for `--undo-fence`.
 */
export function droppedSummary(key: string, fence: FenceRecord | null = null): string {
  const head = `cutover ${JSON.stringify(key)}: subscription and slot dropped`;
  return fence === null ? head : `${head}${FENCE_MARK}${JSON.stringify(recordJson({ ...EMPTY_RECORD, fence })['fence'])}`;
}

/** The history summary of an --undo-fence, so a dropped database's fence is not undone twice. */
export function fenceUndoneSummary(key: string): string {
  return `cutover ${JSON.stringify(key)}: fence undone`;
}

const FENCE_MARK = '; fence still in place: ';

function droppedEntry(state: StateDocument | null, key: string): DroppedTarget | null {
  const history = state?.history ?? [];
  const head = droppedSummary(key);
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i];
    if (h === undefined || h.command !== 'cutover' || !h.summary.startsWith(head)) continue;
    const undone = history.slice(i + 1).some((later) => later.command === 'cutover' && later.summary === fenceUndoneSummary(key));
    const rest = h.summary.slice(head.length);
    let fence: FenceRecord | null = null;
    if (!undone && rest.startsWith(FENCE_MARK)) {
      try {
        fence = readCutoverRecord({ cutover: { fence: JSON.parse(rest.slice(FENCE_MARK.length)) as JsonValue } }).fence;
      } catch {
        fence = null;
      }
    }
    return { key, at: h.at, fence };
  }
  return null;
}

function name(attributes: JsonObject, field: string): string | null {
  const v = attributes[field];
  return typeof v === 'string' && v !== '' ? v : null;
}

/**
 * The databases to cut over: every listed database with `sync: true`, and (when the spec selects databases by rule)
 * every other one the state holds a subscription for. A sync database without both records has never been applied.
 */
export function cutoverTargets(spec: Spec, state: StateDocument | null): CutoverTargets {
  const listed = spec.databases.filter((d) => d.sync).map((d) => d.key);
  const byAddress = new Map((state?.resources ?? []).map((r) => [r.address, r]));
  const keys = [...listed];
  if (spec.selection !== null) {
    for (const r of state?.resources ?? []) {
      if (r.kind !== 'subscription') continue;
      const key = keyOf(r.address);
      if (key !== null && !spec.databases.some((d) => d.key === key) && !keys.includes(key)) keys.push(key);
    }
  }
  if (keys.length === 0) {
    throw new PgreplError('no database in the spec has sync: true: cutover hands over a replication stream, and there is none', {
      hints: ['set sync: true on the databases to replicate, run `pgrepl apply`, then `pgrepl cutover`'],
    });
  }
  const targets: CutoverTarget[] = [];
  const dropped: DroppedTarget[] = [];
  const missing: string[] = [];
  for (const key of keys) {
    const slotAddress = replicationAddress('slot', key);
    const subscriptionAddress = replicationAddress('subscription', key);
    const slot = byAddress.get(slotAddress);
    const sub = byAddress.get(subscriptionAddress);
    if (slot === undefined || sub === undefined) {
      const gone = droppedEntry(state, key);
      if (gone !== null && slot === undefined && sub === undefined) dropped.push(gone);
      else missing.push(`${key} (no ${[slot === undefined ? slotAddress : null, sub === undefined ? subscriptionAddress : null].filter((a) => a !== null).join(' and no ')} in the state)`);
      continue;
    }
    const slotName = name(slot.attributes, 'name');
    const slotDb = name(slot.attributes, 'database');
    const subName = name(sub.attributes, 'name');
    const subDb = name(sub.attributes, 'database');
    if (slotName === null || slotDb === null || subName === null || subDb === null) {
      missing.push(`${key} (the state's ${slotName === null || slotDb === null ? slotAddress : subscriptionAddress} lacks its name or database)`);
      continue;
    }
    targets.push({
      key,
      slotAddress,
      subscriptionAddress,
      slot: { name: slotName, database: slotDb },
      subscription: { name: subName, database: subDb },
      attributes: sub.attributes,
      record: readCutoverRecord(sub.attributes),
    });
  }
  if (missing.length > 0) {
    throw new PgreplError(`cannot cut over: replication is not set up for ${missing.length === 1 ? 'this database' : 'these databases'}: ${missing.join('; ')}`, {
      hints: [state === null ? 'there is no state file yet: run pgrepl apply first' : 'run pgrepl apply first, so the slot and the subscription exist and are recorded'],
    });
  }
  return { targets, dropped };
}

function keyOf(address: string): string | null {
  try {
    const parts = parseAddress(address);
    return parts.kind === 'subscription' ? (parts.segments[0] ?? null) : null;
  } catch {
    return null;
  }
}
