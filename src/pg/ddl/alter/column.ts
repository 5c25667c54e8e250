// ALTER TABLE … ADD/DROP/ALTER COLUMN. Types, defaults and expressions are the server's own deparsed text.
import type { Column, TableObject, ViewObject } from '../../../model/schema.js';
import type { DdlStatement } from '../types.js';
import { quoteIdent, quoteLiteral } from '../../sql/quote.js';
import { withOptions } from '../build-context.js';
import { qualifiedName } from './object-name.js';
import { sequenceOptionsSql } from './sequence-options.js';
import { ddl } from './statement.js';

const STORAGE_WORD: Readonly<Record<string, string>> = { p: 'PLAIN', e: 'EXTERNAL', m: 'MAIN', x: 'EXTENDED' };

function alterTable(table: TableObject): string {
  return `ALTER TABLE ${qualifiedName(table)}`;
}

/**
 * The introspection writes an identity sequence's name qualified and quoted (`sales."Order Lines_id_seq"`), as
 * SEQUENCE NAME takes it; RENAME TO takes the bare last part, unquoted here and quoted again by quoteIdent.
 */
export function lastNamePart(qualified: string): string {
  const m = /(?:^|\.)("(?:[^"]|"")*"|[^."]+)$/.exec(qualified);
  const part = m?.[1] ?? qualified;
  return part.startsWith('"') ? part.slice(1, -1).replaceAll('""', '"') : part;
}

function identityClause(identity: NonNullable<Column['identity']>): string {
  const kind = identity.kind === 'a' ? 'ALWAYS' : 'BY DEFAULT';
  const name = identity.sequence;
  return `GENERATED ${kind} AS IDENTITY (SEQUENCE NAME ${name} ${sequenceOptionsSql(identity.options, false)})`;
}

/** The column as ADD COLUMN spells it: type, collation, generation or identity, default, NOT NULL. */
export function columnDefinitionSql(table: TableObject, c: Column): string {
  const parts = [quoteIdent(c.name), c.type];
  if (c.collation !== null) parts.push(`COLLATE ${c.collation}`);
  if (c.generated !== null) parts.push(`GENERATED ALWAYS AS (${c.generated.expression}) ${c.generated.kind === 's' ? 'STORED' : 'VIRTUAL'}`);
  if (c.default !== null) parts.push(`DEFAULT ${c.default}`);
  if (c.identity !== null) parts.push(identityClause(c.identity));
  if (c.notNull && c.identity === null) parts.push('NOT NULL');
  return parts.join(' ');
}

export function addColumn(table: TableObject, c: Column): DdlStatement {
  return ddl(table.key, `${alterTable(table)} ADD COLUMN ${columnDefinitionSql(table, c)}`, 'pre-data');
}

export function dropColumn(table: TableObject, name: string): DdlStatement {
  return ddl(table.key, `${alterTable(table)} DROP COLUMN ${quoteIdent(name)}`, 'pre-data', { destructive: true });
}

/**
 * `ALTER COLUMN … TYPE t [COLLATE c] USING col::t`. `rewrite` says whether the caller could not prove the change
 * binary-coercible: then the table is rewritten and values may be cut or refused, so it is destructive.
 */
export function alterColumnType(table: TableObject, c: Column, rewrite: boolean): DdlStatement {
  const collate = c.collation === null ? '' : ` COLLATE ${c.collation}`;
  const using = rewrite ? ` USING ${quoteIdent(c.name)}::${c.type}` : '';
  return ddl(table.key, `${alterTable(table)} ALTER COLUMN ${quoteIdent(c.name)} TYPE ${c.type}${collate}${using}`, 'pre-data',
    { destructive: rewrite });
}

export function setColumnDefault(table: TableObject, name: string, expression: string | null): DdlStatement {
  const action = expression === null ? 'DROP DEFAULT' : `SET DEFAULT ${expression}`;
  return ddl(table.key, `${alterTable(table)} ALTER COLUMN ${quoteIdent(name)} ${action}`, 'pre-data');
}

export function setColumnNotNull(table: TableObject, name: string, notNull: boolean): DdlStatement {
  return ddl(table.key, `${alterTable(table)} ALTER COLUMN ${quoteIdent(name)} ${notNull ? 'SET' : 'DROP'} NOT NULL`, 'pre-data');
}

