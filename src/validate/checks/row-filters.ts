// Row filters that will be streamed: a PostgreSQL 15+ source, accepted by PostgreSQL itself (the probe
// publication), and reading only replica-identity columns when UPDATE or DELETE are published, since PostgreSQL
// checks that only when the source's own UPDATEs run, and fails them. A time window on another column is not an
// error: it filters the copy and the table streams unfiltered.
import type { FilterProbeResult, RelationFacts } from '../../pg/catalog/validate/types.js';
import { filterKey, resolveFilters, ROW_FILTER_MIN_VERSION_NUM, type ResolvedFilter } from '../filter-plan.js';
import { fail, ok, skip, warn, type CheckResult } from '../result.js';
import type { DatabaseScope } from '../scope.js';
import { major, quoteQualified } from '../subjects.js';
import { identityColumns, publishesChanges } from './replica-identity.js';

function describe(f: ResolvedFilter): string {
  const t = `${f.spec.schema}.${f.spec.table}`;
  return f.kind === 'where' ? `the filter on ${t}` : `the time window on ${t}.${f.spec.column} (last ${f.spec.last.text})`;
}

function refusalHints(f: ResolvedFilter, message: string, detail: string | undefined): string[] {
  const text = `${message} ${detail ?? ''}`;
  const hints: string[] = [];
  if (f.kind === 'where' && /mutable functions/i.test(text) && /\b(now|current_date|current_timestamp|localtimestamp|clock_timestamp|statement_timestamp)\b/i.test(f.spec.where)) {
    hints.push('-- a window relative to now: use time_filters ({ column, last: 90 days }); pgrepl renders it as a literal in the column\'s type');
  }
  if (/User-defined types/i.test(text)) {
    hints.push('-- a streamed filter may compare only columns of built-in types (an enum column is refused, also cast to text)');
  }
  if (/Only columns, constants, built-in operators/i.test(text) || /User-defined or built-in mutable functions/i.test(text)) {
    hints.push('-- a streamed filter may use only built-in types, operators and immutable built-in functions, no subqueries');
    hints.push('-- (comparing a date column with a timestamptz value is STABLE: cast the value to the column\'s type)');
  }
  if (f.table.mode === 'stream') hints.push('-- or copy this database without streaming (sync: false): a copy-only filter may use any SQL');
  return hints;
}

function outsideIdentity(rels: readonly RelationFacts[], columns: readonly string[]): { rel: RelationFacts; identity: readonly string[]; outside: string[] }[] {
  const out: { rel: RelationFacts; identity: readonly string[]; outside: string[] }[] = [];
  for (const rel of rels) {
    const identity = identityColumns(rel);
    if (identity === 'all' || identity === null) continue; // no identity at all: tables.replica_identity reports it
    const outside = columns.filter((c) => !identity.includes(c));
    if (outside.length > 0) out.push({ rel, identity, outside });
  }
  return out;
}

