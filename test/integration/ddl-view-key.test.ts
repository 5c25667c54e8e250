// A view that groups by a table's primary key and selects its other columns exists only while the key does
// (functional dependency): the create DDL must make that key before the view, on real servers.
import { afterAll, describe, expect, it } from 'vitest';
import { introspectSchema } from '../../src/pg/catalog/schema/index.js';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';
import { executeDdl } from '../../src/pg/ddl/execute.js';
import { type Cluster, getCluster, type Major } from '../harness/index.js';

const created: { cluster: Cluster; database: string }[] = [];
afterAll(async () => {
  for (const { cluster, database } of created.splice(0)) await cluster.dropDatabase(database);
});

describe.each([12, 18] as Major[])('a GROUP BY view on a primary key, PostgreSQL %i', (major) => {
  it('is created after the key, and reads the same on the target', async () => {
    const cluster = await getCluster({ major });
    const [source, target] = [await cluster.createDatabase('ddl_vk_src'), await cluster.createDatabase('ddl_vk_tgt')];
    created.push({ cluster, database: source }, { cluster, database: target });
    await cluster.query(`CREATE TABLE public."Orders" (id integer PRIMARY KEY, customer text NOT NULL);
      CREATE TABLE public.lines (order_id integer REFERENCES public."Orders", qty integer);
      CREATE VIEW public.order_totals AS SELECT o.id, o.customer, sum(l.qty) AS qty
        FROM public."Orders" o JOIN public.lines l ON l.order_id = o.id GROUP BY o.id;`, [], source);
    const read = async (database: string) => {
      const client = await cluster.connect({ database });
      try {
        return await introspectSchema(client);
      } finally {
        await client.end();
      }
    };
    const model = await read(source);
    const { statements } = planCreateDdl(model, { roles: 'copy', targetMajor: major, targetDatabase: target });
    const client = await cluster.connect({ database: target });
    try {
      await executeDdl(client, statements);
    } finally {
      await client.end();
    }
    const copy = await read(target);
    expect(copy.objects).toEqual(model.objects);
  });
});