/** Identity: add, drop, switch ALWAYS/BY DEFAULT, or change the sequence options, as the difference needs. */
export function alterColumnIdentity(table: TableObject, name: string, desired: Column['identity'], actual: Column['identity']): DdlStatement[] {
  const col = `${alterTable(table)} ALTER COLUMN ${quoteIdent(name)}`;
  if (desired === null && actual === null) return [];
  if (desired === null) return [ddl(table.key, `${col} DROP IDENTITY`, 'pre-data')];
  if (actual === null) return [ddl(table.key, `${col} ADD ${identityClause(desired)}`, 'pre-data')];
  const out: DdlStatement[] = [];
  if (desired.sequence !== actual.sequence) {
    out.push(ddl(table.key, `ALTER SEQUENCE ${actual.sequence} RENAME TO ${quoteIdent(lastNamePart(desired.sequence))}`, 'pre-data'));
  }
  const sets: string[] = [];
  if (desired.kind !== actual.kind) sets.push(`SET GENERATED ${desired.kind === 'a' ? 'ALWAYS' : 'BY DEFAULT'}`);
  const d = desired.options;
  const a = actual.options;
  if (d.start !== a.start) sets.push(`SET START WITH ${d.start}`);
  if (d.increment !== a.increment) sets.push(`SET INCREMENT BY ${d.increment}`);
  if (d.min !== a.min) sets.push(`SET MINVALUE ${d.min}`);
  if (d.max !== a.max) sets.push(`SET MAXVALUE ${d.max}`);
  if (d.cache !== a.cache) sets.push(`SET CACHE ${d.cache}`);
  if (d.cycle !== a.cycle) sets.push(d.cycle ? 'SET CYCLE' : 'SET NO CYCLE');
  if (sets.length > 0) out.push(ddl(table.key, `${col} ${sets.join(' ')}`, 'pre-data'));
  return out;
}

/** 17+: a stored generated column's expression changes in place (the table is rewritten). */
export function setGenerationExpression(table: TableObject, c: Column): DdlStatement {
  const expression = c.generated?.expression ?? '';
  return ddl(table.key, `${alterTable(table)} ALTER COLUMN ${quoteIdent(c.name)} SET EXPRESSION AS (${expression})`, 'pre-data',
    { destructive: true });
}

/** null = the type's default storage, which only 16+ can ask for by name. */
export function setColumnStorage(table: TableObject, name: string, storage: string | null): DdlStatement {
  const word = storage === null ? 'DEFAULT' : STORAGE_WORD[storage] ?? storage;
  return ddl(table.key, `${alterTable(table)} ALTER COLUMN ${quoteIdent(name)} SET STORAGE ${word}`, 'pre-data');
}

export function setColumnStatistics(table: TableObject, name: string, target: number | null): DdlStatement {
  return ddl(table.key, `${alterTable(table)} ALTER COLUMN ${quoteIdent(name)} SET STATISTICS ${String(target ?? -1)}`, 'post-data');
}

/**
 * Per-column options (`n_distinct`, …) as `key=value`: SET what is new or changed, RESET what is gone. ONLY, as
 * pg_dump writes it: without it the change reaches every partition and child, each of which has its own.
 */
export function setColumnOptions(table: TableObject, name: string, desired: readonly string[], actual: readonly string[]): DdlStatement[] {
  const col = `ALTER TABLE ONLY ${qualifiedName(table)} ALTER COLUMN ${quoteIdent(name)}`;
  const keyOf = (o: string): string => (o.includes('=') ? o.slice(0, o.indexOf('=')) : o);
  const set = desired.filter((o) => !actual.includes(o));
  const desiredKeys = new Set(desired.map(keyOf));
  const reset = [...new Set(actual.map(keyOf))].filter((k) => !desiredKeys.has(k));
  const out: DdlStatement[] = [];
  if (reset.length > 0) out.push(ddl(table.key, `${col} RESET (${reset.join(', ')})`, 'pre-data'));
  if (set.length > 0) out.push(ddl(table.key, `${col} SET (${withOptions(set)})`, 'pre-data'));
  return out;
}

/**
 * 14+: null = the default method (`SET COMPRESSION default`). Pre-data, so rows copied in are compressed with it.
 * ONLY, as for the options.
 */
export function setColumnCompression(table: TableObject, name: string, compression: string | null): DdlStatement {
  const method = compression === null ? 'default' : quoteIdent(compression);
  return ddl(table.key, `ALTER TABLE ONLY ${qualifiedName(table)} ALTER COLUMN ${quoteIdent(name)} SET COMPRESSION ${method}`, 'pre-data');
}

export function commentOnColumn(table: TableObject | ViewObject, name: string, comment: string | null): DdlStatement {
  const text = comment === null ? 'NULL' : quoteLiteral(comment);
  return ddl(table.key, `COMMENT ON COLUMN ${qualifiedName(table)}.${quoteIdent(name)} IS ${text}`, 'post-data');
}
