// What the engine records in the state for finished steps (pure edits over src/state/state-edits.ts):
//   role, database (create/update/replace): attributes = step.after, merged over what is recorded (a database keeps
//     the throughput of its last copy);
//   rows: `copying` before the database's copy starts, `copied` with the runtime once it committed;
//   publication, subscription: attributes = step.after merged over what is recorded (cutover adds its own);
//   slot: written by the engine when the slot is made (replication-stage.ts);
//   schema objects: nothing (the next plan diffs the live schema);
//   delete: the resource is forgotten, whatever its kind.
import type { DatabaseAttributes, RowsRuntime } from '../plan/planner/types.js';
import type { PlanStep } from '../plan/types.js';
import { databaseAddress } from '../model/address.js';
import { findResource, withResource, withoutResource } from '../state/state-edits.js';
import type { JsonObject, JsonValue, StateDocument } from '../state/state-document.js';
import { stepPlace } from './schedule.js';

function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops undefined members (JSON has none; parseState refuses them). */
function jsonObject(v: object): JsonObject {
  return JSON.parse(JSON.stringify(v)) as JsonObject;
}

function put(state: StateDocument, address: string, kind: string, attributes: JsonObject, at: string): StateDocument {
  return withResource(state, { address, kind, attributes: jsonObject(attributes), updated_at: at });
}

/**
 * Records a finished step (role, database, rows without a copy, delete of anything); schema-object kinds leave the
 * state as it is. Rows steps that copied are recorded by rowsCopied instead.
 */
export function recordStep(state: StateDocument, step: PlanStep, at: string): StateDocument {
  const { kind } = stepPlace(step.address);
  if (step.action === 'delete') return withoutResource(state, step.address);
  // A slot is recorded by the engine the moment it exists, with its snapshot and consistent point.
  if (kind === 'slot') return state;
  if (kind !== 'role' && kind !== 'database' && kind !== 'rows' && kind !== 'publication' && kind !== 'subscription') return state;
  // A database change of the schema diff (settings, grants) has no attributes: the resource stays as recorded.
  if (!isJsonObject(step.after)) return state;
  const existing = findResource(state, step.address)?.attributes ?? {};
  const attributes = kind === 'role' ? step.after : { ...existing, ...step.after };
  return put(state, step.address, kind, attributes, at);
}

export const COPYING: RowsRuntime = {
  status: 'copying', snapshot: null, target_oid: null, rows: null, bytes: null, seconds: null, copied_at: null,
};

/** Marks pgrepl's ownership of the rows before any row lands: a killed copy is redone whole by the next apply. */
export function rowsCopying(state: StateDocument, steps: readonly PlanStep[], at: string): StateDocument {
  let next = state;
  for (const step of steps) {
    if (step.action === 'delete' || !isJsonObject(step.after)) continue;
    next = put(next, step.address, 'rows', { ...step.after, ...(COPYING as unknown as JsonObject) }, at);
  }
  return next;
}

export interface RowsCopied {
  readonly step: PlanStep;
  readonly snapshot: string;
  readonly targetOid: number | null;
  /** null for a step that only set sequence values. */
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly seconds: number | null;
}

export function rowsCopied(state: StateDocument, copied: readonly RowsCopied[], at: string): StateDocument {
  let next = state;
  for (const c of copied) {
    if (c.step.action === 'delete' || !isJsonObject(c.step.after)) continue;
    const runtime: RowsRuntime = {
      status: 'copied', snapshot: c.snapshot, target_oid: c.targetOid, rows: c.rows, bytes: c.bytes, seconds: c.seconds, copied_at: at,
    };
    next = put(next, c.step.address, 'rows', { ...c.step.after, ...(runtime as unknown as JsonObject) }, at);
  }
  return next;
}

/** `target.database.<key>` gains the throughput of this copy (kept attributes, else {name, created: false}). */
export function databaseThroughput(
  state: StateDocument, key: string, targetName: string, throughput: { readonly bytes: number; readonly seconds: number }, at: string,
): StateDocument {
  const address = databaseAddress(key);
  const existing = findResource(state, address)?.attributes;
  const base: { readonly [k: string]: JsonValue } = existing ?? ({ name: targetName, created: false } satisfies DatabaseAttributes);
  return put(state, address, 'database', { ...base, throughput: { bytes: throughput.bytes, seconds: throughput.seconds } }, at);
}

/** Whether two states record the same resources (a write is skipped when nothing changed). */
export function sameResources(a: StateDocument, b: StateDocument): boolean {
  if (a.resources.length !== b.resources.length) return false;
  return a.resources.every((r, i) => {
    const o = b.resources[i];
    // updated_at alone does not make a change worth a write.
    return o !== undefined && r.address === o.address && r.kind === o.kind && r.status === o.status &&
      JSON.stringify(r.attributes) === JSON.stringify(o.attributes);
  });
}
