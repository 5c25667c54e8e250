// The live CatalogView for resolveScope and the picker: the source's databases (no templates, none that refuse
// connections, `postgres` only when asked for) and, per database, its tables read on
// first use and kept. One connection to the URL's database stays open; the others are opened for one read.
import { connect } from '../pg/connect.js';
import { readFlagTables, readSourceDatabases } from '../pg/catalog/flags-catalog.js';
import type { ConnInfo } from '../pg/conninfo/index.js';
import type { CatalogTable, CatalogView } from './types.js';

export interface LiveCatalog extends CatalogView {
  close(): Promise<void>;
}

export interface LiveCatalogOptions {
  readonly env?: NodeJS.ProcessEnv;
  /** List `postgres` among the databases even when the source URL names it only as the place to connect. */
  readonly includePostgres?: boolean;
}

const MAINTENANCE_DATABASE = 'postgres';

export async function openLiveCatalog(source: ConnInfo, opts: LiveCatalogOptions = {}): Promise<LiveCatalog> {
  const env = opts.env ?? process.env;
  const main = await connect(source, { side: 'source', env });
  let all: string[];
  try {
    all = await readSourceDatabases(main);
  } catch (e) {
    await main.end().catch(() => undefined);
    throw e;
  }
  // `postgres` is where a server-wide URL connects, not a database to replicate, unless asked for
  // (resolveScope accepts it when --include-databases names it, and reads its tables by name).
  const databases = all.filter((d) => d !== MAINTENANCE_DATABASE || opts.includePostgres === true);
  const cache = new Map<string, Promise<readonly CatalogTable[]>>();
  const read = async (database: string): Promise<readonly CatalogTable[]> => {
    if (database === source.database) return readFlagTables(main);
    const client = await connect(source, { side: 'source', database, env });
    try {
      return await readFlagTables(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };
  return {
    databases,
    tables(database: string) {
      let p = cache.get(database);
      if (!p) {
        p = read(database);
        cache.set(database, p);
        // A failed read is not kept: the next call tries again.
        p.catch(() => cache.delete(database));
      }
      return p;
    },
    async close() {
      await main.end().catch(() => undefined);
    },
  };
}
