// What the source role must be allowed to do: replicate (REPLICATION, superuser or rds_replication), publish
// (CREATE on the database, ownership of every published table), and read everything it copies (SELECT on tables,
// SELECT/USAGE on their sequences, USAGE on schemas, past row-level security, and the large objects when the spec
// copies them). Failures are per object and
// name the role, the missing right and the statement that grants it; successes are one line per database.
import type { RoleFacts, ServerFacts } from '../../pg/catalog/validate/types.js';
import type { DatabaseSpec } from '../../spec/model.js';
import { fail, ok, skip, warn, type CheckResult } from '../result.js';
import type { DatabaseScope } from '../scope.js';
import { databaseSubject, quoteIdent, quoteQualified } from '../subjects.js';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** `the table`, `all 3 tables`. */
function every(n: number, word: string): string {
  return n === 1 ? `the ${word}` : `all ${n} ${word}s`;
}

export function hasReplication(role: RoleFacts): boolean {
  return role.superuser || role.replication || role.memberOf.includes('rds_replication');
}

export function checkReplicationRole(facts: ServerFacts | null, synced: readonly DatabaseSpec[]): CheckResult {
  const id = 'source.role.replication';
  if (!facts) return skip(id, 'the source is unreachable', { subject: 'source' });
  const role = facts.role;
  if (synced.length === 0) return skip(id, 'no database is synced, so REPLICATION is not needed', { subject: 'source' });
  if (hasReplication(role)) {
    const how = role.superuser ? 'is a superuser' : role.replication ? 'has REPLICATION' : 'is a member of rds_replication';
    return ok(id, `role ${role.name} ${how}`, { subject: 'source' });
  }
  const r = quoteIdent(role.name);
  return fail(id, `role ${role.name} has no REPLICATION attribute: it cannot create replication slots`, {
    subject: 'source',
    fix: [`ALTER ROLE ${r} REPLICATION;`, `-- on Amazon RDS / Aurora: GRANT rds_replication TO ${r};`],
    details: { role: role.name },
  });
}

/** CREATE on the source database: CREATE PUBLICATION needs it. */
export function checkCreateOnDatabase(facts: ServerFacts, scope: DatabaseScope): CheckResult {
  const id = 'source.role.create';
  const key = scope.db.key;
  const subject = databaseSubject(key);
  if (!scope.tables.some((t) => t.mode === 'stream')) return skip(id, 'nothing is published from this database', { subject });
  const db = facts.databases.find((d) => d.name === key);
  if (db?.canCreate) return ok(id, `role ${facts.role.name} may create publications in ${key}`, { subject });
  return fail(id, `role ${facts.role.name} lacks CREATE on database ${key}: it cannot create the publication`, {
    subject,
    fix: [`GRANT CREATE ON DATABASE ${quoteIdent(key)} TO ${quoteIdent(facts.role.name)};`],
    details: { role: facts.role.name, database: key, privilege: 'CREATE' },
  });
}

/** Adding a table to a publication requires owning it (or the owner's privileges through membership). */
export function checkOwnership(facts: ServerFacts, scope: DatabaseScope): CheckResult[] {
  const id = 'source.role.ownership';
  const role = facts.role;
  const streamed = scope.tables.filter((t) => t.mode === 'stream');
  const subject = databaseSubject(scope.db.key);
  if (streamed.length === 0) return [skip(id, 'nothing is published from this database', { subject })];
  if (role.superuser) return [ok(id, `role ${role.name} is a superuser and may publish every table`, { subject })];
  const missing = streamed.filter((t) => !t.rel.ownedByRole);
  if (missing.length === 0) {
    return [ok(id, `role ${role.name} owns ${every(streamed.length, 'table')} to publish`, { subject })];
  }
  const r = quoteIdent(role.name);
  return missing.map((t) =>
    fail(
      id,
      `role ${role.name} does not own ${t.rel.schema}.${t.rel.name} (owner: ${t.rel.owner}); ` +
        'adding a table to a publication requires ownership',
      {
        subject: t.subject,
        fix: [
          `ALTER TABLE ${quoteQualified(t.rel.schema, t.rel.name)} OWNER TO ${r};`,
          `-- or let the role act as the owner: GRANT ${quoteIdent(t.rel.owner)} TO ${r};`,
        ],
        details: { role: role.name, owner: t.rel.owner, privilege: 'OWNER' },
      },
    ),
  );
}

