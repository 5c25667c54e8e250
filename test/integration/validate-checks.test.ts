// Every database-level validate check, passing and failing, on real servers: in both authentication profiles
// (trust with a superuser, scram with the non-superuser roles) and on source majors 12, 15 and 17. One "good"
// database where everything passes and one "bad" set that trips every check a database can trip; templates are
// built once per cluster, clones are dropped afterwards.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, ident, literal, SOURCE_ROLE, TARGET_ROLE, type Cluster, type Major } from '../harness/index.js';
import {
  badTemplateSql,
  buildSpec,
  ensureRoles,
  goodTemplateSql,
  listing,
  pick,
  runValidate,
  statusOf,
  urlFor,
} from '../fixtures/validate/setup.js';

interface Setup {
  readonly auth: 'trust' | 'scram';
  readonly source: Major;
  readonly target: Major;
}

const SETUPS: readonly Setup[] = [
  { auth: 'trust', source: 15, target: 15 },
  { auth: 'scram', source: 15, target: 17 },
  { auth: 'trust', source: 15, target: 17 },
  { auth: 'scram', source: 15, target: 15 },
  { auth: 'trust', source: 12, target: 15 },
  { auth: 'scram', source: 12, target: 15 },
  { auth: 'trust', source: 17, target: 15 },
  { auth: 'scram', source: 17, target: 17 },
];

interface SourceDbs {
  readonly good: string;
  readonly bad1: string;
  readonly bad2: string;
  readonly bad3: string;
}

interface TargetDbs {
  readonly goodTarget: string;
  readonly utf8Target: string;
  readonly latin1Target: string;
}

// Built once per cluster and shared by every setup that uses it (databases are only read by validate).
const sources = new Map<Cluster, Promise<SourceDbs>>();
const targets = new Map<Cluster, Promise<TargetDbs>>();
const created: { cluster: Cluster; name: string }[] = [];

function scratchName(prefix: string): string {
  return `pgrepl_t_${prefix}_${Math.random().toString(36).slice(2, 8)}`;
}

