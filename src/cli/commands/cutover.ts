// `pgrepl cutover`: the command body. Loads the spec, resolves the cutover options (flags over the spec's
// `cutover:` block), takes the state lock, asks for consent (or requires --auto-approve outside a terminal) and
// runs the steps (src/cutover/run-cutover.ts). The lock is released on every path. Its yargs definition is
// commands/cutover-command.ts.
import { resolveCutoverOptions, type CutoverOptions } from '../../cutover/options.js';
import { runCutover, type CutoverIo } from '../../cutover/run-cutover.js';
import { openCutoverServers } from '../../pg/cutover/cutover-servers.js';
import type { HeldStateLock } from '../../state/backend.js';
import { guardHeldLock } from '../../state/guard-held-lock.js';
import { PgreplError } from '../../util/errors.js';
import { parseLagLimit } from '../../spec/lag-limit.js';
import { InputError } from '../../util/errors.js';
import { askToApply } from '../confirm.js';
import { DEFAULT_LOCK_TIMEOUT } from '../defaults.js';
import { chalk } from '../output.js';
import { loadSpecContext } from '../plan-session.js';

export interface CutoverArgs {
  spec?: string;
  'max-lag'?: string;
  fence?: boolean;
  'undo-fence'?: boolean;
  'sequence-margin'?: number;
  after?: string;
  timeout?: string;
  'auto-approve'?: boolean;
  'lock-timeout'?: string;
}

export interface CutoverCommandIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  /** stdin and stdout are terminals: a person can answer the question. */
  readonly interactive: boolean;
  readonly ask: () => Promise<boolean>;
  /** How often the waits poll (tests shorten it). */
  readonly pollIntervalMs?: number;
}

export type CutoverConsent = { readonly kind: 'proceed' } | { readonly kind: 'ask' } | { readonly kind: 'refuse'; readonly message: string; readonly hints: readonly string[] };

/** Like apply: --auto-approve goes ahead, a terminal is asked, anything else is refused before a change. */
export function cutoverConsent(autoApprove: boolean, interactive: boolean): CutoverConsent {
  if (autoApprove) return { kind: 'proceed' };
  if (interactive) return { kind: 'ask' };
  return {
    kind: 'refuse',
    message: 'cutover needs --auto-approve (alias --yes) when it cannot ask: stdin or stdout is not a terminal',
    hints: ['nothing was changed'],
  };
}

const POLL_INTERVAL_MS = 1000;

function lockTimeout(text: string): number {
  if (/^\s*0\s*$/.test(text)) return 0;
  const parsed = parseLagLimit(text);
  if (parsed === null || parsed.kind !== 'time') {
    throw new InputError(`--lock-timeout ${JSON.stringify(text)} is not a duration`, [{ severity: 'error', message: '--lock-timeout takes a number with a unit: 500ms, 30s, 5m, 1h' }]);
  }
  return parsed.milliseconds;
}

export async function runCutoverCommand(args: CutoverArgs, io: CutoverCommandIo): Promise<number> {
  const lockTimeoutMs = lockTimeout(args['lock-timeout'] ?? DEFAULT_LOCK_TIMEOUT);
  const ctx = await loadSpecContext(args.spec, io.env);
  const options: CutoverOptions = resolveCutoverOptions(ctx.spec.cutover, {
    ...(args['max-lag'] === undefined ? {} : { maxLag: args['max-lag'] }),
    ...(args.fence === undefined ? {} : { fence: args.fence }),
    ...(args['sequence-margin'] === undefined ? {} : { sequenceMargin: args['sequence-margin'] }),
    ...(args.after === undefined ? {} : { after: args.after }),
    ...(args.timeout === undefined ? {} : { timeout: args.timeout }),
  });
  const consent = cutoverConsent(args['auto-approve'] === true, io.interactive);
  let lock: HeldStateLock;
  try {
    lock = await ctx.stateBackend.lock({
      command: args['undo-fence'] === true ? 'cutover --undo-fence' : 'cutover',
      timeoutMs: lockTimeoutMs,
      onWait: (_holder, message) => io.err(`${message}; waiting up to ${args['lock-timeout'] ?? DEFAULT_LOCK_TIMEOUT}\n`),
      onTakeover: (_previous, notice) => io.err(`${chalk.yellow('Notice:')} ${notice}\n`),
    });
  } catch (e) {
    await ctx.stateBackend.close();
    throw e;
  }
  const unguard = guardHeldLock(lock);
  const servers = openCutoverServers(ctx.source, ctx.target, io.env);
  const cutoverIo: CutoverIo = {
    report: (line) => io.out(`${line}\n`),
    warn: (line) => io.err(`${chalk.yellow(line)}\n`),
    confirm: async (lines) => {
      io.out(`${lines.join('\n')}\n`);
      if (consent.kind === 'refuse') throw new PgreplError(consent.message, { hints: consent.hints });
      if (consent.kind === 'proceed') return true;
      return io.ask();
    },
    now: () => new Date(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    pollIntervalMs: io.pollIntervalMs ?? POLL_INTERVAL_MS,
  };
  try {
    return await runCutover({
      spec: ctx.spec,
      store: lock.store({ secrets: [ctx.source.password, ctx.target.password].filter((p): p is string => p !== undefined && p !== '') }),
      servers,
      options,
      undoFence: args['undo-fence'] === true,
      io: cutoverIo,
    });
  } finally {
    await servers.close();
    unguard();
    await lock.release();
    await ctx.stateBackend.close();
  }
}

export function processCutoverIo(): CutoverCommandIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    interactive: process.stdin.isTTY === true && process.stdout.isTTY === true,
    ask: () => askToApply([]),
  };
}
