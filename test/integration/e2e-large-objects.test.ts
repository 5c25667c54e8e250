// large_objects: true end to end through the built CLI (15 -> 17): the large objects arrive with their oids, data,
// owners, grants and comments (compared with SQL of this test: md5(lo_get(oid)) and the catalog row of each
// object), the next plan is empty, a kill -9 in the middle of the large object copy is finished by a plain rerun,
// a target object with a source oid that pgrepl did not make needs --allow-destroy, destroy unlinks only what
// pgrepl made, turning the key off forgets them, and a source role that may not read them is refused up front.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, type Cluster } from '../harness/index.js';
import { ensureCli, expectSameRows, show, targetName, Workspace } from './e2e-helpers.js';

const OWNER = `lo_owner_${Math.random().toString(36).slice(2, 8)}`;
const READER = `lo_reader_${Math.random().toString(36).slice(2, 8)}`;

// 600 small objects (more than one batch: at most 256 objects a batch with the default lock table), an empty one,
// one of 9 MB (three 4 MB batches), one owned by another role with grants, one with a comment, and a table that
// refers to them by oid.
const SOURCE_SQL = `
CREATE TABLE public.docs (id int PRIMARY KEY, body oid NOT NULL, title text);
INSERT INTO public.docs SELECT g, lo_from_bytea(700000 + g, convert_to(repeat('page ' || g || ' ', 1 + g % 40), 'UTF8')), 'doc ' || g
  FROM generate_series(1, 600) g;
SELECT lo_create(710001);
SELECT lo_from_bytea(710002, (SELECT string_agg(decode(md5(g::text), 'hex'), ''::bytea) FROM generate_series(1, 590000) g));
SELECT lo_from_bytea(710003, 'owned elsewhere');
ALTER LARGE OBJECT 710003 OWNER TO ${OWNER};
GRANT SELECT ON LARGE OBJECT 710003 TO ${READER};
GRANT SELECT, UPDATE ON LARGE OBJECT 700001 TO PUBLIC;
COMMENT ON LARGE OBJECT 710001 IS 'it''s empty';
`;

/** Every large object as the catalog and its data say, in oid order (this test's SQL, not pgrepl's). */
async function largeObjects(cluster: Cluster, database: string): Promise<string[]> {
  const rows = await cluster.query<{ r: string }>(
    `SELECT concat_ws('|', m.oid, pg_get_userbyid(m.lomowner), coalesce(m.lomacl::text, '-'), coalesce(obj_description(m.oid, 'pg_largeobject'), '-'),
                      length(lo_get(m.oid)), md5(lo_get(m.oid))) AS r
       FROM pg_largeobject_metadata m ORDER BY m.oid`, [], database);
  return rows.map((r) => r.r);
}

/** An object's line without owner and ACL (roles: skip, or a target role that keeps them). */
function strip(line: string): string {
  const [oid, , , comment, len, md5] = line.split('|');
  return [oid, comment, len, md5].join('|');
}

/** `pgrepl validate --json`: one check result per line. */
function jsonLines(stdout: string): { id: string; status: string; message: string; fix?: string[] }[] {
  return stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { id: string; status: string; message: string; fix?: string[] });
}

