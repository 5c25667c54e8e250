// The plan: what `plan --json` prints, `plan --out` saves, the human renderer shows and apply runs. Plain JSON data
// (readonly, no classes, no Dates), so the saved file, the printed JSON and the rendered text are one object.
//
// Apply reads only `action` and `operations` (STYLE.md #2): `reason`, `before`/`after` and `sqlPreview` exist for
// people and may change wording freely; the operations and the plan shape change only with `format_version`.
import type { Side } from '../model/address.js';
import type { OidRange } from '../model/oid-ranges.js';
import type { DdlStatement } from '../pg/ddl/types.js';
import type { Diagnostic } from '../util/errors.js';

/** Terraform's closed set: create `+`, update `~`, replace `-/+`, delete `-` (looks in ACTION_INFO). */
export type Action = 'create' | 'update' | 'replace' | 'delete';

export const PLAN_FORMAT_VERSION = '1';

/**
 * Where SQL runs in a database's apply (schedule.ts): `detach` (replication objects taken apart: subscriptions
 * disabled, detached and dropped on the target, tables dropped from a publication, publications dropped on the
 * source) before the target's `teardown`; `publication` (source: CREATE/ALTER PUBLICATION, before any slot is made)
 * after `pre-data`; `subscription` (target: ALTER SUBSCRIPTION, REFRESH PUBLICATION, after CREATE SUBSCRIPTION)
 * after `post-data`.
 */
export type SqlStage = 'cluster' | 'detach' | 'teardown' | 'pre-data' | 'publication' | 'post-data' | 'subscription';

/**
 * SQL the engine runs on one side, in the database the step's address names. A schema change contributes up to three
 * of these, one per stage; across a database's steps the engine runs all `teardown` operations, then `pre-data`, then
 * the data copies, then `post-data`, each stage by ascending `order` (the statement's position in
 * src/schema/diff/execution-order.ts, which drops dependents before what they depend on). Statement text in a saved
 * plan is redacted like `sqlPreview`: a CONNECTION string never carries a password, so SQL that needs one is never a
 * `sql` operation (see `create-subscription`).
 */
export interface SqlOperation {
  readonly type: 'sql';
  readonly side: Side;
  /**
   * `cluster` runs on the server's maintenance connection (the database the URL names), before every database's
   * stages, in step order: CREATE ROLE, CREATE DATABASE, DROP DATABASE. The others run in the step's database.
   */
  readonly stage: SqlStage;
  readonly order: number;
  readonly statements: readonly DdlStatement[];
  /**
   * Run each statement on its own, outside a transaction block (ALTER SUBSCRIPTION … REFRESH PUBLICATION and DROP
   * SUBSCRIPTION of an attached slot refuse one). Absent: the operation's statements run in one transaction (a
   * publication's DROP TABLE + ADD TABLE must be atomic).
   */
  readonly autocommit?: true;
  /**
   * Pre-data only: the parallel segment (1, 2, …) of this operation. The operations of one segment are consecutive in
   * `order` and none needs another of the same segment, so they may run on several sessions at once, after everything
   * ordered before them and before everything ordered after them (src/schema/diff/execution-order.ts).
   */
  readonly parallel?: number;
}

/** What a data copy is expected to move, from catalog statistics (plan never counts rows) and measured throughput. */
export interface CopyEstimate {
  readonly rows: number;
  readonly bytes: number;
  /** null: no copy rate known yet (no earlier apply measured one and none was sampled). */
  readonly seconds: number | null;
}

/**
 * `COPY (SELECT <columns> FROM ONLY <table> [WHERE <filter>]) TO STDOUT` on the source into `COPY <table> (<columns>)`
 * on the target, inside the database's exported snapshot. `filter` is SQL the planner rendered (a time window is
 * already a literal, see time-window.ts); `truncateFirst` lists the in-scope FK closure emptied in the same
 * transaction before a re-copy (empty for a first copy).
 */
export interface DataCopyOperation {
  readonly type: 'data-copy';
  readonly table: { readonly schema: string; readonly name: string };
  readonly columns: readonly string[];
  readonly filter: string | null;
  readonly truncateFirst: readonly { readonly schema: string; readonly name: string }[];
  /**
   * Copies sharing a group load in one worker and one target transaction with one `TRUNCATE a, b, …` (an FK closure
   * that is re-copied, see src/pg/copy/types.ts CopyTable.group); null = its own unit.
   */
  readonly group: string | null;
  readonly estimate: CopyEstimate;
}

/**
 * Sequence values set on the target from the source's `last_value`/`is_called`, read inside the copy's snapshot,
 * after the copies of the database (pg_dump's SEQUENCE SET). Names are the same on both sides.
 */
export interface SequenceValuesOperation {
  readonly type: 'sequence-values';
  readonly sequences: readonly { readonly schema: string; readonly name: string }[];
}

/**
 * A logical slot made on a replication connection (`CREATE_REPLICATION_SLOT … LOGICAL pgoutput EXPORT_SNAPSHOT`) in the
 * step's database, after the `publication` stage. With `exportSnapshot` the database's data copies (and sequence
 * values) are read in the slot's snapshot, so the copy meets the stream exactly; the replication connection stays
 * open and idle until the copy ends.
 */
