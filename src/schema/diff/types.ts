// What the schema diff returns: one SchemaChange per object key that differs, for the plan to turn into a step.
//
// A change's plan address is `target.<kind>.<database key>.<schema>.<name>` (CONTRACTS.md, Resource addresses):
// `kind`, `schema` and `name` are here (`addressName` for functions adds the identity arguments); the plan adds
// `target` and the database key. A table's columns, constraints, indexes, triggers, policies and rules are part of
// the table's change, never changes of their own.
//
// The database's settings, default privileges, grants and comment are one change of kind 'database' (address
// `target.database.<key>`), last in the list.
//
// Running the changes: first every change's `teardown` (dependents before what they depend on), then every
// change's `statements` in array order, pre-data ones first, then post-data ones; `executionOrder()` in
// execution-order.ts does exactly that. An enum value added is marked `commitAfter` and runs before anything that
// could use it, because types come before the tables and functions that need them. Changes come deletes first,
// then in dependency order of the desired model (ties by key), so the same models always give the same plan.
//
// Not compared, on purpose: column order (ADD COLUMN only appends; rows are copied with column lists), ACL
// grantors (GRANT records whoever runs it), extension versions across majors (each major ships its own), an
// extension's owner (no ALTER for it); test/unit/schema-diff-every-field.test.ts lists every such field.
import type { ObjectKey, ObjectKind, SchemaModel, SchemaObjectAny } from '../../model/schema.js';
import type { CreateDdlOptions } from '../../pg/ddl/build-create-ddl.js';
import type { DdlStatement } from '../../pg/ddl/types.js';
import type { AdministeringRole } from './keep-acls.js';

/** Terraform's closed set: create `+`, update `~`, replace `-/+`, delete `-`. */
export type ChangeAction = 'create' | 'update' | 'replace' | 'delete';

export interface SchemaChange {
  /** The object's key; `database:<target database>` for the database-level change. */
  readonly key: ObjectKey;
  /** 'database': settings, default privileges, grants and comment of the database (address `target.database.<key>`). */
  readonly kind: ObjectKind | 'database';
  readonly schema: string | null;
  /** The name in the plan address: the object's name, with `(identity arguments)` for functions. */
  readonly addressName: string;
  readonly action: ChangeAction;
  /** Any statement drops or rewrites data (DROP TABLE/COLUMN, a type change with a rewrite, …). */
  readonly destructive: boolean;
  /** The normalised object on the target (null for create) and as desired (null for delete); both null for 'database'. */
  readonly before: SchemaObjectAny | null;
  readonly after: SchemaObjectAny | null;
  /** Drops that must run before anything is built: of this object (delete, replace) or of its parts. */
  readonly teardown: readonly DdlStatement[];
  /** Creates and alters, in order. */
  readonly statements: readonly DdlStatement[];
  /** One line per difference, for the plan's reason and `plan` output; never used to decide anything. */
  readonly reasons: readonly string[];
}

/** Builds the CREATE statements of a whole model; the diff keeps those whose `object` it creates or replaces. */
export type CreateDdlBuilder = (model: SchemaModel, opts: CreateDdlOptions) => readonly DdlStatement[];

export interface DiffOptions {
  /** Major of the server the statements will run on (ALTER forms and privileges that exist only from some major). */
  readonly targetMajor: number;
  /**
   * Passed to the create builder (default roles: copy). With roles: skip the source is read the way that builder
   * writes it (owners -> targetRole, nothing for roles missing from existingRoles), see map-roles.ts.
   */
  readonly create?: Omit<CreateDdlOptions, 'targetMajor'>;
  /**
   * The role that will run the statements: privileges of existing objects it cannot administer are not diffed
   * (keep-acls.ts), and `onKeptAcls` hears which. Absent: every difference is diffed.
   */
  readonly administering?: AdministeringRole;
  readonly onKeptAcls?: (kept: readonly string[]) => void;
  /** Default: src/pg/ddl's buildCreateDdl. Tests swap it to see which objects the diff asks to create. */
  readonly createDdl?: CreateDdlBuilder;
}
