// `pgrepl cutover` end to end on real servers (15 -> 17), through the built CLI. Replication is set up by raw SQL
// here, independent of apply: a publication and a slot on the source, rows written after the slot, a subscription
// on the target WITH (create_slot = false, slot_name = …, copy_data = false), and a state file that records the
// slot and subscription as apply would. Then cutover must bring the rows over, set the target's sequences from the
// source's, fence (and unfence) writer roles, and keep/disable/drop the subscription; a rerun is a no-op.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, ident, literal, useScratchDatabases, type Cluster } from '../harness/index.js';
import { writeState } from '../../src/state/local-backend.js';
import { emptyState, withResource, bumpSerial } from '../../src/state/state-edits.js';
import { replicationAddress } from '../../src/model/address.js';
import { ensureCli, runCli, show, type CliResult } from './e2e-helpers.js';

const scratch = useScratchDatabases();
let src: Cluster;
let tgt: Cluster;
let sourceCluster: Cluster;

beforeAll(async () => {
  [src, tgt] = await Promise.all([getCluster({ major: 15 }), getCluster({ major: 17 }), ensureCli()]);
  sourceCluster = src;
});

const SCHEMA = `
  CREATE TABLE public.items (id serial PRIMARY KEY, v text);
  CREATE TABLE public.events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, v text);
  CREATE SEQUENCE public.standalone START 10;
`;

interface Setup {
  readonly db: string;
  readonly tdb: string;
  readonly slot: string;
  readonly sub: string;
  readonly pub: string;
  readonly dir: string;
  readonly specFile: string;
  readonly statePath: string;
  readonly env: NodeJS.ProcessEnv;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c().catch(() => undefined);
});

function rand(): string {
  return Math.random().toString(36).slice(2, 8);
}

async function setUp(cutover: Record<string, unknown>, opts: { readonly sourceUser?: string; readonly source?: Cluster } = {}): Promise<Setup> {
  const src = opts.source ?? sourceCluster;
  const db = await scratch(src, 'cut');
  const tdb = await scratch(tgt, 'cutt');
  const id = rand();
  const slot = `pgrepl_cut_${id}`;
  const sub = `pgrepl_cut_sub_${id}`;
  const pub = `pgrepl_cut_pub_${id}`;
  await src.query(SCHEMA, [], db);
  await tgt.query(SCHEMA, [], tdb);
  await src.query(`CREATE PUBLICATION ${ident(pub)} FOR TABLE public.items, public.events`, [], db);
  await src.query(`SELECT pg_create_logical_replication_slot(${literal(slot)}, 'pgoutput')`, [], db);
  cleanups.push(async () => {
    await tgt.query(`DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_subscription WHERE subname = ${literal(sub)}) THEN
        ALTER SUBSCRIPTION ${ident(sub)} DISABLE; ALTER SUBSCRIPTION ${ident(sub)} SET (slot_name = NONE); END IF; END $$`, [], tdb);
    await tgt.query(`DROP SUBSCRIPTION IF EXISTS ${ident(sub)}`, [], tdb);
    for (let i = 0; i < 50; i++) {
      const rows = await src.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [slot]);
      if (rows.length === 0) break;
      if (rows[0]?.active !== true) {
        await src.query('SELECT pg_drop_replication_slot($1)', [slot]);
        break;
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  });
  // Written after the slot: they reach the target through the stream only.
  await src.query(`INSERT INTO public.items (v) SELECT 'item ' || g FROM generate_series(1, 5) g;
                   INSERT INTO public.events (v) SELECT 'event ' || g FROM generate_series(1, 3) g;
                   SELECT setval('public.standalone', 500)`, [], db);
  const conninfo = `host=127.0.0.1 port=${src.port} dbname=${db} user=${src.superuser.user}`;
  await tgt.query(
    `CREATE SUBSCRIPTION ${ident(sub)} CONNECTION ${literal(conninfo)} PUBLICATION ${ident(pub)} WITH (create_slot = false, slot_name = ${literal(slot)}, copy_data = false)`,
    [], tdb);

  const dir = mkdtempSync(join(tmpdir(), 'pgrepl-cutover-'));
  cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
  const statePath = join(dir, 'state', 'state.json');
  const specFile = join(dir, 'pgrepl.yaml');
  writeFileSync(specFile, [
    'version: 1',
    'source: { url: "${SRC}" }',
    'target: { url: "${TGT}" }',
    `state: { path: ${JSON.stringify(statePath)} }`,
    'databases:',
    `  ${JSON.stringify(db)}: ${JSON.stringify({ target_database: tdb, sync: true, roles: 'skip' })}`,
    `cutover: ${JSON.stringify(cutover)}`,
    '',
  ].join('\n'));
  const at = new Date().toISOString();
  let state = emptyState({ pgreplVersion: 'test' });
  state = withResource(state, { address: replicationAddress('publication', db), kind: 'publication', attributes: { name: pub, database: db, tables: [], publish: ['insert', 'update', 'delete', 'truncate'], via_root: false }, updated_at: at });
  state = withResource(state, { address: replicationAddress('slot', db), kind: 'slot', attributes: { name: slot, database: db, snapshot: null, consistent_point: null }, updated_at: at });
  state = withResource(state, {
    address: replicationAddress('subscription', db),
    kind: 'subscription',
    attributes: { name: sub, database: tdb, publication: pub, slot, enabled: true, options: {}, stores_password: false },
    updated_at: at,
  });
  await writeState(statePath, bumpSerial(state));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env['PATH'] ?? '/usr/bin:/bin',
    HOME: dir,
    TMPDIR: dir,
    NO_COLOR: '1',
    SRC: src.url({ database: 'postgres', ...(opts.sourceUser === undefined ? {} : { user: opts.sourceUser }) }),
    TGT: tgt.url({ database: 'postgres' }),
  };
  return { db, tdb, slot, sub, pub, dir, specFile, statePath, env };
}

