// The clone benchmark's source datasets (issue 4, "Benchmarks"). Each builds into an empty source database; sizes
// scale with PGREPL_BENCH_SCALE (default 50, the figure) except the small-tables set, which is about the
// number of tables, not bytes.
import type { Cluster } from '../../test/harness/index.js';
import { sh } from '../lib/proc.js';

export type DatasetName = 'pgbench' | 'multi' | 'small' | 'wide' | 'blobs';

export interface Dataset {
  readonly name: DatasetName;
  /** One line for the report, e.g. `pgbench -i -s 50`. */
  describe(scale: number): string;
  build(source: Cluster, database: string, scale: number, env: NodeJS.ProcessEnv): Promise<void>;
}

const MULTI_TABLES = 8;
// ~1.5 MB of heap per table per scale unit: 8 tables, ~600 MB at scale 50 (like pgbench_accounts' 13 MB/scale).
const MULTI_ROWS_PER_SCALE = 11_500;
const SMALL_TABLES = Number(process.env['PGREPL_BENCH_SMALL_TABLES'] ?? '1000');
const SMALL_ROWS = 10;
// ~4 KB per row (a TOASTed ~3 KB text that does not compress, ~0.7 KB of jsonb): ~400 MB at scale 50.
const WIDE_ROWS_PER_SCALE = 2_000;
// Large objects: 400 of 8 kB and 0.4 of 5 MB per scale unit (scale 50: 20,000 + 20, ~260 MB of incompressible data).
const BLOBS_SMALL_PER_SCALE = 400;
const BLOBS_BIG_PER_SCALE = 0.4;

/** Tables are filled two at a time, one connection each, so building does not take longer than the bench. */
async function inPairs(items: readonly string[], run: (sql: string) => Promise<unknown>): Promise<void> {
  const queue = [...items];
  await Promise.all([0, 1].map(async () => {
    for (let sql = queue.shift(); sql !== undefined; sql = queue.shift()) await run(sql);
  }));
}

const pgbench: Dataset = {
  name: 'pgbench',
  describe: (scale) => `pgbench -i -s ${String(scale)} (one big table, pgbench_accounts)`,
  build: async (_source, _database, scale, env) => {
    await sh(`PGPORT=$SRC_PORT "$BIN/pgbench" -i -q -s ${String(scale)} "$SRC_DB"`, env);
  },
};

const multi: Dataset = {
  name: 'multi',
  describe: (scale) => `${String(MULTI_TABLES)} tables of ${String(MULTI_ROWS_PER_SCALE * scale)} rows (bigint PK, int, numeric, timestamptz, text, int[]; + 1 index each)`,
  build: async (source, database, scale) => {
    const rows = MULTI_ROWS_PER_SCALE * scale;
    const tables = Array.from({ length: MULTI_TABLES }, (_, i) => `m${String(i + 1)}`);
    await source.query(tables.map((t) => `CREATE TABLE public.${t} (id bigint PRIMARY KEY, account integer NOT NULL,
      amount numeric(12,2), created timestamptz NOT NULL, label text, flags integer[]);`).join('\n'), [], database);
    await inPairs(tables.map((t, i) => `INSERT INTO public.${t}
      SELECT g, (g::bigint * 7919 + ${String(i)}) % 100000, (g % 1000000) / 100.0, timestamptz '2020-01-01' + g * interval '1 second',
             md5(g::text || '${t}'), ARRAY[g % 10, g % 7, ${String(i)}]
      FROM generate_series(1, ${String(rows)}) g;
      CREATE INDEX ${t}_account ON public.${t} (account);`), (sql) => source.query(sql, [], database));
  },
};

