// The context of a command that reads a spec: from `--spec FILE` (or ./pgrepl.yaml), or, with the old tool's
// `--source/--target` and scope flags, from those (inheriting what the last init/sync of the pair chose).
import { loadFlagContext } from '../flags/flag-context.js';
import { InputError } from '../util/errors.js';
import type { ScopeFlagArgs } from './flag-options.js';
import { loadSpecContext, type SpecContext } from './plan-session.js';

export interface CommandContextIo {
  readonly env: NodeJS.ProcessEnv;
  readonly err: (text: string) => void;
  readonly cwd?: string;
}

export function usesFlags(args: ScopeFlagArgs): boolean {
  return args.source !== undefined || args.target !== undefined;
}

export async function loadCommandContext(args: ScopeFlagArgs & { spec?: string }, command: string, io: CommandContextIo): Promise<SpecContext> {
  if (!usesFlags(args)) {
    const stray = (['config', 'include-databases', 'exclude-databases', 'include-tables', 'exclude-tables', 'schema-only-tables', 'table-filter', 'time-filter'] as const)
      .filter((k) => args[k] !== undefined && !(Array.isArray(args[k]) && args[k].length === 0));
    if (stray.length > 0) {
      throw new InputError(`${stray.map((s) => `--${s}`).join(', ')} go${stray.length === 1 ? 'es' : ''} with --source/--target`, [
        { severity: 'error', message: 'with a spec, choose databases and tables in the file' },
      ]);
    }
    return loadSpecContext(args.spec, io.env);
  }
  if (args.spec !== undefined) {
    throw new InputError('give either --spec or --source/--target, not both', [
      { severity: 'error', message: '--spec reads servers and scope from the file; --source/--target take them from flags' },
    ]);
  }
  const flag = await loadFlagContext(args, command, { env: io.env, cwd: io.cwd ?? process.cwd(), sync: null, inherit: true });
  for (const note of flag.notes) io.err(`${note}\n`);
  return flag.ctx;
}
