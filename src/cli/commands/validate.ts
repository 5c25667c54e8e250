// `pgrepl validate`: check both servers, roles and the spec before anything is changed. Thin: pick the spec
// (file or flags), run the library's checks, print them (human report or JSON Lines), exit 1 if any failed.
import { existsSync } from 'node:fs';
import type { CommandModule } from 'yargs';
import { loadSpecFile } from '../../spec/load.js';
import type { Spec } from '../../spec/model.js';
import { InputError } from '../../util/errors.js';
import { exitCodeOf, renderHuman, renderJsonLines, validate } from '../../validate/index.js';
import { specFromFlags } from '../../validate/flags-spec.js';
import { chalk, symbols } from '../output.js';
import { runCommand } from '../run.js';

export const DEFAULT_SPEC_FILE = 'pgrepl.yaml';

export interface ValidateArgs {
  spec?: string;
  source?: string;
  target?: string;
  'include-databases'?: string;
  json?: boolean;
}

export async function loadValidateSpec(args: ValidateArgs, env: NodeJS.ProcessEnv = process.env): Promise<Spec> {
  const flags = args.source !== undefined || args.target !== undefined;
  if (flags && args.spec !== undefined) {
    throw new InputError('give either --spec or --source/--target, not both', [
      { severity: 'error', message: '--spec reads servers and databases from the file; --source/--target check two servers without one' },
    ]);
  }
  if (flags) {
    if (args.source === undefined || args.target === undefined) {
      throw new InputError(`--${args.source === undefined ? 'source' : 'target'} is missing`, [
        { severity: 'error', message: 'without a spec, validate needs both --source and --target' },
      ]);
    }
    const include = args['include-databases']?.split(',');
    return specFromFlags({ source: args.source, target: args.target, env, ...(include ? { includeDatabases: include } : {}) });
  }
  if (args['include-databases'] !== undefined) {
    throw new InputError('--include-databases goes with --source/--target', [
      { severity: 'error', message: 'with a spec, choose databases in the file (databases:, include_databases:)' },
    ]);
  }
  const file = args.spec ?? DEFAULT_SPEC_FILE;
  if (args.spec === undefined && !existsSync(file)) {
    throw new InputError(`no ${DEFAULT_SPEC_FILE} in the current directory`, [
      { severity: 'error', message: 'pass --spec FILE, or --source URL --target URL to check two servers without a spec' },
    ]);
  }
  return loadSpecFile(file, env);
}

/** The handler's body, for tests: prints to `out` and returns the exit code. */
export async function runValidate(args: ValidateArgs, out: (text: string) => void, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const spec = await loadValidateSpec(args, env);
  const results = await validate(spec, { env });
  out(args.json ? renderJsonLines(results) : renderHuman(results, symbols, { dim: chalk.dim, bold: chalk.bold }));
  return exitCodeOf(results);
}

export const validateCommand: CommandModule<object, ValidateArgs> = {
  command: 'validate',
  describe: 'Check both servers, roles and the spec before anything is changed (changes nothing)',
  builder: (y) =>
    y
      .option('spec', { type: 'string', description: `Replication spec (YAML); default ${DEFAULT_SPEC_FILE} when no --source/--target` })
      .option('source', { type: 'string', description: 'Source connection (URL or key=value), without a spec' })
      .option('target', { type: 'string', description: 'Target connection (URL or key=value), without a spec' })
      .option('include-databases', {
        type: 'string',
        description: 'With --source/--target: the databases to check, comma-separated (default: the source URL\'s database, or every database when it is postgres)',
      })
      .option('json', { type: 'boolean', description: 'Print one JSON object per check (JSON Lines), nothing else' })
      .example('$0 validate --spec pgrepl.yaml', 'Check everything the spec needs')
      .example('$0 validate --source postgres://app@src/shop --target postgres://app@dst/shop', 'Check two servers without a spec')
      .example('$0 validate --json | jq -c \'select(.status == "fail")\'', 'Only the failed checks, as JSON'),
  handler: (args) => runCommand(() => runValidate(args, (text) => process.stdout.write(text))),
};
