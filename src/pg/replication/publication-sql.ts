// Pure builders for the source's publication (facts file, "Row filters" and "A copy that meets the stream"). One
// table's filter is changed with DROP TABLE + ADD TABLE in one transaction, never with SET TABLE, which replaces the
// whole table list. publish_via_partition_root exists from 13 and a row filter from 15: an older server gets
// neither, and a filter asked of it is an internal error (the planner decides what a source can stream).
import { PgreplError } from '../../util/errors.js';
import type { DdlStatement } from '../ddl/types.js';
import { quoteIdent, quoteLiteral, quoteQualified } from '../sql/quote.js';
import { checkReplicationName } from './names.js';

export type PublishedAction = 'insert' | 'update' | 'delete' | 'truncate';

export interface PublishedTable {
  readonly schema: string;
  readonly name: string;
  /** A row filter expression (without WHERE and outer parentheses), or null. Source 15+. */
  readonly filter: string | null;
}

export interface PublishOptions {
  readonly publish: readonly PublishedAction[];
  readonly viaRoot: boolean;
  readonly sourceMajor: number;
}

export interface CreatePublicationOptions extends PublishOptions {
  /** `managed by pgrepl <lineage>` (CONTRACTS.md, names). */
  readonly comment: string;
}

const ROW_FILTER_MIN_MAJOR = 15;
const VIA_ROOT_MIN_MAJOR = 13;
const ACTION_ORDER: readonly PublishedAction[] = ['insert', 'update', 'delete', 'truncate'];

function statement(publication: string, sql: string): DdlStatement {
  return { sql, transactional: true, phase: 'post-data', object: `publication:${publication}` };
}

function tableSql(table: PublishedTable, sourceMajor: number): string {
  const name = quoteQualified(table.schema, table.name);
  if (table.filter === null) return name;
  if (sourceMajor < ROW_FILTER_MIN_MAJOR) {
    throw new PgreplError(
      `internal error: a row filter on ${name} for a PostgreSQL ${sourceMajor} source (row filters need ${ROW_FILTER_MIN_MAJOR}+)`,
    );
  }
  return `${name} WHERE (${table.filter})`;
}

/** `publish = '…', publish_via_partition_root = …`: actions in PostgreSQL's order, the root option only on 13+. */
function withOptions(opts: PublishOptions): string {
  const actions = ACTION_ORDER.filter((a) => opts.publish.includes(a));
  const parts = [`publish = ${quoteLiteral(actions.join(', '))}`];
  if (opts.sourceMajor >= VIA_ROOT_MIN_MAJOR) parts.push(`publish_via_partition_root = ${opts.viaRoot ? 'true' : 'false'}`);
  else if (opts.viaRoot) {
    throw new PgreplError(`internal error: publish_via_partition_root for a PostgreSQL ${opts.sourceMajor} source (it needs ${VIA_ROOT_MIN_MAJOR}+)`);
  }
  return parts.join(', ');
}

/** CREATE PUBLICATION (no FOR clause when there is no table yet) and its pgrepl comment. */
export function createPublicationStatements(
  name: string, tables: readonly PublishedTable[], opts: CreatePublicationOptions,
): readonly DdlStatement[] {
  const pub = quoteIdent(checkReplicationName('publication', name));
  const forClause = tables.length === 0 ? '' : ` FOR TABLE ${tables.map((t) => tableSql(t, opts.sourceMajor)).join(', ')}`;
  return [
    statement(name, `CREATE PUBLICATION ${pub}${forClause} WITH (${withOptions(opts)})`),
    statement(name, `COMMENT ON PUBLICATION ${pub} IS ${quoteLiteral(opts.comment)}`),
  ];
}

export function addTablesStatements(name: string, tables: readonly PublishedTable[], sourceMajor: number): readonly DdlStatement[] {
  if (tables.length === 0) return [];
  const pub = quoteIdent(checkReplicationName('publication', name));
  return [statement(name, `ALTER PUBLICATION ${pub} ADD TABLE ${tables.map((t) => tableSql(t, sourceMajor)).join(', ')}`)];
}

export function dropTablesStatements(
  name: string, tables: readonly Pick<PublishedTable, 'schema' | 'name'>[],
): readonly DdlStatement[] {
  if (tables.length === 0) return [];
  const pub = quoteIdent(checkReplicationName('publication', name));
  return [statement(name, `ALTER PUBLICATION ${pub} DROP TABLE ${tables.map((t) => quoteQualified(t.schema, t.name)).join(', ')}`)];
}

/**
 * One table's new filter (or none): DROP TABLE then ADD TABLE, which the caller runs in one transaction (an
 * SqlOperation without `autocommit`), so no change goes unpublished in between.
 */
export function setFilterStatements(
  name: string, table: Pick<PublishedTable, 'schema' | 'name'>, newFilter: string | null, sourceMajor: number,
): readonly DdlStatement[] {
  return [
    ...dropTablesStatements(name, [table]),
    ...addTablesStatements(name, [{ schema: table.schema, name: table.name, filter: newFilter }], sourceMajor),
  ];
}

export function setPublishStatements(name: string, opts: PublishOptions): readonly DdlStatement[] {
  const pub = quoteIdent(checkReplicationName('publication', name));
  return [statement(name, `ALTER PUBLICATION ${pub} SET (${withOptions(opts)})`)];
}

export function dropPublicationStatements(name: string): readonly DdlStatement[] {
  return [statement(name, `DROP PUBLICATION IF EXISTS ${quoteIdent(checkReplicationName('publication', name))}`)];
}
