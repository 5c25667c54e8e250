// `pgrepl cutover`: hands the writers over from the source to the target, one step at a time, each reported as it
// happens and recorded in the state so a rerun continues where this one stopped (and a finished cutover is a
// no-op):
//   1. wait until every table of each subscription is `r` (pg_subscription_rel) and the lag is under --max-lag;
//   2. fence the writer roles on the source when asked (ALTER ROLE, then end their sessions and check none remain);
//   3. read L = pg_current_wal_insert_lsn() on the source and wait until each slot's confirmed_flush_lsn >= L (byte lag
//      never reaches zero on a busy cluster, so that is not what "caught up" means);
//   4. set the target's sequences from the source's last_value / is_called (+ margin);
//   5. keep, disable or drop the subscription (and then the slot).
// The caller holds the state lock. Servers are reached only through CutoverServers (src/pg/cutover).
import type { CutoverServers, RoleSession } from '../pg/cutover/cutover-servers.js';
import type { Spec } from '../spec/model.js';
import type { StateStore } from '../apply/types.js';
import { PgreplError, asError } from '../util/errors.js';
import { fenceProblems } from './fence-check.js';
import { formatMs, readinessVerdict } from './lag.js';
import type { CutoverOptions } from './options.js';
import type { CutoverRecord, FenceRecord } from './record.js';
import { setvalArgs } from './sequence-value.js';
import { stateBook, type StateBook } from './state-book.js';
import { decideSteps, sequenceRaceWarning, type StepDecision } from './steps.js';
import { cutoverTargets, droppedSummary, fenceUndoneSummary, type CutoverTarget, type DroppedTarget } from './targets.js';

export interface CutoverIo {
  /** One line of progress (stdout). */
  readonly report: (line: string) => void;
  /** One warning line (stderr). */
  readonly warn: (line: string) => void;
  /** Shows what will happen and asks; false = do nothing. The CLI answers from --auto-approve or the terminal. */
  readonly confirm: (lines: readonly string[]) => Promise<boolean>;
  readonly now: () => Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** How often the waits look again. */
  readonly pollIntervalMs: number;
}

export interface CutoverInput {
  readonly spec: Spec;
  /** The locked state's store (the caller holds the lock); it refuses a write that would hold a resolved password. */
  readonly store: StateStore;
  readonly servers: CutoverServers;
  readonly options: CutoverOptions;
  readonly undoFence: boolean;
  readonly io: CutoverIo;
}

/** How often a wait repeats an unchanged "waiting for" line. */
const REPEAT_WAIT_REPORT_MS = 10_000;
/** Terminate-and-check rounds before the fence gives up naming the sessions that stay. */
const TERMINATE_ATTEMPTS = 5;
/** How long a dropped subscription's walsender may take to let go of the slot. */
const SLOT_RELEASE_TIMEOUT_MS = 30_000;

const DONE_TEXT = { keep: 'kept', disable: 'disabled', drop: 'dropped' } as const;

export class CutoverCancelled extends PgreplError {
  constructor() {
    super('cutover cancelled: nothing was changed');
    this.name = 'CutoverCancelled';
  }
}

export async function runCutover(input: CutoverInput): Promise<number> {
  const state = await input.store.read();
  const { targets, dropped } = cutoverTargets(input.spec, state);
  if (state === null) throw new PgreplError('no state file: run pgrepl apply first'); // cutoverTargets already refused
  const book = stateBook(input.store, state, input.io.now);
  if (input.undoFence) return undoFence(input, book, targets, dropped);
  return cutOver(input, book, targets, dropped);
}

function label(t: { readonly key: string }): string {
  return JSON.stringify(t.key);
}

