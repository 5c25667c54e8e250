// `pgrepl force-unlock <id>`: removes a state lock whose holder is known to be gone (another host, another
// container) and that pgrepl therefore never takes over by itself. The id must match, so a newer lock taken since
// the user looked is never removed. Its yargs definition is force-unlock-command.ts.
import { resolve } from 'node:path';
import { loadSpecFile } from '../../spec/load.js';
import { forceUnlock } from '../../state/lock.js';
import { describeLockHolder } from '../../state/lock-info.js';
import { PgreplError } from '../../util/errors.js';
import { DEFAULT_SPEC_FILE } from '../defaults.js';

export interface ForceUnlockArgs {
  id: string;
  spec?: string;
  state?: string;
}

/** The state file a command works on: `--state`, else the spec's `state.path`. */
async function statePath(args: ForceUnlockArgs): Promise<string> {
  if (args.state !== undefined) return resolve(args.state);
  const spec = await loadSpecFile(args.spec ?? DEFAULT_SPEC_FILE);
  if (spec.state.backend !== 'local') {
    throw new PgreplError('force-unlock works on local state files; the PostgreSQL backend releases its lock with its session');
  }
  return spec.state.path;
}

/** The handler's body: removes the lock when the id matches and returns the exit code. */
export async function runForceUnlock(args: ForceUnlockArgs): Promise<number> {
  const path = await statePath(args);
  const holder = forceUnlock(path, args.id);
  process.stdout.write(`Removed the lock on ${path}, held by ${describeLockHolder(holder)}.\n`);
  return 0;
}
