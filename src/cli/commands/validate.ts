// `pgrepl validate`: check both servers, roles and the spec before anything is changed. Thin: pick the spec
// (file or flags), run the library's checks, print them (human report or JSON Lines), exit 1 if any failed.
// Its yargs definition is validate-command.ts.
import { existsSync } from 'node:fs';
import { loadSpecFile } from '../../spec/load.js';
import type { Spec } from '../../spec/model.js';
import { InputError } from '../../util/errors.js';
import { exitCodeOf, renderHuman, renderJsonLines, validate } from '../../validate/index.js';
import { specFromFlags } from '../../validate/flags-spec.js';
import { chalk, symbols } from '../output.js';
import { DEFAULT_SPEC_FILE } from '../defaults.js';

export { DEFAULT_SPEC_FILE };

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
