// Encodings and locales of each source database and its target database, before any copy starts: a target that
// cannot hold the source's characters fails hours into a COPY; one that sorts differently changes query results.
import type { DatabaseFacts, ServerFacts } from '../../pg/catalog/validate/types.js';
import type { DatabaseSpec } from '../../spec/model.js';
import { fail, ok, skip, warn, type CheckResult } from '../result.js';
import { databaseSubject, quoteIdent } from '../subjects.js';
import { quoteLiteral } from '../../pg/sql/quote.js';

export type EncodingVerdict = 'same' | 'unchecked-source' | 'unchecked-target' | 'converted' | 'lossy';

/** Whether text in `source` encoding fits a `target` database. */
export function encodingVerdict(source: string, target: string): EncodingVerdict {
  if (source === target) return 'same';
  if (source === 'SQL_ASCII') return 'unchecked-source';
  if (target === 'SQL_ASCII') return 'unchecked-target';
  if (target === 'UTF8') return 'converted';
  return 'lossy';
}

function createLine(db: DatabaseSpec, src: DatabaseFacts): string {
  const parts = [`CREATE DATABASE ${quoteIdent(db.targetDatabase)} ENCODING ${quoteLiteral(src.encoding)}`];
  parts.push(`LC_COLLATE ${quoteLiteral(src.collate)} LC_CTYPE ${quoteLiteral(src.ctype)}`);
  if (src.localeProvider === 'icu' && src.providerLocale) parts.push(`LOCALE_PROVIDER icu ICU_LOCALE ${quoteLiteral(src.providerLocale)}`);
  parts.push('TEMPLATE template0;');
  return parts.join(' ');
}

export function checkEncoding(source: ServerFacts, target: ServerFacts | null, db: DatabaseSpec): CheckResult {
  const id = 'databases.encoding';
  const subject = databaseSubject(db.key);
  const src = source.databases.find((d) => d.name === db.key);
  if (!src) return skip(id, `source database ${db.key} was not found`, { subject });
  if (!target) return skip(id, 'the target is unreachable', { subject });
  const tgt = target.databases.find((d) => d.name === db.targetDatabase);
  if (!tgt) {
    return ok(id, `target database ${db.targetDatabase} will be created with the source's encoding ${src.encoding}`, {
      subject,
      details: { source: src.encoding },
    });
  }
  const details = { source: src.encoding, target: tgt.encoding };
  const pair = `${src.encoding} → ${tgt.encoding}`;
  switch (encodingVerdict(src.encoding, tgt.encoding)) {
    case 'same':
      return ok(id, `both databases use ${src.encoding}`, { subject, details });
    case 'unchecked-source':
      return warn(
        id,
        `${pair}: a SQL_ASCII source stores bytes unchecked; a row with bytes that are not valid ${tgt.encoding} fails the copy`,
        { subject, details },
      );
    case 'unchecked-target':
      return warn(id, `${pair}: a SQL_ASCII target stores whatever bytes arrive, unchecked (text arrives as UTF8)`, { subject, details });
    case 'converted':
      return warn(
        id,
        `${pair}: text is converted to UTF8; bytes stored in another encoding than the ${src.encoding} the source declares become wrong characters (or invalid bytes fail the copy)`,
        { subject, details },
      );
    case 'lossy':
      return fail(id, `${pair}: the target database cannot hold every ${src.encoding} character; the first row with one fails the copy`, {
        subject,
        fix: [
          `-- use a target database in ${src.encoding} or UTF8, e.g. another target_database that pgrepl creates, or:`,
          createLine(db, src),
        ],
        details,
      });
  }
}

export function checkLocale(source: ServerFacts, target: ServerFacts | null, db: DatabaseSpec): CheckResult {
  const id = 'databases.locale';
  const subject = databaseSubject(db.key);
  const src = source.databases.find((d) => d.name === db.key);
  if (!src) return skip(id, `source database ${db.key} was not found`, { subject });
  if (!target) return skip(id, 'the target is unreachable', { subject });
  const tgt = target.databases.find((d) => d.name === db.targetDatabase);
  const srcProvider = src.localeProvider ?? 'libc';
  if (!tgt) {
    return ok(id, `target database ${db.targetDatabase} will be created with the source's locale (${srcProvider}, ${src.collate})`, { subject });
  }
  const tgtProvider = tgt.localeProvider ?? 'libc';
  const differences: string[] = [];
  if (srcProvider !== tgtProvider) differences.push(`locale provider ${srcProvider} → ${tgtProvider}`);
  if (src.collate !== tgt.collate) differences.push(`LC_COLLATE ${src.collate} → ${tgt.collate}`);
  if (src.ctype !== tgt.ctype) differences.push(`LC_CTYPE ${src.ctype} → ${tgt.ctype}`);
  if (srcProvider !== 'libc' && srcProvider === tgtProvider && src.providerLocale !== tgt.providerLocale) {
    differences.push(`${srcProvider} locale ${src.providerLocale ?? '-'} → ${tgt.providerLocale ?? '-'}`);
  }
  const details = {
    source: { provider: srcProvider, collate: src.collate, ctype: src.ctype, locale: src.providerLocale },
    target: { provider: tgtProvider, collate: tgt.collate, ctype: tgt.ctype, locale: tgt.providerLocale },
  };
  if (differences.length === 0) return ok(id, `both databases use the ${srcProvider} locale ${src.collate}`, { subject, details });
  return warn(id, `locales differ (${differences.join('; ')}): text sorts and compares differently on the target (ORDER BY, unique text keys, upper()/lower())`, {
    subject,
    details,
  });
}
