// The yargs definition of `pgrepl spec from-flags` and `pgrepl spec from-toml`: turn the old tool's flags or TOML
// into a YAML spec. The bodies (spec.ts) are imported when the command runs.
import type { CommandModule } from 'yargs';
import { withScopeFlags } from '../flag-options.js';
import { runCommand } from '../run.js';
import type { SpecArgs } from './spec.js';

const fromFlags: CommandModule<object, SpecArgs> = {
  command: 'from-flags',
  describe: 'Write the spec that init/sync with these flags would run (reads the source catalog to place tables)',
  builder: (y) =>
    withScopeFlags(y)
      .option('out', { type: 'string', description: 'Write to FILE instead of stdout' })
      .option('sync', { type: 'boolean', description: 'Continuous sync in the spec (default); --no-sync for a one-off copy' })
      .example('$0 spec from-flags --source "$SRC" --target "$TGT" --time-filter "events:created_at:6 months" --out pgrepl.yaml', ''),
  handler: (args) =>
    runCommand(async () => {
      const { runSpecFromFlags } = await import('./spec.js');
      const { processIo } = await import('./plan.js');
      return runSpecFromFlags(args, { ...processIo(), cwd: process.cwd() });
    }),
};

const fromToml: CommandModule<object, SpecArgs> = {
  command: 'from-toml <file>',
  describe: 'Convert the old tool\'s TOML config (replication.toml) into a YAML spec',
  builder: (y) =>
    y
      .positional('file', { type: 'string', description: 'The TOML file', demandOption: true })
      .option('source', { type: 'string', description: 'Source URL for the spec (default: ${SOURCE_URL}); a password in it is left out' })
      .option('target', { type: 'string', description: 'Target URL for the spec (default: ${TARGET_URL}); a password in it is left out' })
      .option('out', { type: 'string', description: 'Write to FILE instead of stdout' })
      .option('sync', { type: 'boolean', description: 'Continuous sync in the spec (default); --no-sync for a one-off copy' })
      .example('$0 spec from-toml replication.toml --out pgrepl.yaml', '') as never,
  handler: (args) =>
    runCommand(async () => {
      const { runSpecFromToml } = await import('./spec.js');
      const { processIo } = await import('./plan.js');
      return runSpecFromToml(args, processIo());
    }),
};

export const specCommand: CommandModule<object, object> = {
  command: 'spec <command>',
  describe: 'Turn the old tool\'s flags or TOML config into a YAML spec',
  builder: (y) => y.command(fromFlags).command(fromToml).demandCommand(1),
  handler: () => undefined,
};
