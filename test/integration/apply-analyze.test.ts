// The ANALYZE stage on a real server (15): small tables analysed in batches, a big one alone, on two sessions; a
// table whose ANALYZE fails inside a batch is named with its own step (the batch is retried one table at a time),
// and the tables analysed are the ones given (pg_stat_user_tables.analyze_count, read by the test).
import { describe, expect, it } from 'vitest';
import { ANALYZE_BATCH_BELOW_BYTES, ANALYZE_BATCH_TABLES, runAnalyzeStage, type AnalyzeItem } from '../../src/apply/analyze-stage.js';
import { ApplyStepError } from '../../src/apply/errors.js';
import { StepBook } from '../../src/apply/step-book.js';
import type { StateWriter } from '../../src/apply/state-writer.js';
import { openApplySession } from '../../src/pg/apply/apply-session.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { PlanStep } from '../../src/plan/types.js';
import { getCluster, useScratchDatabases } from '../harness/index.js';
import { step } from '../unit/plan-step-fixtures.js';

const scratch = useScratchDatabases();

const rowsStep = (index: number, name: string): PlanStep => step(index, `target.rows["db"]["public"]["${name}"]`);

const book = (): StepBook => new StepBook({ writer: {} as StateWriter, now: () => new Date(), emit: () => undefined });

describe('ANALYZE stage', () => {
  it('analyses every table given, in batches and alone, and names the one table whose ANALYZE fails', async () => {
    const cluster = await getCluster({ major: 15 });
    const db = await scratch(cluster, 'analyze_stage');
    const names = Array.from({ length: ANALYZE_BATCH_TABLES + 20 }, (_, i) => `t${String(i)}`);
    await cluster.query(`${names.map((n) => `CREATE TABLE ${n} (id integer); INSERT INTO ${n} SELECT generate_series(1, 10);`).join('\n')}
      CREATE TABLE big (id integer); INSERT INTO big SELECT generate_series(1, 1000);
      CREATE TABLE not_analysed (id integer); INSERT INTO not_analysed SELECT generate_series(1, 10);
      -- ANALYZE evaluates expression-index expressions on its sample: this one raises once the database says so.
      CREATE FUNCTION touchy(integer) RETURNS integer LANGUAGE plpgsql IMMUTABLE AS $$
        BEGIN IF current_setting('pgrepl_test.touchy', true) = 'on' THEN RAISE EXCEPTION 'touchy refuses %', $1; END IF; RETURN $1; END $$;
      CREATE INDEX touchy_index ON t7 (touchy(id));`, [], db);
    const ci = parseConnString(cluster.url(), { env: {}, passfile: null });
    const items: AnalyzeItem[] = [
      ...names.map((n, i) => ({ table: { schema: 'public', name: n }, step: rowsStep(i + 1, n), bytes: 8192 })),
      { table: { schema: 'public', name: 'big' }, step: rowsStep(1000, 'big'), bytes: ANALYZE_BATCH_BELOW_BYTES },
    ];
    const run = async (): Promise<void> => {
      const main = await openApplySession(ci, db);
      try {
        await runAnalyzeStage({ book: book(), items, workers: 2, session: main, open: () => openApplySession(ci, db), signal: undefined, label: 'the ANALYZE of db' });
      } finally {
        await main.close();
      }
    };
    await run();
    // Sessions flush their statistics as they end, a moment after the client closed them: poll briefly.
    const analysed = async (): Promise<string[]> => (await cluster.query<{ relname: string }>(
      'SELECT relname FROM pg_stat_user_tables WHERE analyze_count > 0 ORDER BY relname', [], db)).map((r) => r.relname).sort();
    const expected = [...names, 'big'].sort();
    for (let i = 0; i < 50 && JSON.stringify(await analysed()) !== JSON.stringify(expected); i += 1) await new Promise((r) => setTimeout(r, 100));
    expect(await analysed()).toEqual(expected);

    await cluster.query(`ALTER DATABASE ${db} SET pgrepl_test.touchy = 'on'`);
    const error = await run().then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(ApplyStepError);
    expect((error as ApplyStepError).step).toBe(8);
    expect((error as ApplyStepError).message).toMatch(/touchy refuses/);
  });
});
