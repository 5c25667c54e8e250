// More tables and sequences than the server's lock table holds at once. PostgreSQL keeps a lock on every relation a
// transaction read until it ends, all sessions' locks in one shared table; a 5,000-table target (a key and an index
// each) made plan fail with "out of shared memory" (53200) on default settings. Here a small cluster
// (max_locks_per_transaction = 10, few connections: a few hundred relations in all) holds N tables with a key and an
// index and N sequences, and the test first shows that one transaction cannot lock them all. Then: the target
// facts read (what plan reads of a target), the snapshot copy with two workers, the sequence values read in the
// snapshot and set on the target, and the sequences set at cutover all finish, each checked by the test's own SQL.
// On a server whose lock table is large, the chunks still bound each statement's size (a UNION ALL of thousands of
// sequence reads exceeds the server's stack depth).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readTableFacts } from '../../src/pg/catalog/actual/table-facts-io.js';
import { readTargetDatabase } from '../../src/pg/catalog/actual/read-io.js';
import { openApplySession, readSequenceValues } from '../../src/pg/apply/apply-session.js';
import { readSequencesSql } from '../../src/pg/apply/apply-sql.js';
import { copyTables, exportSnapshot, type CopyTable } from '../../src/pg/copy/index.js';
import { connect } from '../../src/pg/connect.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { setSequences as setSequencesAtCutover } from '../../src/pg/cutover/sequences-sql.js';
import { lockBudget } from '../../src/pg/lock-budget.js';
import { getCluster, type Cluster } from '../harness/index.js';

const SETTINGS = { max_locks_per_transaction: '10', max_connections: '20', max_wal_senders: '0', max_worker_processes: '8' };
const N = 800;
/** Statements of the setup and the checks touch this many tables a transaction, well within the lock table. */
const STEP = 25;
const ids = Array.from({ length: N }, (_, i) => i + 1);
const steps = (): number[][] => Array.from({ length: Math.ceil(N / STEP) }, (_, k) => ids.slice(k * STEP, (k + 1) * STEP));
const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });

