// The state document: what pgrepl has made on the servers, so plan can tell "pgrepl owns this" from "someone else
// made this", and resume can skip what is done (CONTRACTS.md, State). The JSON keys are the TypeScript keys, so
// the file needs no mapping layer and schemas/state.schema.json describes both.

/** The state format this pgrepl reads and writes; a file with a higher `version` is refused. */
export const STATE_FORMAT_VERSION = 1;

/** How many history entries a state keeps; older ones are dropped on append so the file stays small. */
export const STATE_HISTORY_LIMIT = 50;

/** Any JSON value (attributes hold whatever the resource kind needs, e.g. a filter or a snapshot id). */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/** A JSON object. */
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * `present`: exists as recorded. `pending-delete`: a delete was started and not confirmed done, so a resumed
 * apply finishes it instead of taking the object for someone else's.
 */
export type ResourceStatus = 'present' | 'pending-delete';

export interface StateResource {
  /** A resource address (CONTRACTS.md), e.g. `target.database.shop`; unique in a state. */
  readonly address: string;
  /** The address's kind, e.g. `database`, `rows`, `slot`. */
  readonly kind: string;
  readonly attributes: JsonObject;
  /** Absent means `present`. */
  readonly status?: ResourceStatus;
  /** ISO 8601 UTC. */
  readonly updated_at: string;
}

export interface StateHistoryEntry {
  /** The serial the state was written at with this entry. */
  readonly serial: number;
  /** ISO 8601 UTC. */
  readonly at: string;
  /** e.g. `apply`, `destroy`. */
  readonly command: string;
  readonly summary: string;
}

/** Which spec the state was last applied from; null in flag mode (no spec file). Never the resolved spec. */
export interface StateSpecRef {
  readonly path: string;
  /** sha256 hex of the spec file's bytes. */
  readonly hash: string;
}

export interface StateDocument {
  readonly version: typeof STATE_FORMAT_VERSION;
  /** Fixed when the state is created; a different lineage is a different state, never overwritten. */
  readonly lineage: string;
  /** 0 before the first write; every write increases it by exactly one. */
  readonly serial: number;
  readonly pgrepl_version: string;
  readonly spec: StateSpecRef | null;
  /** Sorted by address, so the file diffs cleanly. */
  readonly resources: readonly StateResource[];
  /** Oldest first, at most STATE_HISTORY_LIMIT entries. */
  readonly history: readonly StateHistoryEntry[];
}