describe('large_objects: true', () => {
  let src: Cluster;
  let tgt: Cluster;
  let db: string;
  let want: string[];
  const cleanup: Array<() => Promise<void>> = [];

  beforeAll(async () => {
    [src, tgt] = await Promise.all([getCluster({ major: 15 }), getCluster({ major: 17 }), ensureCli()]) as [Cluster, Cluster, void];
    await src.query(`CREATE ROLE ${OWNER}; CREATE ROLE ${READER}`);
    db = await src.createDatabase('e2e_lo');
    await src.query(SOURCE_SQL, [], db);
    want = await largeObjects(src, db);
    expect(want).toHaveLength(603);
  });

  afterAll(async () => {
    for (const f of cleanup) await f();
    if (db) await src.dropDatabase(db);
    await src.query(`DROP ROLE IF EXISTS ${OWNER}; DROP ROLE IF EXISTS ${READER}`);
    await tgt.query(`DROP ROLE IF EXISTS ${OWNER}; DROP ROLE IF EXISTS ${READER}`);
  });

  function workspace(tdb: string, settings: Record<string, unknown> = {}): Workspace {
    const ws = new Workspace({ source: src, target: tgt, databases: { [db]: { target_database: tdb, large_objects: true, ...settings } } });
    cleanup.push(async () => {
      await tgt.dropDatabase(tdb);
      ws.remove();
    });
    return ws;
  }

  it('copies them with oids, data, owners, grants and comments; then nothing is left to do; off forgets them', async () => {
    const tdb = targetName('e2e_lo');
    const ws = workspace(tdb);
    const plan = await ws.plan();
    expect(plan.code, show(plan)).toBe(0);
    expect(plan.stdout).toContain(`+ target.largeobjects.${db}`);
    expect(plan.stdout).toMatch(/large objects: 603, /);
    expect(plan.stdout).toContain(`+ target.role.${OWNER}`);
    expect(plan.stdout).toContain(`+ target.role.${READER}`);

    const r = await ws.applyOk();
    expect(r.stdout).toMatch(/603 large object\(s\) copied/);
    expect(await largeObjects(tgt, tdb)).toEqual(want);
    await expectSameRows(src, db, tgt, tdb, ['public.docs']);
    await ws.expectNoChanges();
    const record = ws.state().resources.find((x) => x.address === `target.largeobjects.${db}`);
    expect(record?.attributes).toMatchObject({ status: 'copied', count: 603, oids: [[700001, 700600], [710001, 710003]] });

    // New objects on the source are not streamed or re-copied by a plain plan: the copy is a snapshot.
    await src.query('SELECT lo_from_bytea(720001, $1::bytea)', [Buffer.from('later')], db);
    try {
      await ws.expectNoChanges();
      // Off: the record is forgotten (a delete with nothing to run), the objects stay.
      ws.setDatabases({ [db]: { target_database: tdb, large_objects: false } });
      const off = await ws.plan();
      expect(off.stdout, show(off)).toContain(`- target.largeobjects.${db}`);
      expect(off.stdout).toContain('has 604 large object(s); they are not copied (large_objects is off)');
      expect(off.stdout).not.toContain('# destructive');
    } finally {
      await src.query('SELECT lo_unlink(720001)', [], db);
    }
    await ws.applyOk();
    expect(await largeObjects(tgt, tdb)).toEqual(want);
    expect(ws.state().resources.some((x) => x.kind === 'largeobjects')).toBe(false);
    await ws.expectNoChanges();

    // On again (how docs/spec.md says to copy them again): the objects there are no longer pgrepl's, so replacing
    // them needs consent; then they are pgrepl's again.
    await tgt.query("SELECT lo_put(700002, 0, 'changed on the target'::bytea)", [], tdb);
    ws.setDatabases({ [db]: { target_database: tdb, large_objects: true } });
    const on = await ws.plan();
    expect(on.stdout, show(on)).toContain(`-/+ target.largeobjects.${db}`);
    expect(on.stdout).toContain('# destructive');
    expect(on.stdout).toMatch(/holds 603 large object\(s\) pgrepl did not copy/);
    await ws.applyOk(['--allow-destroy']);
    expect(await largeObjects(tgt, tdb)).toEqual(want);
    await ws.expectNoChanges();
  });

  it('turned on later for a streamed database: only the large objects are copied, the stream goes on', async () => {
    const tdb = targetName('e2e_lo_sync');
    const ws = workspace(tdb, { sync: true, large_objects: false, roles: 'skip' });
    try {
      await ws.applyOk();
      expect(await largeObjects(tgt, tdb)).toEqual([]);
      ws.setDatabases({ [db]: { target_database: tdb, sync: true, large_objects: true, roles: 'skip' } });
      const plan = await ws.plan(['--json']);
      expect(plan.code, show(plan)).toBe(0);
      const steps = (JSON.parse(plan.stdout) as { steps: Array<{ address: string; action: string; reason: string }> }).steps;
      expect(steps.map((s) => `${s.action} ${s.address}`)).toEqual([`create target.largeobjects.${db}`]);
      expect(steps[0]?.reason).toContain('copied once: logical replication does not carry large objects');
      await ws.applyOk();
      expect((await largeObjects(tgt, tdb)).map(strip)).toEqual(want.map(strip));
      await ws.expectNoChanges();
      // Rows still stream after the large object copy.
      await src.query("UPDATE public.docs SET title = 'streamed' WHERE id = 1", [], db);
      for (let i = 0; i < 100; i += 1) {
        const [row] = await tgt.query<{ title: string }>('SELECT title FROM public.docs WHERE id = 1', [], tdb);
        if (row?.title === 'streamed') break;
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(await tgt.query('SELECT title FROM public.docs WHERE id = 1', [], tdb)).toEqual([{ title: 'streamed' }]);
    } finally {
      await src.query("UPDATE public.docs SET title = 'doc 1' WHERE id = 1", [], db);
      const destroyed = await ws.apply(['--destroy', '--auto-approve', '--allow-destroy']);
      expect(destroyed.code, show(destroyed)).toBe(0);
    }
  });

  it('a target role that may not make temporary tables gets them too (written through parameters)', async () => {
    const tdb = targetName('e2e_lo_notemp');
    const user = tgt.roles.target.user;
    await tgt.query(`CREATE DATABASE ${tdb}`);
    await tgt.query(`REVOKE TEMPORARY ON DATABASE ${tdb} FROM PUBLIC; GRANT CONNECT, CREATE ON DATABASE ${tdb} TO ${user}`);
    await tgt.query(`GRANT CREATE ON SCHEMA public TO ${user}`, [], tdb);
    const ws = new Workspace({ source: src, target: tgt, targetUser: user, databases: { [db]: { target_database: tdb, large_objects: true, roles: 'skip' } } });
    cleanup.push(async () => {
      await tgt.dropDatabase(tdb);
      ws.remove();
    });
    const client = await tgt.connect({ database: tdb, user });
    try {
      await expect(client.query('CREATE TEMPORARY TABLE t (i int)')).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
    const applied = await ws.applyOk();
    // The database's and schema public's privileges differ from the source's, but this role does not own them: a
    // GRANT would only warn "no privileges were granted", so they are left alone, with a warning.
    expect(applied.stderr + applied.stdout).toMatch(new RegExp(`privileges differ from the source on database ${tdb} \\(owner postgres\\), schema public \\(owner pg_database_owner\\), but ${user} does not own them`));
    const got = await largeObjects(tgt, tdb);
    expect(got.map(strip)).toEqual(want.map(strip));
    expect(new Set(got.map((l) => l.split('|')[1]))).toEqual(new Set([user]));
    await ws.expectNoChanges();
  });

  it('a target role that may not give objects to their source owner keeps them and says how to allow it', async () => {
    const tdb = targetName('e2e_lo_owner');
    const user = tgt.roles.target.user;
    // The roles exist on the target (an earlier test may have made them; afterAll drops them), tgt_user is in neither.
    for (const role of [OWNER, READER]) await tgt.query(`DO $$ BEGIN CREATE ROLE ${role}; EXCEPTION WHEN duplicate_object THEN NULL; END $$`);
    const ws = new Workspace({ source: src, target: tgt, targetUser: user, databases: { [db]: { target_database: tdb, large_objects: true } } });
    cleanup.push(async () => {
      await tgt.dropDatabase(tdb);
      ws.remove();
    });
    const r = await ws.applyOk();
    expect(r.stderr + r.stdout).toContain(`large objects owned by ${OWNER} are owned by ${user} on the target: ${user} may not give objects to ${OWNER} (GRANT ${OWNER} TO ${user} lets it)`);
    const got = await largeObjects(tgt, tdb);
    expect(got.map(strip)).toEqual(want.map(strip));
    // The grant to another role still holds, made by the owner the objects have on the target.
    expect(got.find((l) => l.startsWith('710003|'))).toMatch(new RegExp(`^710003\\|${user}\\|\\{${user}=rw/${user},${READER}=r/${user}\\}\\|`));
  });

  it('kill -9 in the middle of the large object copy: the rerun unlinks what it made and converges', async () => {
    const tdb = targetName('e2e_lo_kill');
    const ws = workspace(tdb);
    const killed = await ws.apply(['--auto-approve'], { PGREPL_FAULT: 'kill-mid-large-objects:256' });
    expect(killed.signal, show(killed)).toBe('SIGKILL');
    const partial = await largeObjects(tgt, tdb);
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(want.length);
    expect(ws.state().resources.find((x) => x.address === `target.largeobjects.${db}`)?.attributes).toMatchObject({ status: 'copying' });

    const plan = await ws.plan();
    expect(plan.stdout, show(plan)).toContain('was interrupted');
    expect(plan.stdout).not.toContain('# destructive');
    const rerun = await ws.applyOk();
    expect(rerun.stdout).toMatch(/603 large object\(s\) copied .*, \d+ unlinked first/);
    expect(await largeObjects(tgt, tdb)).toEqual(want);
    await expectSameRows(src, db, tgt, tdb, ['public.docs']);
    await ws.expectNoChanges();

    // verify compares every object by size and data hash, and names the ones that differ.
    const same = await ws.cli(['verify', '--spec', ws.specFile]);
    expect(same.code, show(same)).toBe(0);
    expect(same.stdout).toContain('large objects: 603 on the source, 603 on the target: equal');
    await tgt.query("SELECT lo_put(710002, 4194300, 'xx'::bytea), lo_unlink(700011), lo_from_bytea(740000, 'not pgrepl''s')", [], tdb);
    const differs = await ws.cli(['verify', '--spec', ws.specFile, '--json']);
    expect(differs.code, show(differs)).toBe(2);
    const report = JSON.parse(differs.stdout) as { databases: Array<{ largeObjects?: unknown }> };
    expect(report.databases[0]?.largeObjects).toMatchObject({
      outcome: 'different', count: { source: 603, target: 602 }, missing: [700011], changed: [710002], extra: [], counts: { missing: 1, changed: 1, extra: 0 },
    });
  });

  it('a target object in the way needs --allow-destroy; destroy unlinks only what pgrepl made', async () => {
    const tdb = targetName('e2e_lo_clash');
    await tgt.query(`CREATE DATABASE ${tdb}`);
    await tgt.query("SELECT lo_from_bytea(700005, 'someone else''s'), lo_from_bytea(730000, 'unrelated')", [], tdb);
    const ws = workspace(tdb, { roles: 'skip' });
    const plan = await ws.plan();
    expect(plan.stdout, show(plan)).toContain(`-/+ target.largeobjects.${db}`);
    expect(plan.stdout).toContain('# destructive');
    expect(plan.stdout).toMatch(/1 large object\(s\) pgrepl did not copy with the oids of source ones \(700005\)/);

    const refused = await ws.apply(['--auto-approve']);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toContain('--allow-destroy');
    expect(await largeObjects(tgt, tdb)).toHaveLength(2);

    await ws.applyOk(['--allow-destroy']);
    const got = await largeObjects(tgt, tdb);
    const unrelated = got.find((l) => l.startsWith('730000|'));
    expect(unrelated).toBeDefined();
    // roles: skip: every object is the target role's and carries no grants; data and comments as on the source.
    expect(got.filter((l) => l !== unrelated).map(strip)).toEqual(want.map(strip));
    expect(new Set(got.filter((l) => l !== unrelated).map((l) => l.split('|')[2]))).toEqual(new Set(['-']));
    await ws.expectNoChanges();

    const destroy = await ws.plan(['--destroy']);
    expect(destroy.stdout, show(destroy)).toContain(`- target.largeobjects.${db}`);
    expect(destroy.stdout).toMatch(/the 603 large object\(s\) pgrepl copied are unlinked/);
    const applied = await ws.apply(['--destroy', '--auto-approve', '--allow-destroy']);
    expect(applied.code, show(applied)).toBe(0);
    expect(await largeObjects(tgt, tdb)).toEqual([unrelated]);
  });

  it('a source role that may not read every large object is refused with the GRANT that fixes it', async () => {
    const tdb = targetName('e2e_lo_denied');
    const ws = new Workspace({ source: src, target: tgt, sourceUser: src.roles.source.user, databases: { [db]: { target_database: tdb, large_objects: true, roles: 'skip' } } });
    cleanup.push(async () => {
      await tgt.dropDatabase(tdb);
      ws.remove();
    });
    await src.query(`GRANT SELECT ON public.docs TO ${src.roles.source.user}`, [], db);
    const plan = await ws.plan();
    expect(plan.code, show(plan)).toBe(1);
    expect(plan.stderr + plan.stdout).toMatch(new RegExp(`source role ${src.roles.source.user} may not read 60[23] of the 60[34] large objects`));
    expect(plan.stderr + plan.stdout).toContain(`GRANT SELECT ON LARGE OBJECT 700002 TO ${src.roles.source.user};`);
    // validate finds the same before any plan, with the same GRANT.
    const validate = await ws.cli(['validate', '--spec', ws.specFile, '--json']);
    expect(validate.code, show(validate)).toBe(1);
    const checks = jsonLines(validate.stdout);
    const lo = checks.find((c) => c.id === 'source.role.large_objects');
    expect(lo, validate.stdout).toMatchObject({ status: 'fail' });
    expect(lo?.message).toMatch(new RegExp(`role ${src.roles.source.user} may not read 60[23] of the 60[34] large objects \\(e\\.g\\. oid 700002, `));
    expect(lo?.fix).toContain(`GRANT SELECT ON LARGE OBJECT 700002 TO ${src.roles.source.user};`);
    // Readable once granted: a superuser's grant on every object the role may not read yet.
    await src.query(`DO $$ DECLARE o oid; BEGIN FOR o IN SELECT oid FROM pg_largeobject_metadata LOOP
      EXECUTE format('GRANT SELECT ON LARGE OBJECT %s TO ${src.roles.source.user}', o); END LOOP; END $$`, [], db);
    try {
      const again = await ws.cli(['validate', '--spec', ws.specFile, '--json']);
      const after = jsonLines(again.stdout).find((c) => c.id === 'source.role.large_objects');
      expect(after, again.stdout).toMatchObject({ status: 'ok' });
      expect(after?.message).toMatch(new RegExp(`^role ${src.roles.source.user} may read all 60[34] large objects$`));
    } finally {
      await src.query(`DO $$ DECLARE o oid; BEGIN FOR o IN SELECT oid FROM pg_largeobject_metadata LOOP
        EXECUTE format('REVOKE SELECT ON LARGE OBJECT %s FROM ${src.roles.source.user}', o); END LOOP; END $$`, [], db);
    }
  });
});
