// The planner's input and the attributes it gives the resources it plans (recorded in the state by the apply engine
// as `attributes`, so the next plan can compare them). Pure data.
import type { ActualState } from '../../introspect/types.js';
import type { OidRange } from '../../model/oid-ranges.js';
import type { Spec } from '../../spec/model.js';
import type { StateDocument } from '../../state/state-document.js';
import type { PlanBasis } from '../types.js';

export interface PlanOptions {
  /** `plan --destroy`: delete everything the state records (databases pgrepl created, tables it created, rows). */
  readonly destroy: boolean;
  /** `apply --refresh-windows`: re-anchor every time window at the source's now(). */
  readonly refreshWindows: boolean;
  /**
   * `init --no-resume`: what earlier runs copied counts for nothing: every table's rows are copied again (a
   * streamed database from a new slot). Destructive where the target holds rows.
   */
  readonly recopy?: boolean;
  /**
   * `plan/apply --replace <address>`: copy these copied-data resources again (`target.rows…` of a table,
   * `target.largeobjects…`): the rows or large objects copied earlier are discarded first. A `target.rows` address of
   * a streamed database synchronises that database again from a new slot (its tables cannot be copied apart from the
   * stream). Destructive where the target holds them.
   */
  readonly replace?: readonly string[];
}

export interface PlanInput {
  readonly spec: Spec;
  readonly actual: ActualState;
  readonly state: StateDocument | null;
  readonly basedOn: PlanBasis;
  /** Injected clock (PGREPL_NOW in tests): the plan's createdAt. Window anchors use actual.source.now. */
  readonly now: Date;
  readonly options: PlanOptions;
  /** The state's lineage, or a fresh one when there is no state yet (it becomes the state's at the first apply). */
  readonly lineage: string;
  /** identity() of the target connection (host, port, user; never a password): part of derived object names. */
  readonly targetIdentity: string;
  /**
   * The conninfo the subscription would get from source.url, redacted (for the plan's SQL preview), and whether it
   * holds a password. Absent in unit fixtures: a password-less placeholder.
   */
  readonly subscriptionConninfo?: { readonly preview: string; readonly hasPassword: boolean };
}

/** `target.role.<name>`: a role pgrepl created (roles: copy). */
export interface RoleAttributes {
  readonly name: string;
  readonly created: true;
}

/** `target.database.<key>`. */
export interface DatabaseAttributes {
  /** The target database's name. */
  readonly name: string;
  /** pgrepl ran CREATE DATABASE (destroy drops it; its tables need no consent to be emptied). */
  readonly created: boolean;
  /** Added by the engine after a data stage: what the copy moved and how long it took (the next plan's throughput). */
  readonly throughput?: { readonly bytes: number; readonly seconds: number };
}

/** An anchored time window (CONTRACTS.md, Plans). */
export interface WindowRecord {
  readonly column: string;
  /** Canonical `last` text, e.g. `90 days`: the anchor moves only when this changes (or --refresh-windows). */
  readonly last: string;
  /** The source's now() at the first apply, as PostgreSQL printed it. */
  readonly anchor: string;
  /** windowLowerBound(anchor, last). */
  readonly bound: string;
}

/**
 * `target.rows.<key>.<schema>.<name>`: the rows of one table (with its leaf partitions) or the value of one sequence.
 * `after` of a rows step; the engine records these attributes plus RowsRuntime.
 */
export interface RowsAttributes {
  readonly kind: 'table' | 'sequence';
  readonly target_database: string;
  /** The spec's `where` as written, null for none. */
  readonly where: string | null;
  readonly window: WindowRecord | null;
  /** The predicate the copy runs: where and window joined with AND (null: every row). */
  readonly filter: string | null;
  /** pgrepl created the target table in the plan that first copied it (destroy drops it rather than emptying it). */
  readonly table_created: boolean;
  /**
   * How the rows got there (absent in states written before sync existed = `snapshot`): `snapshot` a one-off copy
   * (sync: false), `stream` pgrepl's copy inside the slot's exported snapshot (the rows meet the stream of `slot`),
   * `native` PostgreSQL's table sync (REFRESH PUBLICATION WITH (copy_data = true), or copy: native).
   */
  readonly mode?: 'snapshot' | 'stream' | 'native';
  /** The slot whose stream these rows meet (stream and native modes), null for a one-off copy. */
  readonly slot?: string | null;
  /** The filter the publication streams this table with (null: unfiltered; absent: not streamed). */
  readonly stream_filter?: string | null;
}

/** What the engine adds when it records a rows resource. */
export interface RowsRuntime {
  /** `copying` is written before the database's copy starts and `copied` after it committed (the unit of resume). */
  readonly status: 'copying' | 'copied';
  /** The snapshot the rows were read in (null while copying). */
  readonly snapshot: string | null;
  /** The target table's oid after the copy: a table dropped and made again since is copied again. */
  readonly target_oid: number | null;
  readonly rows: number | null;
  readonly bytes: number | null;
  readonly seconds: number | null;
  /** ISO 8601 UTC. */
  readonly copied_at: string | null;
}

export type RowsRecord = RowsAttributes & RowsRuntime;

/** `target.largeobjects.<key>`: the source database's large objects, copied with their oids. */
export interface LargeObjectsAttributes {
  /** The target database they were copied into. */
  readonly target_database: string;
}

/** What the engine adds when it records the large objects. */
export interface LargeObjectsRuntime {
  /** `copying` is written before the first object is made, `copied` after the last batch committed. */
  readonly status: 'copying' | 'copied';
  /** Every oid pgrepl made (or is making) on the target: a resume, a re-copy and destroy unlink these, no others. */
  readonly oids: readonly OidRange[];
  /** The snapshot they were read in (null while copying). */
  readonly snapshot: string | null;
  readonly count: number | null;
  readonly bytes: number | null;
  readonly seconds: number | null;
  /** ISO 8601 UTC. */
  readonly copied_at: string | null;
}

export type LargeObjectsRecord = LargeObjectsAttributes & LargeObjectsRuntime;

/** Marks pgrepl writes on the publications and subscriptions it makes (CONTRACTS.md, names). */
export function managedComment(lineage: string): string {
  return `managed by pgrepl ${lineage}`;
}

/** `source.publication.<key>`. */
export interface PublicationAttributes {
  readonly name: string;
  /** The source database. */
  readonly database: string;
  /** Tables as `schema.name` (quoted-qualified SQL text), sorted, with the filter each is published with. */
  readonly tables: readonly { readonly table: string; readonly filter: string | null }[];
  readonly publish: readonly string[];
  readonly via_root: boolean;
}

/** `source.slot.<key>`. */
export interface SlotAttributes {
  readonly name: string;
  readonly database: string;
  /** The snapshot exported at creation (the copy's), null when none was exported. */
  readonly snapshot: string | null;
  /** consistent_point of CREATE_REPLICATION_SLOT. */
  readonly consistent_point: string | null;
}

/** `target.subscription.<key>`. */
export interface SubscriptionAttributes {
  readonly name: string;
  /** The target database. */
  readonly database: string;
  readonly publication: string;
  readonly slot: string;
  readonly enabled: boolean;
  /** The options pgrepl set (only those both majors support), as in the spec. */
  readonly options: Readonly<Record<string, string | boolean>>;
  readonly stores_password: boolean;
}

