// `pgrepl validate`: check both servers, roles and the spec before anything is changed. Thin: pick the spec
// (file or flags), run the library's checks, print them (human report or JSON Lines), exit 1 if any failed.
// Its yargs definition is validate-command.ts.
import { existsSync } from 'node:fs';
import { loadSpecFile } from '../../spec/load.js';
import type { Spec } from '../../spec/model.js';
import { InputError } from '../../util/errors.js';
import { exitCodeOf, renderHuman, renderJsonLines, validate } from '../../validate/index.js';
import { specFromFlags } from '../../validate/flags-spec.js';
import { loadFlagContext } from '../../flags/flag-context.js';
import { writeFile } from 'node:fs/promises';
import { emitSpecYaml } from '../../flags/emit-spec.js';
import type { ExecutionFlagArgs, ScopeFlagArgs } from '../flag-options.js';
import { pickerFor, terminalStreams } from '../picker.js';
import { serenNotice } from '../seren-notice.js';
import { chalk, symbols } from '../output.js';
import { DEFAULT_SPEC_FILE } from '../defaults.js';

export { DEFAULT_SPEC_FILE };

export interface ValidateArgs extends ScopeFlagArgs, ExecutionFlagArgs {
  spec?: string;
  json?: boolean;
}

/** Flags that name tables: the spec needs the source's catalog to resolve them (flag-context.ts). */
function namesTables(args: ValidateArgs): boolean {
  return args.config !== undefined || args['include-tables'] !== undefined || args['exclude-tables'] !== undefined ||
    args['schema-only-tables'] !== undefined || (args['table-filter']?.length ?? 0) > 0 || (args['time-filter']?.length ?? 0) > 0;
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
    if (args['include-databases'] !== undefined && args['exclude-databases'] !== undefined) {
      throw new InputError('--include-databases and --exclude-databases cannot be used together', [
        { severity: 'error', message: 'database filters are mutually exclusive: list the databases to include, or the ones to exclude' },
      ]);
    }
    // In a terminal with nothing choosing the scope, the picker chooses (the old tool's default for validate too).
    const picker = pickerFor('validate', args, terminalStreams());
    if (namesTables(args) || picker !== null) {
      // Tables are resolved against the live catalog; an unreachable source fails here, with the connection error.
      const flag = await loadFlagContext(args, 'validate', { env, cwd: process.cwd(), sync: null, inherit: true, ...(picker === null ? {} : { pick: picker.pick }) });
      for (const note of flag.notes) process.stderr.write(`${note}\n`);
      const save = picker?.saveSpecTo() ?? null;
      if (save !== null) {
        await writeFile(save, emitSpecYaml(flag.raw, { command: 'validate' }), { mode: 0o644 });
        process.stderr.write(`Wrote the chosen scope as a spec to ${save}\n`);
      }
      return flag.ctx.spec;
    }
    const include = args['include-databases']?.split(',');
    const exclude = args['exclude-databases']?.split(',');
    // Databases only: no catalog needed, so an unreachable source is reported as a failed check, not an error.
    return specFromFlags({ source: args.source, target: args.target, env, ...(include ? { includeDatabases: include } : {}), ...(exclude ? { excludeDatabases: exclude } : {}) });
  }
  const stray = (['include-databases', 'exclude-databases', 'config', 'include-tables', 'exclude-tables', 'schema-only-tables'] as const).filter((k) => args[k] !== undefined);
  if (stray.length > 0 || (args['table-filter']?.length ?? 0) > 0 || (args['time-filter']?.length ?? 0) > 0) {
    throw new InputError(`${stray.length > 0 ? stray.map((s) => `--${s}`).join(', ') : '--table-filter/--time-filter'} goes with --source/--target`, [
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
  const seren = serenNotice(args, env);
  if (seren !== null) process.stderr.write(seren);
  const spec = await loadValidateSpec(args, env);
  const results = await validate(spec, { env });
  out(args.json ? renderJsonLines(results) : renderHuman(results, symbols, { dim: chalk.dim, bold: chalk.bold }));
  return exitCodeOf(results);
}
