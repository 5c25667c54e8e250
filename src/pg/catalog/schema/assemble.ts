// Rows of every introspection query -> one SchemaModel: relations get their columns, constraints, indexes,
// triggers, policies and rules; pg_depend tokens become ObjectKey deps; referenced roles are kept; everything is
// sorted and frozen. Pure: no I/O, so it is unit-tested on hand-written rows.
import type {
  AclEntry, Column, Constraint, DefaultPrivilege, Index, ObjectKey, Policy, RoleInfo, Rule, SchemaModel,
  SchemaObjectAny, TableObject, Trigger, ViewObject,
} from '../../../model/schema.js';
import { objectKey } from '../../../model/object-key.js';
import { compareText, parseAcl } from './acl.js';
import { parseCast, type CastRow } from './casts-query.js';
import { parseCollation, type CollationRow } from './collations-query.js';
import { parseColumn, type ColumnRow } from './columns-query.js';
import { parseConstraint, type ConstraintRow } from './constraints-query.js';
import { parseDatabase, type DatabaseRow } from './database-query.js';
import { deepFreeze } from './deep-freeze.js';
import { parseDefaultPrivileges, type DefaultPrivilegeRow } from './default-privileges-query.js';
import type { DependRow } from './depends-query.js';
import { parseExtension, type ExtensionRow } from './extensions-query.js';
import { parseFunction, type FunctionRow } from './functions-query.js';
import { parseIndex, type IndexRow } from './indexes-query.js';
import { parseOperatorFamily, type OperatorFamilyRow } from './operator-families-query.js';
import { parseOperator, type OperatorRow } from './operators-query.js';
import { groupByRelation, type Owned, type Parsed } from './parsed.js';
import { parsePolicy, type PolicyRow } from './policies-query.js';
import { sortedOptions, type RelationRow } from './relations-query.js';
import { parseRole, type RoleRow } from './roles-query.js';
import { parseRule, type RuleRow } from './rules-query.js';
import { parseSchema, type SchemaRow } from './schemas-query.js';
import { parseSequence, type SequenceRow } from './sequences-query.js';
import { parseStatistics, type StatisticsRow } from './statistics-query.js';
import { parseTrigger, type TriggerRow } from './triggers-query.js';
import { parseType, type TypeRow } from './types-query.js';

/** What every query returned, one field per query. */
export interface CatalogRows {
  readonly database: DatabaseRow;
  readonly schemas: readonly SchemaRow[];
  readonly extensions: readonly ExtensionRow[];
  readonly collations: readonly CollationRow[];
  readonly types: readonly TypeRow[];
  readonly sequences: readonly SequenceRow[];
  readonly relations: readonly RelationRow[];
  readonly columns: readonly ColumnRow[];
  readonly constraints: readonly ConstraintRow[];
  readonly indexes: readonly IndexRow[];
  readonly triggers: readonly TriggerRow[];
  readonly policies: readonly PolicyRow[];
  readonly rules: readonly RuleRow[];
  readonly functions: readonly FunctionRow[];
  readonly casts: readonly CastRow[];
  readonly operators: readonly OperatorRow[];
  readonly operatorFamilies: readonly OperatorFamilyRow[];
  readonly statistics: readonly StatisticsRow[];
  readonly defaultPrivileges: readonly DefaultPrivilegeRow[];
  readonly depends: readonly DependRow[];
  readonly roles: readonly RoleRow[];
}

const byName = <T extends { readonly name: string }>(a: T, b: T): number => compareText(a.name, b.name);

function sortedByName<T extends { readonly name: string }>(items: readonly T[] | undefined): readonly T[] {
  return [...(items ?? [])].sort(byName);
}

interface RelationParts {
  readonly columns: Map<string, Column[]>;
  readonly constraints: Map<string, Constraint[]>;
  readonly indexes: Map<string, Index[]>;
  readonly triggers: Map<string, Trigger[]>;
  readonly policies: Map<string, Policy[]>;
  readonly rules: Map<string, Rule[]>;
}

