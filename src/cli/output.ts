// Terminal output helpers shared by commands: colour policy and the symbols checks print.
import chalk from 'chalk';

/** `--no-color`, `NO_COLOR` (https://no-color.org) and non-TTY output turn colour off. */
export function configureColour(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): void {
  const noColour = argv.includes('--no-color') || (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '');
  if (noColour) chalk.level = 0;
}

export const symbols = {
  ok: () => chalk.green('✓'),
  fail: () => chalk.red('✗'),
  warn: () => chalk.yellow('!'),
  skip: () => chalk.dim('-'),
} as const;

export { chalk };
