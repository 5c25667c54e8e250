// The output a command writes through (stdout, stderr, env, colour), apart from any command body so apply can take
// it without loading the plan command (and through it the planner) at start.
import { chalk } from './output.js';

export interface CommandIo {
  /** stdout. */
  readonly out: (text: string) => void;
  /** stderr. */
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
  readonly color: boolean;
}

export function processIo(): CommandIo {
  return {
    out: (text) => void process.stdout.write(text),
    err: (text) => void process.stderr.write(text),
    env: process.env,
    color: chalk.level > 0,
  };
}
