// Creating and reading the demo's sample database on a throwaway local server. Plain node-postgres sessions as
// the local superuser: these servers are pgrepl's own, so none of the source/target session rules apply (a
// source session would be read-only, and loading is a write).
import pg from 'pg';
import { quoteIdent, quoteQualified } from '../sql/quote.js';
import { LOCAL_SUPERUSER } from './local-server.js';
import { SAMPLE_DATA_SQL, SAMPLE_DATABASE, SAMPLE_SCHEMA_SQL, type SampleTable } from './sample-shop.js';

interface LocalEndpoint {
  readonly port: number;
}

async function withClient<T>(server: LocalEndpoint, database: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ host: '127.0.0.1', port: server.port, user: LOCAL_SUPERUSER, database, password: '' });
  client.on('error', () => undefined);
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Creates `shop` with its schema and rows. */
export async function loadSampleDatabase(server: LocalEndpoint, database: string = SAMPLE_DATABASE): Promise<void> {
  await withClient(server, 'postgres', (client) => client.query(`CREATE DATABASE ${quoteIdent(database)}`));
  await withClient(server, database, async (client) => {
    await client.query('SET TimeZone = UTC');
    await client.query(`BEGIN;\n${SAMPLE_SCHEMA_SQL}\n${SAMPLE_DATA_SQL}\nCOMMIT;`);
    // Fresh statistics, so plan's size estimates are about these rows.
    await client.query('ANALYZE');
  });
}

/**
 * Inserts one lead on the source and waits until the target has it (the subscription streams it): the demo's proof
 * that the stream runs. Returns the milliseconds it took; throws after `timeoutMs`.
 */
export async function streamOneLead(source: LocalEndpoint, target: LocalEndpoint, timeoutMs = 30_000, database: string = SAMPLE_DATABASE): Promise<number> {
  const email = `streamed-${Date.now()}@example.com`;
  const started = Date.now();
  await withClient(source, database, (client) => client.query("INSERT INTO sales.leads (email, region) VALUES ($1, 'eu')", [email]));
  return withClient(target, database, async (client) => {
    for (;;) {
      const found = await client.query('SELECT 1 FROM sales.leads WHERE email = $1', [email]);
      if (found.rowCount === 1) return Date.now() - started;
      if (Date.now() - started > timeoutMs) throw new Error(`the lead inserted on the source did not reach the target within ${timeoutMs / 1000} s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
}

/** Whether a database exists on the server. */
export async function databaseExists(server: LocalEndpoint, database: string): Promise<boolean> {
  return withClient(server, 'postgres', async (client) => {
    const result = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    return result.rowCount === 1;
  });
}

/**
 * Exact row count of each table; null for a table (or the whole database) that does not exist there, so a
 * half-finished target still gets a result table.
 */
export async function countRows(server: LocalEndpoint, database: string, tables: readonly SampleTable[]): Promise<(number | null)[]> {
  if (!(await databaseExists(server, database))) return tables.map(() => null);
  return withClient(server, database, async (client) => {
    const counts: (number | null)[] = [];
    for (const t of tables) {
      const exists = await client.query('SELECT to_regclass($1) IS NOT NULL AS present', [quoteQualified(t.schema, t.table)]);
      if (exists.rows[0]?.present !== true) {
        counts.push(null);
        continue;
      }
      const result = await client.query<{ n: string }>(`SELECT count(*) AS n FROM ONLY ${quoteQualified(t.schema, t.table)}`);
      counts.push(Number(result.rows[0]?.n ?? 0));
    }
    return counts;
  });
}
