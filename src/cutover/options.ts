// The cutover's settings: the spec's `cutover:` block with the command-line flags laid over it (a flag wins). Pure,
// so every combination is unit-tested; the CLI turns the InputError into printed diagnostics and exit 1.
import type { CutoverSpec, LagLimit } from '../spec/model.js';
import { parseLagLimit } from '../spec/lag-limit.js';
import { InputError, type Diagnostic } from '../util/errors.js';

export type FenceMode = CutoverSpec['fence'];
export type AfterAction = CutoverSpec['after'];

export interface CutoverOptions {
  readonly fence: FenceMode;
  readonly fenceRoles: readonly string[];
  readonly maxLag: LagLimit | null;
  readonly sequenceMargin: number;
  readonly after: AfterAction;
  /** How long each wait (tables ready and lag, then the slot passing L) may take. */
  readonly timeoutMs: number;
}

export interface CutoverFlags {
  readonly maxLag?: string;
  /** `--fence`: fence with the spec's mode, or `read-only` when the spec says none. */
  readonly fence?: boolean;
  readonly sequenceMargin?: number;
  readonly after?: string;
  readonly timeout?: string;
}

export const DEFAULT_CUTOVER_TIMEOUT = '10m';
const AFTER: readonly AfterAction[] = ['keep', 'disable', 'drop'];

export function resolveCutoverOptions(spec: CutoverSpec, flags: CutoverFlags): CutoverOptions {
  const problems: Diagnostic[] = [];
  const error = (message: string): void => void problems.push({ severity: 'error', message });

  let maxLag = spec.maxLagLimit;
  if (flags.maxLag !== undefined) {
    maxLag = parseLagLimit(flags.maxLag);
    if (maxLag === null) error(`--max-lag ${JSON.stringify(flags.maxLag)} is neither a duration (30s, 5m) nor a size (64MB)`);
  }
  const timeoutText = flags.timeout ?? DEFAULT_CUTOVER_TIMEOUT;
  const timeout = parseLagLimit(timeoutText);
  if (timeout === null || timeout.kind !== 'time') error(`--timeout ${JSON.stringify(timeoutText)} is not a duration (30s, 10m, 1h)`);

  const margin = flags.sequenceMargin ?? spec.sequenceMargin;
  if (!Number.isSafeInteger(margin) || margin < 0) error(`--sequence-margin must be a whole number from 0, not ${String(margin)}`);

  const after = (flags.after ?? spec.after) as AfterAction;
  if (!AFTER.includes(after)) error(`--after must be keep, disable or drop, not ${JSON.stringify(flags.after)}`);

  // `--fence` asks for a fence the spec did not configure: read-only is the milder mode (sessions end, the roles
  // may log in again but cannot write). Either way the roles come from the spec: a fence names whom it stops.
  const fence: FenceMode = flags.fence === true && spec.fence === 'none' ? 'read-only' : flags.fence === false ? 'none' : spec.fence;
  if (fence !== 'none' && spec.fenceRoles.length === 0) {
    error('--fence needs cutover.fence_roles in the spec: the source roles whose writes to stop');
  }
  if (problems.length > 0) throw new InputError('invalid cutover options', problems);
  return {
    fence,
    fenceRoles: spec.fenceRoles,
    maxLag,
    sequenceMargin: margin,
    after,
    timeoutMs: timeout?.kind === 'time' ? timeout.milliseconds : 0,
  };
}
