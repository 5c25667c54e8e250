// Pre-data for a table: CREATE TABLE with columns, defaults, identity, generated columns, NOT NULL and the
// validated CHECK constraints inline (as pg_dump does), partitions as PARTITION OF, inheritance, UNLOGGED,
// access method and reloptions. Indexes, keys and everything else follow in post-data (table-post.ts).
import type { Column, TableObject } from '../../../model/schema.js';
import { quoteIdent } from '../../sql/quote.js';
import { type BuildContext, RANK, withOptions } from '../build-context.js';
import { createId, ddlNode, type DdlNode } from '../node.js';
import { keySqlName } from '../object-sql.js';
import { sequenceOptionsSql } from './sequence-options.js';

/** PostgreSQL 18 is the first with VIRTUAL generated columns. */
export const VIRTUAL_GENERATED_FIRST_MAJOR = 18;
/** PostgreSQL 14 is the first with per-column compression. */
export const COLUMN_COMPRESSION_FIRST_MAJOR = 14;
/** PostgreSQL 18 is the first with named NOT NULL constraints on tables. */
export const NAMED_NOT_NULL_FIRST_MAJOR = 18;

function identitySql(table: TableObject, column: Column): string {
  const id = column.identity;
  if (id === null) return '';
  const kind = id.kind === 'a' ? 'ALWAYS' : 'BY DEFAULT';
  // The model holds the sequence's qualified, quoted name.
  return ` GENERATED ${kind} AS IDENTITY (SEQUENCE NAME ${id.sequence} ${sequenceOptionsSql(id.options)})`;
}

function generatedSql(table: TableObject, column: Column, ctx: BuildContext): string {
  const gen = column.generated;
  if (gen === null) return '';
  if (gen.kind === 'v' && ctx.targetMajor < VIRTUAL_GENERATED_FIRST_MAJOR) {
    ctx.refuse(table.key, `column ${quoteIdent(column.name)} is a VIRTUAL generated column (first in PostgreSQL ${VIRTUAL_GENERATED_FIRST_MAJOR})`);
  }
  return ` GENERATED ALWAYS AS (${gen.expression}) ${gen.kind === 'v' ? 'VIRTUAL' : 'STORED'}`;
}

function notNullSql(column: Column, ctx: BuildContext): string {
  // A NOT VALID one (18+) is added after the data (table-post.ts): rows may hold NULLs.
  if (!column.notNull || column.notNullValidated === false) return '';
  if (column.notNullName !== null && ctx.targetMajor >= NAMED_NOT_NULL_FIRST_MAJOR) return ` CONSTRAINT ${quoteIdent(column.notNullName)} NOT NULL`;
  return ' NOT NULL';
}

export function columnSql(table: TableObject, column: Column, ctx: BuildContext): string {
  const collate = column.collation === null ? '' : ` COLLATE ${column.collation}`;
  const def = column.default === null || column.generated !== null ? '' : ` DEFAULT ${column.default}`;
  return `${quoteIdent(column.name)} ${column.type}${collate}${generatedSql(table, column, ctx)}${identitySql(table, column)}${def}${notNullSql(column, ctx)}`;
}

/** CHECK constraints written into CREATE TABLE: local and validated (NOT VALID ones wait for the data). */
function inlineChecks(table: TableObject): string[] {
  return table.constraints
    .filter((c) => c.type === 'c' && !c.inherited && c.validated)
    .map((c) => `CONSTRAINT ${quoteIdent(c.name)} ${c.definition}`);
}

function tail(table: TableObject): string {
  const parts: string[] = [];
  if (table.partitionKey !== null) parts.push(`PARTITION BY ${table.partitionKey}`);
  if (table.accessMethod !== null) parts.push(`USING ${quoteIdent(table.accessMethod)}`);
  if (table.options.length > 0) parts.push(`WITH (${withOptions(table.options)})`);
  return parts.length === 0 ? '' : ` ${parts.join(' ')}`;
}

/** Column settings a partition has beyond what PARTITION OF copies from its parent. */
function partitionColumnAlters(table: TableObject, parent: TableObject | undefined): string[] {
  const name = keySqlName(table.key);
  const out: string[] = [];
  for (const col of table.columns) {
    const from = parent?.columns.find((c) => c.name === col.name);
    if (col.default !== null && col.generated === null && col.identity === null && col.default !== from?.default) {
      out.push(`ALTER TABLE ONLY ${name} ALTER COLUMN ${quoteIdent(col.name)} SET DEFAULT ${col.default}`);
    }
    if (col.notNull && from?.notNull !== true) out.push(`ALTER TABLE ONLY ${name} ALTER COLUMN ${quoteIdent(col.name)} SET NOT NULL`);
  }
  return out;
}

