// Consent before apply changes anything (CONTRACTS.md, Consent): the decision is a pure function of the plan, the
// flags and whether a person is at a terminal, so every combination is unit-tested; the prompt itself is small.
//
// - `--auto-approve` skips the question; it never implies destruction.
// - Destructive steps need `--allow-destroy`, or a `yes` typed at the prompt that lists them by address.
// - A saved plan is never asked about (its author reviewed it when saving it), so its destructive steps need
//   `--allow-destroy` whatever the terminal.
// - Outside a terminal nobody can answer: without `--auto-approve` apply refuses rather than waits.
import { createInterface } from 'node:readline/promises';
import type { Plan } from '../plan/types.js';

export interface ConsentFlags {
  readonly autoApprove: boolean;
  readonly allowDestroy: boolean;
  /** The plan came from a file (`pgrepl apply plan.json`). */
  readonly savedPlan: boolean;
}

export type ConsentDecision =
  | { readonly kind: 'proceed' }
  /** Ask the Terraform question; `destructive` lists the addresses the question names. */
  | { readonly kind: 'ask'; readonly destructive: readonly string[] }
  | { readonly kind: 'refuse'; readonly message: string; readonly hints: readonly string[] };

function destructiveAddresses(plan: Plan): string[] {
  return plan.steps.filter((s) => s.destructive).map((s) => s.address);
}

function listed(addresses: readonly string[]): string {
  const shown = addresses.slice(0, 5).join(', ');
  return addresses.length > 5 ? `${shown} and ${addresses.length - 5} more` : shown;
}

function destructiveRefusal(addresses: readonly string[], why: string): ConsentDecision {
  const n = addresses.length;
  return {
    kind: 'refuse',
    message: `the plan has ${n} destructive step${n === 1 ? '' : 's'} (${listed(addresses)}) and ${why}`,
    hints: ['pass --allow-destroy (alias --drop-existing) to let apply drop or rewrite that data', 'nothing was changed'],
  };
}

/** What apply must do before running `plan`: go ahead, ask, or refuse with a message naming the flag that is missing. */
export function consentDecision(plan: Plan, flags: ConsentFlags, isTty: boolean): ConsentDecision {
  const destructive = destructiveAddresses(plan);
  const destroyAllowed = destructive.length === 0 || flags.allowDestroy;
  if (flags.savedPlan) {
    return destroyAllowed ? { kind: 'proceed' } : destructiveRefusal(destructive, 'a saved plan is not confirmed interactively');
  }
  if (flags.autoApprove) {
    return destroyAllowed ? { kind: 'proceed' } : destructiveRefusal(destructive, '--auto-approve does not consent to destruction');
  }
  if (isTty) return { kind: 'ask', destructive: destroyAllowed ? [] : destructive };
  return {
    kind: 'refuse',
    message: 'apply needs --auto-approve (alias --yes) when it cannot ask: stdin or stdout is not a terminal',
    hints: [
      ...(destroyAllowed ? [] : [`the plan has destructive steps (${listed(destructive)}): add --allow-destroy as well`]),
      'or save a plan with `pgrepl plan --out plan.json`, review it, and run `pgrepl apply plan.json`',
      'nothing was changed',
    ],
  };
}

/** The question, Terraform's wording; destructive steps are named one per line. */
export function confirmationText(destructive: readonly string[]): string {
  const lines = ['', 'Do you want to perform these actions?', '  pgrepl will perform the actions described above.'];
  if (destructive.length > 0) {
    lines.push('  These steps drop or rewrite data on the target:');
    for (const a of destructive) lines.push(`    - ${a}`);
  }
  lines.push("  Only 'yes' will be accepted to approve.", '', '  Enter a value: ');
  return lines.join('\n');
}

/** Asks on the terminal; true only for `yes`. End of input (Ctrl-D) or Ctrl-C at the prompt count as no. */
export async function askToApply(
  destructive: readonly string[],
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stdout,
): Promise<boolean> {
  return (await askLine(confirmationText(destructive), input, output)).trim() === 'yes';
}

/** One line typed at `question`; '' for end of input (Ctrl-D) or Ctrl-C at the prompt. */
export async function askLine(question: string, input: NodeJS.ReadableStream, output: NodeJS.WritableStream): Promise<string> {
  const rl = createInterface({ input, output, terminal: true });
  const closed = new Promise<string>((resolve) => rl.once('close', () => resolve('')));
  // Ctrl-C at the prompt: readline catches it and emits SIGINT on the interface; treat it as no answer.
  rl.once('SIGINT', () => rl.close());
  try {
    return await Promise.race([rl.question(question), closed]);
  } catch {
    return '';
  } finally {
    rl.close();
  }
}
