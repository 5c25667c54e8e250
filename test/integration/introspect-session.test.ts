// introspectSchema as a role that is not superuser (managed services have none) reads the same model as the
// superuser, and inside a caller's transaction it uses that snapshot and gives back the caller's search_path.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { introspectSchema } from '../../src/pg/catalog/schema/index.js';
import { loadSchemaFixture } from '../fixtures/schema/load.js';
import { getCluster, SOURCE_ROLE, type Cluster, type Major } from '../harness/index.js';

const MAJORS: readonly Major[] = [13, 17];

describe.each(MAJORS)('introspectSchema sessions on PostgreSQL %i', (major) => {
  let cluster: Cluster;
  let db = '';
  beforeAll(async () => {
    cluster = await getCluster({ major });
    db = await cluster.createDatabase('introspect_session');
    await loadSchemaFixture(cluster, db);
  });
  afterAll(async () => {
    if (db) await cluster.dropDatabase(db);
  });

  it('reads the same model as a plain login role as as the superuser', async () => {
    const admin = await cluster.connect({ database: db });
    const plain = await cluster.connect({ database: db, user: SOURCE_ROLE.user });
    try {
      const [who] = (await plain.query<{ rolsuper: boolean }>('SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user')).rows;
      expect(who?.rolsuper).toBe(false);
      expect(JSON.stringify(await introspectSchema(plain))).toBe(JSON.stringify(await introspectSchema(admin)));
    } finally {
      await plain.end();
      await admin.end();
    }
  });

  it('rolls its transaction back when a read fails, leaving the session usable', async () => {
    const client = await cluster.connect({ database: db });
    try {
      let sent = 0;
      // The sixth statement (a catalog read) fails as a lost connection or a cancel would.
      const failing = new Proxy(client, {
        get(target, prop, receiver) {
          if (prop !== 'query') return Reflect.get(target, prop, receiver) as unknown;
          return (...args: unknown[]) => {
            sent += 1;
            if (sent === 6) return Promise.reject(new Error('injected failure'));
            return (target.query as (...a: unknown[]) => unknown)(...args);
          };
        },
      });
      const stateSql = "SELECT current_setting('transaction_isolation') AS isolation, current_setting('search_path') AS path";
      const [before] = (await client.query<{ isolation: string; path: string }>(stateSql)).rows;
      await expect(introspectSchema(failing)).rejects.toThrow('injected failure');
      const [after] = (await client.query<{ isolation: string; path: string }>(stateSql)).rows;
      expect(before?.isolation).toBe('read committed');
      expect(after).toEqual(before);
    } finally {
      await client.end();
    }
  });

  it('runs inside the caller\'s transaction: sees its snapshot and restores its search_path', async () => {
    const client = await cluster.connect({ database: db });
    const other = await cluster.connect({ database: db });
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
      await client.query('SET LOCAL search_path = fx, public');
      await client.query("SET LOCAL TimeZone = 'Asia/Kathmandu'");
      await client.query('SELECT 1');
      // Made after the caller's snapshot was taken: invisible to the model read in that transaction.
      await other.query('CREATE TABLE public.after_snapshot (id integer)');
      const model = await introspectSchema(client, { inTransaction: true });
      const [path] = (await client.query<{ search_path: string }>('SHOW search_path')).rows;
      expect(path?.search_path).toBe('fx, public');
      const [zone] = (await client.query<{ TimeZone: string }>('SHOW TimeZone')).rows;
      expect(zone?.TimeZone).toBe('Asia/Kathmandu');
      await client.query('COMMIT');
      expect(model.objects.some((o) => o.key === 'table:public.after_snapshot')).toBe(false);
      const fresh = await introspectSchema(client);
      expect(fresh.objects.some((o) => o.key === 'table:public.after_snapshot')).toBe(true);
    } finally {
      await other.query('DROP TABLE IF EXISTS public.after_snapshot');
      await other.end();
      await client.end();
    }
  });
});
