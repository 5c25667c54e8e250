// `--replace <address>` names copied data to copy again. Only data resources can be: a table's structure follows the
// source (the plan replaces a table when it must), roles and databases are not copies. An address this plan has no
// such resource for is an error, with the closest addresses it does have: a typo must not pass as "nothing to do".
import { formatAddress, parseAddress } from '../../model/address.js';
import type { Diagnostic } from '../../util/errors.js';
import { closeMatches } from '../../util/suggest.js';

const REPLACEABLE = new Set(['rows', 'largeobjects']);

/** The addresses as the plan writes them (`target.rows["shop"]…` and `target.rows.shop…` are one); unparsable ones as given. */
export function canonicalAddresses(addresses: readonly string[]): Set<string> {
  return new Set(addresses.map((a) => {
    try {
      return formatAddress(parseAddress(a.trim()));
    } catch {
      return a;
    }
  }));
}

/** Errors for requested addresses that are not among `desired` (the copied-data addresses this plan manages). */
export function unknownReplacements(requested: ReadonlySet<string>, desired: ReadonlySet<string>): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const address of requested) {
    if (desired.has(address)) continue;
    try {
      const parts = parseAddress(address);
      if (parts.side !== 'target' || !REPLACEABLE.has(parts.kind)) {
        out.push({
          severity: 'error',
          message: `--replace ${address}: only copied data can be copied again (target.rows.<database>.<schema>.<table> or target.largeobjects.<database>), not ${parts.side}.${parts.kind}`,
        });
        continue;
      }
    } catch (e) {
      out.push({ severity: 'error', message: `--replace ${address}: not a resource address (${e instanceof Error ? e.message : String(e)})`, hints: hintsFor(address, desired) });
      continue;
    }
    out.push({ severity: 'error', message: `--replace ${address}: the spec copies no such data`, hints: hintsFor(address, desired) });
  }
  return out;
}

function hintsFor(address: string, desired: ReadonlySet<string>): string[] {
  const close = closeMatches(address, [...desired].sort());
  return close.length > 0 ? close.map((a) => `did you mean ${a}?`) : [];
}

/** The requested `target.rows` addresses of database `dbKey`. */
export function rowsAddressesOf(dbKey: string, requested: ReadonlySet<string>): string[] {
  return [...requested].filter((a) => {
    try {
      const parts = parseAddress(a);
      return parts.side === 'target' && parts.kind === 'rows' && parts.segments[0] === dbKey;
    } catch {
      return false;
    }
  });
}
