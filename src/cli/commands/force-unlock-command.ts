// The yargs definition of `pgrepl force-unlock <id>`: flags, help and examples only. The body (force-unlock.ts,
// which loads the spec validator to find state.path) is imported when the command runs.
import type { CommandModule } from 'yargs';
import { DEFAULT_SPEC_FILE } from '../defaults.js';
import { runCommand } from '../run.js';
import type { ForceUnlockArgs } from './force-unlock.js';

export const forceUnlockCommand: CommandModule<object, ForceUnlockArgs> = {
  command: 'force-unlock <id>',
  describe: 'Remove a state lock whose holder is gone (the id must match the lock)',
  builder: (y) =>
    y
      .positional('id', { type: 'string', demandOption: true, description: 'The lock id printed by the command that found it held' })
      .option('spec', { type: 'string', description: `Replication spec (YAML) whose state is locked (default ${DEFAULT_SPEC_FILE})` })
      .option('state', { type: 'string', description: 'State file path, instead of the spec\'s state.path' })
      .example('$0 force-unlock 3f2c…', 'Remove the lock on the state of ./pgrepl.yaml')
      .example('$0 force-unlock 3f2c… --state .pgrepl/flags-0123456789abcdef.json', 'Remove the lock of a flag-mode state'),
  handler: (args) =>
    runCommand(async () => {
      const { runForceUnlock } = await import('./force-unlock.js');
      return runForceUnlock(args);
    }),
};
