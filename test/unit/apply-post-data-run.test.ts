// runPostDataStage with sessions that only record what they are given: small tables' leading builds go in chunks over
// the sessions (each table whole in one chunk, in order), everything else after them on the main session, in order;
// one worker keeps the old serial order. Large tables' builds run without parallel workers while another large table
// is built or waits, and with the server's own setting when built alone.
import { describe, expect, it } from 'vitest';
import { largeTableAlone, runPostDataStage } from '../../src/apply/post-data-stage.js';
import type { Schedule, SqlItem } from '../../src/apply/schedule.js';
import type { StateWriter } from '../../src/apply/state-writer.js';
import { StepBook } from '../../src/apply/step-book.js';
import type { ApplyEvent } from '../../src/apply/types.js';
import type { ApplySession } from '../../src/pg/apply/apply-session.js';
import type { Plan } from '../../src/plan/types.js';
import { item, step } from './plan-step-fixtures.js';

const TABLES = 30;
const tableSteps = Array.from({ length: TABLES }, (_, i) => step(i, `target.table.db.public.t${i}`));
const items: SqlItem[] = tableSteps.map((s, i) => item(s, [
  [`table:public.t${i}`, `ALTER TABLE ONLY public.t${i} ADD CONSTRAINT t${i}_pkey PRIMARY KEY (id)`],
  [`table:public.t${i}`, `CREATE INDEX t${i}_name ON public.t${i} USING btree (name)`],
  [`table:public.t${i}`, `ALTER TABLE public.t${i} OWNER TO app`],
]));
const fkStep = step(TABLES, 'target.table.db.public.fk');
items.push(item(fkStep, [['table:public.fk', 'ALTER TABLE ONLY public.fk ADD CONSTRAINT fk_t0 FOREIGN KEY (t0) REFERENCES public.t0(id)']]));
const steps = [...tableSteps, fkStep];
const plan = { steps } as unknown as Plan;
const schedule = { cluster: [], databases: [], finishAt: new Map(steps.map((s) => [s.index, { at: 'end' } as const])) } as Schedule;

interface Call { readonly session: number; readonly sqls: readonly string[]; readonly started: number; ended: number; readonly alone: boolean }

function fakeSession(id: number, calls: Call[], clock: { t: number }, switches: boolean[]): ApplySession {
  let alone = true;
  return {
    async runDdl(statements, opts) {
      const call: Call = { session: id, sqls: statements.map((s) => s.sql), started: clock.t++, ended: -1, alone };
      calls.push(call);
      statements.forEach((s, i) => opts?.onStatement?.(s, i, statements.length));
      await new Promise((resolve) => setTimeout(resolve, 5));
      call.ended = clock.t++;
      return { executed: statements.length };
    },
    setSequences: () => Promise.resolve(),
    tableOids: () => Promise.resolve([]),
    analyze: () => Promise.resolve(),
    buildsAlone(next) {
      if (next !== alone) switches.push(next);
      alone = next;
      return Promise.resolve();
    },
    kill: () => undefined,
    close: () => Promise.resolve(),
  };
}

async function run(workers: number, opts: { items?: SqlItem[]; parallelMinBytes?: number } = {}): Promise<{ calls: Call[]; done: number[]; switches: boolean[] }> {
  const calls: Call[] = [];
  const switches: boolean[] = [];
  const clock = { t: 0 };
  const done: number[] = [];
  const emit = (e: ApplyEvent): void => {
    if (e.type === 'step-done') done.push(e.step.index);
  };
  const book = new StepBook({ writer: { update: () => Promise.resolve(true) } as unknown as StateWriter, now: () => new Date(0), emit });
  let opened = 0;
  await runPostDataStage({
    plan, schedule, book, session: fakeSession(0, calls, clock, switches), items: opts.items ?? items, checkpoint: { at: 'end' }, label: 'post-data of db',
    copies: [], workers, open: () => Promise.resolve(fakeSession(++opened, calls, clock, switches)), signal: undefined,
    ...(opts.parallelMinBytes === undefined ? {} : { parallelMinBytes: opts.parallelMinBytes }),
  });
  return { calls, done, switches };
}

