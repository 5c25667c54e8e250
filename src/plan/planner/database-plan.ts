// One database's part of the plan: which tables the spec selects (src/spec selectTables over the source model), the
// schema scope they need (computeSchemaScope), whether the target can take it (checkTargetCompatibility), the schema
// diff against the target cut to the same scope (objects the spec does not manage are never touched), the target
// database itself (created from template0 when missing), the rows to copy (rows-steps.ts) and, with large_objects:
// true, the large objects (large-objects-step.ts).
import { databaseAddress, largeObjectsAddress } from '../../model/address.js';
import { objectKey } from '../../model/object-key.js';
import type { ObjectKey, SchemaModel, TableObject } from '../../model/schema.js';
import type { DatabaseActual, ServerActual, Throughput } from '../../introspect/types.js';
import { createDatabaseStatement } from '../../pg/ddl/create/create-database.js';
import { UnsupportedOnTargetError } from '../../pg/ddl/unsupported-error.js';
import { checkTargetCompatibility } from '../../schema/compat.js';
import { diffSchemas } from '../../schema/diff/diff-schemas.js';
import { computeSchemaScope } from '../../schema/scope.js';
import { selectedTableKeys } from '../../schema/scope-selection.js';
import { quoteIdent, quoteQualified } from '../../pg/sql/quote.js';
import type { DatabaseSpec } from '../../spec/model.js';
import { selectTables } from '../../spec/select-tables.js';
import type { StateDocument } from '../../state/state-document.js';
import { findResource } from '../../state/state-edits.js';
import type { Diagnostic } from '../../util/errors.js';
import { planFromSchemaChanges } from '../from-schema-changes.js';
import type { Action, PlanStep, SqlOperation } from '../types.js';
import { catalogTables } from './catalog-tables.js';
import { cutModel, emptyModel } from './cut-model.js';
import { filterRuleProblems, withNotValid } from './fk-filter-rule.js';
import { withReachableOwners } from './reachable-owners.js';
import { rowsAddressesOf } from './replace.js';
import { planRowsSteps } from './rows-steps.js';
import { planLargeObjectsStep } from './large-objects-step.js';
import { databaseRecord, largeObjectsRecord } from './state-records.js';
import { prepareSync } from './sync-prepare.js';
import { planSyncSteps } from './sync-steps.js';
import type { DatabaseAttributes } from './types.js';

