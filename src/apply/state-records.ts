// What the engine records in the state for finished steps (pure edits over src/state/state-edits.ts):
//   role, database (create/update/replace): attributes = step.after, merged over what is recorded (a database keeps
//     the throughput of its last copy);
//   rows: `copying` before the database's copy starts, `copied` with the runtime once it committed;
//   publication, subscription: attributes = step.after merged over what is recorded (cutover adds its own);
//   slot: written by the engine when the slot is made (replication-stage.ts);
//   largeobjects: `copying` with every oid before the first write, `copied` after the last batch (large-objects-stage.ts);
//   schema objects: nothing (the next plan diffs the live schema);
//   delete: the resource is forgotten, whatever its kind.
import type { OidRange } from '../model/oid-ranges.js';
import type { DatabaseAttributes, LargeObjectsRuntime, RowsRuntime } from '../plan/planner/types.js';
import type { PlanStep } from '../plan/types.js';
import { databaseAddress } from '../model/address.js';
import { editResources, findResource, withResource, type ResourceDraft } from '../state/state-edits.js';
import type { JsonObject, JsonValue, StateDocument, StateResource } from '../state/state-document.js';
import { stepPlace } from './schedule.js';

function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Drops undefined members (JSON has none; parseState refuses them). */
function jsonObject(v: object): JsonObject {
  return JSON.parse(JSON.stringify(v)) as JsonObject;
}

function resource(address: string, kind: string, attributes: JsonObject, at: string): StateResource {
  return { address, kind, attributes: jsonObject(attributes), updated_at: at };
}

function put(state: StateDocument, address: string, kind: string, attributes: JsonObject, at: string): StateDocument {
  return withResource(state, resource(address, kind, attributes, at));
}

/**
 * Records a finished step (role, database, rows without a copy, delete of anything); schema-object kinds leave the
 * state as it is. Rows steps that copied are recorded by rowsCopied instead.
 */
export function recordStep(state: StateDocument, step: PlanStep, at: string): StateDocument {
  return recordSteps(state, [step], at);
}

/** recordStep for each of `steps` in turn, sorting the resources once (editResources). */
export function recordSteps(state: StateDocument, steps: readonly PlanStep[], at: string): StateDocument {
  return editResources(state, (draft) => {
    for (const step of steps) recordStepIn(draft, step, at);
  });
}

function recordStepIn(draft: ResourceDraft, step: PlanStep, at: string): void {
  const { kind } = stepPlace(step.address);
  if (step.action === 'delete') {
    draft.remove(step.address);
    return;
  }
  // A slot is recorded by the engine the moment it exists, with its snapshot and consistent point.
  if (kind === 'slot') return;
  if (kind !== 'role' && kind !== 'database' && kind !== 'rows' && kind !== 'publication' && kind !== 'subscription') return;
  // A database change of the schema diff (settings, grants) has no attributes: the resource stays as recorded.
  if (!isJsonObject(step.after)) return;
  const existing = draft.find(step.address)?.attributes ?? {};
  const attributes = kind === 'role' ? step.after : { ...existing, ...step.after };
  draft.put(resource(step.address, kind, attributes, at));
}

export const COPYING: RowsRuntime = {
  status: 'copying', snapshot: null, target_oid: null, rows: null, bytes: null, seconds: null, copied_at: null,
};

/** Marks pgrepl's ownership of the rows before any row lands: a killed copy is redone whole by the next apply. */
export function rowsCopying(state: StateDocument, steps: readonly PlanStep[], at: string): StateDocument {
  return editResources(state, (draft) => {
    for (const step of steps) {
      if (step.action === 'delete' || !isJsonObject(step.after)) continue;
      draft.put(resource(step.address, 'rows', { ...step.after, ...(COPYING as unknown as JsonObject) }, at));
    }
  });
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
  return editResources(state, (draft) => {
    for (const c of copied) {
      if (c.step.action === 'delete' || !isJsonObject(c.step.after)) continue;
      const runtime: RowsRuntime = {
        status: 'copied', snapshot: c.snapshot, target_oid: c.targetOid, rows: c.rows, bytes: c.bytes, seconds: c.seconds, copied_at: at,
      };
      draft.put(resource(c.step.address, 'rows', { ...c.step.after, ...(runtime as unknown as JsonObject) }, at));
    }
  });
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

/** Every oid the large object copy may make, recorded before its first write: a kill is undone by the next apply. */
export function largeObjectsCopying(state: StateDocument, step: PlanStep, oids: readonly OidRange[], at: string): StateDocument {
  if (!isJsonObject(step.after)) return state;
  const runtime: LargeObjectsRuntime = { status: 'copying', oids, snapshot: null, count: null, bytes: null, seconds: null, copied_at: null };
  return put(state, step.address, 'largeobjects', { ...step.after, ...(runtime as unknown as JsonObject) }, at);
}

export function largeObjectsCopied(
  state: StateDocument, step: PlanStep, copied: { readonly oids: readonly OidRange[]; readonly snapshot: string; readonly count: number; readonly bytes: number; readonly seconds: number }, at: string,
): StateDocument {
  if (!isJsonObject(step.after)) return state;
  const runtime: LargeObjectsRuntime = {
    status: 'copied', oids: copied.oids, snapshot: copied.snapshot, count: copied.count, bytes: copied.bytes, seconds: Math.round(copied.seconds * 1000) / 1000, copied_at: at,
  };
  return put(state, step.address, 'largeobjects', { ...step.after, ...(runtime as unknown as JsonObject) }, at);
}

/** Whether two states record the same resources (a write is skipped when nothing changed). */
export function sameResources(a: StateDocument, b: StateDocument): boolean {
  // Edits that change nothing return their input: most steps (schema objects) record nothing, and comparing every
  // resource's JSON after each of 2,000 steps was O(n²).
  if (a === b || a.resources === b.resources) return true;
  if (a.resources.length !== b.resources.length) return false;
  return a.resources.every((r, i) => {
    const o = b.resources[i];
    if (r === o) return true;
    // updated_at alone does not make a change worth a write.
    return o !== undefined && r.address === o.address && r.kind === o.kind && r.status === o.status &&
      JSON.stringify(r.attributes) === JSON.stringify(o.attributes);
  });
}