function cutover(s: Setup, args: readonly string[]): Promise<CliResult> {
  return runCli(['cutover', '--spec', s.specFile, ...args], { env: s.env, cwd: s.dir });
}

async function nextvals(cluster: Cluster, db: string): Promise<Record<string, string>> {
  const rows = await cluster.query<{ a: string; b: string; c: string }>(
    `SELECT nextval('public.items_id_seq')::text AS a, nextval(pg_get_serial_sequence('public.events', 'id'))::text AS b, nextval('public.standalone')::text AS c`, [], db);
  return { items: rows[0]?.a ?? '', events: rows[0]?.b ?? '', standalone: rows[0]?.c ?? '' };
}

async function rows(cluster: Cluster, db: string): Promise<string[]> {
  return (await cluster.query<{ r: string }>(`SELECT 'items ' || id || ' ' || v AS r FROM public.items UNION ALL SELECT 'events ' || id || ' ' || v FROM public.events ORDER BY 1`, [], db)).map((r) => r.r);
}

function state(s: Setup): { resources: { address: string; attributes: Record<string, unknown> }[]; history: { command: string; summary: string }[] } {
  return JSON.parse(readFileSync(s.statePath, 'utf8')) as ReturnType<typeof state>;
}

describe('pgrepl cutover', () => {
  it('with a NOLOGIN fence: ends the writer\'s session, brings the rows and sequences over, drops subscription and slot; reruns are no-ops; --undo-fence restores LOGIN', async () => {
    const role = `cut_app_${rand()}`;
    await src.query(`CREATE ROLE ${ident(role)} LOGIN`);
    cleanups.push(async () => {
      await src.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
      await src.query(`DROP ROLE IF EXISTS ${ident(role)}`);
    });
    const s = await setUp({ fence: 'nologin', fence_roles: [role], after: 'drop', max_lag: '64MB' });
    const writer = await src.connect({ user: role, database: s.db, password: '' });
    const writerEnded = new Promise<string>((resolve) => writer.on('error', (e) => resolve(String(e))));

    const r = await cutover(s, ['--auto-approve']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/nologin fence on cut_app_\w+; ended 1 session/);
    expect(r.stdout).toMatch(/Cutover complete: waited \d+ s; fence: nologin on cut_app_\w+; L = [0-9A-F]+\/[0-9A-F]+; sequences set: 3; .*subscription dropped/);

    // The writer's session was terminated and the role cannot log in again.
    expect(await writerEnded).toMatch(/terminat/i);
    await writer.end().catch(() => undefined);
    await expect(src.connect({ user: role, database: s.db, password: '' })).rejects.toThrow(/not permitted to log in/);

    // Rows written on the source before cutover are on the target; sequences continue where the source's would.
    expect(await rows(tgt, s.tdb)).toEqual(await rows(src, s.db));
    expect(await nextvals(tgt, s.tdb)).toEqual(await nextvals(src, s.db));

    // after: drop leaves no subscription on the target and no slot on the source, and the state forgets them.
    expect(await tgt.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [s.sub])).toHaveLength(0);
    expect(await src.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [s.slot])).toHaveLength(0);
    const addresses = state(s).resources.map((x) => x.address);
    expect(addresses).not.toContain(replicationAddress('slot', s.db));
    expect(addresses).not.toContain(replicationAddress('subscription', s.db));

    // A rerun after it finished changes nothing and exits 0 (no --auto-approve needed: nothing to ask).
    const serial = (JSON.parse(readFileSync(s.statePath, 'utf8')) as { serial: number }).serial;
    const again = await cutover(s, []);
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toMatch(/already cut over/);
    expect((JSON.parse(readFileSync(s.statePath, 'utf8')) as { serial: number }).serial).toBe(serial);

    // --undo-fence gives the role its LOGIN back (the fence record survived the drop in the history).
    const undo = await cutover(s, ['--undo-fence', '--auto-approve']);
    expect(undo.code, show(undo)).toBe(0);
    expect(undo.stdout).toMatch(/LOGIN back/);
    const back = await src.connect({ user: role, database: s.db, password: '' });
    await back.end();
    const undoAgain = await cutover(s, ['--undo-fence', '--auto-approve']);
    expect(undoAgain.code, show(undoAgain)).toBe(0);
    expect(undoAgain.stdout).toMatch(/No fence is recorded/);
  });

  it('without a fence: sets sequences with the margin, disables the subscription, is a no-op when rerun, and goes further with --after drop', async () => {
    const s = await setUp({ after: 'disable' });
    const r = await cutover(s, ['--auto-approve', '--sequence-margin', '100', '--max-lag', '30s']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).not.toMatch(/no fence and no sequence margin/);
    expect(await rows(tgt, s.tdb)).toEqual(await rows(src, s.db));
    const want = await nextvals(src, s.db);
    const got = await nextvals(tgt, s.tdb);
    expect(got).toEqual({ items: String(Number(want.items) + 100), events: String(Number(want.events) + 100), standalone: String(Number(want.standalone) + 100) });
    expect(await tgt.query<{ subenabled: boolean }>('SELECT subenabled FROM pg_subscription WHERE subname = $1', [s.sub])).toEqual([{ subenabled: false }]);
    const record = state(s).resources.find((x) => x.address === replicationAddress('subscription', s.db))?.attributes;
    expect(record?.['name']).toBe(s.sub); // apply's attributes are kept
    expect(record?.['cutover']).toMatchObject({ fence: null, after_done: 'disable', sequences_set_at: expect.any(String) as unknown, lsn: expect.stringMatching(/\//) as unknown });

    const again = await cutover(s, []);
    expect(again.code, show(again)).toBe(0);
    expect(again.stdout).toMatch(/already cut over \(subscription disabled\)/);
    // The sequences are not set again (the target owns them now).
    expect(await nextvals(tgt, s.tdb)).toEqual({ items: String(Number(got.items) + 1), events: String(Number(got.events) + 1), standalone: String(Number(got.standalone) + 1) });

    const drop = await cutover(s, ['--auto-approve', '--after', 'drop']);
    expect(drop.code, show(drop)).toBe(0);
    expect(drop.stdout).toMatch(/sequences set: 0/);
    expect(await tgt.query('SELECT 1 FROM pg_subscription WHERE subname = $1', [s.sub])).toHaveLength(0);
    expect(await src.query('SELECT 1 FROM pg_replication_slots WHERE slot_name = $1', [s.slot])).toHaveLength(0);
  });

  it('resumes after a timeout with the read-only fence in place (--fence), and --undo-fence resets the role\'s default', async () => {
    const role = `cut_app_${rand()}`;
    await src.query(`CREATE ROLE ${ident(role)} LOGIN`);
    cleanups.push(async () => {
      await src.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
      await src.query(`DROP ROLE IF EXISTS ${ident(role)}`);
    });
    const s = await setUp({ fence_roles: [role], after: 'keep' });
    // Wait for the first rows, then make the apply worker fail: a target row in the way of the next source insert.
    for (let i = 0; i < 100 && (await rows(tgt, s.tdb)).length < 8; i++) await new Promise((r) => setTimeout(r, 100));
    await tgt.query(`INSERT INTO public.items (id, v) VALUES (8, 'in the way')`, [], s.tdb);
    await src.query(`INSERT INTO public.items (v) SELECT 'later ' || g FROM generate_series(1, 5) g`, [], s.db);
    const writer = await src.connect({ user: role, database: s.db, password: '' });
    writer.on('error', () => undefined);

    const stuck = await cutover(s, ['--auto-approve', '--fence', '--timeout', '3s']);
    expect(stuck.code, show(stuck)).toBe(1);
    expect(stuck.stderr).toMatch(/timed out after 3\.0 s waiting for the slots to pass L = /);
    expect(stuck.stdout).toMatch(/read-only fence on cut_app_\w+; ended 1 session/);
    const cfg = async (): Promise<string[] | null> => (await src.query<{ rolconfig: string[] | null }>('SELECT rolconfig FROM pg_roles WHERE rolname = $1', [role]))[0]?.rolconfig ?? null;
    expect(await cfg()).toEqual(['default_transaction_read_only=on']);
    // A new session of the role is read-only by default.
    const fresh = await src.connect({ user: role, database: s.db, password: '' });
    expect((await fresh.query<{ default_transaction_read_only: string }>('SHOW default_transaction_read_only')).rows[0]?.default_transaction_read_only).toBe('on');
    await fresh.end();
    await writer.end().catch(() => undefined);

    // Out of the way: the worker applies the rest, and the rerun continues (the fence is kept, not re-recorded).
    await tgt.query('DELETE FROM public.items WHERE id = 8', [], s.tdb);
    const resumed = await cutover(s, ['--auto-approve', '--timeout', '60s']);
    expect(resumed.code, show(resumed)).toBe(0);
    expect(await rows(tgt, s.tdb)).toEqual(await rows(src, s.db));
    expect(await nextvals(tgt, s.tdb)).toEqual(await nextvals(src, s.db));
    const sub = state(s).resources.find((x) => x.address === replicationAddress('subscription', s.db))?.attributes['cutover'] as { fence: { mode: string; roles: unknown[] } };
    expect(sub.fence).toMatchObject({ mode: 'read-only', roles: [{ name: role, previous: { login: true, read_only: null } }] });

    const undo = await cutover(s, ['--undo-fence', '--auto-approve']);
    expect(undo.code, show(undo)).toBe(0);
    expect(await cfg()).toBeNull();
  });

  it('warns without fence and margin, and refuses without --auto-approve outside a terminal before changing anything', async () => {
    const s = await setUp({});
    const refused = await cutover(s, []);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toMatch(/--auto-approve/);
    expect(await nextvals(tgt, s.tdb)).toEqual({ items: '1', events: '1', standalone: '10' });
    const r = await cutover(s, ['--yes']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stderr).toMatch(/no fence and no sequence margin/);
    expect(r.stdout).toMatch(/subscription kept/);
    expect(await tgt.query<{ subenabled: boolean }>('SELECT subenabled FROM pg_subscription WHERE subname = $1', [s.sub])).toEqual([{ subenabled: true }]);
  });

  it('refuses a fence the source role may not set, naming the role, the missing right and the statement', async () => {
    const role = `cut_app_${rand()}`;
    await src.query(`CREATE ROLE ${ident(role)} LOGIN`);
    cleanups.push(async () => void (await src.query(`DROP ROLE IF EXISTS ${ident(role)}`)));
    const s = await setUp({ fence: 'read-only', fence_roles: [role] }, { sourceUser: src.roles.source.user });
    const r = await cutover(s, ['--auto-approve']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain(`role ${src.roles.source.user} may not ALTER ROLE ${role}: it lacks CREATEROLE; as a superuser run: ALTER ROLE ${src.roles.source.user} CREATEROLE`);
    expect(r.stderr).toContain(`GRANT pg_signal_backend TO ${src.roles.source.user}`);
    const cfg = await src.query<{ rolconfig: string[] | null }>('SELECT rolconfig FROM pg_roles WHERE rolname = $1', [role]);
    expect(cfg[0]?.rolconfig ?? null).toBeNull();
  });

  it('on a 17 source, a CREATEROLE role needs ADMIN OPTION on the fence role and pg_signal_backend; once granted it fences', async () => {
    const source = tgt; // 17 -> 17 in one cluster: the slot exists before the subscription, so it does not hang
    const id = rand();
    const role = `cut_app_${id}`;
    const admin = `cut_admin_${id}`;
    await source.query(`CREATE ROLE ${ident(role)} LOGIN; CREATE ROLE ${ident(admin)} LOGIN CREATEROLE`);
    cleanups.push(async () => {
      await source.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1`, [role]);
      await source.query(`DROP ROLE IF EXISTS ${ident(role)}`);
      await source.query(`DROP ROLE IF EXISTS ${ident(admin)}`);
    });
    const s = await setUp({ fence: 'nologin', fence_roles: [role], after: 'keep' }, { source, sourceUser: admin });
    s.env['SRC'] = source.url({ database: 'postgres', user: admin, password: '' });
    const refused = await cutover(s, ['--auto-approve']);
    expect(refused.code, show(refused)).toBe(1);
    expect(refused.stderr).toContain(`on PostgreSQL 16+ CREATEROLE needs ADMIN OPTION on the role; run: GRANT ${role} TO ${admin} WITH ADMIN OPTION`);
    expect(refused.stderr).toContain(`GRANT pg_signal_backend TO ${admin}`);

    await source.query(`GRANT ${ident(role)} TO ${ident(admin)} WITH ADMIN OPTION; GRANT pg_signal_backend TO ${ident(admin)}`);
    await source.query(`GRANT SELECT ON ALL SEQUENCES IN SCHEMA public TO ${ident(admin)}`, [], s.db);
    cleanups.push(async () => void (await source.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${ident(admin)}`, [], s.db)));
    const writer = await source.connect({ user: role, database: s.db, password: '' });
    writer.on('error', () => undefined);
    const r = await cutover(s, ['--auto-approve']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/nologin fence on cut_app_\w+; ended 1 session/);
    await writer.end().catch(() => undefined);
    expect((await source.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]))[0]?.rolcanlogin).toBe(false);
    const undo = await cutover(s, ['--undo-fence', '--yes']);
    expect(undo.code, show(undo)).toBe(0);
    expect((await source.query<{ rolcanlogin: boolean }>('SELECT rolcanlogin FROM pg_roles WHERE rolname = $1', [role]))[0]?.rolcanlogin).toBe(true);
  });

  it('refuses a sync database that apply has not set up', async () => {
    const s = await setUp({});
    rmSync(s.statePath);
    const r = await cutover(s, ['--auto-approve']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toMatch(/run pgrepl apply first/);
  });
});