function relationObject(row: RelationRow, parts: RelationParts): TableObject | ViewObject {
  const relation = row.tokens[0] ?? '';
  const base = {
    schema: row.schema, name: row.name, owner: row.owner, acl: parseAcl(row.acl), comment: row.comment,
    deps: [] as readonly ObjectKey[], options: sortedOptions(row.options),
    indexes: sortedByName(parts.indexes.get(relation)), triggers: sortedByName(parts.triggers.get(relation)),
    rules: sortedByName(parts.rules.get(relation)),
  };
  const columns = parts.columns.get(relation) ?? [];
  if (row.relkind === 'v' || row.relkind === 'm') {
    const kind = row.relkind === 'v' ? 'view' : 'matview';
    return {
      ...base, key: objectKey(kind, row.schema, row.name), kind, definition: row.view_definition ?? '',
      columns: columns.map((c) => ({ name: c.name, type: c.type, default: c.default, comment: c.comment, acl: c.acl })),
      populated: row.populated,
    };
  }
  return {
    ...base, key: objectKey('table', row.schema, row.name), kind: 'table',
    persistence: row.persistence === 'u' ? 'u' : 'p',
    partitionKey: row.partition_key,
    partitionOf: row.partition_of === null ? null : { parent: objectKey('table', row.partition_of[0], row.partition_of[1]), bound: row.partition_of[2] },
    inherits: row.inherits.map(([s, n]) => objectKey('table', s, n)),
    columns,
    constraints: sortedByName(parts.constraints.get(relation)),
    policies: sortedByName(parts.policies.get(relation)),
    rowSecurity: { enabled: row.rls_enabled, forced: row.rls_forced },
    replicaIdentity: row.replica_identity === 'n' || row.replica_identity === 'f' || row.replica_identity === 'i' ? row.replica_identity : 'd',
    replicaIdentityIndex: row.replica_identity === 'i' ? row.replica_identity_index : null,
    accessMethod: row.access_method,
  };
}

/** Maps every token of the parsed items to the key of the object they belong to. */
function addTokens(tokens: Map<string, ObjectKey>, items: readonly { readonly tokens: readonly string[] }[], keyOf: (index: number) => ObjectKey | undefined): void {
  items.forEach((item, index) => {
    const key = keyOf(index);
    if (key !== undefined) for (const token of item.tokens) tokens.set(token, key);
  });
}

function dependencies(objects: readonly SchemaObjectAny[], tokens: ReadonlyMap<string, ObjectKey>, rows: readonly DependRow[]): Map<ObjectKey, ObjectKey[]> {
  const ownedBy = new Map<ObjectKey, ObjectKey>();
  for (const o of objects) if (o.kind === 'sequence' && o.ownedBy !== null) ownedBy.set(o.key, o.ownedBy.table);
  const deps = new Map<ObjectKey, Set<ObjectKey>>();
  for (const row of rows) {
    const from = tokens.get(row.token);
    const to = tokens.get(row.ref);
    if (from === undefined || to === undefined || from === to) continue;
    // OWNED BY makes a sequence depend on its table (auto); the table's default needs the sequence first, so this
    // one is recorded as `ownedBy`, not as a dependency, which would make a cycle.
    if (row.deptype === 'a' && ownedBy.get(from) === to) continue;
    let set = deps.get(from);
    if (set === undefined) deps.set(from, (set = new Set()));
    set.add(to);
  }
  return new Map([...deps].map(([k, v]) => [k, [...v].sort(compareText)]));
}

function aclRoles(acl: readonly AclEntry[] | null, into: Set<string>): void {
  for (const e of acl ?? []) {
    if (e.grantee !== '') into.add(e.grantee);
    into.add(e.grantor);
  }
}