function describePlan(options: CutoverOptions, work: readonly { readonly t: CutoverTarget; readonly d: StepDecision }[], fence: { mode: string; roles: readonly string[] } | null): string[] {
  const lines = [`pgrepl will cut over ${work.length} database${work.length === 1 ? '' : 's'} from the source to the target:`];
  for (const { t, d } of work) {
    const steps: string[] = [];
    if (d.catchUp) steps.push(`wait until every table of subscription ${t.subscription.name} is ready${options.maxLag === null ? '' : ` and the lag is under ${options.maxLag.text}`}`);
    if (d.fence && fence !== null) steps.push(`fence ${fence.mode}: ${fence.roles.join(', ')} (and end their sessions)`);
    if (d.catchUp) steps.push(`wait until slot ${t.slot.name} passes the source's WAL position`);
    if (d.sequences) steps.push(`set the target's sequences from the source${options.sequenceMargin > 0 ? ` + ${options.sequenceMargin}` : ''}`);
    if (d.after === 'disable') steps.push(`disable subscription ${t.subscription.name}`);
    if (d.after === 'drop') steps.push(`drop subscription ${t.subscription.name} and slot ${t.slot.name}`);
    if (d.after === 'keep') steps.push(`keep subscription ${t.subscription.name}`);
    lines.push(`  ${label(t)}: ${steps.join('; then ')}`);
  }
  return lines;
}

async function cutOver(input: CutoverInput, book: StateBook, targets: readonly CutoverTarget[], dropped: readonly DroppedTarget[]): Promise<number> {
  const { io, options, servers } = input;
  const started = io.now().getTime();
  for (const d of dropped) io.report(`${label(d)}: already cut over (subscription and slot dropped at ${d.at}); nothing to do`);
  const work = targets.map((t) => ({ t, d: decideSteps(book.record(t), options) }));
  for (const { t, d } of work) {
    if (d.finished) io.report(`${label(t)}: already cut over (subscription ${DONE_TEXT[book.record(t).after_done ?? 'keep']}); nothing to do`);
  }
  const todo = work.filter((w) => !w.d.finished);
  if (todo.length === 0) {
    io.report('Nothing to do: the cutover is complete.');
    return 0;
  }

  const catchUp = todo.filter((w) => w.d.catchUp).map((w) => w.t);
  const recordedFence = catchUp.map((t) => book.record(t).fence).find((f) => f !== null) ?? null;
  const fenceWanted = catchUp.length > 0 && (recordedFence !== null || options.fence !== 'none');
  const fenceShown = !fenceWanted ? null : recordedFence !== null ? { mode: recordedFence.mode, roles: recordedFence.roles.map((r) => r.name) } : { mode: options.fence, roles: options.fenceRoles };
  if (!(await io.confirm(describePlan(options, todo, fenceShown)))) throw new CutoverCancelled();

  // Step 1.
  if (catchUp.length > 0) {
    io.report(`[1/5] waiting until the subscriptions are ready${options.maxLag === null ? '' : ` and lag is under ${options.maxLag.text}`} (up to ${formatMs(options.timeoutMs)})`);
    await waitReady(input, catchUp);
    io.report(`      ready after ${formatMs(io.now().getTime() - started)}`);
  }

  // Step 2.
  let fence: FenceRecord | null = null;
  if (fenceWanted) {
    io.report(`[2/5] fencing writers on the source`);
    fence = await fenceWriters(input, book, catchUp, recordedFence);
  } else if (catchUp.length > 0) {
    io.report('[2/5] no fence (writers may keep writing on the source)');
  }
  const fenced = fence !== null || targets.some((t) => book.record(t).fence !== null);

  // Step 3.
  let lsn: string | null = null;
  if (catchUp.length > 0) {
    const db = catchUp[0]?.slot.database ?? '';
    lsn = await servers.currentWalLsn(db);
    io.report(`[3/5] source WAL position L = ${lsn}; waiting until ${catchUp.length === 1 ? 'the slot passes' : 'every slot passes'} it`);
    await waitPassed(input, catchUp, lsn);
    for (const t of catchUp) {
      await book.save(t, { ...book.record(t), lsn, caught_up_at: io.now().toISOString() }, `cutover ${label(t)}: slot ${t.slot.name} passed ${lsn}`);
    }
    io.report(`      every slot passed ${lsn}`);
  }

  // Step 4.
  const warning = sequenceRaceWarning(fenced, options.sequenceMargin);
  let sequencesSet = 0;
  for (const { t, d } of todo) {
    if (!d.sequences) continue;
    if (warning !== null && sequencesSet === 0) io.warn(`Warning: ${warning}`);
    const n = await setSequences(input, t);
    sequencesSet += n;
    await book.save(t, { ...book.record(t), sequences_set_at: io.now().toISOString() }, `cutover ${label(t)}: ${n} sequences set`);
    io.report(`[4/5] ${label(t)}: set ${n} sequence${n === 1 ? '' : 's'} on the target from the source${options.sequenceMargin > 0 ? ` (+ ${options.sequenceMargin})` : ''}`);
  }

  // Step 5.
  const outcomes: string[] = [];
  for (const { t, d } of todo) {
    if (d.after === null) continue;
    outcomes.push(await afterStep(input, book, t, d.after));
  }

  const seconds = Math.round((io.now().getTime() - started) / 1000);
  const fenceText = fence !== null ? `${fence.mode} on ${fence.roles.map((r) => r.name).join(', ')}` : fenced ? 'recorded earlier, still in place' : 'none';
  io.report('');
  io.report(`Cutover complete: waited ${seconds} s; fence: ${fenceText}; L = ${lsn ?? 'passed earlier'}; sequences set: ${sequencesSet}; ${outcomes.join('; ')}.`);
  if (fenced) io.report('The fence stays in place: `pgrepl cutover --undo-fence` lifts it.');
  return 0;
}

