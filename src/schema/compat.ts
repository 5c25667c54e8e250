// Can a target of a given major take this model? Pure: the construct table (compat-constructs.ts) by major, plus
// a lookup of what the target's catalogs have (built-in functions, operators, types and collations that
// expressions and columns name, and predefined roles), which src/pg/catalog/schema/target-lookup.ts reads from
// the target. Plan errors name the object and what in it is the problem; MAINTAIN grants and the like are
// dropped with a warning instead.
import type { AclEntry, ObjectKey, SchemaModel, SchemaObjectAny } from '../model/schema.js';
import type { Diagnostic } from '../util/errors.js';
import { type CompatAction, COMPAT_CONSTRUCTS, expressionsOf, PREDEFINED_ROLE_FIRST_MAJOR, withoutQuoted } from './compat-constructs.js';
import { unqualifiedOperators } from './expression-operators.js';
import { displayName } from './scope-diagnostics.js';

export { COMPAT_CONSTRUCTS, type CompatConstruct, PREDEFINED_ROLE_FIRST_MAJOR } from './compat-constructs.js';

/** What the target's catalogs hold, by name (pg_catalog only: user objects are created by the plan). */
export interface TargetCatalogLookup {
  /** pg_catalog function names (proname). */
  readonly functions: ReadonlySet<string>;
  /** pg_catalog type names as format_type prints them without modifiers (`timestamp with time zone`, `int4multirange`). */
  readonly types: ReadonlySet<string>;
  /** pg_catalog collation names (`C`, `POSIX`, `ucs_basic`, `unicode`, `pg_c_utf8`, …). */
  readonly collations: ReadonlySet<string>;
  /** pg_catalog operator names (oprname); absent = not checked. */
  readonly operators?: ReadonlySet<string>;
  /** Role names that exist (predefined roles included). */
  readonly roles?: ReadonlySet<string>;
}

export interface CompatFinding extends Diagnostic {
  /** A construct id of COMPAT_CONSTRUCTS, or `missing-function`, `missing-operator`, `missing-type`, `missing-collation`, `missing-role`. */
  readonly construct: string;
  readonly object: ObjectKey;
  readonly action: CompatAction;
}

export interface CompatibilityReport {
  readonly errors: readonly CompatFinding[];
  readonly warnings: readonly CompatFinding[];
}

/** Words that are followed by `(` in deparsed SQL but are syntax, not functions to look up. */
const SYNTAX_WORDS = new Set([
  'and', 'or', 'not', 'in', 'any', 'some', 'all', 'exists', 'array', 'row', 'values', 'case', 'when', 'then', 'else', 'cast', 'coalesce',
  'nullif', 'greatest', 'least', 'extract', 'overlay', 'position', 'substring', 'trim', 'normalize', 'collation', 'treat', 'xmlelement',
  'xmlforest', 'xmlconcat', 'xmlparse', 'xmlpi', 'xmlroot', 'xmlserialize', 'xmlexists', 'xmlattributes', 'xmlnamespaces', 'xmltable',
  'json_object', 'json_array', 'json_objectagg', 'json_arrayagg', 'json_table', 'json_query', 'json_value', 'json_exists', 'json_scalar',
  'json_serialize', 'json', 'columns', 'path', 'nested', 'over', 'filter', 'within', 'partition', 'using', 'on', 'check', 'key', 'unique',
  'primary', 'references', 'foreign', 'exclude', 'include', 'where', 'with', 'as', 'from', 'select', 'group', 'by', 'order', 'where',
  'returning', 'default', 'index', 'only', 'table', 'view', 'function', 'procedure', 'trigger', 'execute', 'is', 'distinct', 'join',
  'lateral', 'then', 'end', 'begin', 'atomic', 'return', 'returns', 'language', 'set', 'into', 'to', 'for', 'each', 'statement', 'of',
  'insert', 'update', 'delete', 'truncate', 'after', 'before', 'instead', 'or', 'like', 'ilike', 'similar', 'between', 'else', 'if',
  'nulls', 'interval', 'timestamp', 'time', 'date', 'numeric', 'decimal', 'varchar', 'char', 'character', 'bit', 'float', 'double',
  'precision', 'varying', 'zone', 'new', 'old', 'grouping', 'cube', 'rollup', 'sets', 'tablesample', 'rows', 'range', 'groups', 'union',
  'intersect', 'except', 'limit', 'offset', 'fetch', 'window', 'recursive', 'ordinality', 'deferrable', 'match', 'action', 'cascade',
  'restrict', 'no', 'gist', 'gin', 'btree', 'hash', 'brin', 'spgist', 'desc', 'asc', 'local', 'cascaded', 'option', 'do', 'nothing',
  'also', 'notify', 'setof', 'out', 'inout', 'variadic', 'rule', 'policy', 'permissive', 'restrictive', 'enforced', 'overlaps', 'period',
  'without', 'virtual', 'stored', 'generated', 'always', 'identity', 'constraint', 'initially', 'deferred', 'immediate', 'valid',
  'null', 'operator', 'true', 'false', 'current_user', 'session_user', 'current_date', 'current_timestamp', 'localtimestamp',
]);