/** SELECT on every selected table: COPY and pg_dump's locks need it. */
export function checkSelect(facts: ServerFacts, scope: DatabaseScope): CheckResult[] {
  const id = 'source.role.select';
  const role = facts.role;
  const subject = databaseSubject(scope.db.key);
  if (scope.tables.length === 0) return [skip(id, 'no table is selected in this database', { subject })];
  const missing = scope.tables.filter((t) => !t.rel.canSelect);
  if (missing.length === 0) {
    return [ok(id, `role ${role.name} may read ${every(scope.tables.length, 'selected table')}`, { subject })];
  }
  return missing.map((t) =>
    fail(id, `role ${role.name} lacks SELECT on ${t.rel.schema}.${t.rel.name}`, {
      subject: t.subject,
      fix: [`GRANT SELECT ON TABLE ${quoteQualified(t.rel.schema, t.rel.name)} TO ${quoteIdent(role.name)};`],
      details: { role: role.name, privilege: 'SELECT' },
    }),
  );
}

/** USAGE on every schema that holds a selected table or one of their sequences. */
export function checkSchemaUsage(facts: ServerFacts, scope: DatabaseScope): CheckResult[] {
  const id = 'source.role.schema_usage';
  const role = facts.role;
  const subject = databaseSubject(scope.db.key);
  const usage = new Map<string, boolean>();
  for (const t of scope.tables) usage.set(t.rel.schema, t.rel.schemaUsage);
  for (const s of scope.sequences) usage.set(s.schema, s.schemaUsage);
  if (usage.size === 0) return [skip(id, 'no table is selected in this database', { subject })];
  const missing = [...usage].filter(([, has]) => !has).map(([schema]) => schema);
  if (missing.length === 0) return [ok(id, `role ${role.name} may use ${every(usage.size, 'schema')} in scope`, { subject })];
  return missing.map((schema) =>
    fail(id, `role ${role.name} lacks USAGE on schema ${schema}`, {
      subject: `${subject}.${quoteIdent(schema)}`,
      fix: [`GRANT USAGE ON SCHEMA ${quoteIdent(schema)} TO ${quoteIdent(role.name)};`],
      details: { role: role.name, privilege: 'USAGE', schema },
    }),
  );
}

/** SELECT or USAGE on in-scope sequences: without it pg_sequences.last_value reads NULL, silently. */
export function checkSequences(facts: ServerFacts, scope: DatabaseScope): CheckResult[] {
  const id = 'source.role.sequences';
  const role = facts.role;
  const subject = databaseSubject(scope.db.key);
  if (scope.sequences.length === 0) return [ok(id, 'no sequences belong to the selected tables', { subject })];
  const missing = scope.sequences.filter((s) => !s.canRead);
  if (missing.length === 0) {
    return [ok(id, `role ${role.name} may read ${every(scope.sequences.length, 'sequence')} in scope`, { subject })];
  }
  return missing.map((s) =>
    fail(
      id,
      `role ${role.name} lacks SELECT on sequence ${s.schema}.${s.name}: its last_value would read as NULL ` +
        'and the target sequence could not be set at cutover',
      {
        subject: `${subject}.${quoteQualified(s.schema, s.name)}`,
        fix: [`GRANT SELECT ON SEQUENCE ${quoteQualified(s.schema, s.name)} TO ${quoteIdent(role.name)};`],
        details: { role: role.name, privilege: 'SELECT' },
      },
    ),
  );
}