function columnAlters(table: TableObject, ctx: BuildContext): string[] {
  const name = keySqlName(table.key);
  const out: string[] = [];
  for (const col of table.columns) {
    if (col.compression !== undefined && col.compression !== null && ctx.targetMajor < COLUMN_COMPRESSION_FIRST_MAJOR) {
      ctx.refuse(table.key, `column ${quoteIdent(col.name)} sets COMPRESSION ${col.compression} (first in PostgreSQL ${COLUMN_COMPRESSION_FIRST_MAJOR})`);
    }
    if (col.storage !== null) {
      const storage = { p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' }[col.storage] ?? col.storage;
      out.push(`ALTER TABLE ONLY ${name} ALTER COLUMN ${quoteIdent(col.name)} SET STORAGE ${storage}`);
    }
    if (col.statisticsTarget !== null && col.statisticsTarget >= 0) {
      out.push(`ALTER TABLE ONLY ${name} ALTER COLUMN ${quoteIdent(col.name)} SET STATISTICS ${col.statisticsTarget}`);
    }
    if (col.options !== undefined && col.options.length > 0) {
      out.push(`ALTER TABLE ONLY ${name} ALTER COLUMN ${quoteIdent(col.name)} SET (${withOptions(col.options)})`);
    }
    if (col.compression !== undefined && col.compression !== null) {
      out.push(`ALTER TABLE ONLY ${name} ALTER COLUMN ${quoteIdent(col.name)} SET COMPRESSION ${quoteIdent(col.compression)}`);
    }
  }
  return out;
}

export function tableCreateNodes(table: TableObject, ctx: BuildContext): DdlNode[] {
  const name = keySqlName(table.key);
  const unlogged = table.persistence === 'u' ? 'UNLOGGED ' : '';
  const after = [...table.deps, ...table.inherits, ...(table.partitionOf ? [table.partitionOf.parent] : [])].map(createId);
  let sql: string;
  const alters: string[] = [];
  if (table.partitionOf !== null) {
    const parent = ctx.objects.get(table.partitionOf.parent);
    const checks = inlineChecks(table);
    const elements = checks.length === 0 ? '' : ` (\n    ${checks.join(',\n    ')}\n)`;
    sql = `CREATE ${unlogged}TABLE ${name} PARTITION OF ${keySqlName(table.partitionOf.parent)}${elements}\n${table.partitionOf.bound}${tail(table)}`;
    alters.push(...partitionColumnAlters(table, parent?.kind === 'table' ? parent : undefined));
    // A table made on its own and then attached may order its columns otherwise; PARTITION OF takes the parent's.
    if (parent?.kind === 'table' && table.columns.map((c) => c.name).join('\0') !== parent.columns.map((c) => c.name).join('\0')) {
      ctx.warn(table.key, 'created with its parent\'s column order, which differs from the source partition\'s (rows copy by column name)');
    }
  } else {
    // Columns that come only from inheritance parents are created by INHERITS, as pg_dump leaves them out.
    const elements = [...table.columns.filter((c) => c.isLocal).map((c) => columnSql(table, c, ctx)), ...inlineChecks(table)];
    const inherits = table.inherits.length === 0 ? '' : ` INHERITS (${table.inherits.map(keySqlName).join(', ')})`;
    const body = elements.length === 0 ? '()' : `(\n    ${elements.join(',\n    ')}\n)`;
    sql = `CREATE ${unlogged}TABLE ${name} ${body}${inherits}${tail(table)}`;
    // An inherited column's own default or NOT NULL beyond its parents': set it on the child.
    const parents = table.inherits.map((k) => ctx.objects.get(k)).filter((p): p is TableObject => p?.kind === 'table');
    for (const col of table.columns.filter((c) => !c.isLocal)) {
      const from = parents.map((p) => p.columns.find((c) => c.name === col.name)).filter((c): c is Column => c !== undefined);
      if (col.default !== null && col.generated === null && !from.some((c) => c.default === col.default)) {
        alters.push(`ALTER TABLE ONLY ${name} ALTER COLUMN ${quoteIdent(col.name)} SET DEFAULT ${col.default}`);
      }
      if (col.notNull && !from.some((c) => c.notNull)) alters.push(`ALTER TABLE ONLY ${name} ALTER COLUMN ${quoteIdent(col.name)} SET NOT NULL`);
    }
  }
  alters.push(...columnAlters(table, ctx));
  const create = ddlNode(table.key, 'create', 'pre-data', RANK.table, sql, after);
  return [create, ...alters.map((a, i) => ddlNode(table.key, `alter:${i}`, 'pre-data', RANK.tableAlter, a, [create.id]))];
}
