// The yargs definition of `pgrepl status`: flags, help and examples only. The body (status.ts, which loads the
// spec validator and the catalog readers) is imported when the command runs.
import type { CommandModule } from 'yargs';
import { DEFAULT_SPEC_FILE } from '../defaults.js';
import { withScopeFlags } from '../flag-options.js';
import { runCommand } from '../run.js';
import type { StatusArgs } from './status.js';

export const statusCommand: CommandModule<object, StatusArgs> = {
  command: 'status',
  describe: 'Show the health of continuous replication per database (exit 2 when broken or lagging)',
  builder: (y) =>
    withScopeFlags(y)
      .option('spec', { type: 'string', description: `Replication spec (YAML); default ${DEFAULT_SPEC_FILE}` })
      .option('json', { type: 'boolean', description: 'Print the report as JSON (docs/status.md), nothing else on stdout' })
      .option('watch', { type: 'number', description: 'Read again every SECONDS until Ctrl-C; exits with the last health' })
      .option('max-lag', { type: 'string', description: 'Report lagging (exit 2) beyond this: a duration (30s, 5min) compares time lag, a size (64MB) byte lag' })
      .example('$0 status', 'Health of every database of ./pgrepl.yaml')
      .example('$0 status --max-lag 30s && deploy', 'Gate a deploy on replication being healthy and under 30 s behind')
      .example('$0 status --watch 5', 'Redraw every 5 seconds'),
  handler: (args) =>
    runCommand(async () => {
      const { runStatus, statusIo } = await import('./status.js');
      return runStatus(args, statusIo());
    }),
};
