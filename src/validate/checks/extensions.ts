// Every extension a selected source database uses must be installable on the target (pg_available_extensions),
// ideally in the source's version: the schema copy runs CREATE EXTENSION.
import type { DatabaseCatalog, ServerFacts } from '../../pg/catalog/validate/types.js';
import { fail, ok, skip, warn, type CheckResult } from '../result.js';
import { databaseSubject, major, quoteIdent } from '../subjects.js';

export function checkExtensions(catalog: DatabaseCatalog, target: ServerFacts | null): CheckResult[] {
  const id = 'target.extensions';
  const subject = databaseSubject(catalog.database);
  if (!target) return [skip(id, 'the target is unreachable', { subject })];
  const out: CheckResult[] = [];
  for (const ext of catalog.extensions) {
    const avail = target.availableExtensions.find((a) => a.name === ext.name);
    if (!avail) {
      out.push(
        fail(id, `extension ${ext.name} ${ext.version} (used in ${catalog.database}) is not available on the target`, {
          subject,
          fix: [
            `-- install the package that provides ${ext.name} on the target server (Debian/Ubuntu: postgresql-${major(target.versionNum)}-${ext.name.replaceAll('_', '-')} or postgresql-contrib),`,
            `-- or on a managed service enable it in its extension allow-list; then this works: CREATE EXTENSION ${quoteIdent(ext.name)};`,
          ],
          details: { extension: ext.name, version: ext.version },
        }),
      );
    } else if (!avail.versions.includes(ext.version)) {
      out.push(
        warn(
          id,
          `extension ${ext.name} is ${ext.version} on the source; the target offers ${avail.versions.join(', ')} (default ${avail.defaultVersion ?? '-'}), so it gets another version`,
          { subject, details: { extension: ext.name, version: ext.version, available: avail.versions } },
        ),
      );
    }
  }
  if (out.length === 0) {
    const n = catalog.extensions.length;
    const what = n === 1 ? 'the extension' : `all ${n} extensions`;
    out.push(ok(id, `${what} of ${catalog.database} ${n === 1 ? 'is' : 'are'} available on the target in the source's version`, { subject }));
  }
  return out;
}
