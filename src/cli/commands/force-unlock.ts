// `pgrepl force-unlock <id>`: removes a state lock whose holder is known to be gone (another host, another
// container) and that pgrepl therefore never takes over by itself. The id must match, so a newer lock taken since
// the user looked is never removed.
import type { CommandModule } from 'yargs';
import { resolve } from 'node:path';
import { runCommand } from '../run.js';
import { loadSpecFile } from '../../spec/load.js';
import { forceUnlock } from '../../state/lock.js';
import { describeLockHolder } from '../../state/lock-info.js';
import { PgreplError } from '../../util/errors.js';

interface ForceUnlockArgs {
  id: string;
  spec?: string;
  state?: string;
}

/** The state file a command works on: `--state`, else the spec's `state.path`. */
async function statePath(args: ForceUnlockArgs): Promise<string> {
  if (args.state !== undefined) return resolve(args.state);
  const spec = await loadSpecFile(args.spec ?? 'pgrepl.yaml');
  if (spec.state.backend !== 'local') {
    throw new PgreplError('force-unlock works on local state files; the PostgreSQL backend releases its lock with its session');
  }
  return spec.state.path;
}

export const forceUnlockCommand: CommandModule<object, ForceUnlockArgs> = {
  command: 'force-unlock <id>',
  describe: 'Remove a state lock whose holder is gone (the id must match the lock)',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true, description: 'The lock id printed by the command that found it held' })
      .option('spec', { type: 'string', description: 'Replication spec (YAML) whose state is locked (default pgrepl.yaml)' })
      .option('state', { type: 'string', description: 'State file path, instead of the spec\'s state.path' })
      .example('$0 force-unlock 3f2c…', 'Remove the lock on the state of ./pgrepl.yaml')
      .example('$0 force-unlock 3f2c… --state .pgrepl/flags-0123456789abcdef.json', 'Remove the lock of a flag-mode state'),
  handler: (args) =>
    runCommand(async () => {
      const path = await statePath(args);
      const holder = forceUnlock(path, args.id);
      process.stdout.write(`Removed the lock on ${path}, held by ${describeLockHolder(holder)}.\n`);
      return 0;
    }),
};
