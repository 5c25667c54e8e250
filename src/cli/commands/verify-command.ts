// The yargs definition of `pgrepl verify`: flags, help and examples only. The body (verify.ts, which loads the
// planner's selection, the schema diff and the verify engine) is imported when the command runs.
import type { CommandModule } from 'yargs';
import { DEFAULT_SPEC_FILE } from '../defaults.js';
import { withScopeFlags } from '../flag-options.js';
import { runCommand } from '../run.js';
import type { VerifyArgs } from './verify.js';

export const verifyCommand: CommandModule<object, VerifyArgs> = {
  command: 'verify',
  describe: 'Compare the target\'s rows and schema with the source, in scope and under each table\'s filter (exit 2 when they differ)',
  builder: (y) =>
    withScopeFlags(y)
      .option('spec', { type: 'string', description: `Replication spec (YAML); default ${DEFAULT_SPEC_FILE}` })
      .option('json', { type: 'boolean', description: 'Print the report as JSON (docs/verify.md), nothing else on stdout' })
      .option('tables', { type: 'string', array: true, description: 'Only these tables: schema.table globs (* and ?)' })
      .option('sample', { type: 'number', description: 'Check PCT percent of each table\'s key-range chunks (whole chunks, spread evenly)' })
      .option('jobs', { type: 'number', description: 'Session pairs per database that check chunks in parallel (default 4)' })
      .example('$0 verify', 'Check every copied table of ./pgrepl.yaml and the schema in scope')
      .example('$0 verify --tables \'sales.*\' --json', 'Check the sales schema\'s tables, report as JSON')
      .example('$0 verify --sample 10 --jobs 8', 'Check a tenth of every table\'s chunks over 8 session pairs'),
  handler: (args) =>
    runCommand(async () => {
      const { runVerifyCommand, verifyIo } = await import('./verify.js');
      return runVerifyCommand(args, verifyIo());
    }),
};
