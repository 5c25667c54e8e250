// Pre-data for schemas, extensions, collations, sequences, functions, views and materialised views, and
// post-data for extended statistics and matview refreshes.
import type {
  CollationObject, ObjectKey, ExtensionObject, FunctionObject, SchemaObject, SequenceObject, StatisticsObject, ViewObject,
} from '../../../model/schema.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { type BuildContext, RANK, withOptions } from '../build-context.js';
import { createId, ddlNode, type DdlNode } from '../node.js';
import { keySqlName } from '../object-sql.js';
import { sequenceOptionsSql } from './sequence-options.js';
import { constraintId, indexNodes, ruleNodes, triggerNodes } from './table-post.js';

/** Every database has these; CREATE would fail. Their owner, ACL and comment are still applied. */
const PREEXISTING_SCHEMAS = new Set(['public']);

export function schemaNodes(s: SchemaObject): DdlNode[] {
  if (PREEXISTING_SCHEMAS.has(s.name)) return [];
  return [ddlNode(s.key, 'create', 'pre-data', RANK.schema, `CREATE SCHEMA ${quoteIdent(s.name)}`, s.deps.map(createId))];
}

export function extensionNodes(e: ExtensionObject, ctx: BuildContext): DdlNode[] {
  // The source's version only on the same major: another major ships other versions of contrib extensions.
  const version = ctx.sourceMajor === ctx.targetMajor ? ` VERSION ${quoteLiteral(e.version)}` : '';
  return [ddlNode(e.key, 'create', 'pre-data', RANK.extension,
    `CREATE EXTENSION IF NOT EXISTS ${quoteIdent(e.name)} WITH SCHEMA ${quoteIdent(e.extSchema)}${version}`, e.deps.map(createId))];
}

/** First majors of collation features: the builtin provider (17), ICU tailoring rules (16). */
export const BUILTIN_COLLATION_FIRST_MAJOR = 17;
export const ICU_RULES_FIRST_MAJOR = 16;

export function collationNodes(c: CollationObject, ctx: BuildContext): DdlNode[] {
  if (c.provider === 'b' && ctx.targetMajor < BUILTIN_COLLATION_FIRST_MAJOR) ctx.refuse(c.key, `the builtin collation provider is first in PostgreSQL ${BUILTIN_COLLATION_FIRST_MAJOR}`);
  if (c.icuRules !== null && ctx.targetMajor < ICU_RULES_FIRST_MAJOR) ctx.refuse(c.key, `ICU tailoring rules are first in PostgreSQL ${ICU_RULES_FIRST_MAJOR}`);
  const provider = { c: 'libc', i: 'icu', b: 'builtin', d: 'libc' }[c.provider];
  const opts = [`provider = ${provider}`];
  if (c.provider === 'c' || c.provider === 'd') {
    if (c.collate !== null) opts.push(`lc_collate = ${quoteLiteral(c.collate)}`);
    if (c.ctype !== null) opts.push(`lc_ctype = ${quoteLiteral(c.ctype)}`);
  } else {
    // Before 15 an ICU collation's locale lives in collcollate.
    const locale = c.locale ?? c.collate;
    if (locale !== null) opts.push(`locale = ${quoteLiteral(locale)}`);
  }
  if (c.icuRules !== null) opts.push(`rules = ${quoteLiteral(c.icuRules)}`);
  if (!c.deterministic) opts.push('deterministic = false');
  return [ddlNode(c.key, 'create', 'pre-data', RANK.collation, `CREATE COLLATION ${keySqlName(c.key)} (${opts.join(', ')})`, c.deps.map(createId))];
}

/** PostgreSQL 15 is the first with unlogged sequences. */
export const UNLOGGED_SEQUENCE_FIRST_MAJOR = 15;

