// `verify --json`: the report object as is (docs/verify.md documents its keys).
import type { VerifyReport } from '../../verify/types.js';

export function renderVerifyJson(report: VerifyReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
