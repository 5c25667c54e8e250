// copyTables with the scram profile and no superuser (15 -> 17): the source role owns its tables, the target role
// owns its database. Without the right to set session_replication_role the target owner's triggers are disabled
// for the load and restored; a table it does not own fails with a message that says what to grant; with
// GRANT SET ON PARAMETER (15+) replica mode is used.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyTables, exportSnapshot, type CopySummary, type CopyTable } from '../../src/pg/copy/index.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { getCluster, ident, SOURCE_ROLE, TARGET_ROLE, type Cluster } from '../harness/index.js';

const FIXED = "SET DateStyle = 'ISO, MDY'; SET IntervalStyle = postgres; SET extra_float_digits = 3; SET TimeZone = 'UTC'; SET bytea_output = hex; ";
const fingerprintSql = (relation: string): string =>
  `${FIXED}SELECT count(*)::text AS n, md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '')) AS h FROM ONLY ${relation} t`;
const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });
const table = (name: string): CopyTable => ({ schema: 'public', table: name, columns: ['id', 'ts', 'f', 'note'], filter: null, truncateFirst: true });

const TABLE_DDL = (name: string): string => `CREATE TABLE ${name} (id integer PRIMARY KEY, ts timestamptz, f float8, note text);`;
const TRIGGER_DDL = (name: string): string => `
CREATE TRIGGER ${name}_rewrite BEFORE INSERT ON ${name} FOR EACH ROW EXECUTE FUNCTION rewrite();
CREATE TRIGGER ${name}_always BEFORE INSERT ON ${name} FOR EACH ROW EXECUTE FUNCTION count_rows();
ALTER TABLE ${name} ENABLE ALWAYS TRIGGER ${name}_always;`;

