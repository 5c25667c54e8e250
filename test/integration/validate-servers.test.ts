// Server-level validate checks that need their own server state: a source with wal_level = replica and no
// slots, walsenders or logical workers to spare; an unreachable source; a target role that may neither create
// databases nor subscriptions. Both authentication profiles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, getCluster, SOURCE_ROLE, type Cluster, type Major } from '../harness/index.js';
import { HAVE_PGBOUNCER, startBouncer } from '../fixtures/validate/bouncer.js';
import { buildSpec, credentials, ensureRoles, goodTemplateSql, listing, pick, runValidate, statusOf, urlFor } from '../fixtures/validate/setup.js';

const started = Date.now();
afterAll(() => console.log(`validate-servers: ${((Date.now() - started) / 1000).toFixed(1)} s`));

const PROFILES: readonly { auth: 'trust' | 'scram'; major: Major }[] = [
  { auth: 'trust', major: 15 },
  { auth: 'scram', major: 17 },
];

describe.each(PROFILES)('a source with wal_level = replica and nothing to spare ($auth, PostgreSQL $major)', ({ auth, major }) => {
  let cluster: Cluster;
  let db: string;
  beforeAll(async () => {
    cluster = await getCluster({
      major,
      auth,
      walLevel: 'replica',
      settings: { max_replication_slots: '0', max_wal_senders: '0', max_logical_replication_workers: '0' },
    });
    await ensureRoles(cluster);
    const tpl = await cluster.ensureTemplate('val_good', goodTemplateSql(), { owner: SOURCE_ROLE.user });
    db = await cluster.createDatabase('val_replica', { template: tpl, owner: SOURCE_ROLE.user });
  });
  afterAll(async () => {
    if (db) await cluster.dropDatabase(db);
  });

  it('fails wal_level, slots, walsenders and workers with the settings that fix them', async () => {
    const who = auth === 'trust' ? 'admin' : 'owner';
    const spec = buildSpec(urlFor(cluster, who), urlFor(cluster, auth === 'trust' ? 'admin' : 'target'), { [db]: { target_database: `${db}_t` } });
    const r = await runValidate(spec);
    const all = listing(r, ['ok', 'fail', 'warn', 'skip']).join('\n');
    const wal = pick(r, 'source.wal_level')[0];
    expect(wal?.status, all).toBe('fail');
    expect(wal?.message).toMatch(/wal_level is replica/);
    expect(wal?.fix).toEqual(expect.arrayContaining(['ALTER SYSTEM SET wal_level = logical;', expect.stringMatching(/rds\.logical_replication = 1/)]));
    expect(pick(r, 'source.replication_slots')[0]).toMatchObject({ status: 'fail', fix: ['ALTER SYSTEM SET max_replication_slots = 1;', '-- then restart the source server'] });
    expect(pick(r, 'source.wal_senders')[0]).toMatchObject({ status: 'fail', fix: ['ALTER SYSTEM SET max_wal_senders = 1;', '-- then restart the source server'] });
    const workers = pick(r, 'target.workers');
    expect(workers.map((x) => x.status)).toEqual(['fail']);
    expect(workers[0]?.message).toMatch(/max_logical_replication_workers = 0/);
    const reach = pick(r, 'target.reaches_source');
    if (auth === 'trust') {
      // The target (here the same server) tries to connect to the source and finds no walsender to spare.
      expect(reach.map((x) => x.status), all).toEqual(['fail']);
      expect(reach[0]?.message).toMatch(/max_wal_senders|replication slots|logical decoding|wal_level/);
    } else {
      // tgt_user may subscribe (17) but may CREATE in no existing target database: the probe cannot run.
      expect(reach.map((x) => x.status), all).toEqual(['skip']);
      expect(reach[0]?.message).toMatch(/has CREATE on none of the existing target databases/);
    }
  });
});

