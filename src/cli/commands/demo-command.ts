// The yargs definition of `pgrepl demo`: flags, help and examples only. The body (demo.ts, which loads the demo
// library, execa and the server harness) is imported when the command runs.
import type { CommandModule } from 'yargs';
import { runCommand } from '../run.js';
import type { DemoArgs } from './demo.js';

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
    runCommand(async () => {
      const { runDemoCommand } = await import('./demo.js');
      return runDemoCommand(args);
    }),
};
