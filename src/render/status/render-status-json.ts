// `status --json`: the report object as is (docs/status.md documents its keys). Pretty for one read; one line per
// read under --watch, so a consumer can take the output line by line.
import type { StatusReport } from '../../status/types.js';

export function renderStatusJson(report: StatusReport, opts: { readonly compact?: boolean } = {}): string {
  return `${opts.compact === true ? JSON.stringify(report) : JSON.stringify(report, null, 2)}\n`;
}
