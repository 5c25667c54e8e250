// End to end through the built CLI (15 -> 17) while a writer keeps inserting into the source on its own connection
// (an order and its two lines per transaction): apply succeeds and the target is the source as of ONE snapshot —
// no more rows than the source has at the end, every target row exists on the source, and every copied order has
// both of its lines (the two tables were read in the same snapshot). Then plan is still empty: rows are not counted.
import { describe, expect, it } from 'vitest';
import { type Cluster } from '../harness/index.js';
import { show, tableDigest, useE2eDatabase } from './e2e-helpers.js';

const HASHES = "SET DateStyle = 'ISO, YMD'; SET TimeZone = 'UTC'; SET extra_float_digits = 3; SELECT hashtextextended(t::text, 0)::text AS h FROM %s t";

async function rowHashes(cluster: Cluster, database: string, table: string): Promise<string[]> {
  return (await cluster.query<{ h: string }>(HASHES.replace('%s', table), [], database)).map((r) => r.h);
}

describe('apply while a writer inserts into the source', () => {
  const e2e = useE2eDatabase({
    name: 'e2e_writer',
    sql: `
      CREATE TABLE public.orders (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, customer int NOT NULL, placed timestamptz NOT NULL DEFAULT clock_timestamp(), note text);
      CREATE TABLE public.order_lines (order_id bigint NOT NULL REFERENCES public.orders, line int NOT NULL, qty int, PRIMARY KEY (order_id, line));
      INSERT INTO public.orders (customer, note) SELECT g % 1000, repeat('n', g % 50) FROM generate_series(1, 60000) g;
      INSERT INTO public.order_lines SELECT id, l, l * 3 FROM public.orders, generate_series(1, 2) l;
      ANALYZE`,
  });

  it('copies one consistent snapshot, and plan stays empty', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const writer = await src.connect({ database: db });
    let stop = false;
    let committed = 0;
    let writerError: unknown = null;
    const loop = (async () => {
      try {
        while (!stop) {
          await writer.query('BEGIN');
          const r = await writer.query<{ id: string }>("INSERT INTO public.orders (customer, note) VALUES ($1, 'live') RETURNING id", [committed % 1000]);
          const id = r.rows[0]?.id;
          await writer.query('INSERT INTO public.order_lines VALUES ($1, 1, 1), ($1, 2, 2)', [id]);
          await writer.query('COMMIT');
          committed += 1;
        }
      } catch (e) {
        writerError = e;
      }
    })();
    try {
      while (committed < 20) await new Promise((r) => setTimeout(r, 10));
      const planned = await ws.plan();
      expect(planned.code, show(planned)).toBe(0);
      const atStart = committed;
      const applied = await ws.apply(['--auto-approve']);
      expect(applied.code, show(applied)).toBe(0);
      const atEnd = committed;
      // The writer really ran during the apply.
      expect(atEnd - atStart).toBeGreaterThan(10);
      await new Promise((r) => setTimeout(r, 200));
    } finally {
      stop = true;
      await loop;
      await writer.end();
    }
    expect(writerError).toBeNull();

    for (const table of ['public.orders', 'public.order_lines']) {
      const source = new Set(await rowHashes(src, db, table));
      const target = await rowHashes(tgt, tdb, table);
      expect(target.length).toBeLessThanOrEqual(source.size);
      expect(target.length).toBeGreaterThanOrEqual(table === 'public.orders' ? 60_000 : 120_000);
      expect(new Set(target).size).toBe(target.length); // no duplicates
      expect(target.filter((h) => !source.has(h)), `${table}: target rows missing on the source`).toEqual([]);
    }
    // One snapshot for both tables: every copied order has exactly its two lines.
    const torn = await tgt.query<{ n: string }>(
      'SELECT count(*)::text AS n FROM public.orders o WHERE (SELECT count(*) FROM public.order_lines l WHERE l.order_id = o.id) <> 2', [], tdb);
    expect(torn[0]?.n).toBe('0');
    const live = await tableDigest(tgt, tdb, 'public.orders', "note = 'live'");
    expect(live.rows).toBeGreaterThan(0);

    await ws.expectNoChanges();
  });
});
