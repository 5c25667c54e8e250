#!/usr/bin/env node
// pgrepl entry point: yargs wiring only. Each command lives in src/cli/commands/ and is thin: it parses flags,
// calls the library and returns an exit code through runCommand.
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { configureColour } from './output.js';
import { commands } from './commands/index.js';
import { readVersion } from './version.js';

const argv = hideBin(process.argv);
configureColour(argv);

// A reader that stops early (`pgrepl plan | head`) leaves the rest of the output nowhere to go: that is not an error
// of the command, which carries on (an apply must not stop half-way because its reader left) and ends with its own
// exit code, without a stack trace. Later writes to the closed stream are dropped by Node.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code !== 'EPIPE') throw e;
  });
}

const cli = yargs(argv)
  .scriptName('pgrepl')
  .usage('$0 <command> [options]\n\nDeclarative PostgreSQL-to-PostgreSQL replication.')
  .option('color', { type: 'boolean', default: true, description: 'Colour output (--no-color or NO_COLOR=1 turn it off)' })
  .strict()
  .demandCommand(1, 'Name a command: see `pgrepl --help`.')
  .recommendCommands()
  .completion('completion', 'Print a shell completion script (bash/zsh): pgrepl completion >> ~/.bashrc')
  .version(readVersion())
  .help()
  .alias('h', 'help')
  .wrap(Math.min(110, process.stdout.columns ?? 100))
  .fail((msg, err) => {
    if (err) throw err;
    process.stderr.write(`Error: ${msg}\nRun \`pgrepl --help\` for usage.\n`);
    process.exit(1);
  });

for (const command of commands) cli.command(command);

await cli.parseAsync();
