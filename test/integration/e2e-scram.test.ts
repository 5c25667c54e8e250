// End to end through the built CLI under the scram profile (15 -> 17): the source is read as src_owner (LOGIN
// REPLICATION, not a superuser) and the target written as tgt_user (CREATEDB, not a superuser), every password
// full of `: \ @ % / '` and spaces, passed only through ${VAR} interpolation. The hostile-settings database (DMY
// dates, extra_float_digits=0, sql_standard intervals, Asia/Kathmandu, bytea escape, FORCE ROW LEVEL SECURITY) is
// copied exactly: every table's count and row hash equal under fixed session settings, all RLS rows included.
// A forced-RLS table cannot be read whole by its owner without BYPASSRLS: plan refuses, naming the table and
// the remedy; once the role has BYPASSRLS the same state is applied again and converges.
// plan --out then apply PLANFILE; the plan file, the state directory and every line the CLI printed hold none of
// the harness passwords in any spelling.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHostileDatabase, getCluster, READER_ROLE, SOURCE_ROLE, TARGET_ROLE, type Cluster, type HostileDatabase,
} from '../harness/index.js';
import { ensureCli, expectSameRows, sequenceValues, show, targetName, userTables, Workspace } from './e2e-helpers.js';
import { filesUnder, leaks } from './secret-scan.js';


describe('scram profile, hostile-settings database', () => {
  let src: Cluster;
  let tgt: Cluster;
  let hostile: HostileDatabase;
  let tdb: string;
  let ws: Workspace;
  let readerCreated = false;
  let bypassGranted = false;

  beforeAll(async () => {
    [src, tgt] = await Promise.all([getCluster({ major: 15, auth: 'scram' }), getCluster({ major: 17, auth: 'scram' }), ensureCli()]) as [Cluster, Cluster, void];
    hostile = await createHostileDatabase(src, 'e2e_hostile');
    tdb = targetName('e2e_hostile');
    // roles: skip means the target has its own roles: the one the source's policy and grants name exists there too.
    if ((await tgt.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [READER_ROLE.user])).length === 0) {
      await tgt.query(`CREATE ROLE ${READER_ROLE.user} LOGIN`);
      readerCreated = true;
    }
    ws = new Workspace({
      source: src, target: tgt, sourceUser: SOURCE_ROLE.user, targetUser: TARGET_ROLE.user,
      databases: { [hostile.database]: { target_database: tdb, roles: 'skip' } },
    });
  });

  afterAll(async () => {
    if (hostile) await src.dropDatabase(hostile.database);
    if (tdb) await tgt.dropDatabase(tdb);
    if (bypassGranted) await src.query(`ALTER ROLE ${SOURCE_ROLE.user} NOBYPASSRLS`);
    if (readerCreated) await tgt.query(`DROP ROLE IF EXISTS ${READER_ROLE.user}`);
    ws?.remove();
  });

  it('without BYPASSRLS the forced-RLS table cannot be read whole: plan refuses naming it and the remedy, nothing is written', async () => {
    const planFile = join(ws.dir, 'plan-1.json');
    const p = await ws.plan(['--out', planFile]);
    expect(p.code, show(p)).toBe(1);
    const out = p.stdout + p.stderr;
    expect(out).toContain('public.hostile_rls');
    expect(out).toContain('row-level security');
    expect(out).toContain(`ALTER ROLE ${SOURCE_ROLE.user} BYPASSRLS;`);
    expect(existsSync(planFile)).toBe(false);
    expect((await tgt.query('SELECT 1 FROM pg_database WHERE datname = $1', [tdb])).length).toBe(0);
    expect(ws.leftoverPassfiles()).toEqual([]);
  });

  it('with BYPASSRLS: plan --out, apply PLANFILE, every hostile value arrives exactly, the plan is then empty', async () => {
    await src.query(`ALTER ROLE ${SOURCE_ROLE.user} BYPASSRLS`);
    bypassGranted = true;
    const planFile = join(ws.dir, 'plan-2.json');
    const p = await ws.plan(['--out', planFile]);
    expect(p.code, show(p)).toBe(0);
    const a = await ws.cli(['apply', planFile]);
    expect(a.code, show(a)).toBe(0);
    expect(a.stdout).toMatch(/Apply complete!/);

    expect(await userTables(tgt, tdb)).toEqual(await userTables(src, hostile.database));
    const counts = await expectSameRows(src, hostile.database, tgt, tdb, hostile.tables);
    expect(counts[hostile.rlsTable]).toBe(hostile.rlsRows.total);
    // The standalone sequence comes with a whole-database copy, with its value.
    expect(await sequenceValues(tgt, tdb)).toEqual(await sequenceValues(src, hostile.database));
    expect((await sequenceValues(tgt, tdb))[hostile.sequence]).toBe('1042');
    // The target database belongs to the target role, and so do its tables.
    const owners = await tgt.query<{ o: string }>("SELECT DISTINCT pg_get_userbyid(relowner) AS o FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind = 'r'", [], tdb);
    expect(owners).toEqual([{ o: TARGET_ROLE.user }]);
    // Row security is kept on, forced, on the target.
    const rls = await tgt.query("SELECT relrowsecurity AS on, relforcerowsecurity AS forced FROM pg_class WHERE oid = 'public.hostile_rls'::regclass", [], tdb);
    expect(rls).toEqual([{ on: true, forced: true }]);
    expect(ws.leftoverPassfiles()).toEqual([]);
    await ws.expectNoChanges();
  });

  it('the plan file, the state directory and all output hold no password', async () => {
    const files = filesUnder(ws.dir).filter((f) => !f.endsWith('pgrepl.yaml'));
    expect(files.filter((f) => /plan-\d\.json$/.test(f)).length).toBe(1);
    expect(files.some((f) => f === ws.statePath)).toBe(true);
    for (const file of files) expect(leaks(readFileSync(file, 'latin1')), file).toEqual([]);
    expect(ws.transcripts.length).toBeGreaterThanOrEqual(3);
    for (const t of ws.transcripts) expect(leaks(t), t).toEqual([]);
  });
});
