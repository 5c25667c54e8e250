// `pgrepl demo`: the whole job on two throwaway local PostgreSQL servers, for a first look. Thin: flags in, the
// demo library runs the real CLI step by step and cleans up, the exit code comes back.
import type { CommandModule } from 'yargs';
import { runDemo } from '../../demo/run-demo.js';
import { defaultCliEntry } from '../../demo/run-cli.js';
import { chalk } from '../output.js';
import { printError, runCommand } from '../run.js';

export interface DemoArgs {
  keep?: boolean;
  'bin-dir'?: string;
  color?: boolean;
}

/** The first word of each registered command (`force-unlock <id>` -> `force-unlock`). */
async function registeredCommands(): Promise<ReadonlySet<string>> {
  // Imported when the demo runs, not at load: index.ts imports this module.
  const { commands } = await import('./index.js');
  const names = commands.map((c) => (Array.isArray(c.command) ? c.command[0] : c.command)).filter((c): c is string => typeof c === 'string');
  return new Set(names.map((c) => c.split(' ')[0] ?? c));
}

export const demoCommand: CommandModule<object, DemoArgs> = {
  command: 'demo',
  describe: 'Try pgrepl on two throwaway local PostgreSQL servers with a sample database (needs no setup)',
  builder: (y) =>
    y
      .option('keep', {
        type: 'boolean',
        default: false,
        description: 'Leave both servers running afterwards and print their URLs and how to stop them',
      })
      .option('bin-dir', {
        type: 'string',
        description: "PostgreSQL server programs (initdb, pg_ctl, postgres) to use; default: the machine's PostgreSQL, else the npm-packaged binaries",
      })
      .example('$0 demo', 'Start two servers, copy a sample database with validate, plan and apply, then clean up')
      .example('$0 demo --keep', 'The same, and keep the servers to try more commands on')
      .example('$0 demo --bin-dir /usr/lib/postgresql/17/bin', 'Use a particular PostgreSQL installation')
      .epilog(
        'Everything lives in one temporary directory ($TMPDIR/pgrepl-demo-*): both servers, the spec and the state. ' +
          'It is removed at the end, also after a failure or Ctrl-C (unless --keep). The exit code is 0 when every step succeeded.',
      ),
  handler: (args) =>
    runCommand(async () =>
      runDemo({
        keep: args.keep === true,
        ...(args['bin-dir'] === undefined ? {} : { binDir: args['bin-dir'] }),
        colour: args.color !== false && chalk.level > 0,
        cliEntry: defaultCliEntry(),
        availableCommands: await registeredCommands(),
        out: (text) => process.stdout.write(text),
        reportError: printError,
      }),
    ),
};
