// `pgrepl demo`: two throwaway servers, the sample database, a spec, then the real CLI step by step (validate,
// plan, apply, the demo's own row count check, plan again), and everything taken down afterwards: on success,
// on a failed step, on an error and on Ctrl-C/SIGTERM. `--keep` leaves the servers up and says how to stop them.
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import chalk from 'chalk';
import { countRows, loadSampleDatabase, streamOneLead } from '../pg/local-server/sample-database.js';
import { SAMPLE_DATABASE, SAMPLE_TABLES } from '../pg/local-server/sample-shop.js';
import { DEMO_SPEC_FILE, DEMO_TABLE_RULES, demoSpecText } from './demo-spec.js';
import { DemoServers } from './demo-servers.js';
import { Interrupts } from './interrupts.js';
import { judgeRows, renderRowTable, type RowCount } from './row-table.js';
import { runCli } from './run-cli.js';
import { DEMO_STEPS, stepTitle, type DemoStep } from './steps.js';

export interface DemoOptions {
  readonly keep: boolean;
  readonly binDir?: string;
  readonly colour: boolean;
  /** The CLI entry the steps run (dist/cli/main.js). */
  readonly cliEntry: string;
  /** The CLI's command names; a step naming another one fails saying it is not in this build. */
  readonly availableCommands?: ReadonlySet<string>;
  readonly steps?: readonly DemoStep[];
  readonly out: (text: string) => void;
  /** Prints an error the way the CLI does (src/cli/run.ts printError). */
  readonly reportError: (error: unknown) => void;
  /** Where the npm-packaged binaries are searched from; default this module's directory. */
  readonly searchFrom?: string;
  /** Parent of the demo directory; default os.tmpdir(). */
  readonly parentDir?: string;
}

const numberFormat = new Intl.NumberFormat('en-US');

function moduleDir(): string {
  return fileURLToPath(new URL('.', import.meta.url));
}