describe('runPostDataStage with small tables', () => {
  it('builds their keys and indexes in chunks on the sessions, then runs the rest on the main session in order', async () => {
    const { calls, done } = await run(2);
    const chunkCalls = calls.filter((c) => c.sqls.every((s) => !/OWNER TO|FOREIGN KEY/.test(s)));
    const serialCalls = calls.filter((c) => !chunkCalls.includes(c));
    // 91 statements: chunks of 50 (chunkStatementsFor), so two chunks, one a session.
    expect(chunkCalls.map((c) => c.sqls.length)).toEqual([50, 10]);
    expect(new Set(chunkCalls.map((c) => c.session))).toEqual(new Set([0, 1]));
    // Each table whole in one chunk, its key before its index, tables in schedule order.
    expect(chunkCalls.flatMap((c) => c.sqls)).toEqual(items.slice(0, TABLES).flatMap((i) => i.op.statements.slice(0, 2).map((s) => s.sql)));
    // The serial tail on the main session, after every chunk, in schedule order.
    expect(serialCalls.every((c) => c.session === 0)).toBe(true);
    const lastChunkEnd = Math.max(...chunkCalls.map((c) => c.ended));
    expect(serialCalls.every((c) => c.started > lastChunkEnd)).toBe(true);
    expect(serialCalls.flatMap((c) => c.sqls)).toEqual([...tableSteps.map((_, i) => `ALTER TABLE public.t${i} OWNER TO app`), items[TABLES]?.op.statements[0]?.sql]);
    expect([...done].sort((a, b) => a - b)).toEqual(steps.map((s) => s.index));
  });

  it('with one worker runs everything on the main session in schedule order, as before', async () => {
    const { calls, done } = await run(1);
    expect(new Set(calls.map((c) => c.session))).toEqual(new Set([0]));
    expect(calls.flatMap((c) => c.sqls)).toEqual(items.flatMap((i) => i.op.statements.map((s) => s.sql)));
    expect([...done].sort((a, b) => a - b)).toEqual(steps.map((s) => s.index));
  });

  it('with one worker never changes the parallel workers of index builds', async () => {
    expect((await run(1, { parallelMinBytes: 0 })).switches).toEqual([]);
  });
});

describe('runPostDataStage with large tables', () => {
  it('builds them without parallel workers while another is built or waits, and the rest as the server allows', async () => {
    const { calls, done } = await run(2, { parallelMinBytes: 0 });
    const builds = calls.filter((c) => c.sqls.every((s) => !/OWNER TO|FOREIGN KEY/.test(s)));
    // One table a call, on both sessions; every table but the last has another waiting or running beside it.
    expect(builds).toHaveLength(TABLES);
    expect(new Set(builds.map((c) => c.session))).toEqual(new Set([0, 1]));
    expect(builds.slice(0, -1).every((c) => !c.alone)).toBe(true);
    // The serial tail on the main session, alone again.
    const tail = calls.filter((c) => !builds.includes(c));
    expect(tail.length).toBeGreaterThan(0);
    expect(tail.every((c) => c.session === 0 && c.alone)).toBe(true);
    expect([...done].sort((a, b) => a - b)).toEqual(steps.map((s) => s.index));
  });

  it('builds a single large table with the server\'s parallel workers', async () => {
    const { calls, switches } = await run(2, { items: items.slice(0, 1), parallelMinBytes: 0 });
    expect(calls.map((c) => c.alone)).toEqual(calls.map(() => true));
    expect(switches).toEqual([]);
  });

  it('decides from what runs and what waits', () => {
    expect(largeTableAlone(0, 1, 0)).toBe(true);
    expect(largeTableAlone(2, 3, 0)).toBe(true);
    expect(largeTableAlone(2, 3, 1)).toBe(false);
    expect(largeTableAlone(0, 3, 0)).toBe(false);
  });
});