const small: Dataset = {
  name: 'small',
  describe: () => `${String(SMALL_TABLES)} small tables of ${String(SMALL_ROWS)} rows (int PK, text, numeric, timestamptz; + 1 index each)`,
  build: async (source, database) => {
    // One DO block: a thousand client round trips would make setup slower than the benchmark.
    await source.query(`CREATE SCHEMA small;
      DO $$
      BEGIN
        FOR i IN 1..${String(SMALL_TABLES)} LOOP
          EXECUTE format('CREATE TABLE small.t%s (id integer PRIMARY KEY, name text NOT NULL, value numeric(12,2), created timestamptz NOT NULL DEFAULT now())', i);
          EXECUTE format('INSERT INTO small.t%s SELECT g, md5(g::text), g * 1.5, timestamptz ''2024-01-01'' + g * interval ''1 hour'' FROM generate_series(1, ${String(SMALL_ROWS)}) g', i);
          EXECUTE format('CREATE INDEX t%s_name ON small.t%s (name)', i, i);
        END LOOP;
      END $$;`, [], database);
  },
};

const wide: Dataset = {
  name: 'wide',
  describe: (scale) => `1 table of ${String(WIDE_ROWS_PER_SCALE * scale)} wide rows (~3 KB incompressible text, ~0.7 KB jsonb; bigint PK + 1 expression index)`,
  build: async (source, database, scale) => {
    const rows = WIDE_ROWS_PER_SCALE * scale;
    const half = Math.floor(rows / 2);
    await source.query(`CREATE TABLE public.wide (id bigint PRIMARY KEY, title text NOT NULL, doc jsonb NOT NULL, body text NOT NULL)`, [], database);
    // md5 hex does not compress with pglz, so the text really is stored (TOASTed) at its length.
    const fill = (from: number, to: number): string => `INSERT INTO public.wide
      SELECT g, 'item ' || g,
             jsonb_build_object('customer', g % 5000, 'tags', jsonb_build_array(md5(g::text), md5((g + 1)::text), md5((g + 2)::text)),
                                'address', jsonb_build_object('street', md5((g * 3)::text), 'city', md5((g * 5)::text), 'zip', g % 99999),
                                'lines', (SELECT jsonb_agg(jsonb_build_object('sku', md5((g * 7 + k)::text), 'qty', k)) FROM generate_series(1, 6) k)),
             (SELECT string_agg(md5(g::text || ':' || k::text), ' ') FROM generate_series(1, 90) k)
      FROM generate_series(${String(from)}, ${String(to)}) g`;
    await inPairs([fill(1, half), fill(half + 1, rows)], (sql) => source.query(sql, [], database));
    await source.query(`CREATE INDEX wide_customer ON public.wide ((doc ->> 'customer'))`, [], database);
  },
};

const blobs: Dataset = {
  name: 'blobs',
  describe: (scale) => `${String(BLOBS_SMALL_PER_SCALE * scale)} large objects of 8 kB and ${String(Math.ceil(BLOBS_BIG_PER_SCALE * scale))} of 5 MB (md5 bytes), referred to by a table`,
  build: async (source, database, scale) => {
    const small = BLOBS_SMALL_PER_SCALE * scale;
    const big = Math.ceil(BLOBS_BIG_PER_SCALE * scale);
    await source.query('CREATE TABLE public.files (id int PRIMARY KEY, content oid NOT NULL)', [], database);
    const fill = (from: number, to: number, pieces: number): string => `INSERT INTO public.files
      SELECT g, lo_from_bytea(0, (SELECT string_agg(decode(md5((g::int8 * 1000003 + k)::text), 'hex'), ''::bytea) FROM generate_series(1, ${String(pieces)}) k))
      FROM generate_series(${String(from)}, ${String(to)}) g`;
    const half = Math.floor(small / 2);
    await inPairs([fill(1, half, 512), fill(half + 1, small, 512)], (sql) => source.query(sql, [], database));
    await source.query(fill(small + 1, small + big, 327_680), [], database);
  },
};

export const DATASETS: Readonly<Record<DatasetName, Dataset>> = { pgbench, multi, small, wide, blobs };