export function sequenceNodes(s: SequenceObject, ctx: BuildContext): DdlNode[] {
  const name = keySqlName(s.key);
  if (s.persistence === 'u' && ctx.targetMajor < UNLOGGED_SEQUENCE_FIRST_MAJOR) ctx.refuse(s.key, `unlogged sequences are first in PostgreSQL ${UNLOGGED_SEQUENCE_FIRST_MAJOR}`);
  const unlogged = s.persistence === 'u' ? 'UNLOGGED ' : '';
  const create = ddlNode(s.key, 'create', 'pre-data', RANK.sequence,
    `CREATE ${unlogged}SEQUENCE ${name} AS ${s.options.dataType} ${sequenceOptionsSql(s.options)}`, s.deps.filter((d) => d !== s.ownedBy?.table).map(createId));
  if (s.ownedBy === null) return [create];
  // OWNED BY needs the table, whose default usually needs the sequence: a separate step after both. Post-data: the
  // schema diff orders a sequence's statements with the sequence, before the tables, within each phase.
  return [create, ddlNode(s.key, 'owned-by', 'post-data', RANK.ownedBy,
    `ALTER SEQUENCE ${name} OWNED BY ${keySqlName(s.ownedBy.table)}.${quoteIdent(s.ownedBy.column)}`, [create.id, createId(s.ownedBy.table)])];
}

export function functionNodes(f: FunctionObject): DdlNode[] {
  // pg_get_functiondef text as is; the executor runs it with check_function_bodies = off.
  const sql = f.definition.trim().replace(/;$/, '');
  return [ddlNode(f.key, 'create', 'pre-data', RANK.function, sql, f.deps.map(createId))];
}

/** The pre-data primary key of a table a view reads, when there is one (BuildContext.keysBeforeData). */
function primaryKeyIds(table: ObjectKey, ctx: BuildContext): string[] {
  const t = ctx.objects.get(table);
  if (t?.kind !== 'table' || !ctx.keysBeforeData.has(table)) return [];
  return t.constraints.filter((c) => c.type === 'p').map((c) => constraintId(table, c.name));
}

export function viewNodes(v: ViewObject, ctx: BuildContext): DdlNode[] {
  const name = keySqlName(v.key);
  const body = v.definition.trim().replace(/;$/, '');
  const withClause = v.options.length > 0 ? ` WITH (${withOptions(v.options)})` : '';
  const out: DdlNode[] = [];
  const after = [...v.deps.map(createId), ...v.deps.flatMap((d) => primaryKeyIds(d, ctx))];
  if (v.kind === 'view') {
    out.push(ddlNode(v.key, 'create', 'pre-data', RANK.view, `CREATE VIEW ${name}${withClause} AS\n${body}`, after));
  } else {
    out.push(ddlNode(v.key, 'create', 'pre-data', RANK.matview, `CREATE MATERIALIZED VIEW ${name}${withClause} AS\n${body}\nWITH NO DATA`, after));
  }
  for (const col of v.columns) {
    if (col.default !== null) {
      out.push(ddlNode(v.key, `default:${col.name}`, 'pre-data', RANK.view,
        `ALTER VIEW ${name} ALTER COLUMN ${quoteIdent(col.name)} SET DEFAULT ${col.default}`, [createId(v.key)]));
    }
  }
  out.push(...indexNodes(v, ctx), ...triggerNodes(v, v.triggers, ctx), ...ruleNodes(v, v.rules));
  if (v.kind === 'matview' && v.populated) {
    // After every matview it reads from is refreshed (deps), and after its own indexes (faster, as pg_dump).
    const after = [createId(v.key), ...v.deps.map((d) => `${d}#refresh`), ...v.indexes.map((i) => `${v.key}#index:${i.name}`)];
    out.push(ddlNode(v.key, 'refresh', 'post-data', RANK.refresh, `REFRESH MATERIALIZED VIEW ${name}`, after));
  }
  return out;
}

export function statisticsNodes(s: StatisticsObject): DdlNode[] {
  const out = [ddlNode(s.key, 'create', 'post-data', RANK.statistics, s.definition, [...s.deps, s.table].map(createId))];
  if (s.statisticsTarget !== null && s.statisticsTarget >= 0) {
    out.push(ddlNode(s.key, 'target', 'post-data', RANK.statistics, `ALTER STATISTICS ${keySqlName(s.key)} SET STATISTICS ${s.statisticsTarget}`, [createId(s.key)]));
  }
  return out;
}
