// Step 2c: tables that keep only recent rows. Offered only for tables that have a date/timestamp column; for
// each ticked table the column (asked only when there is more than one) and the window (`90 days`).
import { checkbox, input, select } from '@inquirer/prompts';
import { parseTimeWindow, WINDOW_UNITS } from '../../spec/time-window.js';
import type { CatalogTable, ExactTable } from '../types.js';
import { ask, promptContext } from './prompt-context.js';
import { exact, tableLabel, tableName } from './table-label.js';
import type { PickerIo } from './types.js';

const PAGE_SIZE = 15;
const DEFAULT_WINDOW = '90 days';

export type PickedTimeFilter = ExactTable & { readonly column: string; readonly last: string };

export async function pickTimeFilters(database: string, tables: readonly CatalogTable[], io: PickerIo): Promise<readonly PickedTimeFilter[]> {
  const candidates = tables.filter((t) => t.timeColumns.length > 0);
  if (candidates.length === 0) return [];
  const chosen = await ask(
    checkbox(
      {
        message: `Tables of '${database}' to copy only RECENT rows of, by a time column (none ticked = all rows)`,
        choices: candidates.map((t) => ({ value: t, name: `${tableLabel(t)}: ${t.timeColumns.join(', ')}` })),
        pageSize: PAGE_SIZE,
        loop: false,
      },
      promptContext(io),
    ),
  );
  const filters: PickedTimeFilter[] = [];
  for (const t of chosen) {
    const column = await pickColumn(t, io);
    const last = await pickWindow(t, column, io);
    filters.push({ ...exact(t), column, last });
  }
  return filters;
}

async function pickColumn(t: CatalogTable, io: PickerIo): Promise<string> {
  const [only] = t.timeColumns;
  if (t.timeColumns.length === 1 && only !== undefined) return only;
  return ask(
    select(
      {
        message: `Time column of ${tableName(t)}`,
        choices: t.timeColumns.map((c) => ({ value: c, name: c })),
        pageSize: PAGE_SIZE,
        loop: false,
      },
      promptContext(io),
    ),
  );
}

async function pickWindow(t: CatalogTable, column: string, io: PickerIo): Promise<string> {
  const text = await ask(
    input(
      {
        message: `Copy rows of ${tableName(t)} whose ${column} is within the last`,
        default: DEFAULT_WINDOW,
        validate: (value) => parseTimeWindow(value) !== null || `Write a number and a unit (${WINDOW_UNITS.join(', ')}), e.g. ${DEFAULT_WINDOW}`,
      },
      promptContext(io),
    ),
  );
  // validate has accepted it, so it parses; the normalised text (`1 month`, `90 days`) goes into the spec.
  return parseTimeWindow(text)?.text ?? text;
}
