// Runs the target table facts read inside the caller's transaction: one statement through query_to_xml, or, on a
// server built without libxml (SQLSTATE 0A000 from query_to_xml), two statements without it. A SAVEPOINT keeps
// the caller's transaction usable when the first form is refused.
import type { ClientBase } from 'pg';
import { asError } from '../../../util/errors.js';
import {
  existsUnionSql,
  parseTableFacts,
  TABLE_FACTS_SQL,
  tableFactsParams,
  withExists,
  type ExistsRow,
  type FactsTable,
  type ParsedTableFacts,
  type TableFactsRow,
} from './table-facts-query.js';

const FEATURE_NOT_SUPPORTED = '0A000';

export interface TableFactsOptions {
  /** false: skip query_to_xml and use the two-statement form (tests use it to cover the fallback). */
  readonly xml?: boolean;
}

export async function readTableFacts(client: ClientBase, tables: readonly FactsTable[], opts: TableFactsOptions = {}): Promise<ParsedTableFacts> {
  if (tables.length === 0) return { tables: {}, unreadable: [] };
  if (opts.xml !== false) {
    await client.query('SAVEPOINT pgrepl_table_facts');
    try {
      const { rows } = await client.query<TableFactsRow & Record<string, unknown>>(TABLE_FACTS_SQL, tableFactsParams(tables));
      return parseTableFacts(rows);
    } catch (e) {
      if ((asError(e) as { code?: unknown }).code !== FEATURE_NOT_SUPPORTED) throw e;
      await client.query('ROLLBACK TO SAVEPOINT pgrepl_table_facts');
    }
  }
  const { rows } = await client.query<TableFactsRow & Record<string, unknown>>(TABLE_FACTS_SQL, tableFactsParams(tables, false));
  const sql = existsUnionSql(rows);
  const exists = sql === null ? [] : (await client.query<ExistsRow & Record<string, unknown>>(sql)).rows;
  return parseTableFacts(withExists(rows, exists));
}
