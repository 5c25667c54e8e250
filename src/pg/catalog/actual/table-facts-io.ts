// Runs the target table facts read inside the caller's transaction, in chunks of tables whose probes lock at most
// a lock budget of relations (lock-budget.ts): each chunk runs after a savepoint and the transaction rolls back to it
// once the chunk's rows are in hand, which lets go of the chunk's locks and keeps the snapshot. In one statement, a
// 5,000-table database (a table and two indexes each) ran out of the server's lock table. A chunk is one statement
// through query_to_xml, or, on a server built without libxml (SQLSTATE 0A000 from query_to_xml), two statements
// without it (then for every later chunk too).
import type { ClientBase } from 'pg';
import { asError } from '../../../util/errors.js';
import { chunkByLocks, lockBudget, releaseLocksSql } from '../../lock-budget.js';
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
const SAVEPOINT = 'pgrepl_table_facts';

export interface TableFactsOptions {
  /** false: skip query_to_xml and use the two-statement form (tests use it to cover the fallback). */
  readonly xml?: boolean;
  /** Relations a chunk may lock (lock-budget.ts); default: the budget of a server with default settings. */
  readonly lockBudget?: number;
}

export async function readTableFacts(client: ClientBase, tables: readonly FactsTable[], opts: TableFactsOptions = {}): Promise<ParsedTableFacts> {
  if (tables.length === 0) return { tables: {}, unreadable: [] };
  const chunks = chunkByLocks(tables, (t) => t.locks ?? 1, opts.lockBudget ?? lockBudget(64));
  let xml = opts.xml !== false;
  const rows: TableFactsRow[] = [];
  await client.query(releaseLocksSql.begin(SAVEPOINT));
  for (const chunk of chunks) {
    if (xml) {
      try {
        rows.push(...(await client.query<TableFactsRow & Record<string, unknown>>(TABLE_FACTS_SQL, tableFactsParams(chunk))).rows);
        await client.query(releaseLocksSql.release(SAVEPOINT));
        continue;
      } catch (e) {
        if ((asError(e) as { code?: unknown }).code !== FEATURE_NOT_SUPPORTED) throw e;
        await client.query(releaseLocksSql.release(SAVEPOINT));
        xml = false;
      }
    }
    const privileges = (await client.query<TableFactsRow & Record<string, unknown>>(TABLE_FACTS_SQL, tableFactsParams(chunk, false))).rows;
    const sql = existsUnionSql(privileges);
    const exists = sql === null ? [] : (await client.query<ExistsRow & Record<string, unknown>>(sql)).rows;
    await client.query(releaseLocksSql.release(SAVEPOINT));
    rows.push(...withExists(privileges, exists));
  }
  await client.query(releaseLocksSql.end(SAVEPOINT));
  return parseTableFacts(rows);
}
