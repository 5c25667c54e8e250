// The yargs definition of `pgrepl plan`: flags, help and examples only. The body (plan.ts, which loads the spec
// validator, introspection and the planner) is imported when the command runs.
import type { CommandModule } from 'yargs';
import { DEFAULT_SPEC_FILE } from '../defaults.js';
import { runCommand } from '../run.js';
import type { PlanArgs } from './plan.js';

export const planCommand: CommandModule<object, PlanArgs> = {
  command: 'plan',
  describe: 'Show what apply would change (reads both servers, changes nothing)',
  builder: (y) =>
    y
      .option('spec', { type: 'string', description: `Replication spec (YAML); default ${DEFAULT_SPEC_FILE}` })
      .option('out', { type: 'string', description: 'Save the plan to this file, for `pgrepl apply FILE`' })
      .option('json', { type: 'boolean', description: 'Print the plan as JSON, nothing else on stdout' })
      .option('detailed-exitcode', { type: 'boolean', description: 'Exit 0 with no changes, 2 with changes (1 on error)' })
      .option('destroy', { type: 'boolean', description: 'Plan to remove what the state records (databases, tables, rows pgrepl made)' })
      .option('refresh-windows', { type: 'boolean', description: 'Re-anchor every time window (last: …) at the source\'s now()' })
      .option('replace', { type: 'string', array: true, description: 'Copy this data again: a target.rows… or target.largeobjects… address from the plan (repeatable)' })
      .option('check-ddl', { type: 'boolean', description: 'Run the plan\'s target DDL inside BEGIN … ROLLBACK to catch what the server would refuse' })
      .example('$0 plan', 'Show the changes for ./pgrepl.yaml')
      .example('$0 plan --out plan.json && $0 apply plan.json', 'Review a plan, then apply exactly it')
      .example('$0 plan --replace target.rows.shop.public.orders', 'Copy one table\'s rows again (after verify found them different)')
      .example('$0 plan --detailed-exitcode', 'Drift check in CI: exit 2 when the target differs'),
  handler: (args) =>
    runCommand(async () => {
      const { runPlan, processIo } = await import('./plan.js');
      return runPlan(args, processIo());
    }),
};
