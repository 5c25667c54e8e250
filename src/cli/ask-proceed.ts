// The old tool's question before it copies: `Proceed? [y/N]`. Its users' fingers know it, so `init` and `sync`
// ask it instead of Terraform's "type yes"; destructive steps are still named one per line before it.
import { askLine } from './confirm.js';

export function proceedText(destructive: readonly string[]): string {
  const lines = [''];
  if (destructive.length > 0) {
    lines.push('These steps drop or rewrite data on the target:');
    for (const a of destructive) lines.push(`  - ${a}`);
  }
  lines.push('Proceed? [y/N]: ');
  return lines.join('\n');
}

/** True for y/yes (any case); Enter, anything else, Ctrl-D and Ctrl-C are no. */
export async function askProceed(
  destructive: readonly string[],
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<boolean> {
  return /^\s*y(es)?\s*$/i.test(await askLine(proceedText(destructive), input, output));
}
