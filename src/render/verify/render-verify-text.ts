// `pgrepl verify`'s text: per database a table of its tables (rows on each side, chunks checked, result, time), then
// a line per differing table naming the keys ("sales.orders: 3 rows differ, keys 1041, 1042, 2977; 1 row missing on
// target: 5001"), notes and errors, the schema differences, and one summary line. Rendered from the same
// VerifyReport `--json` prints. Pure.
import { largeObjectsAddress, rowsAddress } from '../../model/address.js';
import { splitQualifiedName } from '../../plan/planner/qualified-name.js';
import type { DatabaseReport, KeyValues, LargeObjectsReport, TableDifferences, TableReport, VerifyReport } from '../../verify/types.js';

const RESULT: Record<TableReport['outcome'], string> = {
  equal: 'equal',
  different: 'DIFFERENT',
  'changed-during-check': 'changed during check',
  error: 'ERROR',
};

export function formatKey(key: KeyValues): string {
  return key.length === 1 ? (key[0] as string) : `(${key.join(', ')})`;
}

const plural = (n: number, one: string, many: string): string => `${n} ${n === 1 ? one : many}`;

function keyList(keys: readonly KeyValues[], total: number): string {
  const shown = keys.map(formatKey).join(', ');
  return total > keys.length ? `${shown}, … (${total - keys.length} more)` : shown;
}

/** "3 rows differ, keys 1041, 1042, 2977; 1 row missing on target: 5001; 1 extra row on target: 7000". */
export function describeDifferences(d: TableDifferences): string {
  const counts = d.counts ?? { changed: d.changed.length, missing: d.missing.length, extra: d.extra.length };
  const parts: string[] = [];
  if (counts.changed > 0) parts.push(`${counts.changed === 1 ? '1 row differs, key' : `${counts.changed} rows differ, keys`} ${keyList(d.changed, counts.changed)}`);
  if (counts.missing > 0) parts.push(`${plural(counts.missing, 'row', 'rows')} missing on target: ${keyList(d.missing, counts.missing)}`);
  if (counts.extra > 0) parts.push(`${plural(counts.extra, 'extra row', 'extra rows')} on target: ${keyList(d.extra, counts.extra)}`);
  if (parts.length === 0) return 'the chunk hashes differ, but no single key was found to differ';
  return parts.join('; ') + (d.truncated && d.counts === undefined ? ' (more not listed)' : '');
}

