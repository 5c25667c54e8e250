// The number of catalog queries introspectSchema sends does not grow with the schema (STYLE.md #6: never one
// query per table): counted through a wrapped client on an empty database and after adding 60 tables.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type pg from 'pg';
import { introspectSchema } from '../../src/pg/catalog/schema/index.js';
import type { SchemaModel } from '../../src/model/schema.js';
import { getCluster, type Cluster, type Major } from '../harness/index.js';

const MAJORS: readonly Major[] = [12, 18];
const TABLES_ADDED = 60;

/** A client whose query() calls are counted and recorded; everything else goes to the real client. */
function countingClient(client: pg.Client): { client: pg.ClientBase; sent: string[] } {
  const sent: string[] = [];
  const wrapped = new Proxy(client, {
    get(target, prop, receiver) {
      if (prop === 'query') {
        return (...args: Parameters<pg.Client['query']>) => {
          const first: unknown = args[0];
          sent.push(typeof first === 'string' ? first : JSON.stringify(first));
          return (target.query as (...a: unknown[]) => unknown)(...args);
        };
      }
      return Reflect.get(target, prop, receiver) as unknown;
    },
  });
  return { client: wrapped, sent };
}

async function measure(cluster: Cluster, database: string): Promise<{ model: SchemaModel; sent: string[] }> {
  const client = await cluster.connect({ database });
  try {
    const counted = countingClient(client);
    const model = await introspectSchema(counted.client);
    return { model, sent: counted.sent };
  } finally {
    await client.end();
  }
}

function manyTablesSql(count: number): string {
  const out: string[] = ['CREATE TABLE public.hub (id integer PRIMARY KEY)'];
  for (let i = 0; i < count; i += 1) {
    out.push(`CREATE TABLE public.t${String(i)} (id serial PRIMARY KEY, hub integer REFERENCES public.hub, v text DEFAULT 'x', w integer CHECK (w > 0))`);
    out.push(`CREATE INDEX t${String(i)}_v ON public.t${String(i)} (v)`);
    out.push(`CREATE VIEW public.v${String(i)} AS SELECT id, v FROM public.t${String(i)}`);
  }
  return out.join(';\n');
}

describe.each(MAJORS)('introspectSchema query count on PostgreSQL %i', (major) => {
  let cluster: Cluster;
  let db = '';
  beforeAll(async () => {
    cluster = await getCluster({ major });
    db = await cluster.createDatabase('introspect_scale');
  });
  afterAll(async () => {
    if (db) await cluster.dropDatabase(db);
  });

  it('sends the same statements for an empty database and for one with many tables, in one read-only snapshot', async () => {
    const empty = await measure(cluster, db);
    expect(empty.model.objects.filter((o) => o.kind === 'table')).toEqual([]);
    await cluster.query(manyTablesSql(TABLES_ADDED), [], db);
    const full = await measure(cluster, db);
    expect(full.model.objects.filter((o) => o.kind === 'table')).toHaveLength(TABLES_ADDED + 1);
    expect(full.model.objects.filter((o) => o.kind === 'sequence')).toHaveLength(TABLES_ADDED);
    expect(full.sent.length).toBe(empty.sent.length);
    expect(full.sent.length).toBeLessThanOrEqual(25);
    expect(full.sent[0]).toBe('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    expect(full.sent[1]).toMatch(/^SELECT set_config\('search_path', \$1, true\), set_config\('DateStyle'/);
    expect(full.sent.at(-1)).toBe('COMMIT');
    // A serial's sequence is OWNED BY its column, and the table's default needs it: the dependency points one way.
    const t0 = full.model.objects.find((o) => o.key === 'table:public.t0');
    expect(t0?.deps).toEqual(['schema:public', 'sequence:public.t0_id_seq', 'table:public.hub']);
    expect(full.model.objects.find((o) => o.key === 'sequence:public.t0_id_seq')?.deps).toEqual(['schema:public']);
    expect(full.model.objects.find((o) => o.key === 'view:public.v0')?.deps).toEqual(['schema:public', 'table:public.t0']);
  });
});