describe.each(PROFILES)('servers and target role ($auth, PostgreSQL 15 → $major)', ({ auth, major }) => {
  let src: Cluster;
  let tgt: Cluster;
  let db: string;
  beforeAll(async () => {
    src = await getCluster({ major: 15, auth });
    tgt = await getCluster({ major, auth });
    await ensureRoles(src);
    await ensureRoles(tgt);
    const tpl = await src.ensureTemplate('val_good', goodTemplateSql(), { owner: SOURCE_ROLE.user });
    db = await src.createDatabase('val_srv', { template: tpl, owner: SOURCE_ROLE.user });
  });
  afterAll(async () => {
    if (db) await src.dropDatabase(db);
  });

  it('reports an unreachable source by its display name and the cause, and skips what depends on it', async () => {
    const port = await freePort();
    const c = credentials(src, 'owner');
    const url = src.url({ user: c.user, password: c.password, database: db }).replace(`:${src.port}/`, `:${port}/`);
    const r = await runValidate(buildSpec(url, urlFor(tgt, auth === 'trust' ? 'admin' : 'target'), { [db]: {} }));
    const reach = pick(r, 'source.reachable')[0];
    expect(reach?.status).toBe('fail');
    expect(reach?.message).toContain(`postgres://${SOURCE_ROLE.user}@127.0.0.1:${port}/${db}`);
    expect(reach?.message).toMatch(/ECONNREFUSED|refused/);
    expect(statusOf(r, 'target.reachable')).toEqual(['ok']);
    for (const id of ['source.version', 'source.wal_level', 'servers.version_order', 'target.reaches_source']) expect(statusOf(r, id), id).toEqual(['skip']);
    expect(r.filter((x) => x.status === 'fail').map((x) => x.id)).toEqual(['source.reachable']);
  });

  it('fails a target role that may neither create the database nor subscribe, and says why the probe was skipped', async () => {
    const r = await runValidate(buildSpec(urlFor(src, auth === 'trust' ? 'admin' : 'owner', db), urlFor(tgt, 'bare'), { [db]: { target_database: `${db}_t` } }));
    const all = listing(r, ['ok', 'fail', 'warn', 'skip']).join('\n');
    const sub = pick(r, 'target.role.subscription')[0];
    expect(sub?.status, all).toBe('fail');
    if (major >= 16) {
      expect(sub?.message).toMatch(/neither a superuser nor a member of pg_create_subscription/);
      expect(sub?.fix).toEqual(['GRANT pg_create_subscription TO pgrepl_val_tgt;']);
    } else {
      expect(sub?.message).toMatch(/before PostgreSQL 16 only a superuser/);
    }
    expect(pick(r, 'target.role.createdb')[0]).toMatchObject({
      status: 'fail',
      fix: ['ALTER ROLE pgrepl_val_tgt CREATEDB;', `-- or, as an administrator: CREATE DATABASE ${db}_t OWNER pgrepl_val_tgt;`],
    });
    const skipped = pick(r, 'target.reaches_source')[0];
    expect(skipped?.status).toBe('skip');
    expect(skipped?.message).toMatch(/the probe needs a role that may create subscriptions/);
  });
});

describe.skipIf(!HAVE_PGBOUNCER)('a transaction-mode PgBouncer in front of the source (trust, PostgreSQL 15)', () => {
  it('fails with a request for the direct URL, and passes the direct URL', async () => {
    const cluster = await getCluster({ major: 15 });
    const bouncer = await startBouncer(cluster);
    try {
      const pooled = `postgres://postgres@127.0.0.1:${bouncer.port}/postgres?sslmode=disable`;
      const r = await runValidate(buildSpec(pooled, urlFor(cluster, 'admin'), { postgres: {} }));
      const pooler = pick(r, 'source.pooler')[0];
      expect(pooler?.status, listing(r).join('\n')).toBe('fail');
      expect(pooler?.message).toContain(`postgres://postgres@127.0.0.1:${bouncer.port}/postgres`);
      expect(pooler?.fix?.[0]).toMatch(/direct \(non-pooled\) URL/);
      const direct = await runValidate(buildSpec(urlFor(cluster, 'admin'), urlFor(cluster, 'admin'), { postgres: { sync: false } }));
      expect(statusOf(direct, 'source.pooler')).toEqual(['ok']);
    } finally {
      await bouncer.stop();
    }
  });
});
