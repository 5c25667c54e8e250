// The yargs definition of `pgrepl cutover`: flags, help and examples only. The body (src/cli/commands/cutover.ts, which
// loads the spec, the state and the cutover steps) is imported when the command runs.
import type { CommandModule } from 'yargs';
import { DEFAULT_LOCK_TIMEOUT, DEFAULT_SPEC_FILE } from '../defaults.js';
import { runCommand } from '../run.js';
import type { CutoverArgs } from './cutover.js';

export const cutoverCommand: CommandModule<object, CutoverArgs> = {
  command: 'cutover',
  describe: 'Hand the writers over to the target: wait for the stream, fence the source, set sequences, stop replicating',
  builder: (y) =>
    y
      .option('spec', { type: 'string', description: `Replication spec (YAML); default ${DEFAULT_SPEC_FILE}` })
      .option('max-lag', { type: 'string', description: 'Start only once lag is under this: a duration (30s) or a size (64MB); overrides cutover.max_lag' })
      .option('fence', { type: 'boolean', description: 'Fence cutover.fence_roles on the source (the spec\'s fence mode, or read-only); --no-fence skips it' })
      .option('undo-fence', { type: 'boolean', description: 'Lift a recorded fence: restore each role\'s LOGIN / read-only default, then stop' })
      .option('sequence-margin', { type: 'number', description: 'Add this to every sequence value set on the target; overrides cutover.sequence_margin' })
      .option('after', { type: 'string', choices: ['keep', 'disable', 'drop'], description: 'What happens to the subscription once caught up; overrides cutover.after' })
      .option('timeout', { type: 'string', default: '10m', description: 'How long each wait may take (tables ready and lag; the slot passing the fence\'s WAL position)' })
      .option('auto-approve', { type: 'boolean', alias: 'yes', description: 'Do not ask' })
      .option('lock-timeout', { type: 'string', description: 'How long to wait for a state lock held by another run (30s, 5m)', default: DEFAULT_LOCK_TIMEOUT })
      .example('$0 cutover --max-lag 64MB --fence --after drop', 'Wait for the stream, fence the writers, set sequences, drop the subscription and slot')
      .example('$0 cutover --undo-fence', 'Let the fenced roles write on the source again'),
  handler: (args) =>
    runCommand(async () => {
      const { runCutoverCommand, processCutoverIo } = await import('./cutover.js');
      return runCutoverCommand(args, processCutoverIo());
    }),
};