/**
 * A table with row-level security shows a non-owner without BYPASSRLS only the rows its policies allow (with
 * row_security = off, an error instead); FORCE ROW LEVEL SECURITY applies to the owner too.
 */
export function checkRowSecurity(facts: ServerFacts, scope: DatabaseScope): CheckResult[] {
  const id = 'source.role.rls';
  const role = facts.role;
  const subject = databaseSubject(scope.db.key);
  const read = scope.tables.filter((t) => t.mode !== 'schema');
  const withRls = read.filter((t) => t.rel.rowSecurity);
  if (withRls.length === 0) return [ok(id, 'no copied table has row-level security', { subject })];
  if (role.superuser || role.bypassrls) {
    return [ok(id, `role ${role.name} bypasses row-level security (${plural(withRls.length, 'table')} use it)`, { subject })];
  }
  const limited = withRls.filter((t) => !t.rel.ownedByRole || t.rel.forceRowSecurity);
  if (limited.length === 0) {
    return [ok(id, `role ${role.name} owns the ${plural(withRls.length, 'table')} with row-level security`, { subject })];
  }
  const r = quoteIdent(role.name);
  return limited.map((t) => {
    const q = quoteQualified(t.rel.schema, t.rel.name);
    const fix = [`ALTER ROLE ${r} BYPASSRLS;`];
    if (t.rel.forceRowSecurity) fix.push(`-- or, if the owner may see every row: ALTER TABLE ${q} NO FORCE ROW LEVEL SECURITY;`);
    else fix.push(`-- or ALTER TABLE ${q} OWNER TO ${r};`);
    return fail(
      id,
      `${t.rel.schema}.${t.rel.name} has row-level security and role ${role.name} has no BYPASSRLS: ` +
        'the copy would get only the rows its policies allow (or fail)',
      { subject: t.subject, fix, details: { role: role.name, privilege: 'BYPASSRLS', force: t.rel.forceRowSecurity } },
    );
  });
}

/**
 * `large_objects: true`: the role must read every large object (SELECT on it, ownership through membership, superuser,
 * or lo_compat_privileges), or the copy fails half-way with 42501; plan refuses the same with the same GRANTs.
 * Off: large objects that exist are not copied, which the plan also warns about.
 */
export function checkLargeObjects(facts: ServerFacts, scope: DatabaseScope): CheckResult {
  const id = 'source.role.large_objects';
  const role = facts.role;
  const subject = databaseSubject(scope.db.key);
  const lo = scope.catalog.largeObjects;
  if (lo.count === 0) return ok(id, `database ${scope.db.key} has no large objects`, { subject });
  if (!scope.db.largeObjects) {
    return warn(id, `database ${scope.db.key} has ${plural(lo.count, 'large object')}; they are not copied (large_objects is off)`, {
      subject,
      fix: [`large_objects: true   # under databases.${scope.db.key} (or defaults) in the spec, to copy them`],
      details: { count: lo.count },
    });
  }
  if (lo.unreadable === 0) return ok(id, `role ${role.name} may read ${every(lo.count, 'large object')}`, { subject });
  const r = quoteIdent(role.name);
  return fail(id, `role ${role.name} may not read ${lo.unreadable} of the ${plural(lo.count, 'large object')} ` +
    `(e.g. oid ${lo.unreadableSample.join(', ')}): the copy would fail`, {
    subject,
    fix: [
      ...lo.unreadableSample.map((oid) => `GRANT SELECT ON LARGE OBJECT ${oid} TO ${r};`),
      ...(lo.unreadable > lo.unreadableSample.length ? [`-- and the same for the other ${lo.unreadable - lo.unreadableSample.length}, one GRANT per large object`] : []),
      '-- or connect to the source as their owner or a superuser',
    ],
    details: { role: role.name, privilege: 'SELECT', unreadable: lo.unreadable, count: lo.count },
  });
}
