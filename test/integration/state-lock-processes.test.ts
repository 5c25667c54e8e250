// The state lock across real processes: each holder is a separate node process running pgrepl's lock code
// (src/state transpiled as is into a temp dir, so the test needs no `npm run build` and checks this source).
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireLock, forceUnlock, lockPathFor, readLock, releaseLock } from '../../src/state/lock.js';
import { pidNamespace, processStart } from '../../src/state/process-identity.js';
import { refusal } from '../fixtures/refusal.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOLDER = fileURLToPath(new URL('../fixtures/state/lock-holder.mjs', import.meta.url));
const EVENT_TIMEOUT_MS = 15_000;

interface HolderEvent {
  readonly event: 'waiting' | 'acquired' | 'failed' | 'released';
  readonly id?: string;
  readonly pid?: number;
  readonly holderPid?: number;
  readonly message?: string;
  readonly takenOverFrom?: { readonly pid: number } | null;
}

interface Holder {
  readonly child: ChildProcess;
  readonly pid: number;
  /** The first of these events (a `failed` one rejects unless asked for). */
  next(...kinds: HolderEvent['event'][]): Promise<HolderEvent>;
  send(command: 'release' | 'exit'): void;
  exited(): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let compiledLock: string;
let workDir: string;
let dir: string;
let statePath: string;
const children: ChildProcess[] = [];

/** Transpiles src/state/lock.ts and everything it imports (relative .js specifiers) into `out`. */
function transpileClosure(entry: string, out: string): string {
  const todo = [entry];
  const done = new Set<string>();
  while (todo.length > 0) {
    const file = todo.pop() as string;
    if (done.has(file)) continue;
    done.add(file);
    const source = fs.readFileSync(file, 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: false },
      fileName: file,
    });
    const target = path.join(out, path.relative(ROOT, file)).replace(/\.ts$/, '.js');
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, outputText);
    for (const m of source.matchAll(/from '(\.{1,2}\/[^']+)\.js'/g)) todo.push(path.resolve(path.dirname(file), `${m[1] ?? ''}.ts`));
  }
  fs.writeFileSync(path.join(out, 'package.json'), '{ "type": "module" }\n');
  return path.join(out, path.relative(ROOT, entry)).replace(/\.ts$/, '.js');
}

function startHolder(timeoutMs = 0): Holder {
  const child = spawn(process.execPath, [HOLDER, compiledLock, statePath, String(timeoutMs)], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  const events: HolderEvent[] = [];
  const waiters: (() => void)[] = [];
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
    events.push(JSON.parse(line) as HolderEvent);
    for (const w of waiters.splice(0)) w();
  });
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return {
    child,
    pid: child.pid as number,
    next: (...kinds) =>
      new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`holder ${child.pid}: no '${kinds.join("' or '")}' event in time; got ${JSON.stringify(events)}`)), EVENT_TIMEOUT_MS);
        const look = (): void => {
          const found = events.find((e) => kinds.includes(e.event) || e.event === 'failed');
          if (found) {
            clearTimeout(timer);
            if (!kinds.includes(found.event)) reject(new Error(`holder ${child.pid}: expected '${kinds.join("' or '")}', got ${JSON.stringify(found)}`));
            else resolve(found);
          } else waiters.push(look);
        };
        look();
      }),
    send: (command) => child.stdin?.write(`${command}\n`),
    exited: () => exit,
  };
}


