// The one wrapper that turns a command's outcome into printed diagnostics and an exit code (STYLE.md #13,
// CONTRACTS.md exit codes). Commands return their exit code (0 or 2) or throw; nothing else calls
// process.exit.
import { chalk } from './output.js';
import { InputError, PgreplError, asError, formatDiagnostic } from '../util/errors.js';
import { describeServerError } from './server-error.js';

export type CommandResult = number | void;

export async function runCommand(fn: () => Promise<CommandResult>): Promise<void> {
  try {
    const code = await fn();
    process.exitCode = typeof code === 'number' ? code : 0;
  } catch (e) {
    printError(e);
    process.exitCode = 1;
  }
}

export function printError(e: unknown): void {
  const err = asError(e);
  const lines: string[] = [];
  if (err instanceof InputError) {
    lines.push(chalk.red(`Error: ${err.message}`));
    for (const d of err.diagnostics) lines.push(formatDiagnostic(d));
  } else if (err instanceof PgreplError) {
    // A PgreplError that carries a server's fields and no hints of its own (DdlExecutionError) is shown whole.
    const described = err.hints.length === 0 ? describeServerError(err) : null;
    if (described) lines.push(chalk.red('Error: ') + described);
    else {
      lines.push(chalk.red(`Error: ${err.message}`));
      const address = addressOf(err);
      if (address !== null && !err.message.includes(address)) lines.push(`  resource: ${address}`);
      for (const h of err.hints) lines.push(`  ${h}`);
    }
  } else {
    const described = describeServerError(err);
    if (described) lines.push(chalk.red('Error: ') + described);
    else lines.push(chalk.red(`Error: ${err.message}`), ...(process.env['PGREPL_DEBUG'] ? [err.stack ?? ''] : []));
  }
  process.stderr.write(lines.join('\n') + '\n');
}

/** The resource (or object) an engine error names, so the printed error always says where it happened. */
function addressOf(err: Error): string | null {
  const address = (err as { address?: unknown }).address;
  return typeof address === 'string' && address !== '' ? address : null;
}
