// One place that hands the caller's streams to @inquirer/prompts and turns Ctrl-C into a user-facing error.
import { Writable } from 'node:stream';
import { InputError } from '../../util/errors.js';
import type { PickerIo } from './types.js';

export interface PromptContext {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
  readonly clearPromptOnDone: false;
}

/**
 * A fresh context per prompt. Each inquirer prompt pipes its output through a MuteStream that it ends when the
 * prompt is done, and a legacy pipe ends its destination too unless that is process.stdout/stderr; so a
 * caller's own stream (a test's sink, a pty wrapper) is shielded by a writable that forwards writes and terminal
 * size but never ends the real one.
 */
export function promptContext(io: PickerIo): PromptContext {
  const output = io.output as NodeJS.WritableStream & { _isStdio?: boolean };
  if (output._isStdio === true) return { input: io.input, output, clearPromptOnDone: false };
  return { input: io.input, output: shieldedOutput(output), clearPromptOnDone: false };
}

function shieldedOutput(target: NodeJS.WritableStream): NodeJS.WritableStream {
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      target.write(chunk);
      callback();
    },
  });
  const sized = target as NodeJS.WritableStream & { columns?: number; rows?: number; isTTY?: boolean };
  Object.defineProperties(sink, {
    columns: { get: () => sized.columns },
    rows: { get: () => sized.rows },
    isTTY: { get: () => sized.isTTY },
  });
  return sink;
}

/** Inquirer's names for "the user left the prompt" (Ctrl-C, a closed terminal, an abort signal). */
const CANCELLED = new Set(['ExitPromptError', 'AbortPromptError', 'CancelPromptError']);

/** Runs one prompt; Ctrl-C becomes an InputError so the command exits 1 having changed nothing. */
export async function ask<T>(prompt: Promise<T>): Promise<T> {
  try {
    return await prompt;
  } catch (e) {
    if (e instanceof Error && CANCELLED.has(e.name)) {
      throw new InputError('Interactive selection cancelled: nothing was changed.', []);
    }
    throw e;
  }
}

/** Writes lines that are not prompts (the summary, notes) to the picker's output. */
export function say(io: PickerIo, lines: readonly string[]): void {
  io.output.write(lines.map((l) => `${l}\n`).join(''));
}