/**
 * Polls `check` (what is still awaited, one line per target; empty = done) until it is empty or the timeout passes,
 * reporting what it waits for when that changes or every REPEAT_WAIT_REPORT_MS; `timedOut` makes the error.
 */
async function waitUntil(input: CutoverInput, check: () => Promise<string[]>, timedOut: (waiting: readonly string[]) => PgreplError): Promise<void> {
  const { io, options } = input;
  const deadline = io.now().getTime() + options.timeoutMs;
  let lastText = '';
  let lastAt = 0;
  for (;;) {
    const waiting = await check();
    if (waiting.length === 0) return;
    const now = io.now().getTime();
    if (now >= deadline) throw timedOut(waiting);
    const text = waiting.join(' | ');
    if (text !== lastText || now - lastAt >= REPEAT_WAIT_REPORT_MS) {
      for (const w of waiting) io.report(`      waiting for ${w}`);
      lastText = text;
      lastAt = now;
    }
    await io.sleep(Math.min(io.pollIntervalMs, Math.max(0, deadline - now)));
  }
}

async function waitReady(input: CutoverInput, targets: readonly CutoverTarget[]): Promise<void> {
  const { options, servers } = input;
  await waitUntil(input, async () => {
    const waiting: string[] = [];
    for (const t of targets) {
      const sub = await servers.readSubscription(t.subscription.database, t.subscription.name);
      if (!sub.exists) {
        throw new PgreplError(`subscription ${t.subscription.name} (${t.subscriptionAddress}) does not exist in target database ${t.subscription.database}`, {
          hints: ['the state records it, so something dropped it: `pgrepl plan` shows the repair', 'nothing was changed'],
        });
      }
      if (!sub.enabled) {
        throw new PgreplError(`subscription ${t.subscription.name} is disabled: the stream does not flow, so the target cannot catch up`, {
          hints: ['enable it (subscription.enabled: true in the spec, then pgrepl apply), or fix what disabled it (`pgrepl status` shows why)', 'nothing was changed'],
        });
      }
      const slot = await servers.readSlot(t.slot.database, t.slot.name);
      if (!slot.exists) {
        throw new PgreplError(`slot ${t.slot.name} (${t.slotAddress}) does not exist on the source`, { hints: ['the stream is lost: `pgrepl plan` shows the re-sync', 'nothing was changed'] });
      }
      const verdict = readinessVerdict(options.maxLag, {
        notReady: sub.tables.filter((r) => r.state !== 'r'),
        tableCount: sub.tables.length,
        byteLag: slot.byteLag,
        replayLagMs: slot.replayLagMs,
        streaming: slot.streaming,
      });
      if (!verdict.ready) waiting.push(`${label(t)}: ${verdict.waitingFor.join('; ')}`);
    }
    return waiting;
  }, (waiting) => new PgreplError(`timed out after ${formatMs(options.timeoutMs)} waiting for the subscriptions to be ready`, {
    hints: [...waiting.map((w) => `not ready: ${w}`), 'nothing was changed; run cutover again later, or raise --timeout / --max-lag'],
  }));
}