/** A pid that just ended (its process was reaped), for locks of dead holders. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('exit', resolve));
  return child.pid as number;
}

beforeAll(() => {
  workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgrepl-lock-proc-'));
  compiledLock = transpileClosure(path.join(ROOT, 'src/state/lock.ts'), path.join(workDir, 'compiled'));
});
afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(workDir, 'state-'));
  statePath = path.join(dir, 'state.json');
});
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

describe('state lock across processes', () => {
  it('a live holder blocks another process, which fails naming it; force-unlock with a wrong id refuses', async () => {
    const a = startHolder();
    const acquired = await a.next('acquired');
    const e = await refusal(acquireLock(statePath, { command: 'plan' }));
    expect(e.message).toMatch(new RegExp(`^state .* is locked by pgrepl apply \\(pid ${a.pid} on host ${os.hostname()}, since \\d\\d:\\d\\d:\\d\\d UTC\\); wait for it, or run \`pgrepl force-unlock ${acquired.id}\` if you are sure it is gone$`));
    const b = startHolder();
    expect((await b.next('failed')).message).toBe(e.message);
    expect(() => forceUnlock(statePath, randomUUID())).toThrow(/: not removed$/);
    expect(readLock(statePath)?.pid).toBe(a.pid);
    a.send('release');
    expect((await a.exited()).code).toBe(0);
    expect(readLock(statePath)).toBeNull();
  });

  it('with a timeout, a second process waits and gets the lock once the holder exits', async () => {
    const a = startHolder();
    await a.next('acquired');
    const b = startHolder(EVENT_TIMEOUT_MS);
    expect((await b.next('waiting')).holderPid).toBe(a.pid);
    a.send('exit'); // exits without releasing: the exit hook must remove the lock
    expect((await a.exited()).code).toBe(0);
    const got = await b.next('acquired');
    expect(got.takenOverFrom).toBeNull();
    expect(readLock(statePath)?.pid).toBe(b.pid);
  });

  it('SIGTERM releases the lock and still ends the holder by the signal', async () => {
    const a = startHolder();
    await a.next('acquired');
    a.child.kill('SIGTERM');
    expect(await a.exited()).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readLock(statePath)).toBeNull();
  });

  it('the lock of a kill -9ed holder is taken over with a notice', async () => {
    const a = startHolder();
    const held = await a.next('acquired');
    a.child.kill('SIGKILL');
    await a.exited();
    expect(readLock(statePath)?.id).toBe(held.id);
    const notices: string[] = [];
    const lock = await acquireLock(statePath, { command: 'apply', onTakeover: (_h, m) => notices.push(m) });
    try {
      expect(lock.takenOverFrom?.pid).toBe(a.pid);
      expect(notices).toEqual([`took over the lock of pgrepl apply (pid ${a.pid} on host ${os.hostname()}, since ${lock.takenOverFrom?.created_at.slice(11, 19) ?? ''} UTC): process ${a.pid} is gone`]);
    } finally {
      releaseLock(lock);
    }
  });

  it('a holder killed but not yet reaped by its parent (a zombie) counts as gone', async () => {
    // The shell becomes `sleep 600`, which never calls wait(), so its inherited child stays a zombie once killed.
    // (An exec'd node parent reaped it on the CI machine.)
    const parent = spawn('sh', ['-c', 'sleep 300 & echo $!; exec sleep 600']);
    children.push(parent);
    const line = await new Promise<string>((resolve) => createInterface({ input: parent.stdout }).once('line', resolve));
    const pid = Number(line);
    const start = processStart(pid);
    expect(start).not.toBeNull();
    process.kill(pid, 'SIGKILL');
    // /proc/<pid>/stat field 3 (after the parenthesised name) is the state; Z = zombie. On the CI machine something
    // reaped the killed child at once twice (ENOENT here), with an exec'd node and with an exec'd sleep as its parent:
    // then the holder is simply gone, and the takeover below must happen all the same.
    const procState = (): string => {
      if (!fs.existsSync(`/proc/${pid}/stat`)) return 'gone';
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      return stat.charAt(stat.lastIndexOf(')') + 2);
    };
    await expect.poll(procState).toMatch(/^(Z|gone)$/);
    fs.writeFileSync(lockPathFor(statePath), JSON.stringify({
      version: 1, id: randomUUID(), host: os.hostname(), pid, pid_namespace: pidNamespace(), process_start: start, process_started_at: null, command: 'apply', user: 'u', created_at: new Date().toISOString(),
    }));
    const lock = await acquireLock(statePath, { command: 'apply' });
    expect(lock.takenOverFrom?.pid).toBe(pid);
    releaseLock(lock);
  });

  it('a dead holder\'s lock goes to exactly one of several processes taking it over at once', async () => {
    const pid = await deadPid();
    fs.writeFileSync(lockPathFor(statePath), JSON.stringify({
      version: 1, id: randomUUID(), host: os.hostname(), pid, pid_namespace: pidNamespace(), process_start: null, process_started_at: null, command: 'apply', user: 'u', created_at: new Date().toISOString(),
    }));
    const racers = [startHolder(), startHolder(), startHolder(), startHolder()];
    const outcomes = await Promise.all(racers.map((r) => r.next('acquired', 'failed')));
    const winners = outcomes.filter((o) => o.event === 'acquired');
    expect(winners).toHaveLength(1);
    // The winner is the run that removed the dead lock, or one that found no lock right after that removal.
    expect([pid, undefined]).toContain(winners[0]?.takenOverFrom?.pid);
    for (const o of outcomes) if (o.event === 'failed') expect(o.message).toMatch(new RegExp(`locked by pgrepl apply \\(pid ${winners[0]?.pid ?? 0} `));
    expect(readLock(statePath)?.pid).toBe(winners[0]?.pid);
  });

  it('a lock naming a live pid with another start time (pid reused) is taken over; with its own start time it blocks', async () => {
    // A live process that is not a lock holder, as the pid's new owner would be.
    const other = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)']);
    children.push(other);
    const otherPid = other.pid as number;
    await new Promise((resolve) => other.on('spawn', resolve));
    const start = processStart(otherPid);
    expect(start).not.toBeNull();
    const lockFor = (startTicks: number): void =>
      fs.writeFileSync(lockPathFor(statePath), JSON.stringify({
        version: 1, id: randomUUID(), host: os.hostname(), pid: otherPid, pid_namespace: pidNamespace(),
        process_start: { boot_id: start?.boot_id ?? '', start_ticks: startTicks }, process_started_at: null, command: 'apply', user: 'u', created_at: new Date().toISOString(),
      }));
    lockFor((start?.start_ticks ?? 0) - 1);
    const notices: string[] = [];
    const lock = await acquireLock(statePath, { command: 'apply', onTakeover: (_h, m) => notices.push(m) });
    expect(notices[0]).toMatch(new RegExp(`: process ${otherPid} is gone \\(the pid now belongs to another process\\)$`));
    releaseLock(lock);
    lockFor(start?.start_ticks ?? 0);
    expect((await refusal(acquireLock(statePath, { command: 'apply' }))).message).toMatch(new RegExp(`pid ${otherPid} on host`));
  });

  it('a lock from another host is never taken over, even when its pid is not running here', async () => {
    const pid = await deadPid();
    const id = randomUUID();
    fs.writeFileSync(lockPathFor(statePath), JSON.stringify({
      version: 1, id, host: `not-${os.hostname()}`, pid, pid_namespace: null, process_start: null, process_started_at: null, command: 'sync', user: 'u', created_at: new Date().toISOString(),
    }));
    const a = startHolder(300);
    const failed = await a.next('failed');
    expect(failed.message).toMatch(new RegExp(`locked by pgrepl sync \\(pid ${pid} on host not-${os.hostname()}, since`));
    expect(readLock(statePath)?.id).toBe(id);
  });
});
