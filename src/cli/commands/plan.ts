// `pgrepl plan`: show what apply would change (read-only on both servers). Human text, or `--json` only, and
// `--out FILE` saves the plan for `pgrepl apply FILE`. Exit codes (CONTRACTS.md): 1 when the plan has errors (or the
// job could not be done), with `--detailed-exitcode` 0 = no changes and 2 = changes, so CI can check for drift.
// Its yargs definition is plan-command.ts.
import { chmod, writeFile } from 'node:fs/promises';
import { planToJson } from '../../plan/plan-json.js';
import { renderPlanJson } from '../../render/render-plan-json.js';
import { renderPlanText } from '../../render/render-plan.js';
import { InputError } from '../../util/errors.js';
import { chalk } from '../output.js';
import { processIo, type CommandIo } from '../command-io.js';
import { checkPlanDdl, renderDdlCheck } from '../plan-check-ddl.js';
import { loadPlanMaker, loadSpecContext, planErrors, readLive } from '../plan-session.js';

export { processIo, type CommandIo };

const PLAN_FILE_MODE = 0o600;

export interface PlanArgs {
  spec?: string;
  out?: string;
  json?: boolean;
  'detailed-exitcode'?: boolean;
  destroy?: boolean;
  'refresh-windows'?: boolean;
  replace?: string[];
  'check-ddl'?: boolean;
}

/** Saves the plan JSON readable by its owner only (it names servers, roles and databases). */
export async function savePlan(file: string, json: string): Promise<void> {
  await writeFile(file, json, { mode: PLAN_FILE_MODE });
  // writeFile keeps an existing file's mode.
  await chmod(file, PLAN_FILE_MODE);
}

/** The handler's body, for tests: prints through `io` and returns the exit code. */
export async function runPlan(args: PlanArgs, io: CommandIo): Promise<number> {
  if (args.destroy === true && (args.replace ?? []).length > 0) {
    throw new InputError('invalid plan options', [{ severity: 'error', message: '--replace copies data again; --destroy removes it: use one or the other' }]);
  }
  const ctx = await loadSpecContext(args.spec, io.env);
  const planMaker = loadPlanMaker(); // loads while the servers are read
  const live = await readLive(ctx, { env: io.env, sampleThroughput: args.destroy !== true, destroy: args.destroy === true });
  const { makePlan } = await planMaker;
  const plan = makePlan(ctx, live, { destroy: args.destroy === true, refreshWindows: args['refresh-windows'] === true, replace: args.replace ?? [] }, io.env);
  // With --json stdout holds the JSON alone; everything else goes to stderr.
  const note = args.json === true ? io.err : io.out;
  io.out(args.json === true ? renderPlanJson(plan) : renderPlanText(plan, { color: io.color }));

  const errors = planErrors(plan);
  if (errors > 0) {
    io.err(`${chalk.red('Error:')} the plan has ${errors} error${errors === 1 ? '' : 's'} (listed above); nothing can be applied until ${errors === 1 ? 'it is' : 'they are'} fixed${args.out === undefined ? '' : `, so ${args.out} was not written`}.\n`);
    return 1;
  }
  if (args['check-ddl'] === true) {
    note('\n');
    note(renderDdlCheck(await checkPlanDdl(plan, live.actual, ctx.target, io.env)));
  }
  if (args.out !== undefined) {
    await savePlan(args.out, planToJson(plan));
    note(plan.steps.length === 0
      ? `\nSaved the plan to ${args.out}; it has no changes.\n`
      : `\nSaved the plan to ${args.out}. To make exactly these changes, run:\n    pgrepl apply ${args.out}\n`);
  }
  if (args['detailed-exitcode'] === true) return plan.steps.length > 0 ? 2 : 0;
  return 0;
}