async function waitPassed(input: CutoverInput, targets: readonly CutoverTarget[], lsn: string): Promise<void> {
  const { options, servers } = input;
  await waitUntil(input, async () => {
    const waiting: string[] = [];
    for (const t of targets) {
      const passed = await servers.slotPassed(t.slot.database, t.slot.name, lsn);
      if (passed === null) throw new PgreplError(`slot ${t.slot.name} (${t.slotAddress}) disappeared from the source while cutover waited for it`);
      if (!passed.passed) waiting.push(`${label(t)}: slot ${t.slot.name} at ${passed.confirmedFlushLsn ?? 'no confirmed position'}, L = ${lsn}`);
    }
    return waiting;
  }, (waiting) => new PgreplError(`timed out after ${formatMs(options.timeoutMs)} waiting for the slots to pass L = ${lsn}`, {
    hints: [...waiting.map((w) => `behind: ${w}`), 'a fence made in this run stays in place and recorded: rerun cutover to continue, or `pgrepl cutover --undo-fence` to lift it'],
  }));
}

function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

async function fenceWriters(input: CutoverInput, book: StateBook, targets: readonly CutoverTarget[], recorded: FenceRecord | null): Promise<FenceRecord> {
  const { io, options, servers } = input;
  const db = targets[0]?.slot.database ?? '';
  const mode = recorded?.mode ?? (options.fence === 'none' ? 'read-only' : options.fence);
  const names = recorded !== null ? recorded.roles.map((r) => r.name) : [...options.fenceRoles];
  if (recorded !== null && options.fence !== 'none' && options.fence !== recorded.mode) {
    io.warn(`Warning: a ${recorded.mode} fence is already recorded; keeping it (run \`pgrepl cutover --undo-fence\` first to fence another way)`);
  }
  const actor = await servers.readFenceActor(db);
  const roles = await servers.readFenceRoles(db, names);
  const problems = fenceProblems(actor, roles);
  for (const t of targets) {
    const slot = await servers.readSlot(t.slot.database, t.slot.name);
    if (slot.walsenderRole !== null && names.includes(slot.walsenderRole)) {
      problems.push(`fence role ${slot.walsenderRole} runs the stream of slot ${t.slot.name}: fencing it would stop the replication this cutover waits for (the subscription should connect as another role)`);
    }
  }
  if (problems.length > 0) throw new PgreplError('cannot fence the writers on the source', { hints: [...problems, 'nothing was changed'] });

  const record: FenceRecord = recorded ?? {
    mode,
    roles: roles.map((r) => ({ name: r.name, previous: { login: r.canLogin, read_only: r.readOnly } })),
    at: io.now().toISOString(),
  };
  // Recorded before the ALTER: a crash right after it still leaves what to undo.
  for (const t of targets) {
    if (book.record(t).fence === null) await book.save(t, { ...book.record(t), fence: record }, `cutover ${label(t)}: fence ${mode} on ${names.join(', ')}`);
  }
  let at: string;
  try {
    at = await servers.fenceRoles(db, mode, names);
  } catch (e) {
    if (sqlState(e) === '42501') {
      throw new PgreplError(`the source refused to fence ${names.join(', ')}: ${asError(e).message}`, {
        hints: ['the role pgrepl connects as needs CREATEROLE (on 16+ also ADMIN OPTION on each fence role), or superuser', 'the fence is recorded but not in place; `pgrepl cutover --undo-fence` clears the record'],
        cause: e,
      });
    }
    throw e;
  }
  const ended: RoleSession[] = [];
  let remaining: RoleSession[] = [];
  for (let attempt = 1; attempt <= TERMINATE_ATTEMPTS; attempt++) {
    try {
      ended.push(...(await servers.terminateSessions(db, names, at)));
    } catch (e) {
      if (sqlState(e) === '42501') {
        throw new PgreplError(`the source refused to end the sessions of ${names.join(', ')}: ${asError(e).message}`, {
          hints: [`run as a superuser: GRANT pg_signal_backend TO ${actor.name}`, 'the fence is in place and recorded: rerun cutover once granted, or `pgrepl cutover --undo-fence`'],
          cause: e,
        });
      }
      throw e;
    }
    remaining = await servers.sessionsStartedBefore(db, names, at);
    if (remaining.length === 0) break;
    await io.sleep(200 * attempt);
  }
  if (remaining.length > 0) {
    throw new PgreplError(`sessions of the fenced roles remain after ${TERMINATE_ATTEMPTS} attempts to end them: ${remaining.map((s) => `pid ${s.pid} (${s.role})`).join(', ')}`, {
      hints: ['the fence is in place and recorded: end those sessions (pg_terminate_backend) and rerun cutover, or `pgrepl cutover --undo-fence`'],
    });
  }
  const pids = [...new Set(ended.map((s) => s.pid))];
  io.report(`      ${mode} fence on ${names.join(', ')}; ended ${pids.length} session${pids.length === 1 ? '' : 's'}${pids.length > 0 ? ` (pids ${pids.join(', ')})` : ''}; none of their earlier sessions remain`);
  return record;
}

