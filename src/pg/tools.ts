// Runs PostgreSQL client tools (psql, pg_dump, pg_restore) against one server. Credentials reach the child only
// through a temporary 0600 passfile named by PGPASSFILE (CONTRACTS.md, Secrets): never in argv (the connection
// is a password-less `--dbname` conninfo) and never in the environment (every PG* variable of ours is dropped,
// PGPASSWORD included, so the child reads nothing but the conninfo and the passfile).
import * as path from 'node:path';
import { execa } from 'execa';
import { PgreplError } from '../util/errors.js';
import { toChildConninfo } from './conninfo/child-conninfo.js';
import { displayName } from './conninfo/display.js';
import { forDatabase } from './conninfo/for-database.js';
import type { Side } from './conninfo/startup-options.js';
import { writeTemporaryPassfile } from './conninfo/temporary-passfile.js';
import type { ConnInfo } from './conninfo/types.js';

export interface ClientToolOptions {
  readonly side: Side;
  /** Another database of the same server. */
  readonly database?: string;
  /** Text for the child's stdin. */
  readonly input?: string;
  /** A file for the child's stdin (e.g. a dump for psql). */
  readonly inputFile?: string;
  /** Write the child's stdout to this file instead of returning it (e.g. pg_dump output). */
  readonly outputFile?: string;
  /** Aborting it terminates the child (SIGTERM); the passfile is removed either way. */
  readonly signal?: AbortSignal;
  /** Base environment; default `process.env`. PG* variables are removed from it. */
  readonly env?: NodeJS.ProcessEnv;
}

export interface ClientToolResult {
  readonly stdout: string;
  readonly stderr: string;
}

/** How much of the child's stderr a failure message quotes. */
const STDERR_TAIL_LINES = 20;

/**
 * Runs `bin args… --dbname=<conninfo>` and returns its output; a non-zero exit, a signal or a spawn failure
 * throws a PgreplError with the tail of stderr.
 */
export async function runClientTool(
  bin: string,
  args: readonly string[],
  ci: ConnInfo,
  opts: ClientToolOptions,
): Promise<ClientToolResult> {
  const target = opts.database === undefined ? ci : forDatabase(ci, opts.database);
  const passfile = await writeTemporaryPassfile(target);
  try {
    const result = await execa(bin, [`--dbname=${toChildConninfo(target, opts.side)}`, ...args], {
      env: { ...childEnvironment(opts.env ?? process.env), PGPASSFILE: passfile.path },
      extendEnv: false,
      reject: false,
      stripFinalNewline: false,
      ...(opts.input === undefined ? {} : { input: opts.input }),
      ...(opts.inputFile === undefined ? {} : { inputFile: opts.inputFile }),
      ...(opts.outputFile === undefined ? {} : { stdout: { file: opts.outputFile } }),
      ...(opts.signal === undefined ? {} : { cancelSignal: opts.signal }),
    });
    if (result.failed) {
      const tool = path.basename(bin);
      const how = result.isCanceled
        ? 'was cancelled'
        : result.exitCode !== undefined
          ? `exited with code ${result.exitCode}`
          : result.signal !== undefined
            ? `was stopped by ${result.signal}`
            : `could not be started (${result.code ?? result.originalMessage})`;
      const stderr = String(result.stderr ?? '').trimEnd().split('\n').slice(-STDERR_TAIL_LINES);
      throw new PgreplError(`${tool} ${how} (${opts.side} server ${displayName(target)})`, {
        hints: stderr.filter((line) => line !== ''),
      });
    }
    return { stdout: String(result.stdout ?? ''), stderr: String(result.stderr ?? '') };
  } finally {
    await passfile.dispose();
  }
}

/** The parent's environment without any PG* variable: the child's connection is fully described by argv+passfile. */
export function childEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && !key.startsWith('PG')) out[key] = value;
  }
  return out;
}
