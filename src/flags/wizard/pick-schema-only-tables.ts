// Step 2b: of the tables still in, which get their definition but no rows (the old tool's `schema_only`).
import { checkbox } from '@inquirer/prompts';
import type { CatalogTable } from '../types.js';
import { ask, promptContext } from './prompt-context.js';
import { tableLabel } from './table-label.js';
import type { PickerIo } from './types.js';

const PAGE_SIZE = 15;

export async function pickSchemaOnlyTables(database: string, tables: readonly CatalogTable[], io: PickerIo): Promise<readonly CatalogTable[]> {
  return ask(
    checkbox(
      {
        message: `Tables of '${database}' to copy as SCHEMA ONLY, without rows (none ticked = copy all rows)`,
        choices: tables.map((t) => ({ value: t, name: tableLabel(t) })),
        pageSize: PAGE_SIZE,
        loop: false,
      },
      promptContext(io),
    ),
  );
}