async function setSequences(input: CutoverInput, t: CutoverTarget): Promise<number> {
  const { io, options, servers } = input;
  const [onSource, onTarget] = await Promise.all([servers.listSequences('source', t.slot.database), servers.listSequences('target', t.subscription.database)]);
  const sourceNames = new Set(onSource.map((s) => `${s.schema}\0${s.name}`));
  const common = onTarget.filter((s) => sourceNames.has(`${s.schema}\0${s.name}`));
  let values;
  try {
    values = await servers.readSequenceValues(t.slot.database, common);
  } catch (e) {
    if (sqlState(e) === '42501') {
      throw new PgreplError(`cannot read the source's sequences in ${t.slot.database}: ${asError(e).message}`, {
        hints: ['grant the source role SELECT on the sequences, e.g. GRANT SELECT ON ALL SEQUENCES IN SCHEMA <schema> TO <role>', 'rerun cutover: it continues with the sequences'],
        cause: e,
      });
    }
    throw e;
  }
  const shape = new Map(common.map((s) => [`${s.schema}\0${s.name}`, s]));
  const rows = values.flatMap((v) => {
    const target = shape.get(`${v.schema}\0${v.name}`);
    if (target === undefined) return [];
    const args = setvalArgs(v, target, options.sequenceMargin);
    if (args.clamped) io.warn(`Warning: ${label(t)}: sequence ${v.schema}.${v.name} set to its bound ${args.value} on the target (source value ${v.lastValue} + margin lies outside it)`);
    return [{ schema: v.schema, name: v.name, value: args.value, isCalled: args.isCalled }];
  });
  return servers.setSequences(t.subscription.database, rows);
}

