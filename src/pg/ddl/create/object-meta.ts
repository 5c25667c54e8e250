// Post-data that every object has: comments (its own and its parts'), ownership, and privileges.
import type { AclEntry, ObjectKey, SchemaObjectAny } from '../../../model/schema.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { aclStatements } from '../acl.js';
import { type BuildContext, RANK } from '../build-context.js';
import { createId, ddlNode, type DdlNode } from '../node.js';
import { objectSql } from '../object-sql.js';
import { constraintId, indexId } from './table-post.js';

/** PostgreSQL 15 took CREATE on schema public away from PUBLIC and gave the schema to pg_database_owner. */
export const PUBLIC_SCHEMA_NEW_DEFAULT_MAJOR = 15;

function isOldPublicSchemaDefault(o: SchemaObjectAny, ctx: BuildContext): boolean {
  if (o.kind !== 'schema' || o.name !== 'public' || ctx.sourceMajor >= PUBLIC_SCHEMA_NEW_DEFAULT_MAJOR || ctx.targetMajor < PUBLIC_SCHEMA_NEW_DEFAULT_MAJOR) return false;
  const same = (e: AclEntry | undefined): boolean => e !== undefined && [...e.privileges].sort().join(',') === 'CREATE,USAGE' && e.grantable.length === 0;
  return o.acl !== null && o.acl.length === 2 && same(o.acl.find((e) => e.grantee === o.owner)) && same(o.acl.find((e) => e.grantee === ''));
}

function commentNodes(o: SchemaObjectAny): DdlNode[] {
  const { word, name } = objectSql(o);
  const out: DdlNode[] = [];
  const add = (step: string, on: string, comment: string | null, after: string): void => {
    if (comment !== null) out.push(ddlNode(o.key, `comment:${step}`, 'post-data', RANK.comment, `COMMENT ON ${on} IS ${quoteLiteral(comment)}`, [after]));
  };
  add('', `${word} ${name}`, o.comment, createId(o.key));
  if (o.kind === 'table' || o.kind === 'view' || o.kind === 'matview') {
    for (const c of o.columns) add(`column:${c.name}`, `COLUMN ${name}.${quoteIdent(c.name)}`, c.comment, createId(o.key));
    const schema = quoteIdent(o.schema ?? 'public');
    // An index that backs a key is made by the key's constraint, but keeps a comment of its own.
    for (const i of o.indexes) {
      add(`index:${i.name}`, `INDEX ${schema}.${quoteIdent(i.name)}`, i.comment, i.constraint === null ? indexId(o.key, i.name) : constraintId(o.key, i.constraint));
    }
    for (const t of o.triggers) add(`trigger:${t.name}`, `TRIGGER ${quoteIdent(t.name)} ON ${name}`, t.comment, `${o.key}#trigger:${t.name}`);
    for (const r of o.rules) add(`rule:${r.name}`, `RULE ${quoteIdent(r.name)} ON ${name}`, r.comment, `${o.key}#rule:${r.name}`);
  }
  if (o.kind === 'table') {
    for (const c of o.constraints) add(`constraint:${c.name}`, `CONSTRAINT ${quoteIdent(c.name)} ON ${name}`, c.comment, c.type === 'c' && c.validated ? createId(o.key) : constraintId(o.key, c.name));
    for (const p of o.policies) add(`policy:${p.name}`, `POLICY ${quoteIdent(p.name)} ON ${name}`, p.comment, `${o.key}#policy:${p.name}`);
  }
  if (o.kind === 'type' && o.type.variant === 'composite') {
    for (const a of o.type.attributes) add(`column:${a.name}`, `COLUMN ${name}.${quoteIdent(a.name)}`, a.comment ?? null, createId(o.key));
  }
  if (o.kind === 'type' && o.type.variant === 'domain') {
    for (const c of o.type.constraints) add(`constraint:${c.name}`, `CONSTRAINT ${quoteIdent(c.name)} ON DOMAIN ${name}`, c.comment, c.validated ? createId(o.key) : `${o.key}#constraint:${c.name}`);
  }
  return out;
}

/** Statements that must precede ALTER OWNER: the owner's change moves grants the applying role made. */
function ownerNodes(o: SchemaObjectAny, ctx: BuildContext): DdlNode[] {
  if (ctx.roles === 'skip' || o.owner === null || o.kind === 'extension' || o.kind === 'cast') return [];
  if (isOldPublicSchemaDefault(o, ctx)) return [];
  // A sequence OWNED BY a column follows its table's owner (ALTER TABLE … OWNER cascades) and refuses its own.
  if (o.kind === 'sequence' && o.ownedBy !== null) return [];
  const { word, name } = objectSql(o);
  return [ddlNode(o.key, 'owner', 'post-data', RANK.owner, `ALTER ${word} ${name} OWNER TO ${quoteIdent(o.owner)}`, [createId(o.key)])];
}

function aclNodes(o: SchemaObjectAny, ctx: BuildContext, targetOwner: (key: ObjectKey, owner: string) => string): DdlNode[] {
  const { name, aclKind, grantWord } = objectSql(o);
  if (aclKind === null || grantWord === null || o.owner === null || isOldPublicSchemaDefault(o, ctx)) return [];
  const owner = o.owner;
  const warn = (message: string): void => ctx.warn(o.key, message);
  const acl = { sourceMajor: ctx.sourceMajor, targetMajor: ctx.targetMajor, mapRole: ctx.mapRole, warn, keepGrantors: ctx.roles === 'copy' };
  const base = { on: `${grantWord} ${name}`, owner, targetOwner: targetOwner(o.key, owner), label: o.key };
  const sql = aclStatements({ ...base, kind: aclKind }, o.acl, acl);
  if (o.kind === 'table' || o.kind === 'view' || o.kind === 'matview') {
    for (const c of o.columns) sql.push(...aclStatements({ ...base, kind: 'column', column: c.name }, c.acl, acl));
  }
  // Each after the one before: a grant made by a non-owner needs the grant option given before it.
  return sql.map((s, i) => ddlNode(o.key, `acl:${i}`, 'post-data', RANK.acl, s, [createId(o.key), `${o.key}#owner`, ...(i > 0 ? [`${o.key}#acl:${i - 1}`] : [])]));
}

export function objectMetaNodes(o: SchemaObjectAny, ctx: BuildContext, targetOwner: (key: ObjectKey, owner: string) => string): DdlNode[] {
  return [...commentNodes(o), ...ownerNodes(o, ctx), ...aclNodes(o, ctx, targetOwner)];
}
