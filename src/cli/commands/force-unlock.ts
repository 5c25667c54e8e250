// `pgrepl force-unlock <id>`: removes a state lock whose holder is known to be gone (another host, another
// container) and that pgrepl therefore never takes over by itself. The id must match, so a newer lock taken since
// the user looked is never removed. On the postgres backend the lock row goes and the session holding the advisory
// lock is ended (pg_terminate_backend). Its yargs definition is force-unlock-command.ts.
import { resolve } from 'node:path';
import { loadSpecFile } from '../../spec/load.js';
import type { StateBackend } from '../../state/backend.js';
import { localStateBackend } from '../../state/local-state-backend.js';
import { describeLockHolder } from '../../state/lock-info.js';
import { openStateBackend } from '../../state/open-backend.js';
import { DEFAULT_SPEC_FILE } from '../defaults.js';

export interface ForceUnlockArgs {
  id: string;
  spec?: string;
  state?: string;
}

/** The state a command works on: the file `--state`, else the spec's `state:` (local file or postgres). */
async function stateBackend(args: ForceUnlockArgs, env: NodeJS.ProcessEnv): Promise<StateBackend> {
  if (args.state !== undefined) return localStateBackend(resolve(args.state));
  const spec = await loadSpecFile(args.spec ?? DEFAULT_SPEC_FILE, env);
  return openStateBackend(spec.state, env);
}

/** The handler's body: removes the lock when the id matches and returns the exit code. */
export async function runForceUnlock(args: ForceUnlockArgs, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const backend = await stateBackend(args, env);
  try {
    const holder = await backend.forceUnlock(args.id);
    process.stdout.write(`Removed the lock on ${backend.description}, held by ${describeLockHolder(holder)}.\n`);
    return 0;
  } finally {
    await backend.close();
  }
}
