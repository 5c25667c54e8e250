// The old tool's question before it copies: `Proceed? [y/N]`. Its users' fingers know it, so `init` and `sync`
// ask it instead of Terraform's "type yes"; destructive steps are still named one per line before it.
import { createInterface } from 'node:readline/promises';

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
  const rl = createInterface({ input, output, terminal: true });
  const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
  rl.once('SIGINT', () => rl.close());
  try {
    const answer = await Promise.race([rl.question(proceedText(destructive)), closed]);
    return /^\s*y(es)?\s*$/i.test(answer);
  } catch {
    return false;
  } finally {
    rl.close();
  }
}
