// Step 2a: tables of one database to leave out entirely. None ticked (just Enter) copies every table.
import { checkbox } from '@inquirer/prompts';
import type { CatalogTable } from '../types.js';
import { ask, promptContext } from './prompt-context.js';
import { tableLabel } from './table-label.js';
import type { PickerIo } from './types.js';

const PAGE_SIZE = 15;

export async function pickExcludedTables(database: string, tables: readonly CatalogTable[], io: PickerIo): Promise<readonly CatalogTable[]> {
  return ask(
    checkbox(
      {
        message: `Tables of '${database}' to EXCLUDE (Space ticks, Enter confirms; none ticked = copy every table)`,
        choices: tables.map((t) => ({ value: t, name: tableLabel(t) })),
        pageSize: PAGE_SIZE,
        loop: false,
      },
      promptContext(io),
    ),
  );
}
