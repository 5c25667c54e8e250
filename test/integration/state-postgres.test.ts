// The PostgreSQL state backend (src/state/pg-backend.ts, docs/state.md "PostgreSQL backend") on real servers: the
// state lives in a scratch database of its own on the target's cluster (a third database, beside source and target).
// In process: the CREATE refusal names role, right and GRANT; round trip; the compare-and-swap refuses a stale base
// and another lineage; history stays bounded; the lock row names its holder; a second locker fails naming it; a
// dead holder's row is taken over with a notice; a write after the lock connection was terminated fails; force-unlock
// removes the row and ends the holder's session; pooled URLs are refused; no password lands in a table.
// Through the built CLI: two concurrent `pgrepl apply` runs (one proceeds, one fails naming it, one waits and then
// finds nothing to do, then `plan` is empty); a SIGKILLed apply's lock is taken over by the next with a notice; an
// apply whose lock connection is terminated stops before its next state write.
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Cluster } from '../harness/index.js';
import { postgresStateBackend, HISTORY_KEEP } from '../../src/state/pg-backend.js';
import type { StateBackend } from '../../src/state/backend.js';
import { bumpSerial, emptyState } from '../../src/state/state-edits.js';
import type { StateDocument } from '../../src/state/state-document.js';
import { expectSameRows, show, targetName, useE2eDatabase, waitForOutput, type CliResult, type RunningCli } from './e2e-helpers.js';

const TIMEOUT_MS = 240_000;

function doc(lineage: string, serial: number): StateDocument {
  let d = emptyState({ lineage, pgreplVersion: '0.0.0-test', spec: null });
  while (d.serial < serial) d = bumpSerial(d);
  return d;
}

