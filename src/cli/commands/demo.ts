// `pgrepl demo`: the whole job on two throwaway local PostgreSQL servers, for a first look. Thin: flags in, the
// demo library runs the real CLI step by step and cleans up, the exit code comes back. Its yargs definition is
// demo-command.ts.
import { runDemo } from '../../demo/run-demo.js';
import { defaultCliEntry } from '../../demo/run-cli.js';
import { chalk } from '../output.js';
import { printError } from '../run.js';

export interface DemoArgs {
  keep?: boolean;
  'bin-dir'?: string;
  color?: boolean;
}

/** The first word of each registered command (`force-unlock <id>` -> `force-unlock`). */
async function registeredCommands(): Promise<ReadonlySet<string>> {
  // Imported when the demo runs, not at load: index.ts lists demo-command.ts, which imports this module lazily.
  const { commands } = await import('./index.js');
  const names = commands.map((c) => (Array.isArray(c.command) ? c.command[0] : c.command)).filter((c): c is string => typeof c === 'string');
  return new Set(names.map((c) => c.split(' ')[0] ?? c));
}

/** The handler's body: runs the demo and returns its exit code. */
export async function runDemoCommand(args: DemoArgs): Promise<number> {
  return runDemo({
    keep: args.keep === true,
    ...(args['bin-dir'] === undefined ? {} : { binDir: args['bin-dir'] }),
    colour: args.color !== false && chalk.level > 0,
    cliEntry: defaultCliEntry(),
    availableCommands: await registeredCommands(),
    out: (text) => process.stdout.write(text),
    reportError: printError,
  });
}
