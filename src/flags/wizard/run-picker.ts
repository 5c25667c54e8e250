// The interactive picker (issue 7): databases, then per database the tables to exclude, schema-only tables and
// time filters, a summary of every choice, a confirmation, and an offer to save the selection as a spec. It
// only asks: the caller turns the scope into a spec, writes it if asked, and runs the same plan/apply as flags.
import { InputError } from '../../util/errors.js';
import type { CatalogView, ResolvedDatabase, ResolvedScope } from '../types.js';
import { confirmProceed } from './confirm-proceed.js';
import { formatSummary } from './format-summary.js';
import { offerSaveSpec } from './offer-save-spec.js';
import { pickDatabaseSettings } from './pick-database-settings.js';
import { pickDatabases } from './pick-databases.js';
import { say } from './prompt-context.js';
import type { PickerIo, PickerResult } from './types.js';

export type { PickerIo, PickerResult } from './types.js';

/**
 * Resolves to the user's selection, or null when they declined at `Proceed with this configuration?` (nothing is
 * done then). Ctrl-C in any prompt rejects with an InputError ("cancelled, nothing was changed").
 */
export async function runPicker(catalog: CatalogView, io: PickerIo): Promise<PickerResult | null> {
  if (catalog.databases.length === 0) {
    throw new InputError('The source has no database the picker can offer (templates are not offered).', [
      { severity: 'error', message: 'name the database in the --source URL, or create one on the source first' },
    ]);
  }
  const databases = await pickDatabases(catalog.databases, io);
  const perDatabase: ResolvedDatabase[] = [];
  for (const name of databases) {
    const settings = await pickDatabaseSettings(name, catalog, io);
    if (settings) perDatabase.push(settings);
  }
  const scope: ResolvedScope = { databases: { kind: 'only', names: [...databases] }, perDatabase, notes: [] };
  say(io, ['', ...formatSummary(scope, catalog.databases), '']);
  if (!(await confirmProceed(io))) return null;
  return { scope, saveSpecTo: await offerSaveSpec(io) };
}
