// Normalises `pg_dump --schema-only` text for comparison: pg_dump orders objects by dependencies and then by
// OID-influenced ties, so two equivalent databases can print the same statements in a different order. Split at
// top-level ';', drop comment-only lines (TOC headers) and the `\restrict`/`\unrestrict` lines (a random key per
// run in pg_dump 15.18 unless --restrict-key), keep each statement's lines in order, sort the statements.
import { splitStatements } from './sql-statements.js';

const RESTRICT_LINE = /^\\(un)?restrict\b/;
/** A storage-parameter list as pg_dump prints reloptions: `WITH (fillfactor='70', autovacuum_enabled='false')`. */
const RELOPTIONS = /WITH \(((?:[a-z_.]+='(?:[^']|'')*')(?:, [a-z_.]+='(?:[^']|'')*')*)\)/g;

/**
 * Storage parameters in name order. pg_dump prints reloptions in the order they are stored, which is the order
 * they were written in; the order has no meaning, and the schema model keeps them sorted.
 */
function sortReloptions(statement: string): string {
  return statement.replace(RELOPTIONS, (_all, list: string) => `WITH (${list.split(', ').sort().join(', ')})`);
}

/** `CREATE POLICY … TO r1, r2 USING …`: the roles part (names, quoted or not, separated by ', '). */
const POLICY_ROLES = /^(CREATE POLICY [^]*? TO )((?:"(?:[^"]|"")*"|[a-z_][a-z0-9_$]*)(?:, (?:"(?:[^"]|"")*"|[a-z_][a-z0-9_$]*))*)(?=\s+(?:USING|WITH CHECK)\b|$)/;

/**
 * A policy's roles in name order: pg_dump lists them in pg_authid's physical order (a scan of pg_roles), which is
 * the order the roles were created on that server, not anything the policy says.
 */
function sortPolicyRoles(statement: string): string {
  return statement.replace(POLICY_ROLES, (_all, head: string, roles: string) => `${head}${roles.split(', ').sort().join(', ')}`);
}

/** The dump's statements, sorted, each with its lines in their original order. */
export function normalisePgDump(dump: string): string[] {
  return splitStatements(dump).filter((s) => !RESTRICT_LINE.test(s)).map(sortReloptions).map(sortPolicyRoles).sort();
}

export interface DumpDifference {
  /** Statements (with multiplicity) only in the first dump. */
  readonly onlyInFirst: readonly string[];
  readonly onlyInSecond: readonly string[];
}

/** Multiset difference of two normalised dumps: empty both ways when they are identical. */
export function compareNormalisedDumps(first: readonly string[], second: readonly string[]): DumpDifference {
  const counts = new Map<string, number>();
  for (const s of first) counts.set(s, (counts.get(s) ?? 0) + 1);
  const onlyInSecond: string[] = [];
  for (const s of second) {
    const n = counts.get(s) ?? 0;
    if (n > 0) counts.set(s, n - 1);
    else onlyInSecond.push(s);
  }
  const onlyInFirst = [...counts].flatMap(([s, n]) => Array.from({ length: n }, () => s));
  return { onlyInFirst: onlyInFirst.sort(), onlyInSecond: onlyInSecond.sort() };
}
