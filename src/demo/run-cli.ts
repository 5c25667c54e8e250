// Runs the pgrepl CLI itself as a child process (this Node, this package's entry), its output going straight
// to the demo's terminal, so colours, progress and prompts look exactly as they would for the user. The child
// runs in a process group of its own: a terminal's Ctrl-C reaches the demo only, which passes it on once, so
// the child's own cancellation runs exactly once and the demo cleans up after it.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** dist/cli/main.js, next to this module's dist/demo/. */
export function defaultCliEntry(): string {
  return fileURLToPath(new URL('../cli/main.js', import.meta.url));
}

export interface CliRunOptions {
  readonly entry: string;
  readonly cwd: string;
  readonly colour: boolean;
  readonly env?: NodeJS.ProcessEnv;
}

export interface CliRun {
  readonly child: ChildProcess;
  /** Exit code; a child killed by a signal gives 128 + the signal number, as a shell would. */
  readonly done: Promise<number>;
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };

/**
 * The child's environment: the caller's, without PG* variables (a PGSSLMODE=require or PGHOST of the user's
 * must not reach the demo's local servers), and NO_COLOR when the demo prints without colour.
 */
export function childEnv(env: NodeJS.ProcessEnv, colour: boolean): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) if (!key.startsWith('PG')) out[key] = value;
  if (!colour) out['NO_COLOR'] = '1';
  return out;
}

export function runCli(args: readonly string[], opts: CliRunOptions): CliRun {
  const child = spawn(process.execPath, [opts.entry, ...args], {
    cwd: opts.cwd,
    env: childEnv(opts.env ?? process.env, opts.colour),
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  const done = new Promise<number>((resolve) => {
    child.on('error', () => resolve(127));
    child.on('close', (code, signal) => resolve(code ?? 128 + (signal === null ? 0 : (SIGNAL_NUMBERS[signal] ?? 0))));
  });
  return { child, done };
}