export interface DatabaseScope {
  readonly db: DatabaseSpec;
  readonly actual: DatabaseActual;
  readonly source: SchemaModel;
  /** The source model cut to the scope. */
  readonly desired: SchemaModel;
  readonly scopeKeys: ReadonlySet<ObjectKey>;
  readonly rowsTables: readonly ObjectKey[];
  readonly schemaOnly: readonly ObjectKey[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Selection and scope of one database (first pass: the role steps need every database's desired model). */
export function scopeDatabase(db: DatabaseSpec, actual: DatabaseActual, source: SchemaModel): DatabaseScope {
  const diagnostics: Diagnostic[] = [];
  const sel = selectTables(db, catalogTables(source));
  for (const u of sel.unmatched) {
    diagnostics.push({
      severity: u.fromDefaults === true ? 'warning' : 'error',
      message: `database ${db.key}: ${u.role} entry ${u.pattern.raw} matches no table${u.note === undefined ? '' : ` (${u.note})`}`,
      ...(u.suggestions.length > 0 ? { hints: [`did you mean ${u.suggestions.join(', ')}?`] } : {}),
      ...(u.pattern.position === undefined ? {} : { position: u.pattern.position }),
    });
  }
  const key = (t: { schema: string; table: string }): ObjectKey => objectKey('table', t.schema, t.table);
  // No include list: the whole database, standalone functions, sequences and types included (as pg_dump copies it).
  const scope = computeSchemaScope(source, selectedTableKeys({ selected: sel.selected, schemaOnly: sel.schemaOnly }), { standalone: db.include === null });
  diagnostics.push(...scope.errors.map((d) => ({ ...d, message: `database ${db.key}: ${d.message}` })));
  diagnostics.push(...scope.warnings.map((d) => ({ ...d, message: `database ${db.key}: ${d.message}` })));
  const scopeKeys = new Set(scope.objects);
  return {
    db, actual, source, desired: cutModel(source, scopeKeys), scopeKeys,
    rowsTables: sel.selected.map(key), schemaOnly: sel.schemaOnly.map(key), diagnostics,
  };
}

export interface DatabasePlanInput {
  readonly scope: DatabaseScope;
  readonly target: ServerActual;
  readonly state: StateDocument | null;
  /** Roles the plan creates before any database step. */
  readonly plannedRoles: readonly string[];
  /** The role pgrepl reads the source as (for GRANT hints). */
  readonly sourceRole: string;
  readonly sourceNow: string;
  readonly refreshWindows: boolean;
  /** PlanOptions.recopy. */
  readonly recopy: boolean;
  /** PlanOptions.replace, canonical addresses (of every database; each picks its own). */
  readonly replace: ReadonlySet<string>;
  readonly throughput: Throughput | null;
  readonly source: ServerActual;
  readonly lineage: string;
  readonly targetIdentity: string;
  readonly conninfo: { readonly preview: string; readonly hasPassword: boolean };
}

export interface DatabasePlan {
  readonly steps: Omit<PlanStep, 'index'>[];
  readonly diagnostics: Diagnostic[];
  /** The rows (and large objects) addresses the spec wants in this database: records of others are stale. */
  readonly desiredRows: ReadonlySet<string>;
}

/**
 * A table whose rows are copied but that the source role cannot read whole: COPY would fail with 42501 halfway
 * through the apply, or row-level security would hide rows. Refused up front with the statements that fix it.
 */
function unreadableTables(scope: DatabaseScope, role: string): Diagnostic[] {
  const unreadable = scope.actual.source?.unreadable ?? {};
  const r = quoteIdent(role);
  const out: Diagnostic[] = [];
  const rows = new Set(scope.rowsTables);
  for (const o of scope.desired.objects) {
    if (o.kind !== 'table' || unreadable[o.key] === undefined) continue;
    let root = o;
    while (root.partitionOf !== null) {
      const parent = scope.desired.objects.find((p) => p.key === root.partitionOf?.parent);
      if (parent?.kind !== 'table') break;
      root = parent;
    }
    if (!rows.has(root.key)) continue;
    const why = unreadable[o.key] ?? [];
    const q = quoteQualified(o.schema as string, o.name);
    const hints: string[] = [];
    if (why.includes('no-usage')) hints.push(`GRANT USAGE ON SCHEMA ${quoteIdent(o.schema as string)} TO ${r};`);
    if (why.includes('no-select')) hints.push(`GRANT SELECT ON TABLE ${q} TO ${r};`);
    if (why.includes('row-security')) hints.push(`ALTER ROLE ${r} BYPASSRLS;`, `-- or copy it as structure only (schema_only) if its policies must hold`);
    out.push({
      severity: 'error',
      message: `database ${scope.db.key}: the source role ${role} cannot read every row of ${q} (${why.map((w) => w === 'row-security' ? 'row-level security applies to it' : w === 'no-select' ? 'no SELECT' : 'no USAGE on its schema').join(', ')})`,
      hints,
    });
  }
  return out;
}

/**
 * Privileges the target role cannot change (it does not own the objects): GRANT would only warn that nothing was
 * granted, so the diff leaves them (src/schema/diff/keep-acls.ts) and the plan says so, with the fix.
 */
function keptAclsWarning(key: string, kept: readonly string[], user: string): string {
  const shown = kept.slice(0, 10).join(', ') + (kept.length > 10 ? `, … (${kept.length - 10} more)` : '');
  return `database ${key}: privileges differ from the source on ${shown}, but ${user} does not own ${kept.length === 1 ? 'it' : 'them'} and cannot change them (PostgreSQL would only warn that nothing was granted): left as they are; connect as the owner, or GRANT <owner> TO ${quoteIdent(user)};`;
}

/** Owner, encoding and locale of a database pgrepl creates: the source's where the target allows them. */
function createDatabase(scope: DatabaseScope, target: ServerActual, warn: (m: string) => void): { op: SqlOperation; owner: string } {
  const info = scope.source.database;
  const db = scope.db;
  let owner: string | null = null;
  if (db.roles === 'copy' && info.owner !== target.user) {
    if (target.superuser || target.memberOf.includes(info.owner)) owner = info.owner;
    else warn(`database ${db.targetDatabase} will be owned by ${target.user}, not ${info.owner} as on the source: ${target.user} may not create databases for ${info.owner}`);
  }
  const known = new Set(target.libcLocales);
  let collate: string | null = info.collate;
  let ctype: string | null = info.ctype;
  if (!known.has(info.collate) || !known.has(info.ctype)) {
    const fallback = info.encoding === 'UTF8' ? null : 'C';
    warn(`the target has no locale ${info.collate}${info.ctype === info.collate ? '' : `/${info.ctype}`}: database ${db.targetDatabase} is created with ${fallback ?? "the target's default locale"} instead (text may sort differently)`);
    collate = fallback;
    ctype = fallback;
  }
  const statement = createDatabaseStatement({
    name: db.targetDatabase, owner, encoding: info.encoding, collate, ctype, provider: info.localeProvider, locale: info.locale, targetMajor: target.major,
  });
  return { op: { type: 'sql', side: 'target', stage: 'cluster', order: 0, statements: [statement] }, owner: owner ?? target.user };
}

export function planDatabase(input: DatabasePlanInput): DatabasePlan {
  const { scope, target } = input;
  const { db, actual } = scope;
  const diagnostics: Diagnostic[] = [];
  const warn = (message: string): void => { diagnostics.push({ severity: 'warning', message }); };
  const record = databaseRecord(input.state === null ? undefined : findResource(input.state, databaseAddress(db.key)));
  const missing = actual.target === null;

  diagnostics.push(...unreadableTables(scope, input.sourceRole));
  const problems = filterRuleProblems(scope.desired, db, scope.rowsTables, scope.schemaOnly);
  let desired = scope.desired;
  if (db.filteredForeignKeys === 'not_valid' && problems.length > 0) {
    desired = withNotValid(desired, problems.map((p) => p.fk));
    for (const p of problems) warn(`${p.diagnostic.message.replace(/ would fail on the target$/, '')} is created NOT VALID on the target (filtered_foreign_keys: not_valid)`);
  } else {
    diagnostics.push(...problems.map((p) => p.diagnostic));
  }

  if (db.roles === 'copy') {
    const owners = withReachableOwners(desired, target);
    desired = owners.model;
    if (owners.warning !== null) warn(owners.warning);
  }

  const compat = checkTargetCompatibility(desired, target.major, actual.target?.lookup);
  diagnostics.push(...compat.errors.map((d) => ({ ...d, message: `database ${db.key}: ${d.message}` })));
  diagnostics.push(...compat.warnings.map((d) => ({ ...d, message: `database ${db.key}: ${d.message}` })));

  const created = missing ? createDatabase(scope, target, warn) : null;
  const createOp = created?.op ?? null;
  const owner = created?.owner ?? target.user;
  const actualModel = actual.target === null
    ? emptyModel(target.versionNum, { name: db.targetDatabase, owner, encoding: scope.source.database.encoding, collate: scope.source.database.collate, ctype: scope.source.database.ctype })
    : cutModel(actual.target.model, scope.scopeKeys);

  let schemaSteps: Omit<PlanStep, 'index'>[] = [];
  const tableActions = new Map<ObjectKey, Action>();
  try {
    const changes = diffSchemas(desired, actualModel, {
      targetMajor: target.major,
      create: {
        roles: db.roles, targetRole: target.user, existingRoles: [...target.roles, ...input.plannedRoles], targetDatabase: db.targetDatabase,
        targetIsSuperuser: target.superuser,
      },
      administering: { user: target.user, superuser: target.superuser, memberOf: target.memberOf },
      onKeptAcls: (kept) => warn(keptAclsWarning(db.key, kept, target.user)),
    });
    for (const c of changes) if (c.kind === 'table') tableActions.set(c.key, c.action);
    schemaSteps = planFromSchemaChanges(db.key, changes);
  } catch (e: unknown) {
    if (!(e instanceof UnsupportedOnTargetError)) throw e;
    diagnostics.push(...e.problems.map((p) => ({ severity: 'error' as const, message: `database ${db.key}: ${p.object}: ${p.message}` })));
  }

  // The database-level change (settings, grants, comment) from the diff joins the database's own step.
  const address = databaseAddress(db.key);
  const dbChange = schemaSteps.find((s) => s.address === address);
  schemaSteps = schemaSteps.filter((s) => s !== dbChange);
  const attributes: DatabaseAttributes = { name: db.targetDatabase, created: missing || record?.created === true };
  const steps: Omit<PlanStep, 'index'>[] = [];
  if (createOp !== null) {
    const ops = [createOp, ...(dbChange?.operations ?? [])];
    steps.push({
      address, action: 'create', destructive: false,
      reason: `database ${db.targetDatabase} does not exist on the target${dbChange === undefined ? '' : `; ${dbChange.reason}`}`,
      before: null, after: attributes, operations: ops, sqlPreview: [...createOp.statements.map((s) => s.sql), ...(dbChange?.sqlPreview ?? [])],
    });
  } else if (dbChange !== undefined) {
    steps.push({ ...dbChange, before: { ...attributes }, after: attributes });
  }

  const sync = db.sync && actual.source !== null
    ? prepareSync({
      db, desiredTables: desired.objects.filter((o): o is TableObject => o.kind === 'table'), rowsTables: scope.rowsTables, actual, source: input.source, target,
      state: input.state, lineage: input.lineage, targetIdentity: input.targetIdentity, sourceNow: input.sourceNow, refreshWindows: input.refreshWindows, recopy: input.recopy,
      replace: rowsAddressesOf(db.key, input.replace),
    })
    : null;
  if (sync !== null) diagnostics.push(...sync.diagnostics);
  const rows = planRowsSteps({
    db, desired, rowsTables: scope.rowsTables, schemaOnly: scope.schemaOnly, sizes: actual.source?.sizes ?? {},
    target: actual.target === null ? null : { tables: actual.target.tables, model: actual.target.model },
    tableActions, state: input.state, databaseOwned: attributes.created, sourceNow: input.sourceNow, refreshWindows: input.refreshWindows, recopy: input.recopy, replace: input.replace,
    throughput: input.throughput, sync: sync?.rows ?? null,
  });
  diagnostics.push(...rows.diagnostics);
  steps.push(...schemaSteps, ...rows.steps);
  if (sync !== null) {
    const replication = planSyncSteps({ db, prepared: sync, rows, source: input.source, target, lineage: input.lineage, conninfo: input.conninfo });
    diagnostics.push(...replication.diagnostics);
    steps.push(...replication.steps);
  }

  const largeObjects = planLargeObjectsStep({
    db, facts: actual.source?.largeObjectFacts, target: actual.target === null ? null : actual.target.largeObjects ?? [],
    record: largeObjectsRecord(input.state === null ? undefined : findResource(input.state, largeObjectsAddress(db.key))),
    recopy: input.recopy, replace: input.replace.has(largeObjectsAddress(db.key)), throughput: input.throughput, sourceRole: input.sourceRole,
  });
  diagnostics.push(...largeObjects.diagnostics);
  if (largeObjects.step !== null) steps.push(largeObjects.step);

  if (actual.target !== null && steps.length > 0) {
    const others = actual.target.model.objects.filter((o) => !scope.scopeKeys.has(o.key));
    if (others.length > 0) {
      const names = others.slice(0, 10).map((o) => o.key.replace(':', ' '));
      warn(`target database ${db.targetDatabase} holds ${others.length} object(s) this spec does not manage, left alone: ${names.join(', ')}${others.length > 10 ? ', …' : ''}`);
    }
  }
  const lo = actual.source?.largeObjects ?? 0;
  if (lo > 0 && !db.largeObjects) warn(`database ${db.key} has ${lo} large object(s); they are not copied (large_objects is off)`);
  const desiredRows = largeObjects.desired ? new Set([...rows.desired, largeObjectsAddress(db.key)]) : rows.desired;
  return { steps, diagnostics, desiredRows };
}
