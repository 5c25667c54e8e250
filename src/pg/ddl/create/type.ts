// Pre-data for enum, domain, composite and range types. A domain's NOT VALID constraints are added in
// post-data, after the data they were never checked against.
import type { DomainType, TypeObject } from '../../../model/schema.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { type BuildContext, RANK } from '../build-context.js';
import { createId, ddlNode, type DdlNode } from '../node.js';
import { keySqlName } from '../object-sql.js';

/** PostgreSQL 14 is the first with multirange types (and `multirange_type_name`). */
export const MULTIRANGE_FIRST_MAJOR = 14;
/** PostgreSQL 17 is the first that names a domain's NOT NULL constraint. */
export const DOMAIN_NAMED_NOT_NULL_FIRST_MAJOR = 17;

function domainSql(name: string, d: DomainType, ctx: BuildContext): string {
  const parts = [`CREATE DOMAIN ${name} AS ${d.baseType}`];
  if (d.collation !== null) parts.push(`COLLATE ${d.collation}`);
  if (d.default !== null) parts.push(`DEFAULT ${d.default}`);
  let notNullDone = false;
  for (const c of d.constraints.filter((x) => x.validated)) {
    if (/^NOT NULL$/i.test(c.definition)) {
      notNullDone = true;
      parts.push(ctx.targetMajor >= DOMAIN_NAMED_NOT_NULL_FIRST_MAJOR ? `CONSTRAINT ${quoteIdent(c.name)} NOT NULL` : 'NOT NULL');
    } else {
      parts.push(`CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`);
    }
  }
  if (d.notNull && !notNullDone) parts.push('NOT NULL');
  return parts.join(' ');
}

export function typeNodes(t: TypeObject, ctx: BuildContext): DdlNode[] {
  const name = keySqlName(t.key);
  const after = t.deps.map(createId);
  const create = (sql: string): DdlNode => ddlNode(t.key, 'create', 'pre-data', RANK.type, sql, after);
  const v = t.type;
  switch (v.variant) {
    case 'enum':
      return [create(`CREATE TYPE ${name} AS ENUM (${v.labels.map(quoteLiteral).join(', ')})`)];
    case 'composite': {
      const attrs = v.attributes.map((a) => `${quoteIdent(a.name)} ${a.type}${a.collation === null ? '' : ` COLLATE ${a.collation}`}`);
      return [create(`CREATE TYPE ${name} AS (${attrs.length === 0 ? '' : `\n    ${attrs.join(',\n    ')}\n`})`)];
    }
    case 'range': {
      const opts = [`subtype = ${v.subtype}`];
      if (v.subtypeOpclass !== null) opts.push(`subtype_opclass = ${v.subtypeOpclass}`);
      if (v.collation !== null) opts.push(`collation = ${v.collation}`);
      if (v.canonical !== null) opts.push(`canonical = ${v.canonical}`);
      if (v.subtypeDiff !== null) opts.push(`subtype_diff = ${v.subtypeDiff}`);
      if (v.multirangeName !== null && ctx.targetMajor >= MULTIRANGE_FIRST_MAJOR) opts.push(`multirange_type_name = ${v.multirangeName}`);
      return [create(`CREATE TYPE ${name} AS RANGE (\n    ${opts.join(',\n    ')}\n)`)];
    }
    case 'domain': {
      const out = [create(domainSql(name, v, ctx))];
      for (const c of v.constraints.filter((x) => !x.validated)) {
        out.push(ddlNode(t.key, `constraint:${c.name}`, 'post-data', RANK.notValidCheck,
          `ALTER DOMAIN ${name} ADD CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`, [createId(t.key)]));
      }
      return out;
    }
  }
}
