// The interactive picker as flag-context.ts's `pick` (init, sync and validate in a terminal when nothing else
// chose the scope, as the old tool did), and the spec file the user asked it to save.
import type { CatalogView, ResolvedScope } from '../flags/types.js';
import { runPicker } from '../flags/wizard/run-picker.js';
import { InputError } from '../util/errors.js';
import { hasScopeFlag, type ExecutionFlagArgs, type ScopeFlagArgs } from './flag-options.js';

export interface PickerStreams {
  readonly input: NodeJS.ReadableStream;
  readonly output: NodeJS.WritableStream;
}

export interface Picker {
  readonly pick: (catalog: CatalogView) => Promise<ResolvedScope>;
  /** Where the user asked to save the spec (after pick ran), or null. */
  readonly saveSpecTo: () => string | null;
}

/** stdin and stdout of this process when both are terminals. */
export function terminalStreams(): PickerStreams | null {
  return process.stdin.isTTY === true && process.stdout.isTTY === true ? { input: process.stdin, output: process.stdout } : null;
}

/** The picker, when it is to run: a terminal, no scope flag or --config, no --yes, no --no-interactive. */
export function pickerFor(command: string, args: ScopeFlagArgs & ExecutionFlagArgs & { yes?: boolean }, streams: PickerStreams | null): Picker | null {
  if (streams === null || args.interactive === false || args.yes === true || hasScopeFlag(args)) return null;
  let saved: string | null = null;
  return {
    pick: async (catalog) => {
      const result = await runPicker(catalog, { input: streams.input, output: streams.output });
      if (result === null) throw new InputError(`${command} cancelled: nothing was changed`, []);
      saved = result.saveSpecTo;
      return result.scope;
    },
    saveSpecTo: () => saved,
  };
}
