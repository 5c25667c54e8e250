// Step 1: which databases to replicate. All start selected: with no filter flag the non-interactive `init`
// copies every database, so Enter alone means the same, and the user only unticks what to leave out.
import { checkbox } from '@inquirer/prompts';
import { ask, promptContext } from './prompt-context.js';
import type { PickerIo } from './types.js';

const PAGE_SIZE = 15;

export async function pickDatabases(databases: readonly string[], io: PickerIo): Promise<readonly string[]> {
  return ask(
    checkbox(
      {
        message: 'Databases to replicate (all selected: Space unticks one, Enter confirms)',
        choices: databases.map((name) => ({ value: name, name, checked: true })),
        required: true,
        pageSize: PAGE_SIZE,
        loop: false,
      },
      promptContext(io),
    ),
  );
}
