// `pgrepl status`: the health of continuous replication per database, read from the state file and both servers
// (never from plan/apply code). Exit codes (CONTRACTS.md): 0 healthy (also paused, syncing, not started,
// snapshot only), 2 broken or lagging beyond --max-lag, 1 when status cannot be read (bad spec, no state, a server
// unreachable). `--watch N` reads again every N seconds until Ctrl-C and exits with the last read's code.
// Its yargs definition is status-command.ts.
import { StatusReader } from '../../pg/catalog/status/status-reader.js';
import { renderStatusJson } from '../../render/status/render-status-json.js';
import { renderStatusText } from '../../render/status/render-status-text.js';
import { parseLagLimit } from '../../spec/lag-limit.js';
import type { LagLimit } from '../../spec/model.js';
import type { ConnInfo } from '../../pg/conninfo/index.js';
import { collectStatus, type StatusSource } from '../../status/collect-status.js';
import type { StatusReport } from '../../status/types.js';
import { InputError } from '../../util/errors.js';
import { chalk } from '../output.js';
import { loadCommandContext } from '../command-context.js';
import type { ScopeFlagArgs } from '../flag-options.js';
import { printError } from '../run.js';

export interface StatusArgs extends ScopeFlagArgs {
  spec?: string;
  json?: boolean;
  watch?: number;
  'max-lag'?: string;
}

export interface StatusIo {
  readonly out: (text: string) => void;
  /** Notes of flag mode (state path, inherited flags); default stderr. */
  readonly err?: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly color: boolean;
  /** stdout is a terminal: --watch clears and redraws instead of appending. */
  readonly tty: boolean;
  readonly now: () => Date;
  /** Registers a Ctrl-C handler; returns the function that removes it. */
  readonly onInterrupt: (handler: () => void) => () => void;
  /** Prints a failed read under --watch (the loop goes on). */
  readonly reportError: (e: unknown) => void;
}

export function statusIo(): StatusIo {
  return {
    out: (text) => void process.stdout.write(text),
    env: process.env,
    color: chalk.level > 0 && process.stdout.isTTY === true,
    tty: process.stdout.isTTY === true,
    now: () => new Date(),
    onInterrupt: (handler) => {
      process.on('SIGINT', handler);
      process.on('SIGTERM', handler);
      return () => {
        process.off('SIGINT', handler);
        process.off('SIGTERM', handler);
      };
    },
    reportError: printError,
  };
}

/** Cursor home, then clear the screen: each --watch read replaces the last on a terminal. */
export const CLEAR_SCREEN = '\x1b[H\x1b[2J';

function parseArgs(args: StatusArgs): { maxLag: LagLimit | null; watchMs: number | null } {
  const problems: { severity: 'error'; message: string }[] = [];
  let maxLag: LagLimit | null = null;
  if (args['max-lag'] !== undefined) {
    maxLag = parseLagLimit(args['max-lag']);
    if (maxLag === null) problems.push({ severity: 'error', message: `--max-lag ${JSON.stringify(args['max-lag'])} is neither a duration (30s, 5min, 500ms, 1h) nor a size (64MB, 512kB, 1B)` });
  }
  let watchMs: number | null = null;
  if (args.watch !== undefined) {
    if (!Number.isFinite(args.watch) || args.watch <= 0) problems.push({ severity: 'error', message: '--watch takes a number of seconds greater than 0' });
    else watchMs = Math.round(args.watch * 1000);
  }
  if (problems.length > 0) throw new InputError('invalid status options', problems);
  return { maxLag, watchMs };
}

/** What reads the servers; tests pass a fake. */
export type MakeReader = (source: ConnInfo, target: ConnInfo, opts: { readonly env: NodeJS.ProcessEnv; readonly keepSessions: boolean }) => StatusSource & {
  close(): Promise<void>;
};

const serverReader: MakeReader = (source, target, opts) => new StatusReader(source, target, opts);

export async function runStatus(args: StatusArgs, io: StatusIo, makeReader: MakeReader = serverReader): Promise<number> {
  const { maxLag, watchMs } = parseArgs(args);
  const ctx = await loadCommandContext(args, 'status', { env: io.env, err: io.err ?? ((t) => void process.stderr.write(t)) });
  const reader = makeReader(ctx.source, ctx.target, { env: io.env, keepSessions: watchMs !== null });
  const read = (previous: StatusReport | null): Promise<StatusReport> =>
    collectStatus(reader, { spec: ctx.spec, state: ctx.stateBackend, maxLag, now: io.now, previous });
  const render = (report: StatusReport, compact: boolean): string =>
    args.json === true ? renderStatusJson(report, { compact }) : renderStatusText(report, { color: io.color });
  try {
    if (watchMs === null) {
      const report = await read(null);
      io.out(render(report, false));
      return report.exit_code;
    }
    return await watch(io, watchMs, read, (report, first) => {
      const text = render(report, true);
      if (args.json === true) io.out(text);
      else if (io.tty) io.out(CLEAR_SCREEN + text);
      else io.out(first ? text : `\n${text}`);
    });
  } finally {
    await reader.close();
    await ctx.stateBackend.close();
  }
}

/** Reads every `intervalMs` until interrupted; a failed read is printed and counts as exit 1 until the next one. */
async function watch(
  io: StatusIo,
  intervalMs: number,
  read: (previous: StatusReport | null) => Promise<StatusReport>,
  show: (report: StatusReport, first: boolean) => void,
): Promise<number> {
  let stopped = false;
  let wake: (() => void) | null = null;
  const remove = io.onInterrupt(() => {
    stopped = true;
    wake?.();
  });
  let previous: StatusReport | null = null;
  let code = 0;
  let first = true;
  try {
    while (!stopped) {
      try {
        const report = await read(previous);
        show(report, first);
        previous = report;
        code = report.exit_code;
      } catch (e) {
        io.reportError(e);
        code = 1;
      }
      first = false;
      if (stopped) break;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, intervalMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = null;
    }
  } finally {
    remove();
  }
  return code;
}
