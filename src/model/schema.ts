// The schema model: one database's schema as read from the catalogs (src/pg/catalog/schema/), frozen and
// JSON-serialisable. DDL builders (src/pg/ddl/) write it, the diff (src/schema/diff/) compares two of them,
// scope (src/schema/scope.ts) cuts it down to what a spec selects. No OIDs: they differ between servers, so
// objects refer to each other by ObjectKey.
//
// Text fields hold what the server's own deparsers print (`format_type`, `pg_get_expr`, `pg_get_*def`), read
// with `search_path = pg_catalog` so every name in them is schema-qualified.

/** Stable identity of an object across servers, e.g. `table:sales.orders`, `function:public.f(integer, text)`. */
export type ObjectKey = string;

export type ObjectKind =
  | 'schema'
  | 'extension'
  | 'collation'
  | 'type'
  | 'sequence'
  | 'table'
  | 'view'
  | 'matview'
  | 'function'
  | 'cast'
  | 'operator'
  | 'opfamily'
  | 'opclass'
  | 'statistics';

/** One ACL entry as PostgreSQL stores it (`aclexplode`), grantee '' = PUBLIC. */
export interface AclEntry {
  readonly grantee: string;
  readonly grantor: string;
  /** Privilege keywords, sorted: `SELECT`, `INSERT`, …, `MAINTAIN` (17+). */
  readonly privileges: readonly string[];
  /** Subset of `privileges` held WITH GRANT OPTION. */
  readonly grantable: readonly string[];
}

/** Fields every schema object has. */
export interface ObjectBase {
  readonly key: ObjectKey;
  readonly kind: ObjectKind;
  /** Namespace, or null for objects that have none (schemas, extensions, casts). */
  readonly schema: string | null;
  readonly name: string;
  readonly owner: string | null;
  /** null = the default privileges (no GRANT/REVOKE ever ran); [] = everything revoked. */
  readonly acl: readonly AclEntry[] | null;
  readonly comment: string | null;
  /** Objects of this model this one needs to exist first (from pg_depend and the definitions), sorted. */
  readonly deps: readonly ObjectKey[];
}

export interface SchemaObject extends ObjectBase {
  readonly kind: 'schema';
}

export interface ExtensionObject extends ObjectBase {
  readonly kind: 'extension';
  /** Schema the extension's objects live in (`CREATE EXTENSION … SCHEMA`). */
  readonly extSchema: string;
  readonly version: string;
}

export interface CollationObject extends ObjectBase {
  readonly kind: 'collation';
  /** 'c' libc, 'i' icu, 'b' builtin (17+), 'd' default. */
  readonly provider: 'c' | 'i' | 'b' | 'd';
  readonly deterministic: boolean;
  readonly collate: string | null;
  readonly ctype: string | null;
  /** ICU locale / builtin locale (15+: colliculocale / 17+: colllocale). */
  readonly locale: string | null;
  readonly icuRules: string | null;
}

export interface EnumType {
  readonly variant: 'enum';
  /** In sort order (enumsortorder). */
  readonly labels: readonly string[];
}
export interface DomainConstraint {
  readonly name: string;
  /** `pg_get_constraintdef`, e.g. `CHECK ((VALUE > 0))` or `NOT NULL` (PG17+ names domain NOT NULL). */
  readonly definition: string;
  readonly validated: boolean;
  readonly comment: string | null;
}
export interface DomainType {
  readonly variant: 'domain';
  /** `format_type` of the base type. */
  readonly baseType: string;
  readonly notNull: boolean;
  readonly default: string | null;
  /** Qualified collation when it differs from the base type's default. */
  readonly collation: string | null;
  readonly constraints: readonly DomainConstraint[];
}
export interface CompositeAttribute {
  readonly name: string;
  readonly type: string;
  readonly collation: string | null;
  /** `COMMENT ON COLUMN type.attribute`; absent or null = none. */
  readonly comment?: string | null;
}
export interface CompositeType {
  readonly variant: 'composite';
  readonly attributes: readonly CompositeAttribute[];
}
export interface RangeType {
  readonly variant: 'range';
  readonly subtype: string;
  readonly subtypeOpclass: string | null;
  readonly collation: string | null;
  readonly canonical: string | null;
  readonly subtypeDiff: string | null;
  /** 14+: the multirange type's qualified name, when not the default one. */
  readonly multirangeName: string | null;
}
export interface TypeObject extends ObjectBase {
  readonly kind: 'type';
  readonly type: EnumType | DomainType | CompositeType | RangeType;
}