function pad(cells: readonly (readonly string[])[], right: ReadonlySet<number>): string[] {
  const widths = cells[0]?.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length))) ?? [];
  return cells.map((r) => r.map((c, i) => (right.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd());
}

function tableLine(t: TableReport): string | null {
  if (t.outcome === 'error') return `${t.table}: ${t.error ?? 'could not be checked'}`;
  if (t.outcome === 'different') {
    if (t.differences === null) return `${t.table}: rows differ (source ${t.rows.source}, target ${t.rows.target} rows)`;
    return `${t.table}: ${describeDifferences(t.differences)}`;
  }
  if (t.outcome === 'changed-during-check') return `${t.table}: changed while it was checked (streaming): no verdict, not a difference`;
  return null;
}

function oidList(oids: readonly number[], total: number): string {
  return `${oids.join(', ')}${total > oids.length ? `, … (${total - oids.length} more)` : ''}`;
}

/** "large objects: 603 on the source, 603 on the target: equal (0.42 s)", or what differs. */
export function largeObjectsLine(lo: LargeObjectsReport): string {
  const head = `large objects: ${lo.count.source} on the source, ${lo.count.target} on the target`;
  if (lo.outcome === 'error') return `large objects: ERROR: ${lo.error ?? 'could not be checked'}`;
  if (lo.outcome === 'equal') return `${head}: equal (${lo.seconds.toFixed(2)} s)`;
  const parts: string[] = [];
  if (lo.counts.missing > 0) parts.push(`${lo.counts.missing} missing on target: ${oidList(lo.missing, lo.counts.missing)}`);
  if (lo.counts.changed > 0) parts.push(`${lo.counts.changed} with other data: ${oidList(lo.changed, lo.counts.changed)}`);
  if (lo.counts.extra > 0) parts.push(`${lo.counts.extra} made by pgrepl and gone from the source: ${oidList(lo.extra, lo.counts.extra)}`);
  return `${head}: DIFFERENT: ${parts.join('; ')} (${lo.seconds.toFixed(2)} s)`;
}

/** A shell word: single-quoted (addresses hold brackets and double quotes). */
const shellWord = (text: string): string => `'${text.replace(/'/g, "'\\''")}'`;

/** `pgrepl apply --replace …` for the data of this database that differs, or null when nothing does. */
export function copyAgainCommand(db: DatabaseReport): string | null {
  const addresses = db.tables.filter((t) => t.outcome === 'different').flatMap((t) => {
    const name = splitQualifiedName(t.table);
    return name === null ? [] : [rowsAddress(db.key, name.schema, name.name)];
  });
  if (db.largeObjects?.outcome === 'different') addresses.push(largeObjectsAddress(db.key));
  if (addresses.length === 0) return null;
  return `pgrepl apply ${addresses.map((a) => `--replace ${shellWord(a)}`).join(' ')} --allow-destroy`;
}

export function renderVerifyText(report: VerifyReport): string {
  const out: string[] = [];
  for (const db of report.databases) {
    out.push(`Database ${db.key}${db.targetDatabase === db.key ? '' : ` -> ${db.targetDatabase}`}`);
    if (db.tables.length === 0) out.push('  no tables with copied rows in scope');
    else {
      const rows = [['table', 'rows source', 'rows target', 'chunks', 'result', 'time']];
      for (const t of db.tables) {
        rows.push([
          t.table, String(t.rows.source), String(t.rows.target),
          t.chunks.checked === t.chunks.total ? String(t.chunks.total) : `${t.chunks.checked}/${t.chunks.total}`,
          RESULT[t.outcome], `${t.seconds.toFixed(2)}s`,
        ]);
      }
      out.push(...pad(rows, new Set([1, 2, 3, 5])).map((l) => `  ${l}`));
    }
    const lines = db.tables.flatMap((t) => {
      const line = tableLine(t);
      const notes = t.outcome === 'equal' ? [] : t.notes.map((n) => `    note: ${n}`);
      return line === null ? [] : [`  ${line}`, ...notes];
    });
    if (lines.length > 0) out.push('', ...lines);
    if (db.largeObjects !== undefined) out.push('', `  ${largeObjectsLine(db.largeObjects)}`, ...db.largeObjects.notes.map((n) => `    note: ${n}`));
    const again = copyAgainCommand(db);
    if (again !== null) out.push('', `  To copy the data that differs again: ${again}`);
    if (db.schemaDifferences.length > 0) {
      out.push('', `  Schema differences (${db.schemaDifferences.length}):`, ...db.schemaDifferences.map((l) => `    ${l}`));
    }
    out.push('');
  }
  const s = report.summary;
  const parts = [`${plural(s.tables, 'table', 'tables')} checked`, `${s.equal} equal`, `${s.different} different`];
  if (s.changedDuringCheck > 0) parts.push(`${s.changedDuringCheck} changed during check`);
  if (s.errors > 0) parts.push(`${plural(s.errors, 'error', 'errors')}`);
  parts.push(plural(s.schemaDifferences, 'schema difference', 'schema differences'));
  const objects = report.databases.flatMap((d) => (d.largeObjects === undefined ? [] : [d.largeObjects.outcome]));
  if (objects.length > 0) {
    const bad = objects.filter((o) => o !== 'equal').length;
    parts.push(bad === 0 ? 'large objects equal' : `large objects DIFFERENT or unchecked in ${plural(bad, 'database', 'databases')}`);
  }
  const sampled = report.samplePercent === null ? '' : `, sampled ${report.samplePercent}% of chunks`;
  out.push(`Verify: ${parts.join(', ')}${sampled} (${report.seconds.toFixed(2)} s).`);
  return out.join('\n') + '\n';
}