async function afterStep(input: CutoverInput, book: StateBook, t: CutoverTarget, after: 'keep' | 'disable' | 'drop'): Promise<string> {
  const { io, servers } = input;
  const record: CutoverRecord = book.record(t);
  if (after === 'keep') {
    await book.save(t, { ...record, after_done: 'keep' }, `cutover ${label(t)}: subscription kept`);
    io.report(`[5/5] ${label(t)}: subscription ${t.subscription.name} kept (still streaming)`);
    return `${label(t)}: subscription kept`;
  }
  if (after === 'disable') {
    await servers.disableSubscription(t.subscription.database, t.subscription.name);
    await book.save(t, { ...record, after_done: 'disable' }, `cutover ${label(t)}: subscription disabled`);
    io.report(`[5/5] ${label(t)}: subscription ${t.subscription.name} disabled (slot ${t.slot.name} kept: it retains WAL on the source until dropped)`);
    return `${label(t)}: subscription disabled`;
  }
  await servers.dropSubscription(t.subscription.database, t.subscription.name);
  // DISABLE stops the apply worker; its walsender on the source lets go of the slot a moment later.
  const deadline = io.now().getTime() + SLOT_RELEASE_TIMEOUT_MS;
  for (;;) {
    const slot = await servers.slotState(t.slot.database, t.slot.name);
    if (!slot.exists) break;
    if (!slot.active) {
      await servers.dropSlot(t.slot.database, t.slot.name);
      break;
    }
    if (io.now().getTime() >= deadline) {
      throw new PgreplError(`slot ${t.slot.name} is still in use on the source ${SLOT_RELEASE_TIMEOUT_MS / 1000} s after its subscription was dropped`, {
        hints: ['rerun cutover to drop it once free (the subscription is gone; the slot retains WAL until dropped)'],
      });
    }
    await io.sleep(Math.min(io.pollIntervalMs, 500));
  }
  await book.forget(t, droppedSummary(t.key, record.fence));
  io.report(`[5/5] ${label(t)}: subscription ${t.subscription.name} dropped on the target, slot ${t.slot.name} dropped on the source`);
  return `${label(t)}: subscription dropped`;
}

async function undoFence(input: CutoverInput, book: StateBook, targets: readonly CutoverTarget[], dropped: readonly DroppedTarget[]): Promise<number> {
  const { io, servers } = input;
  const withFence = targets.filter((t) => book.record(t).fence !== null);
  const droppedWithFence = dropped.filter((d) => d.fence !== null);
  const fence = withFence.map((t) => book.record(t).fence).find((f) => f !== null) ?? droppedWithFence[0]?.fence ?? null;
  if (fence === null) {
    io.report('No fence is recorded: nothing to undo.');
    return 0;
  }
  const restore = fence.roles.map((r) => `${r.name}: ${fence.mode === 'nologin' ? (r.previous.login ? 'LOGIN back' : 'stays NOLOGIN (it was before)') : r.previous.read_only === null ? 'RESET default_transaction_read_only' : `default_transaction_read_only = ${r.previous.read_only}`}`);
  if (!(await io.confirm(['pgrepl will lift the fence on the source:', ...restore.map((l) => `  ${l}`)]))) throw new CutoverCancelled();
  const db = withFence[0]?.slot.database ?? droppedWithFence[0]?.key ?? 'postgres';
  try {
    await servers.undoFence(db, fence.mode, fence.roles);
  } catch (e) {
    if (sqlState(e) === '42501') {
      throw new PgreplError(`the source refused to restore ${fence.roles.map((r) => r.name).join(', ')}: ${asError(e).message}`, {
        hints: ['the role pgrepl connects as needs CREATEROLE (on 16+ also ADMIN OPTION on each fenced role), or superuser', 'the fence stays recorded'],
        cause: e,
      });
    }
    throw e;
  }
  for (const t of withFence) await book.save(t, { ...book.record(t), fence: null }, fenceUndoneSummary(t.key));
  for (const d of droppedWithFence) await book.note(fenceUndoneSummary(d.key));
  for (const l of restore) io.report(`restored ${l}`);
  io.report('Fence lifted.');
  return 0;
}