export interface SequenceOptions {
  /** `smallint` | `integer` | `bigint`. */
  readonly dataType: string;
  /** Decimal strings: bigint does not fit a JS number. */
  readonly start: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
  readonly cache: string;
  readonly cycle: boolean;
}
export interface SequenceObject extends ObjectBase {
  readonly kind: 'sequence';
  readonly options: SequenceOptions;
  readonly persistence: 'p' | 'u';
  /** `OWNED BY` table column; identity sequences are not listed as objects (they come with the column). */
  readonly ownedBy: { readonly table: ObjectKey; readonly column: string } | null;
}

export interface Column {
  readonly name: string;
  /** `format_type(atttypid, atttypmod)`. */
  readonly type: string;
  /** Qualified collation name when it differs from the type's default, else null. */
  readonly collation: string | null;
  /** PG18's named NOT NULL constraints are folded into this flag (their names live in `notNullName`). */
  readonly notNull: boolean;
  readonly notNullName: string | null;
  /**
   * false for PG18's `NOT NULL … NOT VALID` (rows may still hold NULLs: the target must not get a validated NOT NULL
   * before the copy); absent = validated, as on every older major.
   */
  readonly notNullValidated?: boolean;
  /** `pg_get_expr(adbin)` for an ordinary default. */
  readonly default: string | null;
  /** 'a' ALWAYS / 'd' BY DEFAULT, with the identity sequence's name and options. */
  readonly identity: { readonly kind: 'a' | 'd'; readonly sequence: string; readonly options: SequenceOptions } | null;
  /** 's' STORED, 'v' VIRTUAL (18+), with the expression. */
  readonly generated: { readonly kind: 's' | 'v'; readonly expression: string } | null;
  /** 'p' plain, 'e' external, 'm' main, 'x' extended, when it differs from the type's default. */
  readonly storage: string | null;
  /** Per-column statistics target, -1/null = default. */
  readonly statisticsTarget: number | null;
  /** attoptions (`n_distinct`, `n_distinct_inherited`), sorted `key=value`; absent = none. */
  readonly options?: readonly string[];
  /** 14+: `pglz` / `lz4` when set on the column (attcompression); absent or null = the default. */
  readonly compression?: string | null;
  /** Number of inheritance parents the column comes from; 0 = defined locally only. */
  readonly inheritedCount: number;
  readonly isLocal: boolean;
  readonly acl: readonly AclEntry[] | null;
  readonly comment: string | null;
}

export interface Constraint {
  readonly name: string;
  /** p primary key, u unique, c check, x exclusion, f foreign key, n not null (18+; folded into columns). */
  readonly type: 'p' | 'u' | 'c' | 'x' | 'f';
  /** `pg_get_constraintdef(oid, true)`. */
  readonly definition: string;
  readonly deferrable: boolean;
  readonly deferred: boolean;
  readonly validated: boolean;
  /** Inherited from a parent (partition or inheritance): created by the parent, not on its own. */
  readonly inherited: boolean;
  readonly noInherit: boolean;
  /** For FKs: the referenced table. */
  readonly references: ObjectKey | null;
  readonly comment: string | null;
}

export interface Index {
  readonly name: string;
  /** `pg_get_indexdef(oid)`: `CREATE [UNIQUE] INDEX name ON [ONLY] schema.table USING …`. */
  readonly definition: string;
  /** Backs a constraint (PK, UNIQUE, EXCLUDE): created by the constraint, not by CREATE INDEX. */
  readonly constraint: string | null;
  /** Index of the partitioned parent this one is attached to (`schema.index`), or null. */
  readonly parentIndex: string | null;
  readonly isReplicaIdentity: boolean;
  readonly clustered: boolean;
  readonly comment: string | null;
  /**
   * pg_index.indisvalid is false (a CREATE/REINDEX … CONCURRENTLY that failed, e.g. a UNIQUE index on duplicate
   * rows): the server keeps it up to date but never uses it. Absent when valid. Never set for a partitioned
   * table's index, which stays invalid by design until every partition has one attached (pg_dump dumps those).
   */
  readonly invalid?: true;
}

