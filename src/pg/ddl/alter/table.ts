// ALTER TABLE statements for a table's parts other than columns: constraints, indexes, triggers, policies, rules,
// row security, replica identity, storage options, persistence, inheritance and partitioning.
import type { Constraint, Index, Policy, Rule, TableObject, Trigger, ViewObject } from '../../../model/schema.js';
import type { DdlStatement } from '../types.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../../sql/quote.js';
import { qualifiedName } from './object-name.js';
import { ddl } from './statement.js';

type Relation = TableObject | ViewObject;

function alterTable(table: TableObject): string {
  return `ALTER TABLE ${qualifiedName(table)}`;
}

function commentText(comment: string | null): string {
  return comment === null ? 'NULL' : quoteLiteral(comment);
}

const ENABLE_WORD: Readonly<Record<Trigger['enabled'], string>> = { O: 'ENABLE', D: 'DISABLE', R: 'ENABLE REPLICA', A: 'ENABLE ALWAYS' };
const POLICY_COMMAND: Readonly<Record<Policy['command'], string>> = { r: 'SELECT', a: 'INSERT', w: 'UPDATE', d: 'DELETE', '*': 'ALL' };

/** `ADD CONSTRAINT name <pg_get_constraintdef>`; the definition carries NOT VALID, DEFERRABLE and NO INHERIT. */
export function addConstraint(table: TableObject, c: Constraint): DdlStatement {
  return ddl(table.key, `${alterTable(table)} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`, 'post-data');
}

export function dropConstraint(table: TableObject, name: string): DdlStatement {
  return ddl(table.key, `${alterTable(table)} DROP CONSTRAINT ${quoteIdent(name)}`, 'pre-data');
}

export function validateConstraint(table: TableObject, name: string): DdlStatement {
  return ddl(table.key, `${alterTable(table)} VALIDATE CONSTRAINT ${quoteIdent(name)}`, 'post-data');
}

export function commentOnConstraint(table: TableObject, name: string, comment: string | null): DdlStatement {
  return ddl(table.key, `COMMENT ON CONSTRAINT ${quoteIdent(name)} ON ${qualifiedName(table)} IS ${commentText(comment)}`, 'post-data');
}

/**
 * `pg_get_indexdef` is a complete CREATE INDEX (with `ON ONLY` for a partitioned parent). A partition's index
 * that belongs to a parent's index is attached right after, so it keeps its name and the parent becomes valid.
 */
export function createIndex(rel: Relation, index: Index): DdlStatement[] {
  const out = [ddl(rel.key, index.definition, 'post-data')];
  if (index.parentIndex !== null) {
    out.push(ddl(rel.key, `ALTER INDEX ${index.parentIndex} ATTACH PARTITION ${quoteQualified(rel.schema ?? 'public', index.name)}`, 'post-data'));
  }
  return out;
}

export function dropIndex(rel: Relation, name: string): DdlStatement {
  return ddl(rel.key, `DROP INDEX ${quoteQualified(rel.schema ?? 'public', name)}`, 'pre-data');
}

export function commentOnIndex(rel: Relation, name: string, comment: string | null): DdlStatement {
  return ddl(rel.key, `COMMENT ON INDEX ${quoteQualified(rel.schema ?? 'public', name)} IS ${commentText(comment)}`, 'post-data');
}

/** `CLUSTER ON index` or `SET WITHOUT CLUSTER`. */
export function clusterOn(table: TableObject, index: string | null): DdlStatement {
  const action = index === null ? 'SET WITHOUT CLUSTER' : `CLUSTER ON ${quoteIdent(index)}`;
  return ddl(table.key, `${alterTable(table)} ${action}`, 'post-data');
}

/** `pg_get_triggerdef` is a complete CREATE TRIGGER; a disabled/replica/always trigger is switched after. */
export function createTrigger(rel: Relation, t: Trigger): DdlStatement[] {
  const out = [ddl(rel.key, t.definition, 'post-data')];
  if (t.enabled !== 'O' && rel.kind === 'table') out.push(setTriggerEnabled(rel, t.name, t.enabled));
  return out;
}

export function dropTrigger(rel: Relation, name: string): DdlStatement {
  return ddl(rel.key, `DROP TRIGGER ${quoteIdent(name)} ON ${qualifiedName(rel)}`, 'pre-data');
}

export function setTriggerEnabled(table: TableObject, name: string, enabled: Trigger['enabled']): DdlStatement {
  return ddl(table.key, `${alterTable(table)} ${ENABLE_WORD[enabled]} TRIGGER ${quoteIdent(name)}`, 'post-data');
}

export function commentOnTrigger(rel: Relation, name: string, comment: string | null): DdlStatement {
  return ddl(rel.key, `COMMENT ON TRIGGER ${quoteIdent(name)} ON ${qualifiedName(rel)} IS ${commentText(comment)}`, 'post-data');
}

export function createPolicy(table: TableObject, p: Policy): DdlStatement {
  const roles = p.roles.map((r) => (r === 'public' ? 'PUBLIC' : quoteIdent(r))).join(', ');
  const parts = [
    `CREATE POLICY ${quoteIdent(p.name)} ON ${qualifiedName(table)}`,
    `AS ${p.permissive ? 'PERMISSIVE' : 'RESTRICTIVE'}`,
    `FOR ${POLICY_COMMAND[p.command]}`,
    `TO ${roles === '' ? 'PUBLIC' : roles}`,
    ...(p.using === null ? [] : [`USING (${p.using})`]),
    ...(p.withCheck === null ? [] : [`WITH CHECK (${p.withCheck})`]),
  ];
  return ddl(table.key, parts.join(' '), 'post-data');
}

