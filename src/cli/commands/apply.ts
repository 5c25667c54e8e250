// `pgrepl apply [PLANFILE]`: make the target match the spec. Takes the state lock first (so the plan it runs is made
// from a state nobody else is changing), then either checks a saved plan against the present (a stale plan is refused
// with what moved) or plans now and shows the plan; asks for consent (confirm.ts); runs the engine with progress
// and a cancel wired to SIGINT/SIGTERM; prints the summary. The lock is released on every path. Its yargs definition
// is apply-command.ts.
import { readFile } from 'node:fs/promises';
import { applyPlan } from '../../apply/apply-plan.js';
import type { ApplyResult } from '../../apply/types.js';
import { comparePlanBasis } from '../../plan/compare-basis.js';
import { parsePlanJson } from '../../plan/plan-json.js';
import type { Plan } from '../../plan/types.js';
import { renderApplySummary } from '../../render/apply-summary.js';
import { createLogProgress, type ProgressView } from '../../render/progress/log-progress.js';
import { createTtyProgress } from '../../render/progress/tty-progress.js';
import { NO_CHANGES, renderPlanText } from '../../render/render-plan.js';
import { parseLagLimit } from '../../spec/lag-limit.js';
import type { HeldStateLock } from '../../state/backend.js';
import { guardHeldLock } from '../../state/guard-held-lock.js';
import { emptyState } from '../../state/state-edits.js';
import { InputError, PgreplError } from '../../util/errors.js';
import { askToApply, consentDecision } from '../confirm.js';
import { DEFAULT_LOCK_TIMEOUT } from '../defaults.js';
import { chalk } from '../output.js';
import { loadPlanMaker, loadSpecContext, planErrors, readLive, type LiveView, type SpecContext } from '../plan-session.js';
import { readVersion } from '../version.js';
import { processIo, type CommandIo } from '../command-io.js';

export { DEFAULT_LOCK_TIMEOUT };

export interface ApplyArgs {
  planfile?: string;
  spec?: string;
  'auto-approve'?: boolean;
  'allow-destroy'?: boolean;
  destroy?: boolean;
  'refresh-windows'?: boolean;
  replace?: string[];
  'lock-timeout'?: string;
  'slot-timeout'?: string;
  workers?: number;
  /** `init --no-resume` (not an apply flag): copy everything again, see PlanOptions.recopy. */
  recopy?: boolean;
}

export interface ApplyIo extends CommandIo {
  /** stdin and stdout are terminals: a person can answer the question and watch the live view. */
  readonly interactive: boolean;
  /** stdout when it is a terminal: the live view draws there (also when stdin is not one, as under `pgrepl demo`). */
  readonly tty?: { write(text: string): boolean; readonly columns?: number };
  /** The question (tests answer it). */
  readonly ask: (destructive: readonly string[]) => Promise<boolean>;
  /** Wire SIGINT/SIGTERM to cancel the engine (the CLI does; in-process tests need not). */
  readonly handleSignals: boolean;
  /** Cancels the engine like a first Ctrl-C (`init --job-timeout`). */
  readonly cancel?: AbortSignal;
  /** Called when the engine starts changing things (before that, a cancel can simply end the process). */
  readonly onEngineStart?: () => void;
}

/** `30s`, `5m`, `1h`, `500ms`, `0` (CONTRACTS.md: durations take units). */
export function parseDurationMs(text: string, flag: string): number {
  if (/^\s*0\s*$/.test(text)) return 0;
  const parsed = parseLagLimit(text);
  if (parsed === null || parsed.kind !== 'time') {
    throw new InputError(`${flag} ${JSON.stringify(text)} is not a duration`, [
      { severity: 'error', message: `${flag} takes a number with a unit: 500ms, 30s, 5m, 1h` },
    ]);
  }
  return parsed.milliseconds;
}

function checkArgs(args: ApplyArgs): void {
  const problems: string[] = [];
  if (args.planfile !== undefined && args.destroy === true) problems.push('--destroy shapes the plan: make it with `pgrepl plan --destroy --out FILE`, or apply --destroy without a plan file');
  if (args.planfile !== undefined && args['refresh-windows'] === true) problems.push('--refresh-windows shapes the plan: make it with `pgrepl plan --refresh-windows --out FILE`, or apply --refresh-windows without a plan file');
  if (args.planfile !== undefined && (args.replace ?? []).length > 0) problems.push('--replace shapes the plan: make it with `pgrepl plan --replace ADDRESS --out FILE`, or apply --replace without a plan file');
  if (args.destroy === true && (args.replace ?? []).length > 0) problems.push('--replace copies data again; --destroy removes it: use one or the other');
  if (args.workers !== undefined && (!Number.isInteger(args.workers) || args.workers < 1 || args.workers > 64)) problems.push(`--workers must be a whole number from 1 to 64, not ${String(args.workers)}`);
  if (problems.length > 0) throw new InputError('invalid apply options', problems.map((message) => ({ severity: 'error', message })));
}

