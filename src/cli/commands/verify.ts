// `pgrepl verify`: proves the target holds the source's rows (under each table's recorded filter) and schema, in
// scope. Exit codes (CONTRACTS.md): 0 all equal, 2 rows or schema differ, 1 when a table could not be checked or
// verify could not run (bad spec or flags, a server unreachable). Its yargs definition is verify-command.ts.
import { renderVerifyJson } from '../../render/verify/render-verify-json.js';
import { renderVerifyText } from '../../render/verify/render-verify-text.js';
import { InputError } from '../../util/errors.js';
import { runVerify, verifyExitCode } from '../../verify/run-verify.js';
import { loadCommandContext } from '../command-context.js';
import type { ScopeFlagArgs } from '../flag-options.js';
import { readLive } from '../plan-session.js';

export interface VerifyArgs extends ScopeFlagArgs {
  spec?: string;
  json?: boolean;
  tables?: string[];
  sample?: number;
  jobs?: number;
}

export interface VerifyIo {
  readonly out: (text: string) => void;
  /** Notes of flag mode (state path, inherited flags); default stderr. */
  readonly err?: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly now: () => Date;
}

export function verifyIo(): VerifyIo {
  return { out: (text) => void process.stdout.write(text), env: process.env, now: () => new Date() };
}

export const DEFAULT_JOBS = 4;
const MAX_JOBS = 64;

export function parseVerifyArgs(args: VerifyArgs): { samplePercent: number | null; jobs: number; tables: string[] | null } {
  const problems: { severity: 'error'; message: string }[] = [];
  let samplePercent: number | null = null;
  if (args.sample !== undefined) {
    if (!Number.isFinite(args.sample) || args.sample <= 0 || args.sample > 100) problems.push({ severity: 'error', message: '--sample takes a percentage greater than 0 and at most 100' });
    else samplePercent = args.sample === 100 ? null : args.sample;
  }
  const jobs = args.jobs ?? DEFAULT_JOBS;
  if (!Number.isInteger(jobs) || jobs < 1 || jobs > MAX_JOBS) problems.push({ severity: 'error', message: `--jobs takes a whole number from 1 to ${MAX_JOBS}` });
  const tables = args.tables === undefined || args.tables.length === 0 ? null : args.tables.map(String);
  if (tables?.some((t) => t.trim() === '') === true) problems.push({ severity: 'error', message: '--tables takes schema.table globs, not an empty string' });
  if (problems.length > 0) throw new InputError('invalid verify options', problems);
  return { samplePercent, jobs, tables };
}

export async function runVerifyCommand(args: VerifyArgs, io: VerifyIo): Promise<number> {
  const opts = parseVerifyArgs(args);
  const ctx = await loadCommandContext(args, 'verify', { env: io.env, err: io.err ?? ((t) => void process.stderr.write(t)) });
  const live = await readLive(ctx, { env: io.env, sampleThroughput: false, fingerprint: false });
  const report = await runVerify({
    spec: ctx.spec, actual: live.actual, state: live.state, source: ctx.source, target: ctx.target, env: io.env,
    tables: opts.tables, samplePercent: opts.samplePercent, jobs: opts.jobs, now: io.now,
    ...chunkOverrides(io.env),
  });
  io.out(args.json === true ? renderVerifyJson(report) : renderVerifyText(report));
  return verifyExitCode(report);
}

/**
 * PGREPL_VERIFY_CHUNK_ROWS / PGREPL_VERIFY_LEAF_ROWS: tests cut small tables into many chunks;
 * PGREPL_VERIFY_WHOLE_FIRST=0: equal tables are checked chunk by chunk too (tests of the chunked path).
 */
function chunkOverrides(env: NodeJS.ProcessEnv): { chunkRows?: number; leafRows?: number; wholeTableFirst?: boolean } {
  const read = (name: string): number | undefined => {
    const v = Number(env[name]);
    return Number.isInteger(v) && v > 0 ? v : undefined;
  };
  const chunkRows = read('PGREPL_VERIFY_CHUNK_ROWS');
  const leafRows = read('PGREPL_VERIFY_LEAF_ROWS');
  return {
    ...(chunkRows === undefined ? {} : { chunkRows }), ...(leafRows === undefined ? {} : { leafRows }),
    ...(env['PGREPL_VERIFY_WHOLE_FIRST'] === '0' ? { wholeTableFirst: false } : {}),
  };
}