export function dropPolicy(table: TableObject, name: string): DdlStatement {
  return ddl(table.key, `DROP POLICY ${quoteIdent(name)} ON ${qualifiedName(table)}`, 'pre-data');
}

export function commentOnPolicy(table: TableObject, name: string, comment: string | null): DdlStatement {
  return ddl(table.key, `COMMENT ON POLICY ${quoteIdent(name)} ON ${qualifiedName(table)} IS ${commentText(comment)}`, 'post-data');
}

/** `pg_get_ruledef` is a complete CREATE RULE ending in `;`, which is dropped so statements join cleanly. */
export function createRule(rel: Relation, r: Rule): DdlStatement[] {
  const out = [ddl(rel.key, r.definition.replace(/;\s*$/, ''), 'post-data')];
  if (r.enabled !== 'O' && rel.kind === 'table') out.push(setRuleEnabled(rel, r.name, r.enabled));
  return out;
}

export function dropRule(rel: Relation, name: string): DdlStatement {
  return ddl(rel.key, `DROP RULE ${quoteIdent(name)} ON ${qualifiedName(rel)}`, 'pre-data');
}

export function setRuleEnabled(table: TableObject, name: string, enabled: Rule['enabled']): DdlStatement {
  return ddl(table.key, `${alterTable(table)} ${ENABLE_WORD[enabled]} RULE ${quoteIdent(name)}`, 'post-data');
}

export function commentOnRule(rel: Relation, name: string, comment: string | null): DdlStatement {
  return ddl(rel.key, `COMMENT ON RULE ${quoteIdent(name)} ON ${qualifiedName(rel)} IS ${commentText(comment)}`, 'post-data');
}

export function setRowSecurity(table: TableObject, enabled: boolean): DdlStatement {
  return ddl(table.key, `${alterTable(table)} ${enabled ? 'ENABLE' : 'DISABLE'} ROW LEVEL SECURITY`, 'post-data');
}

export function setForceRowSecurity(table: TableObject, forced: boolean): DdlStatement {
  return ddl(table.key, `${alterTable(table)} ${forced ? 'FORCE' : 'NO FORCE'} ROW LEVEL SECURITY`, 'post-data');
}

export function setReplicaIdentity(table: TableObject, identity: TableObject['replicaIdentity'], index: string | null): DdlStatement {
  const what = identity === 'd' ? 'DEFAULT' : identity === 'n' ? 'NOTHING' : identity === 'f' ? 'FULL' : `USING INDEX ${quoteIdent(index ?? '')}`;
  return ddl(table.key, `${alterTable(table)} REPLICA IDENTITY ${what}`, 'post-data');
}

/** reloptions: `SET (k=v, …)` for new or changed values, `RESET (k, …)` for removed ones. */
export function setRelationOptions(rel: Relation, desired: readonly string[], actual: readonly string[]): DdlStatement[] {
  const keyOf = (o: string): string => o.slice(0, o.indexOf('=') < 0 ? o.length : o.indexOf('='));
  const desiredKeys = new Set(desired.map(keyOf));
  const reset = actual.filter((o) => !desiredKeys.has(keyOf(o))).map(keyOf);
  const set = desired.filter((o) => !actual.includes(o));
  const head = `ALTER ${rel.kind === 'table' ? 'TABLE' : rel.kind === 'view' ? 'VIEW' : 'MATERIALIZED VIEW'} ${qualifiedName(rel)}`;
  const out: DdlStatement[] = [];
  if (reset.length > 0) out.push(ddl(rel.key, `${head} RESET (${reset.join(', ')})`, 'pre-data'));
  if (set.length > 0) out.push(ddl(rel.key, `${head} SET (${set.join(', ')})`, 'pre-data'));
  return out;
}

/** SET LOGGED / UNLOGGED rewrites the table. */
export function setPersistence(table: TableObject, persistence: TableObject['persistence']): DdlStatement {
  return ddl(table.key, `${alterTable(table)} SET ${persistence === 'u' ? 'UNLOGGED' : 'LOGGED'}`, 'pre-data', { destructive: true });
}

/** 15+: SET ACCESS METHOD rewrites the table. */
export function setAccessMethod(table: TableObject, method: string | null): DdlStatement {
  return ddl(table.key, `${alterTable(table)} SET ACCESS METHOD ${quoteIdent(method ?? 'heap')}`, 'pre-data', { destructive: true });
}

export function setInherit(table: TableObject, parentSql: string, inherit: boolean): DdlStatement {
  return ddl(table.key, `${alterTable(table)} ${inherit ? 'INHERIT' : 'NO INHERIT'} ${parentSql}`, 'pre-data');
}

export function attachPartition(parentSql: string, table: TableObject, bound: string): DdlStatement {
  return ddl(table.key, `ALTER TABLE ${parentSql} ATTACH PARTITION ${qualifiedName(table)} ${bound}`, 'pre-data');
}

export function detachPartition(parentSql: string, table: TableObject): DdlStatement {
  return ddl(table.key, `ALTER TABLE ${parentSql} DETACH PARTITION ${qualifiedName(table)}`, 'pre-data');
}

/** Constraint renames: only for PG18's named NOT NULL constraints, whose names the diff cannot otherwise reach. */
export function renameConstraint(table: TableObject, from: string, to: string): DdlStatement {
  return ddl(table.key, `${alterTable(table)} RENAME CONSTRAINT ${quoteIdent(from)} TO ${quoteIdent(to)}`, 'post-data');
}
