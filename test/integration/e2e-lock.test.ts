// End to end through the built CLI (15 -> 17): the state lock across processes. A live pgrepl process holds the
// lock (test/fixtures/state/lock-holder.mjs over the built src/state/lock.js); `apply` fails at once with exit 1
// naming the holder (command, pid, host) and changes nothing; `apply --lock-timeout 30s` waits, says so, and
// proceeds once the holder releases; the result converges. Then two real `pgrepl apply` processes: the first holds
// the lock while it is blocked on the source (a session holds an ACCESS EXCLUSIVE lock on the table), the second
// fails naming the first's pid, a third with --lock-timeout waits and finds nothing left to do once the first is
// done. (A dead holder's lock taken over: e2e-resume.test.ts.)
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, databaseExists, expectSameRows, show, targetName, useE2eDatabase, waitForOutput, Workspace } from './e2e-helpers.js';

const HOLDER = fileURLToPath(new URL('../fixtures/state/lock-holder.mjs', import.meta.url));

interface Holder {
  readonly child: ChildProcessWithoutNullStreams;
  readonly events: Array<Record<string, unknown>>;
  next(event: string): Promise<Record<string, unknown>>;
}

function startHolder(statePath: string): Holder {
  const child = spawn(process.execPath, [HOLDER, join(dirname(CLI), '..', 'state', 'lock.js'), statePath, '0'], { stdio: ['pipe', 'pipe', 'pipe'] });
  const events: Array<Record<string, unknown>> = [];
  const waiters: Array<() => void> = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    events.push(JSON.parse(line) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  const next = (event: string): Promise<Record<string, unknown>> => new Promise((resolve, reject) => {
    const check = (): void => {
      const found = events.find((e) => e['event'] === event);
      if (found !== undefined) return resolve(found);
      if (child.exitCode !== null) return reject(new Error(`lock holder exited ${child.exitCode} without ${event}: ${JSON.stringify(events)}`));
      waiters.push(check);
    };
    child.on('exit', check);
    check();
  });
  return { child, events, next };
}

describe('the state lock across processes', () => {
  const e2e = useE2eDatabase({
    name: 'e2e_lock',
    sql: `CREATE TABLE public.t (id int PRIMARY KEY, v text); INSERT INTO public.t SELECT g, 'v' || g FROM generate_series(1, 1000) g`,
  });
  let holder: Holder | undefined;

  // Registered after the fixture's, so it runs before the databases are dropped.
  afterAll(() => {
    if (holder !== undefined && holder.child.exitCode === null) holder.child.kill('SIGKILL');
  });

  it('a second apply fails at once naming the live holder, and changes nothing', async () => {
    const { tgt, tdb, ws } = e2e;
    holder = startHolder(ws.statePath);
    const acquired = await holder.next('acquired');
    const r = await ws.apply(['--auto-approve']);
    expect(r.code, show(r)).toBe(1);
    expect(r.stderr).toContain(`is locked by pgrepl apply (pid ${String(acquired['pid'])} on host ${hostname()}`);
    expect(r.stderr).toContain('force-unlock');
    expect(r.stderr).toContain('--lock-timeout');
    expect(await databaseExists(tgt, tdb)).toBe(false);
    expect(existsSync(ws.statePath)).toBe(false);
    expect(existsSync(ws.lockPath())).toBe(true); // still the holder's
  });

  it('apply --lock-timeout 30s waits for the holder, then runs and converges', async () => {
    const { src, tgt, db, tdb, ws } = e2e;
    const h = holder as Holder;
    const running = ws.start(['apply', '--spec', ws.specFile, '--auto-approve', '--lock-timeout', '30s']);
    await waitForOutput(running, /waiting up to 30s/);
    await new Promise((r) => setTimeout(r, 500));
    expect(running.child.exitCode).toBeNull(); // still waiting
    expect(await databaseExists(tgt, tdb)).toBe(false);
    h.child.stdin.write('release\n');
    await h.next('released');
    const r = await running.done;
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout).toMatch(/Apply complete!/);
    expect(existsSync(ws.lockPath())).toBe(false);
    await expectSameRows(src, db, tgt, tdb, ['public.t']);
    await ws.expectNoChanges();
  });

  it('two pgrepl apply processes: the second fails naming the first, a waiting third runs after it', async () => {
    const { src, tgt, db } = e2e;
    const tdb2 = targetName('e2e_lock2');
    const ws2 = new Workspace({ source: src, target: tgt, databases: { [db]: { target_database: tdb2, roles: 'skip' } } });
    const blocker = await src.connect({ database: db });
    try {
      await blocker.query('BEGIN');
      await blocker.query('LOCK TABLE public.t IN ACCESS EXCLUSIVE MODE');
      const first = ws2.start(['apply', '--spec', ws2.specFile, '--auto-approve']);
      const started = Date.now();
      while (!existsSync(ws2.lockPath()) && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 50));
      const lock = JSON.parse(readFileSync(ws2.lockPath(), 'utf8')) as { pid: number };
      expect(lock.pid).toBe(first.child.pid);
      // The first really is stuck behind the table lock (so it cannot finish before the others look).
      const blocked = async (): Promise<boolean> => (await src.query(
        "SELECT 1 FROM pg_stat_activity WHERE datname = $1 AND application_name LIKE 'pgrepl%' AND wait_event_type = 'Lock'", [db])).length > 0;
      while (!(await blocked())) {
        expect(first.child.exitCode, first.output()).toBeNull();
        await new Promise((r) => setTimeout(r, 50));
      }

      const second = await ws2.apply(['--auto-approve']);
      expect(second.code, show(second)).toBe(1);
      expect(second.stderr).toContain(`is locked by pgrepl apply (pid ${String(first.child.pid)} on host ${hostname()}`);
      const third = ws2.start(['apply', '--spec', ws2.specFile, '--auto-approve', '--lock-timeout', '60s']);
      await waitForOutput(third, /waiting up to 60s/);
      expect(first.child.exitCode).toBeNull(); // still blocked on the source

      await blocker.query('COMMIT');
      const r1 = await first.done;
      expect(r1.code, show(r1)).toBe(0);
      expect(r1.stdout).toMatch(/Apply complete!/);
      const r3 = await third.done;
      expect(r3.code, show(r3)).toBe(0);
      expect(r3.stdout).toContain('No changes.');
      await expectSameRows(src, db, tgt, tdb2, ['public.t']);
      await ws2.expectNoChanges();
    } finally {
      await blocker.query('ROLLBACK').catch(() => undefined);
      await blocker.end();
      await tgt.dropDatabase(tdb2);
      ws2.remove();
    }
  });
});