export interface Trigger {
  readonly name: string;
  /** `pg_get_triggerdef(oid)`. */
  readonly definition: string;
  /** 'O' origin (default), 'D' disabled, 'R' replica, 'A' always. */
  readonly enabled: 'O' | 'D' | 'R' | 'A';
  /** Cloned from a partitioned parent's trigger (created by the parent). */
  readonly inherited: boolean;
  readonly comment: string | null;
}

export interface Policy {
  readonly name: string;
  readonly permissive: boolean;
  /** 'r' SELECT, 'a' INSERT, 'w' UPDATE, 'd' DELETE, '*' ALL. */
  readonly command: 'r' | 'a' | 'w' | 'd' | '*';
  /** Role names, sorted; 'public' for PUBLIC. */
  readonly roles: readonly string[];
  readonly using: string | null;
  readonly withCheck: string | null;
  readonly comment: string | null;
}

export interface Rule {
  readonly name: string;
  /** `pg_get_ruledef(oid)`. */
  readonly definition: string;
  readonly enabled: 'O' | 'D' | 'R' | 'A';
  readonly comment: string | null;
}

export interface TableObject extends ObjectBase {
  readonly kind: 'table';
  readonly persistence: 'p' | 'u';
  /** `pg_get_partkeydef` for a partitioned table, else null. */
  readonly partitionKey: string | null;
  /** Parent and `pg_get_expr(relpartbound)` (`FOR VALUES …` / `DEFAULT`) for a partition. */
  readonly partitionOf: { readonly parent: ObjectKey; readonly bound: string } | null;
  /** Inheritance parents in order (not partitioning). */
  readonly inherits: readonly ObjectKey[];
  readonly columns: readonly Column[];
  readonly constraints: readonly Constraint[];
  readonly indexes: readonly Index[];
  readonly triggers: readonly Trigger[];
  readonly policies: readonly Policy[];
  readonly rules: readonly Rule[];
  readonly rowSecurity: { readonly enabled: boolean; readonly forced: boolean };
  /** 'd' default (primary key), 'n' nothing, 'f' full, 'i' index (named in replicaIdentityIndex). */
  readonly replicaIdentity: 'd' | 'n' | 'f' | 'i';
  readonly replicaIdentityIndex: string | null;
  /** reloptions, sorted `key=value`. */
  readonly options: readonly string[];
  /** Table access method when not heap. */
  readonly accessMethod: string | null;
}

export interface ViewObject extends ObjectBase {
  readonly kind: 'view' | 'matview';
  /** `pg_get_viewdef(oid)` (the SELECT). */
  readonly definition: string;
  readonly columns: readonly { readonly name: string; readonly type: string; readonly default: string | null; readonly comment: string | null; readonly acl: readonly AclEntry[] | null }[];
  /** reloptions (security_barrier, security_invoker, check_option, …), sorted `key=value`. */
  readonly options: readonly string[];
  /** Materialised views only: indexes, and whether it was populated. */
  readonly indexes: readonly Index[];
  readonly populated: boolean;
  readonly triggers: readonly Trigger[];
  readonly rules: readonly Rule[];
}

export interface FunctionObject extends ObjectBase {
  readonly kind: 'function';
  /** 'f' function, 'p' procedure, 'a' aggregate, 'w' window function. */
  readonly variant: 'f' | 'p' | 'a' | 'w';
  /** `pg_get_function_identity_arguments`, used in the key and in DROP/ALTER/GRANT/COMMENT. */
  readonly identityArguments: string;
  /** `pg_get_functiondef` (CREATE OR REPLACE …); for aggregates the CREATE AGGREGATE built from pg_aggregate. */
  readonly definition: string;
  readonly language: string;
}

export interface CastObject extends ObjectBase {
  readonly kind: 'cast';
  readonly source: string;
  readonly target: string;
  /** Function key (`function:…`) or null for WITHOUT FUNCTION / INOUT. */
  readonly function: ObjectKey | null;
  /** 'f' function, 'i' inout, 'b' binary-coercible. */
  readonly method: 'f' | 'i' | 'b';
  /** 'e' explicit, 'a' assignment, 'i' implicit. */
  readonly context: 'e' | 'a' | 'i';
}

