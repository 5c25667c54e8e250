// The yargs definitions of `pgrepl init` and `pgrepl sync`: the old tool's commands and flags (its guide:
// ../shared/reference/database-replicator-guide.md). The body (init.ts) is imported when the command runs.
import type { Argv, CommandModule } from 'yargs';
import { DEFAULT_LOCK_TIMEOUT } from '../defaults.js';
import { withExecutionFlags, withScopeFlags } from '../flag-options.js';
import { runCommand } from '../run.js';
import type { FlagCommand, InitArgs } from './init.js';

function common<T>(y: Argv<T>): Argv<T & InitArgs> {
  return withExecutionFlags(withScopeFlags(y))
    .option('yes', { type: 'boolean', alias: 'auto-approve', description: 'Do not ask; never implies consent to replace data (that is --drop-existing)' })
    .option('drop-existing', { type: 'boolean', alias: 'allow-destroy', description: 'Consent to replace non-empty target tables and databases, and to re-synchronise' })
    .option('resume', { type: 'boolean', description: 'Resume an interrupted run (default); --no-resume copies everything again from the start' })
    .option('emit-spec', { type: 'string', description: 'Also write the equivalent YAML spec to FILE (no password in it), to move to plan/apply' })
    .option('lock-timeout', { type: 'string', description: 'How long to wait for a state lock held by another run (30s, 5m)', default: DEFAULT_LOCK_TIMEOUT })
    .option('slot-timeout', { type: 'string', description: 'How long making a slot may wait for open source transactions (30s, 5m)' })
    .option('workers', { type: 'number', description: 'Parallel COPY workers per database (default 2)' }) as Argv<T & InitArgs>;
}

function handler(command: FlagCommand) {
  return (args: InitArgs): Promise<void> =>
    runCommand(async () => {
      const { runFlagApply, processInitIo } = await import('./init.js');
      return runFlagApply(command, args, processInitIo());
    });
}

export const initCommand: CommandModule<object, InitArgs> = {
  command: 'init',
  describe: 'The old tool\'s init: copy schema and rows from --source to --target, then keep them in sync (--no-sync: copy only)',
  builder: (y) =>
    common(y)
      .option('sync', { type: 'boolean', description: 'Stream changes after the copy (default); --no-sync copies once' })
      .example('$0 init --source "$SRC" --target "$TGT" --yes', 'Copy and sync the source URL\'s database')
      .example('$0 init --source "$SRC" --target "$TGT" --include-databases "app,analytics" --time-filter "app.events:created_at:6 months" --yes', 'Selected databases, recent events only')
      .example('$0 init --source "$SRC" --target "$TGT" --config replication.toml --emit-spec pgrepl.yaml', 'The old TOML rules, and the spec to move to plan/apply'),
  handler: handler('init'),
};

export const syncCommand: CommandModule<object, InitArgs> = {
  command: 'sync',
  describe: 'The old tool\'s sync: continuous replication from --source to --target (after init: nothing new to do)',
  builder: (y) =>
    common(y)
      .example('$0 sync --source "$SRC" --target "$TGT"', 'Stream the databases init copied, with the scope init used')
      .example('$0 sync --source "$SRC" --target "$TGT" --drop-existing', 'After init --no-sync: copy again inside the slot\'s snapshot, then stream'),
  handler: handler('sync'),
};
