// Step 3: the summary of every choice before the confirmation. Unlike the old tool, which listed only databases
// and exclusions, it shows schema-only tables and time filters too, because they are used.
import type { ResolvedScope } from '../types.js';
import { tableName } from './table-label.js';

const RULE = '========================================';

/** Pure: the lines to print for a scope the picker built (`databases.kind` is always `only` there). */
export function formatSummary(scope: ResolvedScope, available: readonly string[]): readonly string[] {
  const chosen = scope.databases.kind === 'only' ? scope.databases.names : available.filter((d) => !(scope.databases.kind === 'all-except' && scope.databases.except.includes(d)));
  const left = available.filter((d) => !chosen.includes(d));
  const lines: string[] = [RULE, 'Replication configuration summary', RULE];
  lines.push(`Databases to replicate: ${chosen.length} of ${available.length}`);
  for (const d of chosen) lines.push(`  ✓ ${d}`);
  if (left.length > 0) lines.push(`Not replicated: ${left.join(', ')}`);
  for (const d of chosen) {
    const s = scope.perDatabase.find((p) => p.name === d);
    if (!s) {
      lines.push(`${d}: every table, all rows`);
      continue;
    }
    lines.push(`${d}:`);
    if (s.excludeTables.length > 0) {
      lines.push(`  Tables excluded: ${s.excludeTables.length}`);
      for (const t of s.excludeTables) lines.push(`    ✗ ${tableName(t)}`);
    }
    if (s.schemaOnly.length > 0) {
      lines.push(`  Schema only (no rows): ${s.schemaOnly.length}`);
      for (const t of s.schemaOnly) lines.push(`    ○ ${tableName(t)}`);
    }
    if (s.timeFilters.length > 0) {
      lines.push(`  Time filters: ${s.timeFilters.length}`);
      for (const f of s.timeFilters) lines.push(`    ◷ ${tableName(f)}: rows whose ${f.column} is within the last ${f.last}`);
    }
    if (s.excludeTables.length === 0 && s.schemaOnly.length === 0 && s.timeFilters.length === 0) lines.push('  every table, all rows');
  }
  lines.push(RULE);
  return lines;
}