export interface OperatorObject extends ObjectBase {
  readonly kind: 'operator';
  readonly left: string | null;
  readonly right: string | null;
  readonly function: ObjectKey;
  readonly commutator: string | null;
  readonly negator: string | null;
  readonly restrict: string | null;
  readonly join: string | null;
  readonly hashes: boolean;
  readonly merges: boolean;
}

export interface OperatorFamilyObject extends ObjectBase {
  readonly kind: 'opfamily' | 'opclass';
  readonly accessMethod: string;
  /** Opclass only: indexed type, default-for-type flag, family, storage type. */
  readonly inputType: string | null;
  readonly isDefault: boolean;
  readonly family: ObjectKey | null;
  readonly storageType: string | null;
  /** `OPERATOR n op(lt, rt) [FOR ORDER BY …]` and `FUNCTION n (lt, rt) fn(args)` members, sorted. */
  readonly members: readonly string[];
}

export interface StatisticsObject extends ObjectBase {
  readonly kind: 'statistics';
  /** `pg_get_statisticsobjdef`. */
  readonly definition: string;
  readonly table: ObjectKey;
  readonly statisticsTarget: number | null;
}

export type SchemaObjectAny =
  | SchemaObject
  | ExtensionObject
  | CollationObject
  | TypeObject
  | SequenceObject
  | TableObject
  | ViewObject
  | FunctionObject
  | CastObject
  | OperatorObject
  | OperatorFamilyObject
  | StatisticsObject;

/** `ALTER DEFAULT PRIVILEGES FOR ROLE role [IN SCHEMA s] GRANT …`. */
export interface DefaultPrivilege {
  readonly role: string;
  readonly schema: string | null;
  /** 'r' tables, 'S' sequences, 'f' functions, 'T' types, 'n' schemas. */
  readonly objectType: 'r' | 'S' | 'f' | 'T' | 'n';
  readonly acl: readonly AclEntry[];
}

/** `ALTER DATABASE … SET` / `ALTER ROLE … IN DATABASE … SET` (pg_db_role_setting). */
export interface DatabaseSetting {
  /** null = for every role (ALTER DATABASE … SET). */
  readonly role: string | null;
  readonly name: string;
  readonly value: string;
}

export interface RoleInfo {
  readonly name: string;
  readonly superuser: boolean;
  readonly createdb: boolean;
  readonly createrole: boolean;
  readonly inherit: boolean;
  readonly login: boolean;
  readonly replication: boolean;
  readonly bypassrls: boolean;
  readonly connectionLimit: number;
  readonly validUntil: string | null;
  /** Roles this role is a member of, with admin option (PG16+: inherit/set options). */
  readonly memberOf: readonly { readonly role: string; readonly admin: boolean; readonly inherit: boolean | null; readonly set: boolean | null }[];
  /** Role-wide settings (ALTER ROLE … SET), sorted. */
  readonly settings: readonly { readonly name: string; readonly value: string }[];
}

export interface DatabaseInfo {
  readonly name: string;
  readonly owner: string;
  readonly encoding: string;
  readonly collate: string;
  readonly ctype: string;
  /** 'c' libc, 'i' icu, 'b' builtin; null before 15. */
  readonly localeProvider: 'c' | 'i' | 'b' | null;
  readonly locale: string | null;
  readonly acl: readonly AclEntry[] | null;
  readonly comment: string | null;
  readonly settings: readonly DatabaseSetting[];
}

export interface SchemaModel {
  readonly formatVersion: 1;
  /** `server_version_num` of the server it was read from, e.g. 150018. */
  readonly serverVersionNum: number;
  readonly database: DatabaseInfo;
  /** Every object not owned by an extension, sorted by key. Catalog schemas (pg_catalog, information_schema, pg_toast*) are left out. */
  readonly objects: readonly SchemaObjectAny[];
  readonly defaultPrivileges: readonly DefaultPrivilege[];
  /** Roles referenced by ownership, grants, policies and default privileges, with their memberships. */
  readonly roles: readonly RoleInfo[];
}