describe('postgres state backend', () => {
  const e2e = useE2eDatabase({
    name: 'pgstate',
    sql: `CREATE TABLE public.t (id int PRIMARY KEY, v text); INSERT INTO public.t SELECT g, 'v' || g FROM generate_series(1, 500) g`,
  });
  let stateDb = '';
  let stateCluster: Cluster;
  const opened: StateBackend[] = [];
  const url = (): string => stateCluster.url({ database: stateDb, user: stateCluster.roles.target.user });
  const password = (): string => stateCluster.roles.target.password;
  const backend = (name: string, schema = 'pgrepl'): StateBackend => {
    const b = postgresStateBackend({ url: url(), schema, name }, { env: { PATH: process.env['PATH'] ?? '' }, pollIntervalMs: 50 });
    opened.push(b);
    return b;
  };

  beforeAll(async () => {
    stateCluster = e2e.tgt;
    stateDb = await stateCluster.createDatabase('state');
  }, TIMEOUT_MS);
  afterAll(async () => {
    for (const b of opened) await b.close();
    if (stateDb !== '') await stateCluster.dropDatabase(stateDb);
  });

  const lockRows = (): Promise<Record<string, unknown>[]> => stateCluster.query('SELECT * FROM pgrepl.state_lock ORDER BY name', [], stateDb);
  const advisoryHolders = (): Promise<{ pid: number }[]> =>
    stateCluster.query("SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND objsubid = 2 AND granted AND database = (SELECT oid FROM pg_database WHERE datname = $1)", [stateDb]);

  it('refuses to create the schema without CREATE on the database, naming role, right and GRANT', async () => {
    const b = backend('priv');
    const e = await b.lock({ command: 'test', timeoutMs: 0 }).then(() => null, (err: unknown) => err as Error & { hints?: string[] });
    expect(e).not.toBeNull();
    expect(e?.message).toContain('role tgt_user may not create the state schema pgrepl');
    expect(e?.message).toContain('CREATE right on the database');
    expect(e?.hints?.join('\n')).toContain(`GRANT CREATE ON DATABASE ${stateDb} TO tgt_user;`);
    expect(`${e?.message ?? ''}${e?.hints?.join('') ?? ''}`).not.toContain(password());
    // Reads need no CREATE: no tables means no state yet.
    expect(await b.read()).toBeNull();
    expect(await b.readLock()).toBeNull();
    await stateCluster.query(`GRANT CREATE ON DATABASE ${stateDb} TO tgt_user`);
  }, TIMEOUT_MS);

  it('round trip, compare-and-swap on serial and lineage, bounded history, and the lock row', async () => {
    const b = backend('round');
    const held = await b.lock({ command: 'apply', timeoutMs: 0 });
    const L1 = randomUUID();
    const L2 = randomUUID();
    try {
      const store = held.store({ secrets: ['some-long-resolved-secret'] });
      expect(await store.read()).toBeNull();
      await store.write(doc(L1, 1));
      expect((await b.read())?.serial).toBe(1);
      await store.write(doc(L1, 2));
      expect(await b.read()).toEqual(doc(L1, 2));
      await expect(store.write(doc(L1, 2))).rejects.toThrow(/is at serial 2, but this write is based on serial 1: another process changed the state/);
      await expect(store.write(doc(L2, 3))).rejects.toThrow(new RegExp(`belongs to another state \\(lineage ${L1}\\)`));
      await expect(store.write(doc(L1, 4))).rejects.toThrow(/is at serial 2, but this write is based on serial 3/);
      await expect(store.write({ ...doc(L1, 3), history: [{ serial: 3, at: new Date().toISOString(), command: 'apply', summary: `x password=${password()}` }] }))
        .rejects.toThrow(/would hold a password/);
      for (let s = 3; s <= 15; s++) await store.write(doc(L1, s));
      const history = await stateCluster.query<{ s: string }>('SELECT h.serial::text AS s FROM pgrepl.state_history h WHERE name = $1 ORDER BY h.serial', ['round'], stateDb);
      expect(history.map((h) => Number(h.s))).toEqual(Array.from({ length: HISTORY_KEEP }, (_, i) => 15 - HISTORY_KEEP + i));

      const [row] = (await lockRows()).filter((r) => r['name'] === 'round');
      expect(row).toMatchObject({ id: held.info.id, host: hostname(), pid: process.pid, command: 'apply', db_role: 'tgt_user' });
      expect(row?.['created_at']).toBeInstanceOf(Date);
      expect((await advisoryHolders()).map((h) => h.pid)).toContain(row?.['backend_pid']);
      expect((await b.readLock())?.id).toBe(held.info.id);

      // A second run fails at once naming the holder, or waits and then fails the same way.
      const other = backend('round');
      await expect(other.lock({ command: 'apply', timeoutMs: 0 })).rejects.toThrow(
        new RegExp(`is locked by pgrepl apply \\(pid ${process.pid} on host ${hostname()}, since \\d\\d:\\d\\d:\\d\\d UTC\\); .*force-unlock ${held.info.id}`),
      );
      const waits: string[] = [];
      const started = Date.now();
      await expect(other.lock({ command: 'apply', timeoutMs: 400, onWait: (_h, m) => waits.push(m) })).rejects.toThrow(/is locked by pgrepl apply/);
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(waits).toHaveLength(1);
      // Another name has its own lock.
      const elsewhere = await backend('round-other').lock({ command: 'apply', timeoutMs: 0 });
      await elsewhere.release();
    } finally {
      await held.release();
    }
    expect((await lockRows()).filter((r) => r['name'] === 'round')).toEqual([]);
    const text = JSON.stringify(await stateCluster.query('SELECT s.*, h.* FROM pgrepl.state s LEFT JOIN pgrepl.state_history h USING (name)', [], stateDb));
    expect(text).not.toContain(password());
    expect(text).not.toContain(encodeURIComponent(password()));
  }, TIMEOUT_MS);

  it('a write after the lock connection was terminated fails; the next run takes the stale row over with a notice', async () => {
    const b = backend('term');
    const T = randomUUID();
    const held = await b.lock({ command: 'apply', timeoutMs: 0 });
    const store = held.store();
    await store.write(doc(T, 1));
    const [row] = (await lockRows()).filter((r) => r['name'] === 'term');
    await stateCluster.query('SELECT pg_terminate_backend($1)', [row?.['backend_pid']]);
    await expect(store.write(doc(T, 2))).rejects.toThrow(/the state lock on postgres state "term" .* is no longer held .*stopping before writing the state/);
    expect((await b.read())?.serial).toBe(1);
    expect(await b.readLock()).toBeNull(); // the row is stale: its session is gone
    const notices: string[] = [];
    const next = await backend('term').lock({ command: 'apply', timeoutMs: 0, onTakeover: (_p, n) => notices.push(n) });
    try {
      expect(next.takenOverFrom?.id).toBe(held.info.id);
      expect(notices).toEqual([expect.stringMatching(/^took over the lock of pgrepl apply \(pid \d+ on host .*: its database session \(backend pid \d+\) has ended/)]);
      await next.store().write(doc(T, 2));
    } finally {
      await next.release();
      await held.release();
    }
  }, TIMEOUT_MS);

  it('force-unlock removes the row with that id and ends the session holding the advisory lock', async () => {
    const held = await backend('force').lock({ command: 'apply', timeoutMs: 0 });
    const other = backend('force');
    await expect(other.forceUnlock('not-the-id')).rejects.toThrow(new RegExp(`has id ${held.info.id}, not not-the-id: not removed`));
    const removed = await other.forceUnlock(held.info.id);
    expect(removed.id).toBe(held.info.id);
    expect((await lockRows()).filter((r) => r['name'] === 'force')).toEqual([]);
    await expect(held.store().write(doc(randomUUID(), 1))).rejects.toThrow(/no longer held/);
    await expect(other.forceUnlock(held.info.id)).rejects.toThrow(/is not locked/);
    const again = await other.lock({ command: 'apply', timeoutMs: 2000 });
    await again.release();
    await held.release();
  }, TIMEOUT_MS);

  it('refuses a pooler-looking URL before connecting, without the password in the message', () => {
    const cases = [
      stateCluster.url({ database: stateDb, user: 'tgt_user' }).replace(/:(\d+)\//, ':6432/'),
      stateCluster.url({ database: stateDb, user: 'tgt_user' }).replace(/:(\d+)\//, ':6543/'),
      `${stateCluster.url({ database: stateDb, user: 'tgt_user' })}?pgbouncer=true`,
      'postgres://app:secret-pw-123456@ep-cool-name-123456-pooler.eu-central-1.aws.neon.tech/neondb',
    ];
    for (const u of cases) {
      let message = '';
      try {
        postgresStateBackend({ url: u, schema: 'pgrepl', name: 'x' }, { env: {} });
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message, u).toMatch(/transaction-mode connection pooler/);
      expect(message).not.toContain(password());
      expect(message).not.toContain('secret-pw-123456');
    }
  });

  describe('through the CLI', () => {
    const specFor = (tdb: string, name: string): string => {
      const file = join(e2e.ws.dir, `pg-${name}.yaml`);
      writeFileSync(file, [
        'version: 1',
        'source: { url: "${SRC}" }',
        'target: { url: "${TGT}" }',
        `state: { backend: postgres, url: "\${STATE}", schema: pgrepl, name: ${JSON.stringify(name)} }`,
        'databases:',
        `  ${JSON.stringify(e2e.db)}: ${JSON.stringify({ target_database: tdb, roles: 'skip', sync: false })}`,
        '',
      ].join('\n'));
      return file;
    };
    const env = (): NodeJS.ProcessEnv => ({ STATE: url() });
    const targets: string[] = [];
    afterAll(async () => {
      for (const t of targets) await e2e.tgt.dropDatabase(t);
    });

    /** Starts an apply that gets stuck on the source (the table is locked) while holding the state lock. */
    /** The copied table matches the source and a new plan is empty. */
    async function expectConverged(spec: string, tdb: string): Promise<void> {
      await expectSameRows(e2e.src, e2e.db, e2e.tgt, tdb, ['public.t']);
      const plan = await e2e.ws.cli(['plan', '--spec', spec, '--detailed-exitcode'], env());
      expect(plan.stdout, show(plan)).toContain('No changes.');
    }

    async function blockedApply(name: string): Promise<{ spec: string; tdb: string; running: RunningCli; unblock: () => Promise<void>; backendPid: number; id: string }> {
      const tdb = targetName(`pgst_${name}`);
      targets.push(tdb);
      const spec = specFor(tdb, name);
      const blocker = await e2e.src.connect({ database: e2e.db });
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE');
      blocker.on('error', () => undefined); // ended by the fixture's dropDatabase if a check below fails
      const running = e2e.ws.start(['apply', '--spec', spec, '--auto-approve'], env());
      let row: Record<string, unknown> | undefined;
      const started = Date.now();
      while (Date.now() - started < 60_000) {
        const rows = await stateCluster.query('SELECT * FROM pgrepl.state_lock WHERE name = $1', [name], stateDb).catch(() => []);
        row = rows[0];
        if (row !== undefined && row['pid'] === running.child.pid) break;
        expect(running.child.exitCode, running.output()).toBeNull();
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(row?.['pid']).toBe(running.child.pid);
      const blocked = async (): Promise<boolean> => (await e2e.src.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'pgrepl%' AND wait_event_type = 'Lock'", [e2e.db])).length > 0;
      while (!(await blocked())) {
        expect(running.child.exitCode, running.output()).toBeNull();
        await new Promise((r) => setTimeout(r, 50));
      }
      const unblock = async (): Promise<void> => {
        await blocker.query('COMMIT').catch(() => undefined);
        await blocker.end().catch(() => undefined);
      };
      return { spec, tdb, running, unblock, backendPid: Number(row?.['backend_pid']), id: String(row?.['id']) };
    }

    const noSecret = (r: CliResult): void => {
      expect(r.stdout + r.stderr).not.toContain(password());
      expect(r.stdout + r.stderr).not.toContain(encodeURIComponent(password()));
    };

    it('two concurrent applies: one proceeds, one fails naming it, one waits and finds nothing to do; then plan is empty', async () => {
      const { spec, tdb, running: first, unblock } = await blockedApply('cli');
      try {
        const second = await e2e.ws.cli(['apply', '--spec', spec, '--auto-approve', '--lock-timeout', '0'], env());
        expect(second.code, show(second)).toBe(1);
        expect(second.stderr).toContain(`is locked by pgrepl apply (pid ${String(first.child.pid)} on host ${hostname()}, since `);
        expect(second.stderr).toContain('postgres state "cli"');
        noSecret(second);
        const third = e2e.ws.start(['apply', '--spec', spec, '--auto-approve', '--lock-timeout', '60s'], env());
        await waitForOutput(third, /waiting up to 60s/);
        expect(first.child.exitCode).toBeNull();
        await unblock();
        const r1 = await first.done;
        expect(r1.code, show(r1)).toBe(0);
        expect(r1.stdout).toMatch(/Apply complete!/);
        expect(r1.stdout).toMatch(/State: postgres state "cli" in postgres:\/\/tgt_user@.* schema pgrepl \(serial \d+\)/);
        const r3 = await third.done;
        expect(r3.code, show(r3)).toBe(0);
        expect(r3.stdout).toContain('No changes.');
        noSecret(r1);
        noSecret(r3);
        await expectSameRows(e2e.src, e2e.db, e2e.tgt, tdb, ['public.t']);
        const plan = await e2e.ws.cli(['plan', '--spec', spec, '--detailed-exitcode'], env());
        expect(plan.stdout, show(plan)).toContain('No changes.');
        expect(plan.code).toBe(0);
        const rows = await stateCluster.query<{ document: string }>('SELECT document FROM pgrepl.state WHERE name = $1', ['cli'], stateDb);
        expect(rows).toHaveLength(1);
        expect(rows[0]?.document).not.toContain(password());
        expect(await lockRows().then((r) => r.filter((x) => x['name'] === 'cli'))).toEqual([]);
      } finally {
        await unblock();
      }
    }, TIMEOUT_MS);

    it('a SIGKILLed holder: the server frees its advisory lock and the next apply takes over with a notice', async () => {
      const { spec, tdb, running, unblock } = await blockedApply('kill');
      const pid = running.child.pid;
      try {
        running.child.kill('SIGKILL');
        await running.done;
        await unblock();
        const started = Date.now();
        // The server notices the closed connection at once; the lock wait absorbs any delay.
        const r = await e2e.ws.cli(['apply', '--spec', spec, '--auto-approve', '--lock-timeout', '30s'], env());
        expect(Date.now() - started).toBeLessThan(60_000);
        expect(r.code, show(r)).toBe(0);
        expect(r.stderr).toContain(`Notice: took over the lock of pgrepl apply (pid ${String(pid)} on host ${hostname()}`);
        expect(r.stderr).toContain('has ended, so the server released its advisory lock');
        await expectConverged(spec, tdb);
      } finally {
        await unblock();
      }
    }, TIMEOUT_MS);

    it('the lock connection terminated mid-apply: apply stops before its next state write', async () => {
      const { spec, tdb, running, unblock, backendPid } = await blockedApply('term_cli');
      try {
        await stateCluster.query('SELECT pg_terminate_backend($1)', [backendPid]);
        await unblock();
        const r = await running.done;
        expect(r.code, show(r)).toBe(1);
        expect(r.stderr).toMatch(/the state lock on postgres state "term_cli" .* is no longer held \(its connection is gone/);
        expect(r.stderr).toContain('stopping before writing the state');
        noSecret(r);
        const again = await e2e.ws.cli(['apply', '--spec', spec, '--auto-approve'], env());
        expect(again.code, show(again)).toBe(0);
        expect(again.stderr).toContain('Notice: took over the lock');
        await expectConverged(spec, tdb);
      } finally {
        await unblock();
      }
    }, TIMEOUT_MS);

    it('pgrepl force-unlock removes the lock row and ends the holder\'s lock session; the holder stops before its next write', async () => {
      const { spec, running, unblock, id } = await blockedApply('force_cli');
      try {
        const wrong = await e2e.ws.cli(['force-unlock', 'not-the-id', '--spec', spec], env());
        expect(wrong.code, show(wrong)).toBe(1);
        expect(wrong.stderr).toContain(`has id ${id}, not not-the-id: not removed`);
        const r = await e2e.ws.cli(['force-unlock', id, '--spec', spec], env());
        expect(r.code, show(r)).toBe(0);
        expect(r.stdout).toMatch(new RegExp(`Removed the lock on postgres state "force_cli" in .*, held by pgrepl apply \\(pid ${String(running.child.pid)} on host`));
        noSecret(r);
        expect((await lockRows()).filter((x) => x['name'] === 'force_cli')).toEqual([]);
        await unblock();
        const held = await running.done;
        expect(held.code, show(held)).toBe(1);
        expect(held.stderr).toContain('is no longer held');
      } finally {
        await unblock();
      }
    }, TIMEOUT_MS);

    it('plan refuses a pooler-looking state URL', async () => {
      const spec = specFor(targetName('pgst_pool'), 'pool');
      const r = await e2e.ws.cli(['plan', '--spec', spec], { STATE: url().replace(/:(\d+)\//, ':6432/') });
      expect(r.code, show(r)).toBe(1);
      expect(r.stderr).toContain('transaction-mode connection pooler');
      expect(r.stderr).toContain("port 6432 is PgBouncer's default port");
      noSecret(r);
    }, TIMEOUT_MS);
  });
});
