// The yargs definition of `pgrepl validate`: flags, help and examples only. The body (validate.ts, which loads the
// spec validator and the checks) is imported when the command runs.
import type { CommandModule } from 'yargs';
import { DEFAULT_SPEC_FILE } from '../defaults.js';
import { withExecutionFlags, withScopeFlags } from '../flag-options.js';
import { runCommand } from '../run.js';
import type { ValidateArgs } from './validate.js';

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate',
  describe: 'Check both servers, roles and the spec before anything is changed (changes nothing)',
  builder: (y) =>
    withExecutionFlags(withScopeFlags(y))
      .option('spec', { type: 'string', description: `Replication spec (YAML); default ${DEFAULT_SPEC_FILE} when no --source/--target` })
      .option('json', { type: 'boolean', description: 'Print one JSON object per check (JSON Lines), nothing else' })
      .example('$0 validate --spec pgrepl.yaml', 'Check everything the spec needs')
      .example('$0 validate --source postgres://app@src/shop --target postgres://app@dst/shop', 'Check two servers without a spec')
      .example('$0 validate --json | jq -c \'select(.status == "fail")\'', 'Only the failed checks, as JSON'),
  handler: (args) =>
    runCommand(async () => {
      const { runValidate } = await import('./validate.js');
      return runValidate(args, (text) => process.stdout.write(text));
    }),
};
