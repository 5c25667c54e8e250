// The closing lines of `pgrepl apply` (issue 4): what changed, what the copy moved, and where the state is.
//
//   Apply complete! 12 added, 0 changed, 0 destroyed in 8.1s
//   Copied 1.2M rows, 340 MB (42 MB/s).
//   State: /srv/pgrepl/pgrepl.state.json (serial 5)
import { Chalk } from 'chalk';
import type { ApplyResult } from '../apply/types.js';
import { formatBytes, formatRows } from './human-units.js';
import { formatElapsed, formatRate } from './progress/format-progress.js';

export interface ApplySummaryOptions {
  readonly color: boolean;
  /** The state file's path (the store's description). */
  readonly statePath: string;
  /** `Destroy complete!` after `apply --destroy`. */
  readonly destroy?: boolean;
}

export function renderApplySummary(result: Pick<ApplyResult, 'added' | 'changed' | 'destroyed' | 'rows' | 'bytes' | 'seconds' | 'state'>, opts: ApplySummaryOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const head = `${opts.destroy === true ? 'Destroy' : 'Apply'} complete! ${result.added} added, ${result.changed} changed, ${result.destroyed} destroyed in ${formatElapsed(result.seconds)}`;
  const lines = [c.green.bold(head)];
  if (result.rows > 0 || result.bytes > 0) {
    const rate = result.seconds > 0 ? ` (${formatRate(result.bytes / result.seconds)} overall)` : '';
    lines.push(`Copied ${formatRows(result.rows)}, ${formatBytes(result.bytes)}${rate}.`);
  }
  lines.push(`State: ${opts.statePath} (serial ${result.state.serial})`);
  return `${lines.join('\n')}\n`;
}