export interface CreateSlotOperation {
  readonly type: 'create-slot';
  readonly slot: string;
  readonly plugin: 'pgoutput';
  readonly exportSnapshot: boolean;
  /** The subscription's `failover` option: a subscription made with create_slot = false leaves the slot's flag alone (17+). */
  readonly failover?: true;
}

/**
 * `pg_drop_replication_slot` on the source, in the `detach` stage after the target's detach SQL; only for slots
 * pgrepl recorded in state or made (CONTRACTS.md, names). A slot still active (its walsender not yet gone after the
 * subscription was dropped) is waited for briefly, then its walsender is terminated. A slot already gone is done.
 */
export interface DropSlotOperation {
  readonly type: 'drop-slot';
  readonly slot: string;
  /** Source unreachable or the drop refused: keep the slot in state as pending-delete instead of failing (destroy). */
  readonly tolerateFailure?: boolean;
}

/**
 * CREATE SUBSCRIPTION, built by the engine at apply time because its CONNECTION may need the resolved password, which a
 * plan never holds. `storesPassword` says whether the conninfo will embed one (shown in the plan, issue 5).
 */
export interface CreateSubscriptionOperation {
  readonly type: 'create-subscription';
  readonly subscription: string;
  readonly publication: string;
  readonly slot: string;
  /**
   * WITH (…) options other than create_slot, slot_name, copy_data and enabled, which the engine fixes (create_slot =
   * false, slot_name = slot, copy_data = copyData, enabled = enabled).
   */
  readonly options: Readonly<Record<string, string | boolean>>;
  /** false after pgrepl's own copy (stream mode); true for copy: native (PostgreSQL's table sync into empty tables). */
  readonly copyData: boolean;
  readonly enabled: boolean;
  /** `COMMENT ON SUBSCRIPTION … IS 'managed by pgrepl <lineage>'` text. */
  readonly comment: string;
  /** The conninfo embeds the source role's password (a non-superuser owner on 16+ must; shown in the plan). */
  readonly storesPassword: boolean;
}

/**
 * The database's large objects, in the data stage (inside the copy's snapshot, after the tables): first the target's
 * large objects with oids in `unlink` are unlinked (pgrepl's own earlier copy on a resume or re-copy; with consent,
 * objects in the way), then, with `copy`, every large object of the source is made on the target with the same oid
 * (tables refer to them by oid), its data, and with `roles: copy` its owner and grants, and its comment. Batches
 * commit one by one (owner and comment changes lock each object, lock-budget.ts); a kill leaves the resource
 * `copying` and the next apply unlinks what it made and copies again. Without `copy`, only the unlink (destroy).
 */
export interface LargeObjectsOperation {
  readonly type: 'large-objects';
  readonly unlink: readonly OidRange[];
  readonly copy: boolean;
  readonly roles: 'copy' | 'skip';
  /** rows = the number of large objects, bytes = the size of pg_largeobject on the source. */
  readonly estimate: CopyEstimate;
}

export type Operation =
  | SqlOperation | DataCopyOperation | SequenceValuesOperation | CreateSlotOperation | DropSlotOperation | CreateSubscriptionOperation | LargeObjectsOperation;

export type OperationType = Operation['type'];

export interface PlanStep {
  /** 1-based position; apply runs and resumes steps in this order. */
  readonly index: number;
  readonly address: string;
  readonly action: Action;
  /** For people only: one line saying why (several differences joined with `; `). */
  readonly reason: string;
  /** Drops or rewrites data: needs consent (CONTRACTS.md, Consent). */
  readonly destructive: boolean;
  /** Attributes as they are (null for create) and as they will be (null for delete), JSON values, for the diff. */
  readonly before: unknown;
  readonly after: unknown;
  readonly operations: readonly Operation[];
  /** The SQL the operations run, redacted, in execution order within the step. */
  readonly sqlPreview: readonly string[];
}

export interface PlanSummary {
  readonly add: number;
  readonly change: number;
  readonly destroy: number;
}

/** What a saved plan was made from; apply compares it with the present (comparePlanBasis) and refuses a stale plan. */
export interface PlanBasis {
  /** The spec file and the sha256 of its bytes; null in flag mode. Never the resolved values (they hold secrets). */
  readonly spec: { readonly path: string; readonly hash: string } | null;
  /** null when no state existed yet. */
  readonly state: { readonly lineage: string; readonly serial: number } | null;
  /** fingerprint() of the live state of both servers; '' when not computed (apply's own plan, never saved). */
  readonly actual: string;
}

/** A database the plan touches: the spec's key (address segment) and the target database's name. */
export interface PlanDatabase {
  readonly key: string;
  readonly target: string;
}

export interface Plan {
  readonly format_version: typeof PLAN_FORMAT_VERSION;
  readonly basedOn: PlanBasis;
  /** The databases in the order apply processes them (spec order); steps name them by key in their addresses. */
  readonly databases: readonly PlanDatabase[];
  readonly steps: readonly PlanStep[];
  readonly summary: PlanSummary;
  readonly diagnostics: readonly Diagnostic[];
  /** ISO 8601 UTC, from the injected clock. */
  readonly createdAt: string;
  /**
   * The state lineage the plan's replication object names derive from (CONTRACTS.md, names): the state's, or a new
   * one the first apply of this plan starts its state with.
   */
  readonly lineage: string;
}