/** Every role the model names: owners, grantees and grantors, policy roles, default privileges, settings. */
export function referencedRoles(model: Pick<SchemaModel, 'database' | 'objects' | 'defaultPrivileges'>): Set<string> {
  const names = new Set<string>([model.database.owner]);
  aclRoles(model.database.acl, names);
  for (const s of model.database.settings) if (s.role !== null) names.add(s.role);
  for (const d of model.defaultPrivileges) {
    names.add(d.role);
    aclRoles(d.acl, names);
  }
  for (const o of model.objects) {
    if (o.owner !== null) names.add(o.owner);
    aclRoles(o.acl, names);
    if (o.kind === 'table' || o.kind === 'view' || o.kind === 'matview') for (const c of o.columns) aclRoles(c.acl, names);
    if (o.kind === 'table') for (const p of o.policies) for (const r of p.roles) if (r !== 'public') names.add(r);
  }
  return names;
}

/**
 * The referenced roles and, transitively, the roles they are members of: copying a role's memberships needs those
 * roles on the target too. Sorted by name.
 */
export function withGrantedRoles(all: readonly RoleInfo[], referenced: ReadonlySet<string>): readonly RoleInfo[] {
  const byRoleName = new Map(all.map((r) => [r.name, r]));
  const wanted = new Set<string>();
  const pending = [...referenced];
  for (let name = pending.pop(); name !== undefined; name = pending.pop()) {
    const role = byRoleName.get(name);
    if (role === undefined || wanted.has(name)) continue;
    wanted.add(name);
    pending.push(...role.memberOf.map((m) => m.role));
  }
  return all.filter((r) => wanted.has(r.name)).sort(byName);
}

export function assembleModel(rows: CatalogRows): SchemaModel {
  const columns = rows.columns.map(parseColumn);
  const constraints = rows.constraints.map(parseConstraint);
  const indexes = rows.indexes.map(parseIndex);
  const triggers = rows.triggers.map(parseTrigger);
  const policies = rows.policies.map(parsePolicy);
  const rules = rows.rules.map(parseRule);
  const parts: RelationParts = {
    columns: groupByRelation(columns), constraints: groupByRelation(constraints), indexes: groupByRelation(indexes),
    triggers: groupByRelation(triggers), policies: groupByRelation(policies), rules: groupByRelation(rules),
  };
  const relations = rows.relations.map((r) => ({ tokens: r.tokens, value: relationObject(r, parts) }));
  const parsed: readonly Parsed<SchemaObjectAny>[] = [
    ...rows.schemas.map(parseSchema), ...rows.extensions.map(parseExtension), ...rows.collations.map(parseCollation),
    ...rows.types.map(parseType), ...rows.sequences.map(parseSequence), ...rows.functions.map(parseFunction),
    ...rows.casts.map(parseCast), ...rows.operators.map(parseOperator), ...rows.operatorFamilies.map(parseOperatorFamily),
    ...rows.statistics.map(parseStatistics), ...relations,
  ];
  const tokens = new Map<string, ObjectKey>();
  addTokens(tokens, parsed, (i) => parsed[i]?.value.key);
  // Sub-objects stand for their relation in pg_depend (a trigger's function is a dependency of the table).
  const relationKeys = new Map(relations.map((r) => [r.tokens[0] ?? '', r.value.key]));
  const owned: readonly Owned<unknown>[] = [...columns, ...constraints, ...indexes, ...triggers, ...policies, ...rules];
  addTokens(tokens, owned, (i) => relationKeys.get(owned[i]?.relation ?? ''));
  const undepended = parsed.map((p) => p.value);
  const deps = dependencies(undepended, tokens, rows.depends);
  const objects = undepended
    .map((o): SchemaObjectAny => ({ ...o, deps: deps.get(o.key) ?? [] }))
    .sort((a, b) => compareText(a.key, b.key));
  const database = parseDatabase(rows.database);
  const defaultPrivileges: readonly DefaultPrivilege[] = parseDefaultPrivileges(rows.defaultPrivileges);
  const roles = withGrantedRoles(rows.roles.map(parseRole), referencedRoles({ database, objects, defaultPrivileges }));
  return deepFreeze({ formatVersion: 1, serverVersionNum: rows.database.server_version_num, database, objects, defaultPrivileges, roles });
}