function sourceFixtures(src: Cluster): Promise<SourceDbs> {
  const cached = sources.get(src);
  if (cached) return cached;
  const made = (async () => {
    await ensureRoles(src);
    const owner = SOURCE_ROLE.user;
    const goodTpl = await src.ensureTemplate('val_good', goodTemplateSql(), { owner });
    const badTpl = await src.ensureTemplate('val_bad', badTemplateSql(src.major), { owner });
    const good = await src.createDatabase('val_good', { template: goodTpl, owner });
    created.push({ cluster: src, name: good });
    const bad1 = await src.createDatabase('val_bad', { template: badTpl, owner });
    created.push({ cluster: src, name: bad1 });
    const bad2 = await src.createDatabase('val_bad', { template: badTpl, owner });
    created.push({ cluster: src, name: bad2 });
    // bad3: SQL_ASCII, owned by the superuser (no CREATE for the source roles), one table the source role owns.
    const bad3 = scratchName('val_ascii');
    await src.query(`CREATE DATABASE ${ident(bad3)} ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
    created.push({ cluster: src, name: bad3 });
    await src.query(`CREATE TABLE public.t (id int PRIMARY KEY); ALTER TABLE public.t OWNER TO ${ident(owner)}`, [], bad3);
    return { good, bad1, bad2, bad3 };
  })();
  sources.set(src, made);
  return made;
}

function targetFixtures(tgt: Cluster): Promise<TargetDbs> {
  const cached = targets.get(tgt);
  if (cached) return cached;
  const made = (async () => {
    await ensureRoles(tgt);
    const goodTarget = await tgt.createDatabase('val_good_tgt', { owner: TARGET_ROLE.user });
    created.push({ cluster: tgt, name: goodTarget });
    const utf8Target = await tgt.createDatabase('val_utf8_tgt', { owner: TARGET_ROLE.user });
    created.push({ cluster: tgt, name: utf8Target });
    const latin1Target = scratchName('val_latin1');
    await tgt.query(`CREATE DATABASE ${ident(latin1Target)} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0`);
    created.push({ cluster: tgt, name: latin1Target });
    return { goodTarget, utf8Target, latin1Target };
  })();
  targets.set(tgt, made);
  return made;
}

afterAll(async () => {
  for (const { cluster, name } of created) await cluster.dropDatabase(name);
});

const started = Date.now();
afterAll(() => console.log(`validate-checks: ${((Date.now() - started) / 1000).toFixed(1)} s`));

describe.each(SETUPS)('validate, $auth profile, PostgreSQL $source → $target', (setup) => {
  let src: Cluster;
  let tgt: Cluster;
  // The role validate connects as in the "good" run: the superuser under trust, the harness roles under scram.
  const srcWho = setup.auth === 'trust' ? 'admin' : 'owner';
  const tgtWho = setup.auth === 'trust' ? 'admin' : 'target';
  // tgt_user may create subscriptions from 16 (pg_create_subscription); the superuser always.
  const mayGoodSubscribe = tgtWho === 'admin' || setup.target >= 16;
  const rowFilters = setup.source >= 15;

  let good: string;
  let goodTarget: string;
  let bad1: string;
  let bad2: string;
  let bad3: string;
  let latin1Target: string;
  let utf8Target: string;

  beforeAll(async () => {
    const t0 = Date.now();
    src = await getCluster({ major: setup.source, auth: setup.auth });
    tgt = await getCluster({ major: setup.target, auth: setup.auth });
    const t1 = Date.now();
    ({ good, bad1, bad2, bad3 } = await sourceFixtures(src));
    ({ goodTarget, utf8Target, latin1Target } = await targetFixtures(tgt));
    console.log(`validate ${setup.auth} ${setup.source}→${setup.target}: clusters ${t1 - t0} ms, fixtures ${Date.now() - t1} ms`);
  });

  it('passes a database that meets every requirement', async () => {
    const spec = buildSpec(urlFor(src, srcWho), urlFor(tgt, tgtWho), {
      [good]: {
        target_database: goodTarget,
        ...(rowFilters ? { table_filters: [{ table: 'g_orders', where: 'id > 0' }] } : {}),
        time_filters: [{ table: 'g_window', column: 'created_at', last: '90 days' }],
      },
    });
    const r = await runValidate(spec);
    const expectedFails = mayGoodSubscribe ? [] : ['target.role.subscription'];
    expect(r.filter((x) => x.status === 'fail').map((x) => x.id), listing(r).join('\n')).toEqual(expectedFails);
    const expectedWarns = [
      ...(setup.target < setup.source ? ['servers.version_order'] : []),
      ...(rowFilters ? [] : ['filters.version']),
    ];
    expect(r.filter((x) => x.status === 'warn').map((x) => x.id), listing(r).join('\n')).toEqual(expectedWarns);
    for (const id of ['source.reachable', 'target.reachable', 'source.wal_level', 'source.replication_slots', 'source.wal_senders',
      'source.role.replication', 'source.role.create', 'source.role.ownership', 'source.role.select', 'source.role.sequences',
      'source.role.schema_usage', 'source.role.rls', 'tables.replica_identity', 'databases.encoding', 'databases.locale',
      'target.extensions', 'leftovers.seren', 'spec.tables', 'source.pooler', 'target.role.createdb']) {
      expect(statusOf(r, id), id).toEqual(['ok']);
    }
    expect(pick(r, 'tables.replica_identity')[0]?.message).toMatch(/and 1 partition have a replica identity/);
    expect(statusOf(r, 'filters.valid')).toEqual(['ok', ...(rowFilters ? ['ok'] : [])]);
    if (rowFilters) {
      // The window on the key column streams filtered, rendered as a literal of the column's type.
      expect(pick(r, 'filters.valid', 'g_window')[0]?.message).toMatch(/created_at >= '\d{4}-\d\d-\d\d \d\d:\d\d:\d\d[.\d]*\+00'::timestamp with time zone/);
      expect(statusOf(r, 'filters.replica_identity')).toEqual(['ok', 'ok']);
    }
    // The probes left nothing behind.
    expect(await src.query("SELECT pubname FROM pg_publication WHERE pubname LIKE 'pgrepl_probe%'", [], good)).toEqual([]);
    expect(await tgt.query("SELECT subname FROM pg_subscription WHERE subname LIKE 'pgrepl_probe%'")).toEqual([]);
    if (mayGoodSubscribe) {
      expect(statusOf(r, 'target.reaches_source'), listing(r, ['fail', 'skip']).join('\n')).toEqual(['ok']);
      expect(statusOf(r, 'target.workers')).toEqual(['ok']);
    } else {
      const skipped = pick(r, 'target.reaches_source');
      expect(skipped.map((x) => x.status)).toEqual(['skip']);
      expect(skipped[0]?.message).toMatch(/only a superuser may create subscriptions/);
    }
  });

  it('fails every database-level check the bad databases trip', async () => {
    const slot = `seren_migration_sub_${Math.random().toString(36).slice(2, 8)}`;
    const sub = `seren_migration_sub_${Math.random().toString(36).slice(2, 8)}`;
    await src.query("SELECT pg_create_logical_replication_slot($1, 'pgoutput')", [slot], bad1);
    await tgt.query(
      `CREATE SUBSCRIPTION ${ident(sub)} CONNECTION ${literal('host=127.0.0.1 port=1 dbname=x')} PUBLICATION p WITH (connect = false, slot_name = NONE)`,
      [],
      latin1Target,
    );
    const spec = buildSpec(urlFor(src, 'app'), urlFor(tgt, 'target'), {
      [bad1]: {
        target_database: latin1Target,
        include_tables: ['public.*', 'private.*', 'public.ordrs'],
        table_filters: [
          { table: 'f_now', where: "created_at > now() - interval '1 day'" },
          { table: 'f_enum', where: "status = 'ok'" },
          { table: 'f_region', where: 'region IN (1, 2)' },
          { table: 'f_key', where: 'id > 10' },
        ],
        time_filters: [{ table: 'f_window', column: 'created_at', last: '30 days' }],
      },
      [bad2]: { target_database: `${bad2}_t`, include_tables: ['public.f_region'], publish: ['insert'], table_filters: [{ table: 'f_region', where: 'region IN (1, 2)' }] },
      [bad3]: { target_database: utf8Target },
      [`${bad2}x`]: {},
    });
    let r;
    try {
      r = await runValidate(spec);
    } finally {
      await src.query('SELECT pg_drop_replication_slot($1)', [slot]);
      await tgt.query(`DROP SUBSCRIPTION ${ident(sub)}`, [], latin1Target);
    }
    const all = listing(r, ['ok', 'fail', 'warn', 'skip']).join('\n');
    const subjects = (id: string): string[] => pick(r, id).filter((x) => x.status !== 'ok').map((x) => x.subject ?? '');

    // Spec names.
    expect(pick(r, 'spec.databases').map((x) => [x.status, x.message]), all).toEqual([['fail', expect.stringContaining(`did you mean ${bad2}`)]]);
    const unmatched = pick(r, 'spec.tables', bad1);
    expect(unmatched.map((x) => x.status)).toEqual(['fail']);
    expect(unmatched[0]?.message).toMatch(/include_tables entry public\.ordrs matches no table.*did you mean public\.orders/);

    // The source role: no REPLICATION; owns the source role's tables through membership, not the superuser's.
    expect(statusOf(r, 'source.role.replication')).toEqual(['fail']);
    expect(pick(r, 'source.role.replication')[0]?.fix).toContain('ALTER ROLE pgrepl_val_app REPLICATION;');
    expect(subjects('source.role.ownership').sort()).toEqual([`${bad1}.private.t`, `${bad1}.public.audit`, `${bad1}.public.secret`]);
    expect(pick(r, 'source.role.ownership', 'audit')[0]?.fix).toEqual([
      'ALTER TABLE public.audit OWNER TO pgrepl_val_app;',
      '-- or let the role act as the owner: GRANT postgres TO pgrepl_val_app;',
    ]);
    expect(statusOf(r, 'source.role.ownership', bad2)).toEqual(['ok']);
    expect(subjects('source.role.select')).toEqual([`${bad1}.public.audit`]);
    expect(pick(r, 'source.role.select', bad1)[0]?.fix).toEqual(['GRANT SELECT ON TABLE public.audit TO pgrepl_val_app;']);
    expect(subjects('source.role.sequences')).toEqual([`${bad1}.public.audit_id_seq`]);
    expect(pick(r, 'source.role.sequences', bad1)[0]?.fix).toEqual(['GRANT SELECT ON SEQUENCE public.audit_id_seq TO pgrepl_val_app;']);
    expect(subjects('source.role.schema_usage')).toEqual([`${bad1}.private`]);
    expect(pick(r, 'source.role.schema_usage', bad1)[0]?.fix).toEqual(['GRANT USAGE ON SCHEMA private TO pgrepl_val_app;']);
    expect(subjects('source.role.rls')).toEqual([`${bad1}.public.secret`]);
    expect(pick(r, 'source.role.rls', bad1)[0]?.fix?.[0]).toBe('ALTER ROLE pgrepl_val_app BYPASSRLS;');
    expect(statusOf(r, 'source.role.create', bad3)).toEqual(['fail']);
    expect(pick(r, 'source.role.create', bad3)[0]?.fix).toEqual([`GRANT CREATE ON DATABASE ${bad3} TO pgrepl_val_app;`]);
    expect(statusOf(r, 'source.role.create', bad1)).toEqual(['ok']);

    // Replica identity: a table without one (json: FULL not offered), a leaf under a FULL root; unlogged.
    expect(subjects('tables.replica_identity').sort()).toEqual([`${bad1}.public.events`, `${bad1}.public.measure_1`]);
    const events = pick(r, 'tables.replica_identity', 'events')[0];
    expect(events?.fix?.join('\n')).toMatch(/REPLICA IDENTITY FULL is not offered: payload \(json\)/);
    expect(events?.fix?.join('\n')).not.toMatch(/REPLICA IDENTITY FULL;/);
    const leaf = pick(r, 'tables.replica_identity', 'measure_1')[0];
    expect(leaf?.message).toMatch(/partition public\.measure_1 of public\.measure .*does not recurse/);
    expect(leaf?.fix).toContain('ALTER TABLE public.measure_1 REPLICA IDENTITY FULL;  -- writes whole old rows to WAL on every UPDATE/DELETE');
    expect(statusOf(r, 'tables.replica_identity', bad2)).toEqual(['ok']);
    expect(pick(r, 'tables.unlogged').map((x) => [x.status, x.subject])).toEqual([['warn', `${bad1}.public.cache`]]);

    // Row filters.
    if (rowFilters) {
      const valid = (t: string) => pick(r, 'filters.valid', `${bad1}.public.${t}`)[0];
      expect(valid('f_now')?.status).toBe('fail');
      expect(valid('f_now')?.message).toMatch(/mutable functions/);
      expect(valid('f_now')?.fix?.join('\n')).toMatch(/use time_filters/);
      expect(valid('f_enum')?.status).toBe('fail');
      expect(valid('f_enum')?.message).toMatch(/User-defined types/);
      expect(valid('f_region')?.status).toBe('ok');
      expect(valid('f_key')?.status).toBe('ok');
      expect(valid('f_window')?.status).toBe('ok');
      const ri = (db: string, t: string) => pick(r, 'filters.replica_identity', `${db}.public.${t}`).map((x) => x.status);
      expect(ri(bad1, 'f_region')).toEqual(['fail']);
      expect(pick(r, 'filters.replica_identity', `${bad1}.public.f_region`)[0]?.message).toMatch(/reads region, outside the replica identity \(id\)/);
      expect(ri(bad1, 'f_key')).toEqual(['ok']);
      expect(ri(bad1, 'f_window')).toEqual(['warn']);
      expect(pick(r, 'filters.replica_identity', 'f_window')[0]?.message).toMatch(/filters the copy only and the table streams unfiltered/);
      // The same filter is fine when only inserts are published.
      expect(ri(bad2, 'f_region')).toEqual(['ok']);
      expect(pick(r, 'filters.version')).toEqual([]);
    } else {
      // Before 15 a streamed WHERE filter cannot work at all; a window degrades to a copy-only filter.
      const version = pick(r, 'filters.version');
      expect(version.filter((x) => x.status === 'fail').map((x) => x.subject).sort()).toEqual(
        [`${bad1}.public.f_enum`, `${bad1}.public.f_key`, `${bad1}.public.f_now`, `${bad1}.public.f_region`, `${bad2}.public.f_region`].sort(),
      );
      expect(version.find((x) => x.status === 'fail')?.message).toMatch(/need a PostgreSQL 15\+ source \(the source runs 12\)/);
      expect(pick(r, 'filters.version', 'f_window').map((x) => x.status)).toEqual(['warn']);
      expect(pick(r, 'filters.valid').map((x) => [x.subject, x.status])).toEqual([[`${bad1}.public.f_window`, 'ok']]);
    }

    // Encodings: UTF8 into LATIN1 cannot work; SQL_ASCII into UTF8 may.
    expect(statusOf(r, 'databases.encoding', bad1)).toEqual(['fail']);
    expect(pick(r, 'databases.encoding', bad1)[0]?.message).toMatch(/UTF8 → LATIN1/);
    expect(statusOf(r, 'databases.encoding', bad3)).toEqual(['warn']);
    expect(statusOf(r, 'databases.encoding', bad2)).toEqual(['ok']);
    expect(statusOf(r, 'databases.locale', bad1)).toEqual(['warn']);

    // Extensions: old_snapshot exists in 15 and is gone in 17.
    if (setup.source === 15 && setup.target === 17) {
      expect(pick(r, 'target.extensions', bad1).map((x) => [x.status, x.message])).toEqual([
        ['fail', expect.stringMatching(/extension old_snapshot .* is not available on the target/)],
      ]);
    } else {
      expect(statusOf(r, 'target.extensions', bad1)).toEqual(['ok']);
    }

    // Leftovers of the old tool, with the WAL the slot retains.
    const left = pick(r, 'leftovers.seren');
    expect(left.every((x) => x.status === 'warn')).toBe(true);
    expect(left.find((x) => x.message.includes(slot))?.message).toMatch(/retains \d+(\.\d)? (bytes|kB|MB) of WAL/);
    expect(left.filter((x) => x.message.includes('publication seren_migration_pub')).map((x) => x.subject).sort()).toEqual([bad1, bad2].sort());
    expect(left.find((x) => x.message.includes(sub))?.fix).toContain(`DROP SUBSCRIPTION ${sub};`);

    // Target: tgt_user may subscribe from 16 only; lacks CREATE in the superuser's LATIN1 database; the probe
    // has nowhere to run and says why.
    if (setup.target >= 16) {
      expect(statusOf(r, 'target.role.subscription')).toEqual(['ok']);
      expect(pick(r, 'target.role.create').map((x) => [x.status, x.subject])).toEqual([['fail', bad1]]);
      // The probe runs in the one target database tgt_user may create in, and the source refuses the
      // replication connection of a role without REPLICATION.
      const reach = pick(r, 'target.reaches_source');
      expect(reach.map((x) => [x.status, x.subject])).toEqual([bad1, bad2, bad3].map((d) => ['fail', d]));
      // Under trust the source URL has no password, which a non-superuser subscription must send (16+).
      expect(reach[0]?.message, JSON.stringify(reach[0])).toMatch(setup.auth === 'scram' ? /start (WAL sender|walsender)/ : /password is required/);
      expect(reach[0]?.fix?.join('\n')).toMatch(setup.auth === 'scram' ? /needs REPLICATION/ : /must put a password/);
    } else {
      expect(statusOf(r, 'target.role.subscription')).toEqual(['fail']);
      expect(pick(r, 'target.reaches_source')[0]?.message).toMatch(/only a superuser may create subscriptions/);
      expect(statusOf(r, 'target.reaches_source')).toEqual(['skip']);
    }
    expect(statusOf(r, 'target.role.createdb')).toEqual(['ok']);
  });
});