describe('past the lock table (max_locks_per_transaction = 10)', () => {
  let c: Cluster;
  let src = '';
  let tgt = '';

  beforeAll(async () => {
    c = await getCluster({ major: 15, settings: SETTINGS });
    src = await c.createDatabase('locks_src');
    tgt = await c.createDatabase('locks_tgt');
    for (const step of steps()) {
      const ddl = step.map((i) => `CREATE TABLE t${i} (id integer PRIMARY KEY, v text); CREATE INDEX t${i}_v ON t${i} (v); CREATE SEQUENCE s${i};`).join('\n');
      await c.query(ddl, [], tgt);
      await c.query(`${ddl}\n${step.map((i) => `INSERT INTO t${i} SELECT g, md5((g * ${i})::text) FROM generate_series(1, 1 + ${i} % 4) g; SELECT setval('s${i}', ${i * 7});`).join('\n')}`, [], src);
    }
  }, 120_000);
  afterAll(async () => {
    if (src) await c.dropDatabase(src);
    if (tgt) await c.dropDatabase(tgt);
  });

  /** Per table (or sequence) of a step, the test's own fingerprint, read a step a transaction. */
  const fingerprints = async (db: string, sql: (i: number) => string): Promise<string[]> => {
    const out: string[] = [];
    for (const step of steps()) out.push(...(await c.query<{ f: string }>(step.map(sql).join('\nUNION ALL\n'), [], db)).map((r) => r.f));
    return out;
  };
  const sequences = (db: string): Promise<string[]> => fingerprints(db, (i) => `(SELECT 's${i}:' || last_value || ':' || is_called AS f FROM s${i})`);
  const tableRows = (db: string): Promise<string[]> => fingerprints(db, (i) =>
    `(SELECT 't${i}:' || count(*) || ':' || coalesce(sum(hashtext(t::text)::bigint), 0) AS f FROM t${i} AS t)`);

  it('one transaction cannot lock every table here', async () => {
    const client = await c.connect({ database: src });
    try {
      await client.query('BEGIN');
      const all = client.query(`LOCK TABLE ${ids.map((i) => `t${i}`).join(', ')} IN ACCESS SHARE MODE`);
      await expect(all).rejects.toMatchObject({ code: '53200' });
    } finally {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.end();
    }
  });

  it('reads the facts of every target table, in chunks; in one statement the read runs out of locks', async () => {
    // Rows in the target's odd tables only: the facts must tell them apart.
    for (const step of steps()) await c.query(step.filter((i) => i % 2 === 1).map((i) => `INSERT INTO t${i} VALUES (1, 'x');`).join('\n'), [], tgt);
    try {
      const tables = ids.map((i) => ({ schema: 'public', name: `t${i}`, locks: 3 }));
      const client = await connect(parse(c.url({ database: tgt })), { side: 'target', env: {} });
      try {
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        await expect(readTableFacts(client, tables, { lockBudget: 1_000_000 })).rejects.toMatchObject({ code: '53200' });
        await client.query('ROLLBACK');
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const viaUnion = await readTableFacts(client, tables, { xml: false, lockBudget: lockBudget(10) });
        await client.query('COMMIT');
        expect(Object.keys(viaUnion.tables)).toHaveLength(N);
        for (const i of ids) expect({ i, rows: viaUnion.tables[`table:public.t${i}`]?.hasRows }).toEqual({ i, rows: i % 2 === 1 });
      } finally {
        await client.end();
      }
      // As plan reads it: the server's own setting picks the chunks.
      const read = await readTargetDatabase(parse(c.url({ database: tgt })), tgt, new Set(ids.map((i) => `table:public.t${i}`)), { major: 15, env: {} });
      expect(Object.keys(read.facts.tables)).toHaveLength(N);
      for (const i of ids) expect({ i, rows: read.facts.tables[`table:public.t${i}`]?.hasRows }).toEqual({ i, rows: i % 2 === 1 });
      expect(read.facts.unreadable).toEqual([]);
    } finally {
      for (const step of steps()) await c.query(step.map((i) => `DELETE FROM t${i};`).join('\n'), [], tgt);
    }
  }, 120_000);

  it('copies every table in one snapshot on two workers, and sets every sequence from it', async () => {
    const source = parse(c.url({ database: src }));
    const target = parse(c.url({ database: tgt }));
    const tables: CopyTable[] = ids.map((i) => ({ schema: 'public', table: `t${i}`, columns: ['id', 'v'], filter: null, truncateFirst: false, estimatedBytes: 8192 }));
    const snapshot = await exportSnapshot(source, src);
    try {
      const summary = await copyTables({ source, target, sourceDatabase: src, targetDatabase: tgt, snapshotId: snapshot.snapshotId, workers: 2, format: 'auto', tables });
      expect(summary.tables).toBe(N);
      const values = await readSequenceValues(source, src, snapshot.snapshotId, ids.map((i) => ({ schema: 'public', name: `s${i}` })));
      expect(values.map((v) => [v.sequence.name, v.lastValue, v.isCalled])).toEqual(ids.map((i) => [`s${i}`, String(i * 7), true]));
      const session = await openApplySession(target, tgt);
      try {
        await session.setSequences(values);
      } finally {
        await session.close();
      }
    } finally {
      await snapshot.release();
    }
    const fromSource = await tableRows(src);
    expect(fromSource.filter((f) => !f.includes(':0:'))).toHaveLength(N);
    expect(await tableRows(tgt)).toEqual(fromSource);
    expect(await sequences(tgt)).toEqual(await sequences(src));
  }, 120_000);

  it('sets every sequence at cutover', async () => {
    const client = await connect(parse(c.url({ database: tgt })), { side: 'target', env: {} });
    try {
      const set = await setSequencesAtCutover(client, ids.map((i) => ({ schema: 'public', name: `s${i}`, value: String(i * 11), isCalled: i % 2 === 0 })));
      expect(set).toBe(N);
    } finally {
      await client.end();
    }
    expect(await sequences(tgt)).toEqual(ids.map((i) => `s${i}:${i * 11}:${i % 2 === 0}`));
  });
});

describe('a server with a large lock table (max_locks_per_transaction = 2000)', () => {
  let c: Cluster;
  let db = '';
  const M = 8_000;

  beforeAll(async () => {
    c = await getCluster({ major: 15, settings: { max_locks_per_transaction: '2000' } });
    db = await c.createDatabase('locks_big');
    for (let from = 1; from <= M; from += 500) {
      await c.query(Array.from({ length: Math.min(500, M - from + 1) }, (_, k) => `CREATE SEQUENCE s${from + k}; SELECT setval('s${from + k}', ${(from + k) * 3});`).join('\n'), [], db);
    }
  }, 120_000);
  afterAll(async () => {
    if (db) await c.dropDatabase(db);
  });

  it('reads 8,000 sequences in statements of bounded size (one UNION ALL of them all exceeds the stack depth)', async () => {
    const source = parse(c.url({ database: db }));
    const sequences = Array.from({ length: M }, (_, i) => ({ schema: 'public', name: `s${i + 1}` }));
    // Not vacuous: the budget alone (4 x 2000) would put every sequence in one statement, which the server refuses.
    expect(lockBudget(2000)).toBeGreaterThanOrEqual(M);
    const client = await connect(source, { side: 'source', env: {} });
    try {
      await expect(client.query(readSequencesSql(sequences))).rejects.toMatchObject({ code: '54001' });
    } finally {
      await client.end();
    }
    const snapshot = await exportSnapshot(source, db);
    try {
      const values = await readSequenceValues(source, db, snapshot.snapshotId, sequences);
      expect(values.map((v) => [v.sequence.name, v.lastValue])).toEqual(sequences.map((s, i) => [s.name, String((i + 1) * 3)]));
    } finally {
      await snapshot.release();
    }
  }, 120_000);
});
