// The same connection string pointed at another database, as text (for a spec built from the old tool's flags:
// its `--target …/shop` names the database to replicate INTO, which may not exist yet, so the target server is
// reached through `postgres` and `shop` becomes target_database). Everything else, the password included, is
// kept byte for byte; only the database part changes.
import { tokenizeKeyValue } from './parse-key-value.js';
import { urlPrefixLength } from './parse-url.js';
import { quoteConninfoValue } from './quote.js';

export function connStringWithDatabase(conninfo: string, database: string): string {
  const prefix = urlPrefixLength(conninfo);
  if (prefix > 0) {
    // scheme://authority[/database][?params][#…]: replace or add the path; a `dbname` parameter would win over it.
    const m = /^([^/?#]*)(\/[^?#]*)?(\?[^#]*)?(#.*)?$/.exec(conninfo.slice(prefix));
    if (m === null) return conninfo;
    const params = (m[3] ?? '').replace(/^\?/, '').split('&').filter((p) => p !== '' && !/^dbname=/i.test(p));
    return `${conninfo.slice(0, prefix)}${m[1] ?? ''}/${encodeURIComponent(database)}${params.length > 0 ? `?${params.join('&')}` : ''}${m[4] ?? ''}`;
  }
  const entries = tokenizeKeyValue(conninfo);
  let out = '';
  let last = 0;
  for (const e of entries) {
    if (e.key !== 'dbname') continue;
    // Drop `dbname=<value>` (from the key to the raw value's end).
    const keyStart = conninfo.lastIndexOf('dbname', e.rawStart);
    out += conninfo.slice(last, keyStart);
    last = e.rawEnd;
  }
  out += conninfo.slice(last);
  return `${out.trim()} dbname=${quoteConninfoValue(database)}`.trim();
}
