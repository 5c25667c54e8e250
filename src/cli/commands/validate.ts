// `pgrepl validate`: placeholder wiring; the checks land in src/validate/ (Foundation issue, section 6).
import type { CommandModule } from 'yargs';
import { runCommand } from '../run.js';
import { PgreplError } from '../../util/errors.js';

interface ValidateArgs {
  spec?: string;
  source?: string;
  target?: string;
  json?: boolean;
}

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate',
  describe: 'Check both servers, roles and the spec before anything is changed',
  builder: (y) =>
    y
      .option('spec', { type: 'string', description: 'Replication spec (YAML)', default: undefined })
      .option('source', { type: 'string', description: 'Source connection (URL or key=value), without a spec' })
      .option('target', { type: 'string', description: 'Target connection (URL or key=value), without a spec' })
      .option('json', { type: 'boolean', description: 'Print one JSON object per check' })
      .example('$0 validate --spec pgrepl.yaml', 'Check everything the spec needs')
      .example('$0 validate --source postgres://app@src/shop --target postgres://app@dst/shop', 'Check two servers without a spec'),
  handler: (args) =>
    runCommand(async () => {
      void args;
      throw new PgreplError('validate is not implemented yet');
    }),
};