function schemaPath(): string | undefined {
  const path = fileURLToPath(new URL('../../schemas/spec.schema.json', import.meta.url));
  return existsSync(path) ? path : undefined;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

/** Two spaces before every non-empty line. */
function indent(text: string): string {
  return text.replace(/^(?=.)/gm, '  ');
}

class StepFailed extends Error {}

export async function runDemo(opts: DemoOptions): Promise<number> {
  const started = performance.now();
  const out = opts.out;
  const header = (title: string): void => out(`\n${chalk.bold.cyan('==>')} ${chalk.bold(title)}\n`);
  const interrupts = new Interrupts((signal) => out(`\n${chalk.yellow(`${signal} received: stopping, then cleaning up…`)}\n`));
  const servers = DemoServers.create(opts.parentDir);
  // Last resort for an exit nobody planned (an uncaught error elsewhere): nothing async runs in 'exit'.
  const exitHook = (): void => servers.cleanupSync();
  process.on('exit', exitHook);
  interrupts.install();

  const checkInterrupted = (): void => {
    if (interrupts.signal !== undefined) throw new StepFailed(`interrupted by ${interrupts.signal}`);
  };

  let failure: string | undefined;
  try {
    out(chalk.bold('pgrepl demo') + ': two throwaway PostgreSQL servers, a sample database, and the whole job.\n');

    header('Starting two throwaway PostgreSQL servers');
    await servers.start({ searchFrom: opts.searchFrom ?? moduleDir(), ...(opts.binDir === undefined ? {} : { binDir: opts.binDir }) });
    const { source, target, binaries, user } = servers;
    if (!source || !target || !binaries || !user) throw new Error('servers did not start');
    const origin = { 'bin-dir': '--bin-dir', machine: "the machine's", npm: 'npm package' }[binaries.origin];
    out(`PostgreSQL ${binaries.version} (${origin}, ${binaries.binDir})${user.switchUser ? `, running as OS user ${user.name}` : ''}\n`);
    out(`  source  ${source.url()}\n  target  ${target.url()}\n`);
    checkInterrupted();

    header(`Loading the sample database ${SAMPLE_DATABASE} on the source`);
    await loadSampleDatabase(source);
    const sourceCounts = await countRows(source, SAMPLE_DATABASE, SAMPLE_TABLES);
    const total = sourceCounts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
    const schemas = new Set(SAMPLE_TABLES.map((t) => t.schema));
    out(`${schemas.size} schemas (${[...schemas].join(', ')}), ${SAMPLE_TABLES.length} tables, ${numberFormat.format(total)} rows, an enum, a view\n`);
    checkInterrupted();

    header(`Writing ${DEMO_SPEC_FILE}`);
    const path = schemaPath();
    servers.writeSpec(demoSpecText({ sourceUrl: source.url(), targetUrl: target.url(), ...(path === undefined ? {} : { schemaPath: path }) }));
    out(chalk.dim(`${servers.specPath}:\n`));
    out(indent(demoSpecText({ sourceUrl: source.url(), targetUrl: target.url() })));

    for (const step of opts.steps ?? DEMO_STEPS) {
      checkInterrupted();
      header(stepTitle(step));
      if (step.kind === 'stream') {
        const ms = await streamOneLead(source, target).catch((e: unknown) => {
          throw new StepFailed(e instanceof Error ? e.message : String(e));
        });
        out(`${chalk.green('✓')} inserted a lead on the source; the target had it ${(ms / 1000).toFixed(1)} s later\n`);
        continue;
      }
      if (step.kind === 'rows') {
        const targetCounts = await countRows(target, SAMPLE_DATABASE, SAMPLE_TABLES);
        const rows: RowCount[] = SAMPLE_TABLES.map((table, i) => {
          const rule = DEMO_TABLE_RULES.find((r) => r.table.schema === table.schema && r.table.table === table.table);
          return { table, source: sourceCounts[i] ?? null, target: targetCounts[i] ?? null, ...(rule ? { rule } : {}) };
        });
        out(renderRowTable(rows));
        const problems = judgeRows(rows);
        for (const p of problems) out(`${chalk.red('✗')} ${p}\n`);
        if (problems.length > 0) throw new StepFailed('the target does not hold what the spec asks for');
        out(`${chalk.green('✓')} the target holds what the spec asks for\n`);
        continue;
      }
      const command = step.args[0] ?? '';
      if (opts.availableCommands !== undefined && !opts.availableCommands.has(command)) {
        throw new StepFailed(`\`pgrepl ${command}\` is not in this build of pgrepl yet`);
      }
      const run = runCli(step.args, { entry: opts.cliEntry, cwd: servers.root, colour: opts.colour });
      interrupts.setChild(run.child);
      const code = await run.done;
      interrupts.setChild(undefined);
      checkInterrupted();
      if (!step.okExitCodes.includes(code)) throw new StepFailed(`\`${stepTitle(step)}\` exited with code ${code}`);
    }
  } catch (e) {
    if (e instanceof StepFailed) failure = e.message;
    else {
      opts.reportError(e);
      failure = 'the demo could not finish';
    }
  } finally {
    interrupts.setChild(undefined);
  }

  let cleanupFailed = false;
  if (opts.keep && interrupts.signal === undefined && servers.source?.running && servers.target?.running) {
    servers.release();
    header('Servers left running (--keep)');
    out(`  source  ${servers.source.url(SAMPLE_DATABASE)}\n  target  ${servers.target.url(SAMPLE_DATABASE)}\n`);
    out(`  spec    ${servers.specPath}  (run pgrepl there: cd ${servers.root})\n`);
    out('Stop them and remove everything with:\n');
    out(`  ${servers.source.stopCommand()}\n  ${servers.target.stopCommand()}\n  rm -rf ${servers.root}\n`);
  } else {
    header('Cleaning up');
    try {
      await servers.cleanup();
      out(`stopped both servers, removed ${servers.root}\n`);
    } catch (e) {
      cleanupFailed = true;
      opts.reportError(e);
    }
  }
  process.off('exit', exitHook);
  interrupts.uninstall();

  const took = seconds(performance.now() - started);
  if (failure !== undefined) {
    out(`\n${chalk.red('✗')} Demo stopped: ${failure} (after ${took}).\n`);
    return interrupts.exitCode ?? 1;
  }
  if (cleanupFailed) return 1;
  out(`\n${chalk.green('✓')} Demo complete in ${took}.\n`);
  if (!opts.keep) out(chalk.dim('Run `pgrepl demo --keep` to keep both servers and try more commands on them.\n'));
  return 0;
}
