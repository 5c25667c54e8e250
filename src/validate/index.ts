// `pgrepl validate` as a library call: gather (I/O through src/pg), then the pure checks. Changes nothing.
import type { Spec } from '../spec/model.js';
import { gatherInput, type GatherOptions } from './gather.js';
import type { CheckResult } from './result.js';
import { runChecks } from './run-checks.js';

export { exitCodeOf, type CheckResult, type CheckStatus } from './result.js';
export { renderHuman, renderJsonLines, summarize } from './render.js';

export async function validate(spec: Spec, opts: GatherOptions = {}): Promise<CheckResult[]> {
  return runChecks(await gatherInput(spec, opts));
}