async function readSavedPlan(file: string): Promise<Plan> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as { code?: unknown }).code;
    throw new PgreplError(code === 'ENOENT' ? `plan file not found: ${file}` : `cannot read plan file ${file}`, { cause: e });
  }
  return parsePlanJson(text);
}

/** A saved plan runs only against the present it was made from. */
function checkFresh(file: string, plan: Plan, live: LiveView): void {
  const reasons = comparePlanBasis(plan.basedOn, live.basis);
  if (reasons.length > 0) {
    throw new PgreplError(`the saved plan ${file} is stale (what it was made from has changed); nothing was changed`, {
      hints: [...reasons, `run \`pgrepl plan --out ${file}\` again, review it, and apply the new plan`],
    });
  }
  if (planErrors(plan) > 0) throw new PgreplError(`the saved plan ${file} has errors; nothing was changed`, { hints: ['run `pgrepl plan` and fix what it reports'] });
}

/**
 * While the engine runs, the first SIGINT/SIGTERM cancels it (running statements and COPYs roll back) and the lock
 * stays held until it has stopped, so no other apply starts on a half-cancelled run; a second signal releases the
 * lock and ends the process at once. The lock's own guard (release, then exit) is off for that time and back after.
 * (The postgres backend's lock ends with the process's connection; releaseSync is for the local lock file.)
 */
function cancelOnSignals(controller: AbortController, io: ApplyIo, guard: LockGuard): () => void {
  if (!io.handleSignals) return () => undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (!controller.signal.aborted) {
      io.err(`\n${signal}: cancelling; running statements and copies are rolled back (press Ctrl-C again to stop at once)\n`);
      controller.abort(new Error(`${signal} received`));
      return;
    }
    remove();
    guard.lock.releaseSync();
    process.kill(process.pid, signal);
  };
  const onExit = (): void => guard.lock.releaseSync();
  const remove = (): void => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', onExit);
  };
  guard.pause(); // its handlers off: this one decides when the lock goes
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', onExit);
  return () => {
    remove();
    guard.resume();
  };
}

/** The held lock's signal and exit guard (guard-held-lock.ts), which the engine's own handlers pause. */
interface LockGuard {
  readonly lock: HeldStateLock;
  pause(): void;
  resume(): void;
}

function lockGuard(lock: HeldStateLock): LockGuard {
  let off: (() => void) | null = guardHeldLock(lock);
  return {
    lock,
    pause: () => {
      off?.();
      off = null;
    },
    resume: () => {
      off ??= guardHeldLock(lock);
    },
  };
}

function progressView(plan: Plan, io: ApplyIo): ProgressView {
  if (io.tty !== undefined) return createTtyProgress(io.tty, { totalSteps: plan.steps.length });
  return createLogProgress((line) => io.out(`${line}\n`), { totalSteps: plan.steps.length });
}

async function runEngine(ctx: SpecContext, plan: Plan, live: LiveView, args: ApplyArgs, io: ApplyIo, guard: LockGuard): Promise<ApplyResult> {
  const controller = new AbortController();
  const cancelled = (): void => controller.abort(io.cancel?.reason);
  if (io.cancel?.aborted === true) cancelled();
  io.cancel?.addEventListener('abort', cancelled, { once: true });
  io.onEngineStart?.();
  const stopSignals = cancelOnSignals(controller, io, guard);
  const view = progressView(plan, io);
  try {
    return await applyPlan({
      plan,
      source: ctx.source,
      target: ctx.target,
      // The state must never hold a resolved password: the store refuses a write that would.
      store: guard.lock.store({ secrets: [ctx.source.password, ctx.target.password].filter((p): p is string => p !== undefined && p !== '') }),
      state: live.state,
      newState: () => emptyState({ lineage: plan.lineage, pgreplVersion: readVersion(), spec: { path: ctx.specPath, hash: ctx.specHash } }),
      command: args.destroy === true ? 'destroy' : 'apply',
      slotTimeoutMs: parseDurationMs(args['slot-timeout'] ?? '5m', '--slot-timeout'),
      subscriptionConninfo: (key) => (ctx.spec.databases.find((d) => d.key === key) ?? ctx.spec.defaults).subscription.conninfo,
      ...(args.workers === undefined ? {} : { workers: args.workers }),
      onEvent: view.onEvent,
      signal: controller.signal,
      env: io.env,
    });
  } finally {
    view.finish();
    stopSignals();
  }
}