/** Function names an expression calls without a schema (built-ins: with search_path = pg_catalog, user ones are qualified). */
export function unqualifiedCalls(text: string): string[] {
  const names = new Set<string>();
  const plain = withoutQuoted(text);
  // A lookbehind, not a consumed character: in `coalesce(lower(x))` the '(' before lower must stay matchable.
  for (const m of plain.matchAll(/(?<![.\w$"])([A-Za-z_][A-Za-z0-9_$]*)\s*\(/g)) {
    const name = (m[1] ?? '').toLowerCase();
    // An alias with a column list (`generate_series(1, 3) g(x)`, `AS t(a, b)`, `WITH c(a) AS …`) is no call.
    const before = plain.slice(0, m.index);
    if (/(?:\)|\bAS|\bWITH|\bRECURSIVE)\s*$/i.test(before)) continue;
    if (!SYNTAX_WORDS.has(name)) names.add(name);
  }
  return [...names].sort();
}

/** A column type's base name as format_type prints it, without modifiers or array brackets; null when qualified. */
export function builtinTypeName(type: string): string | null {
  const base = type.replace(/\[\]/g, '').replace(/\([^)]*\)/g, '').replace(/\s+/g, ' ').trim();
  if (/^"?[^".]*"?\./.test(base) || base.includes('".')) return null; // schema.type: a user or extension type
  return base.replace(/^"|"$/g, '');
}

function finding(o: SchemaObjectAny, construct: string, action: CompatAction, message: string): CompatFinding {
  return { severity: action === 'error' ? 'error' : 'warning', construct, object: o.key, action, message };
}

function label(o: SchemaObjectAny): string {
  return `${o.kind === 'matview' ? 'materialized view' : o.kind} ${displayName(o.key)}`;
}

function aclRoles(acl: readonly AclEntry[] | null): string[] {
  return (acl ?? []).flatMap((e) => [e.grantee, e.grantor]).filter((r) => r !== '');
}

function lookupFindings(o: SchemaObjectAny, targetMajor: number, lookup: TargetCatalogLookup): CompatFinding[] {
  const out: CompatFinding[] = [];
  for (const e of expressionsOf(o)) {
    // Function bodies are not checked (check_function_bodies = off); only what the target must resolve now.
    if (o.kind === 'function') break;
    for (const name of unqualifiedCalls(e.text)) {
      if (!lookup.functions.has(name)) out.push(finding(o, 'missing-function', 'error', `${label(o)}: ${e.where} calls ${name}(), which PostgreSQL ${String(targetMajor)} does not have`));
    }
    const operators = lookup.operators;
    if (operators === undefined) continue;
    for (const name of unqualifiedOperators(e.text)) {
      if (!operators.has(name)) out.push(finding(o, 'missing-operator', 'error', `${label(o)}: ${e.where} uses the operator ${name}, which PostgreSQL ${String(targetMajor)} does not have`));
    }
  }
  if (o.kind === 'table' || o.kind === 'view' || o.kind === 'matview') {
    for (const c of o.columns) {
      const type = builtinTypeName(c.type);
      if (type !== null && !lookup.types.has(type)) out.push(finding(o, 'missing-type', 'error', `${label(o)}: column ${c.name} has type ${c.type}, which PostgreSQL ${String(targetMajor)} does not have`));
      const collation = 'collation' in c ? c.collation : null;
      const builtin = collation?.match(/^pg_catalog\.("?)(.+)\1$/);
      if (builtin && !lookup.collations.has((builtin[2] ?? '').replaceAll('""', '"'))) {
        out.push(finding(o, 'missing-collation', 'error', `${label(o)}: column ${c.name} uses collation ${collation ?? ''}, which PostgreSQL ${String(targetMajor)} does not have`));
      }
    }
  }
  return out;
}

/** Predefined roles the object names (owner, grants, policies) that the target lacks. */
function roleFindings(o: SchemaObjectAny, targetMajor: number, lookup: TargetCatalogLookup | undefined): CompatFinding[] {
  const out: CompatFinding[] = [];
  const roles = new Set([...(o.owner === null ? [] : [o.owner]), ...aclRoles(o.acl), ...(o.kind === 'table' ? o.policies.flatMap((p) => p.roles) : [])]);
  // Schema public owned by pg_database_owner (with its grants) is 15+'s default, not a choice: an older target
  // keeps its own default, as a 15+ target keeps its own when the source is older.
  if (o.kind === 'schema' && o.name === 'public' && o.owner === 'pg_database_owner') roles.delete('pg_database_owner');
  for (const role of [...roles].sort()) {
    if (!role.startsWith('pg_')) continue;
    const first = PREDEFINED_ROLE_FIRST_MAJOR[role];
    const missing = lookup?.roles !== undefined ? !lookup.roles.has(role) : first !== undefined && targetMajor < first;
    if (missing) out.push(finding(o, 'missing-role', 'error', `${label(o)}: names the predefined role ${role}, which PostgreSQL ${String(targetMajor)} does not have`));
  }
  return out;
}

/**
 * What a target of `targetMajor` cannot take from `model`: constructs newer than the target (plan errors, or
 * warnings for what is dropped instead), and, with a lookup of the target's catalogs, built-in functions, types,
 * collations and predefined roles the model names that the target lacks. One finding per object and problem.
 */
export function checkTargetCompatibility(model: SchemaModel, targetMajor: number, lookup?: TargetCatalogLookup): CompatibilityReport {
  const findings: CompatFinding[] = [];
  for (const o of model.objects) {
    for (const c of COMPAT_CONSTRUCTS) {
      if (targetMajor >= c.firstMajor) continue;
      const uses = c.detect(o);
      if (uses.length === 0) continue;
      const what = c.onOlder === 'drop' ? 'left out' : 'cannot be created';
      findings.push(finding(o, c.id, c.onOlder,
        `${label(o)}: ${c.description} (${uses.join(', ')}) first appear in PostgreSQL ${String(c.firstMajor)}; ${what} on PostgreSQL ${String(targetMajor)}`));
    }
    if (lookup !== undefined) findings.push(...lookupFindings(o, targetMajor, lookup));
    findings.push(...roleFindings(o, targetMajor, lookup));
  }
  for (const d of model.defaultPrivileges) {
    if (targetMajor < 17 && d.acl.some((e) => e.privileges.includes('MAINTAIN'))) {
      findings.push({
        severity: 'warning', construct: 'maintain-privilege', action: 'drop', object: `default-privileges:${d.role}`,
        message: `default privileges of ${d.role}${d.schema === null ? '' : ` in schema ${d.schema}`}: MAINTAIN first appears in PostgreSQL 17; left out on PostgreSQL ${String(targetMajor)}`,
      });
    }
  }
  const unique = [...new Map(findings.map((f) => [`${f.object}\0${f.message}`, f])).values()];
  return { errors: unique.filter((f) => f.action === 'error'), warnings: unique.filter((f) => f.action === 'drop') };
}
