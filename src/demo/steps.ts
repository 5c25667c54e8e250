// What the demo runs after the servers and the spec are ready, in order. Each `cli` step runs the real pgrepl
// CLI as a child process, so the user sees exactly what they would see; `rows` is the demo's own check of the
// result, and `stream` writes a row on the source and waits until the subscription delivered it. Later commands
// join by adding a line.

export type DemoStep =
  | {
      readonly kind: 'cli';
      /** Arguments after `pgrepl`; the first is the command name. */
      readonly args: readonly string[];
      /** Exit codes that count as success (default: 0). */
      readonly okExitCodes: readonly number[];
    }
  | { readonly kind: 'rows'; readonly title: string }
  | { readonly kind: 'stream'; readonly title: string };

function cli(args: readonly string[], okExitCodes: readonly number[] = [0]): DemoStep {
  return { kind: 'cli', args, okExitCodes };
}

export const DEMO_STEPS: readonly DemoStep[] = [
  cli(['validate']),
  cli(['plan']),
  cli(['apply', '--auto-approve']),
  { kind: 'rows', title: 'Rows per table, source vs target (counted by the demo)' },
  { kind: 'stream', title: 'A lead inserted on the source arrives on the target (logical replication)' },
  cli(['status']),
  cli(['verify']),
  // The proof of convergence: exit code 2 would mean the plan still has changes.
  cli(['plan', '--detailed-exitcode']),
];

/** The header line of a step, without the `==>` marker. */
export function stepTitle(step: DemoStep): string {
  return step.kind === 'cli' ? `pgrepl ${step.args.join(' ')}` : step.title;
}