/** The handler's body, for tests: prints through `io` and returns the exit code. */
export async function runApply(args: ApplyArgs, io: ApplyIo, prepared?: SpecContext): Promise<number> {
  checkArgs(args);
  const lockTimeoutMs = parseDurationMs(args['lock-timeout'] ?? DEFAULT_LOCK_TIMEOUT, '--lock-timeout');
  const saved = args.planfile === undefined ? null : await readSavedPlan(args.planfile);
  // A saved plan knows its spec file; --spec overrides (and the basis check then says if it is another one).
  // `prepared`: the flag-mode commands (init, sync) bring a context built from --source/--target and flags.
  const specArg = args.spec ?? saved?.basedOn.spec?.path;
  const ctx = prepared ?? (await loadSpecContext(specArg, io.env));
  const command = args.destroy === true ? 'destroy' : 'apply';
  let lock: HeldStateLock;
  try {
    lock = await ctx.stateBackend.lock({
      command,
      timeoutMs: lockTimeoutMs,
      onWait: (_holder, message) => io.err(`${message}; waiting up to ${args['lock-timeout'] ?? DEFAULT_LOCK_TIMEOUT}\n`),
      onTakeover: (_previous, notice) => io.err(`${chalk.yellow('Notice:')} ${notice}\n`),
    });
  } catch (e) {
    if (prepared === undefined) await ctx.stateBackend.close();
    throw e;
  }
  const guard = lockGuard(lock);
  try {
    let plan: Plan;
    let live: LiveView;
    if (saved !== null && args.planfile !== undefined) {
      live = await readLive(ctx, { env: io.env, sampleThroughput: false, destroy: saved.steps.every((s) => s.action === 'delete') && saved.steps.length > 0 });
      checkFresh(args.planfile, saved, live);
      plan = saved;
      if (plan.steps.length === 0) {
        io.out(`${NO_CHANGES}\n`);
        return 0;
      }
      const { add, change, destroy } = plan.summary;
      io.out(`Applying the saved plan ${args.planfile} (made ${plan.createdAt}): ${add} to add, ${change} to change, ${destroy} to destroy.\n`);
    } else {
      // With --auto-approve the plan is shown and applied at once: nobody weighs its copy-time estimate, so the
      // throughput sample on the source (a fixed ~0.3 s) is skipped; estimates then come from earlier applies only.
      const planMaker = loadPlanMaker(); // loads while the servers are read
      live = await readLive(ctx, {
        env: io.env, sampleThroughput: args['auto-approve'] !== true && args.destroy !== true, destroy: args.destroy === true, fingerprint: false,
      });
      const { makePlan } = await planMaker;
      plan = makePlan(ctx, live, { destroy: args.destroy === true, refreshWindows: args['refresh-windows'] === true, recopy: args.recopy === true, replace: args.replace ?? [] }, io.env);
      io.out(renderPlanText(plan, { color: io.color }));
      const errors = planErrors(plan);
      if (errors > 0) {
        io.err(`${chalk.red('Error:')} the plan has ${errors} error${errors === 1 ? '' : 's'} (listed above); nothing was changed.\n`);
        return 1;
      }
      if (plan.steps.length === 0) return 0;
    }

    const decision = consentDecision(plan, { autoApprove: args['auto-approve'] === true, allowDestroy: args['allow-destroy'] === true, savedPlan: saved !== null }, io.interactive);
    if (decision.kind === 'refuse') throw new PgreplError(decision.message, { hints: decision.hints });
    if (decision.kind === 'ask' && !(await io.ask(decision.destructive))) {
      io.err('\nApply cancelled: nothing was changed.\n');
      return 1;
    }
    io.out('\n');
    const result = await runEngine(ctx, plan, live, args, io, guard);
    io.out(`\n${renderApplySummary(result, { color: io.color, statePath: ctx.statePath, destroy: args.destroy === true })}`);
    return 0;
  } finally {
    guard.pause();
    await lock.release();
    // A prepared context (init, sync) belongs to its caller, which closes it.
    if (prepared === undefined) await ctx.stateBackend.close();
  }
}

export function processApplyIo(): ApplyIo {
  const interactive = process.stdin.isTTY === true && process.stdout.isTTY === true;
  return {
    ...processIo(),
    interactive,
    ...(process.stdout.isTTY === true ? { tty: process.stdout } : {}),
    ask: (destructive) => askToApply(destructive),
    handleSignals: true,
  };
}
