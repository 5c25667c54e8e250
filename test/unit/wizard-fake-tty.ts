// Drives the picker's prompts the way a terminal would: keys go into a PassThrough (inquirer reads it through
// readline with `terminal: true`, like a raw TTY), everything printed lands in `text`. A step waits until its
// pattern shows up in output printed since the previous step, then types its keys one by one.
import { PassThrough } from 'node:stream';
import type { CatalogTable, CatalogView } from '../../src/flags/types.js';
import type { PickerIo } from '../../src/flags/wizard/types.js';

export const KEY = { enter: '\r', space: ' ', down: '\x1b[B', up: '\x1b[A', ctrlC: '\x03', backspace: '\x7f' } as const;

/** `n` backspaces, to clear what an input prompt kept after a failed validation. */
export function erase(n: number): readonly string[] {
  return Array.from({ length: n }, () => KEY.backspace);
}

export interface Step {
  readonly waitFor: RegExp;
  /** Keys typed one at a time (a string is one key or typed text sent whole). */
  readonly send: readonly string[] | string;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]|\x1b[78]/g;

export class FakeTty {
  readonly input = new PassThrough();
  // Wide, so inquirer does not wrap a long prompt or error line in the middle of what a step waits for.
  readonly output = Object.assign(new PassThrough(), { columns: 200, rows: 50 });
  private raw = '';
  private seen = 0;
  private listeners: (() => void)[] = [];

  constructor() {
    this.output.on('data', (chunk: Buffer) => {
      this.raw += chunk.toString('utf8');
      for (const l of this.listeners) l();
    });
  }

  /** Everything printed so far, without colours and cursor movement. */
  get text(): string {
    return this.raw.replace(ANSI, '');
  }

  io(cwd?: string): PickerIo {
    return cwd === undefined ? { input: this.input, output: this.output } : { input: this.input, output: this.output, cwd };
  }

  async run(steps: readonly Step[], timeoutMs = 3_000): Promise<void> {
    for (const step of steps) {
      await this.waitFor(step.waitFor, timeoutMs);
      const keys = typeof step.send === 'string' ? [step.send] : step.send;
      for (const k of keys) {
        this.input.write(k);
        // One key per macrotask, like a human: each keypress is rendered before the next arrives.
        await new Promise((r) => setImmediate(r));
      }
    }
  }

  private waitFor(pattern: RegExp, timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const rest = this.text.slice(this.seen);
        const m = pattern.exec(rest);
        if (!m) return false;
        this.seen += m.index + m[0].length;
        return true;
      };
      if (check()) return resolve();
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((l) => l !== listener);
        reject(new Error(`timed out waiting for ${pattern} in:\n${this.text.slice(this.seen)}`));
      }, timeoutMs);
      const listener = (): void => {
        if (!check()) return;
        clearTimeout(timer);
        this.listeners = this.listeners.filter((l) => l !== listener);
        resolve();
      };
      this.listeners.push(listener);
    });
  }
}

export function table(schema: string, name: string, estimatedRows: number, timeColumns: readonly string[] = []): CatalogTable {
  return { schema, table: name, estimatedRows, timeColumns };
}

/** An in-memory catalog; records which databases the picker asked about. */
export function fakeCatalog(tables: Readonly<Record<string, readonly CatalogTable[]>>): CatalogView & { readonly asked: string[] } {
  const asked: string[] = [];
  return {
    databases: Object.keys(tables),
    asked,
    tables: async (database) => {
      asked.push(database);
      return tables[database] ?? [];
    },
  };
}
