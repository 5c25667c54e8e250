// Step 4: the one question that decides whether anything happens. Default yes, like the old tool's `[Y/n]`:
// the user has just reviewed the summary; `init` still shows the plan and asks `Proceed? [y/N]` after this.
import { confirm } from '@inquirer/prompts';
import { ask, promptContext } from './prompt-context.js';
import type { PickerIo } from './types.js';

export async function confirmProceed(io: PickerIo): Promise<boolean> {
  return ask(confirm({ message: 'Proceed with this configuration?', default: true }, promptContext(io)));
}
