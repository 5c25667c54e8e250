// Ctrl-C, SIGTERM and SIGHUP during the demo: remember the first signal, pass each one on to the running pgrepl
// child (its own process group, see run-cli.ts) so it cancels cleanly, and let the demo clean up and exit with
// 128 + the signal number instead of dying with its servers still running.
import type { ChildProcess } from 'node:child_process';

const HANDLED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const SIGNAL_NUMBERS: Readonly<Record<string, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };

export class Interrupts {
  private first: NodeJS.Signals | undefined;
  private child: ChildProcess | undefined;
  private readonly handler = (signal: NodeJS.Signals): void => {
    this.first ??= signal;
    this.onSignal(signal);
    const pid = this.child?.pid;
    if (pid !== undefined && this.child?.exitCode === null) {
      try { process.kill(-pid, signal); } catch { /* already gone */ }
    }
  };

  constructor(private readonly onSignal: (signal: NodeJS.Signals) => void = () => undefined) {}

  install(): void {
    for (const signal of HANDLED) process.on(signal, this.handler);
  }

  uninstall(): void {
    for (const signal of HANDLED) process.off(signal, this.handler);
  }

  /** The child that signals are passed on to (undefined when none runs). */
  setChild(child: ChildProcess | undefined): void {
    this.child = child;
  }

  get signal(): NodeJS.Signals | undefined {
    return this.first;
  }

  /** 128 + signal number once interrupted, else undefined. */
  get exitCode(): number | undefined {
    return this.first === undefined ? undefined : 128 + (SIGNAL_NUMBERS[this.first] ?? 0);
  }
}
