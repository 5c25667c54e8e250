// The yargs definition of `pgrepl apply`: flags, help and examples only. The body (apply.ts, which loads the
// planner, the apply engine and the copy engine) is imported when the command runs, so `pgrepl --help`,
// completion and every other command start without it.
import type { CommandModule } from 'yargs';
import { DEFAULT_LOCK_TIMEOUT, DEFAULT_SPEC_FILE } from '../defaults.js';
import { runCommand } from '../run.js';
import type { ApplyArgs } from './apply.js';

export const applyCommand: CommandModule<object, ApplyArgs> = {
  command: 'apply [planfile]',
  describe: 'Make the target match the spec (plans, asks, applies; or applies a saved plan)',
  builder: (y) =>
    y
      .positional('planfile', { type: 'string', description: 'A plan saved by `pgrepl plan --out FILE`: apply exactly it, refused if stale' })
      .option('spec', { type: 'string', description: `Replication spec (YAML); default ${DEFAULT_SPEC_FILE}, or the one a saved plan names` })
      .option('auto-approve', { type: 'boolean', alias: 'yes', description: 'Do not ask; never implies consent to destroy' })
      .option('allow-destroy', { type: 'boolean', alias: 'drop-existing', description: 'Consent to steps that drop or rewrite target data' })
      .option('destroy', { type: 'boolean', description: 'Remove what the state records (databases, tables, rows pgrepl made)' })
      .option('replace', { type: 'string', array: true, description: 'Copy this data again: a target.rows… or target.largeobjects… address from the plan (repeatable)' })
      .option('refresh-windows', { type: 'boolean', description: 'Re-anchor every time window (last: …) at the source\'s now()' })
      .option('slot-timeout', { type: 'string', description: 'How long making a slot may wait for open source transactions (30s, 5m)', default: '5m' })
      .option('lock-timeout', { type: 'string', description: 'How long to wait for a state lock held by another run (30s, 5m)', default: DEFAULT_LOCK_TIMEOUT })
      .option('workers', { type: 'number', description: 'Parallel COPY workers per database (default 2)' })
      .example('$0 apply', 'Plan, show, ask, apply')
      .example('$0 apply --auto-approve', 'In CI: apply without asking (destructive steps still need --allow-destroy)')
      .example('$0 apply plan.json', 'Apply a reviewed plan, refused if anything moved since'),
  handler: (args) =>
    runCommand(async () => {
      const { runApply, processApplyIo } = await import('./apply.js');
      return runApply(args, processApplyIo());
    }),
};