describe('copyTables without superuser (scram, 15 -> 17)', () => {
  let source: Cluster;
  let target: Cluster;
  let sourceDb = '';
  let targetDb = '';

  beforeAll(async () => {
    source = await getCluster({ major: 15, auth: 'scram' });
    target = await getCluster({ major: 17, auth: 'scram' });
    sourceDb = await source.createDatabase('copy_scram', { owner: SOURCE_ROLE.user });
    await source.query(`SET ROLE ${ident(SOURCE_ROLE.user)};
      ${TABLE_DDL('owned')} ${TABLE_DDL('foreign_owned')}
      INSERT INTO owned SELECT g, timestamptz '2024-03-04 05:06:07+00' + g * interval '1 minute', g / 3.0, 'n' || g FROM generate_series(1, 2000) g;
      INSERT INTO foreign_owned SELECT g, NULL, -g / 7.0, 'f' || g FROM generate_series(1, 500) g;`, [], sourceDb);
    targetDb = await target.createDatabase('copy_scram_tgt', { owner: TARGET_ROLE.user });
    await target.query(`
      CREATE TABLE fired (n integer);
      CREATE FUNCTION count_rows() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$ BEGIN INSERT INTO public.fired VALUES (1); RETURN NEW; END $$;
      CREATE FUNCTION rewrite() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.note := 'rewritten'; RETURN NEW; END $$;
      GRANT EXECUTE ON FUNCTION count_rows(), rewrite() TO PUBLIC;
      ${TABLE_DDL('foreign_owned')} ${TRIGGER_DDL('foreign_owned')}
      GRANT SELECT, INSERT, TRUNCATE ON foreign_owned TO ${ident(TARGET_ROLE.user)};
      SET ROLE ${ident(TARGET_ROLE.user)};
      ${TABLE_DDL('owned')} ${TRIGGER_DDL('owned')}`, [], targetDb);
  });
  afterAll(async () => {
    if (sourceDb) await source.dropDatabase(sourceDb);
    if (targetDb) await target.dropDatabase(targetDb);
  });

  async function copy(tables: readonly CopyTable[]): Promise<CopySummary> {
    const sourceCi = parse(source.url({ user: SOURCE_ROLE.user }));
    const holder = await exportSnapshot(sourceCi, sourceDb);
    try {
      return await copyTables({
        source: sourceCi, target: parse(target.url({ user: TARGET_ROLE.user })), sourceDatabase: sourceDb, targetDatabase: targetDb,
        snapshotId: holder.snapshotId, tables, workers: 2, format: 'auto',
      });
    } finally {
      await holder.release();
    }
  }

  async function expectSame(relation: string): Promise<void> {
    expect(await target.query(fingerprintSql(relation), [], targetDb), relation).toEqual(await source.query(fingerprintSql(relation), [], sourceDb));
  }

  it('loads the target owner\'s table with its ordinary triggers disabled, then restores them; ALWAYS triggers still fire', async () => {
    await target.query('TRUNCATE fired', [], targetDb);
    const summary = await copy([table('owned')]);
    expect(summary.results.map((r) => r.triggerGuard)).toEqual(['disable_trigger']);
    await expectSame('public.owned');
    expect(await target.query("SELECT tgname, tgenabled::text AS e FROM pg_trigger WHERE tgrelid = 'owned'::regclass ORDER BY 1", [], targetDb))
      .toEqual([{ tgname: 'owned_always', e: 'A' }, { tgname: 'owned_rewrite', e: 'O' }]);
    expect(await target.query('SELECT count(*)::int AS n FROM fired', [], targetDb)).toEqual([{ n: 2000 }]);
  });

  it('a re-copy in the fallback disables the ordinary triggers before its TRUNCATE: an ON TRUNCATE trigger stays silent too', async () => {
    await target.query(`SET ROLE ${ident(TARGET_ROLE.user)};
      CREATE TRIGGER owned_truncated AFTER TRUNCATE ON owned FOR EACH STATEMENT EXECUTE FUNCTION count_rows();`, [], targetDb);
    try {
      await target.query('TRUNCATE fired', [], targetDb);
      const summary = await copy([table('owned')]);
      expect(summary.results.map((r) => r.triggerGuard)).toEqual(['disable_trigger']);
      await expectSame('public.owned');
      // 2,000 rows through the ALWAYS trigger, nothing from the TRUNCATE trigger.
      expect(await target.query('SELECT count(*)::int AS n FROM fired', [], targetDb)).toEqual([{ n: 2000 }]);
      expect(await target.query("SELECT tgenabled::text AS e FROM pg_trigger WHERE tgname = 'owned_truncated'", [], targetDb)).toEqual([{ e: 'O' }]);
    } finally {
      await target.query('DROP TRIGGER owned_truncated ON owned', [], targetDb);
    }
  });

  it('refuses a table it may not alter, saying what to grant, and keeps nothing', async () => {
    const error = await copy([table('foreign_owned')]).then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/cannot load public\.foreign_owned without firing its trigger foreign_owned_rewrite: .*session_replication_role/);
    expect((error as { hints?: readonly string[] }).hints?.join('\n')).toMatch(/GRANT SET ON PARAMETER session_replication_role TO/);
    expect(await target.query('SELECT count(*)::int AS n FROM foreign_owned', [], targetDb)).toEqual([{ n: 0 }]);
  });

  it('uses replica mode once the role may set session_replication_role (GRANT SET ON PARAMETER, 15+)', async () => {
    await target.query(`GRANT SET ON PARAMETER session_replication_role TO ${ident(TARGET_ROLE.user)}`);
    try {
      await target.query('TRUNCATE fired', [], targetDb);
      const summary = await copy([table('foreign_owned'), table('owned')]);
      expect(summary.results.map((r) => r.triggerGuard)).toEqual(['session_replication_role', 'session_replication_role']);
      await expectSame('public.foreign_owned');
      await expectSame('public.owned');
      expect(await target.query('SELECT count(*)::int AS n FROM fired', [], targetDb)).toEqual([{ n: 2500 }]);
    } finally {
      await target.query(`REVOKE SET ON PARAMETER session_replication_role FROM ${ident(TARGET_ROLE.user)}`);
    }
  });
});