function checkIdentityRule(f: ResolvedFilter, probe: FilterProbeResult & { ok: true }, scope: DatabaseScope): CheckResult {
  const id = 'filters.replica_identity';
  const subject = f.table.subject;
  if (!publishesChanges(scope.db.publish)) {
    return ok(id, `${describe(f)} may read any column: UPDATE and DELETE are not published`, { subject });
  }
  const rels = [f.table.rel, ...f.table.leaves];
  const without = rels.find((rel) => identityColumns(rel) === null);
  if (without) {
    return skip(id, `${describe(f)} cannot be judged yet: ${without.schema}.${without.name} has no replica identity (see tables.replica_identity)`, { subject });
  }
  const bad = outsideIdentity(rels, probe.columns);
  if (bad.length === 0) {
    return ok(id, `${describe(f)} reads only replica-identity columns (${probe.columns.join(', ') || 'none'})`, { subject });
  }
  const first = bad[0] as { rel: RelationFacts; identity: readonly string[]; outside: string[] };
  const where = first.rel === f.table.rel ? '' : ` of partition ${first.rel.schema}.${first.rel.name}`;
  const details = { columns: probe.columns, identity: first.identity, outside: first.outside, expression: probe.expression };
  if (f.kind === 'window') {
    return warn(
      id,
      `${describe(f)} reads ${first.outside.join(', ')}, outside the replica identity${where} (${first.identity.join(', ') || 'none'}): ` +
        'the window filters the copy only and the table streams unfiltered (new rows fall inside the window anyway; ' +
        'updates and deletes of older rows find nothing on the target)',
      { subject, details },
    );
  }
  const q = quoteQualified(first.rel.schema, first.rel.name);
  const fullOk = first.rel.columns.every((c) => c.hasEquality);
  return fail(
    id,
    `${describe(f)} reads ${first.outside.join(', ')}, outside the replica identity${where} (${first.identity.join(', ') || 'none'}): ` +
      'PostgreSQL accepts such a publication, then fails every UPDATE and DELETE on the table on the source',
    {
      subject,
      fix: [
        '-- filter on replica-identity columns only, or:',
        ...(fullOk ? [`ALTER TABLE ${q} REPLICA IDENTITY FULL;  -- writes whole old rows to WAL`] : []),
        '-- or publish only inserts for this database: publish: [insert]',
        '-- or copy without streaming: sync: false',
      ],
      details,
    },
  );
}

export function checkRowFilters(scope: DatabaseScope, sourceVersionNum: number, probes: readonly FilterProbeResult[]): CheckResult[] {
  const out: CheckResult[] = [];
  for (const f of resolveFilters(scope)) {
    const subject = f.table.subject;
    const streamed = f.table.mode === 'stream';
    if (streamed && sourceVersionNum < ROW_FILTER_MIN_VERSION_NUM) {
      const v = major(sourceVersionNum);
      if (f.kind === 'where') {
        out.push(
          fail('filters.version', `${describe(f)} would be streamed, but row filters in publications need a PostgreSQL 15+ source (the source runs ${v}); without one every row would stream`, {
            subject,
            fix: ['-- copy this database without streaming: sync: false', '-- or remove the filter and stream the whole table', '-- or upgrade the source to PostgreSQL 15+'],
          }),
        );
        continue;
      }
      out.push(
        warn('filters.version', `${describe(f)} filters the copy only: publications take row filters from PostgreSQL 15 and the source runs ${v}, so the table streams unfiltered`, { subject }),
      );
    }
    const probe = probes.find((p) => p.key === filterKey(scope.db.key, f.spec.schema, f.spec.table, f.kind));
    if (!probe) {
      out.push(skip('filters.valid', `${describe(f)} was not probed`, { subject }));
      continue;
    }
    if (!probe.ok && probe.error.code === '42501') {
      // The probe publication needs what the real one needs (CREATE, ownership): reported by the role checks.
      out.push(skip('filters.valid', `${describe(f)} could not be probed: ${probe.error.message} (see source.role.create and source.role.ownership)`, { subject }));
      continue;
    }
    if (!probe.ok) {
      const e = probe.error;
      const by = streamed && sourceVersionNum >= ROW_FILTER_MIN_VERSION_NUM ? 'a publication' : 'a query';
      out.push(
        fail('filters.valid', `PostgreSQL refuses ${describe(f)} in ${by}: ${e.message}${e.detail ? ` (${e.detail})` : ''}`, {
          subject,
          fix: refusalHints(f, e.message, e.detail),
          details: { expression: probe.expression, ...(e.code ? { code: e.code } : {}), ...(e.detail ? { detail: e.detail } : {}) },
        }),
      );
      continue;
    }
    const how = streamed && sourceVersionNum >= ROW_FILTER_MIN_VERSION_NUM ? 'streamed' : 'copy only';
    out.push(ok('filters.valid', `${describe(f)} is accepted (${how}): ${probe.expression}`, { subject, details: { expression: probe.expression, columns: probe.columns } }));
    if (streamed && sourceVersionNum >= ROW_FILTER_MIN_VERSION_NUM) out.push(checkIdentityRule(f, probe, scope));
  }
  return out;
}
