// `plan --destroy`: remove what the state records. A database pgrepl created is dropped (its rows go with it); in a
// database that existed before, the tables pgrepl copied rows into are emptied with ONE `TRUNCATE` (never CASCADE) and
// their records forgotten. Roles pgrepl created are kept and listed: other databases may own objects through them.
// Every step that drops data is destructive (CONTRACTS.md, Consent).
import { databaseAddress, parseAddress } from '../../model/address.js';
import { countOids, intersectRanges } from '../../model/oid-ranges.js';
import { objectKey } from '../../model/object-key.js';
import { truncateTablesSql } from '../../pg/apply/rows-sql.js';
import { dropDatabaseStatement } from '../../pg/ddl/create/create-database.js';
import type { Diagnostic } from '../../util/errors.js';
import { buildPlan } from '../build-plan.js';
import type { Plan, PlanDatabase, PlanStep } from '../types.js';
import { databaseKeyOf, databaseRecord, largeObjectsRecord, resources, rowsRecord } from './state-records.js';
import { syncRecords } from './sync-records.js';
import { destroySyncSteps } from './sync-steps.js';
import type { PlanInput } from './types.js';

export function planDestroy(input: PlanInput): Plan {
  const { state, actual } = input;
  const diagnostics: Diagnostic[] = [...actual.diagnostics];
  const existing = new Set(actual.target.databases.map((d) => d.name));
  const databases = new Map<string, { name: string; created: boolean }>();
  for (const r of resources(state, 'database')) {
    const rec = databaseRecord(r);
    const key = databaseKeyOf(r.address);
    if (rec !== null && key !== null) databases.set(key, { name: rec.name, created: rec.created });
  }
  const steps: Omit<PlanStep, 'index'>[] = [];
  const byDatabase = new Map<string, { address: string; attributes: unknown; table: { schema: string; name: string } | null }[]>();
  for (const r of resources(state, 'rows')) {
    const rec = rowsRecord(r);
    const key = databaseKeyOf(r.address);
    if (key === null) continue;
    const [, schema, name] = parseAddress(r.address).segments as [string, string, string];
    const list = byDatabase.get(key) ?? [];
    list.push({ address: r.address, attributes: r.attributes, table: rec?.kind === 'table' ? { schema, name } : null });
    byDatabase.set(key, list);
    if (!databases.has(key) && rec !== null) databases.set(key, { name: rec.target_database, created: false });
  }
  const planDatabases: PlanDatabase[] = [];
  // Replication objects first: a subscription in a database keeps DROP DATABASE from running, and the target's part
  // works with the source down (the slot stays pending-delete then).
  for (const [key, records] of syncRecords(state)) {
    const target = records.subscription?.database ?? databases.get(key)?.name ?? key;
    const facts = actual.databases.find((d) => d.key === key || d.targetDatabase === target)?.target;
    const live = { subscription: records.subscription !== undefined && (facts?.subscriptions.some((s) => s.name === records.subscription?.name) ?? false), publication: true };
    steps.push(...destroySyncSteps(key, records, live));
    planDatabases.push({ key, target });
  }
  for (const [key, rows] of byDatabase) {
    const db = databases.get(key);
    const dropped = db !== undefined && db.created;
    const live = db !== undefined && existing.has(db.name);
    const facts = actual.databases.find((d) => d.key === key || (db !== undefined && d.targetDatabase === db.name))?.target?.tables ?? {};
    const tables = rows.flatMap((r) => (r.table !== null && facts[objectKey('table', r.table.schema, r.table.name)] !== undefined ? [r.table] : []));
    const truncate = !dropped && live && tables.length > 0
      ? truncateTablesSql(tables)
      : null;
    if (truncate !== null && db !== undefined && !planDatabases.some((d) => d.key === key)) planDatabases.push({ key, target: db.name });
    rows.forEach((r, i) => {
      const first = i === 0 && truncate !== null;
      steps.push({
        address: r.address, action: 'delete', destructive: r.table !== null && (first || dropped) && live, before: r.attributes, after: null,
        reason: dropped ? `database ${db.name} is dropped with everything in it` : r.table === null ? 'pgrepl forgets the sequence value it set' : 'the rows pgrepl copied are emptied',
        operations: first ? [{ type: 'sql', side: 'target', stage: 'teardown', order: 0, statements: [{ sql: truncate, transactional: true, phase: 'pre-data', object: `database:${key}`, destructive: true }] }] : [],
        sqlPreview: first ? [truncate] : [],
      });
    });
  }
  // Large objects pgrepl made in a database it keeps are unlinked (only those: the state lists their oids).
  for (const r of resources(state, 'largeobjects')) {
    const rec = largeObjectsRecord(r);
    const key = databaseKeyOf(r.address);
    if (key === null) continue;
    const name = rec?.target_database ?? databases.get(key)?.name ?? key;
    const db = databases.get(key);
    const dropped = db !== undefined && db.created && db.name === name;
    // The database the objects were copied into (the spec may name another one by now).
    const facts = actual.databases.find((d) => d.targetDatabase === name)?.target;
    const runsIn = planDatabases.find((d) => d.key === key);
    const unlink = rec === null || dropped || !existing.has(name) || (runsIn !== undefined && runsIn.target !== name) ? [] : intersectRanges(rec.oids, facts?.largeObjects ?? []);
    if (unlink.length > 0 && runsIn === undefined) planDatabases.push({ key, target: name });
    steps.push({
      address: r.address, action: 'delete', destructive: unlink.length > 0, before: r.attributes, after: null,
      reason: dropped ? `database ${name} is dropped with everything in it`
        : unlink.length > 0 ? `the ${countOids(unlink)} large object(s) pgrepl copied are unlinked`
          : existing.has(name) && (facts === undefined || (runsIn !== undefined && runsIn.target !== name))
            ? `the spec names another target database now: pgrepl forgets the large objects it copied into ${name} and leaves them there`
            : 'the large objects pgrepl copied are already gone',
      operations: unlink.length === 0 ? [] : [{ type: 'large-objects', unlink, copy: false, roles: 'skip', estimate: { rows: countOids(unlink), bytes: 0, seconds: null } }],
      sqlPreview: [],
    });
  }
  for (const [key, db] of databases) {
    const live = existing.has(db.name);
    const drop = db.created && live ? dropDatabaseStatement(db.name) : null;
    steps.push({
      address: databaseAddress(key), action: 'delete', destructive: drop !== null, before: { name: db.name, created: db.created }, after: null,
      reason: drop !== null ? `pgrepl created database ${db.name}: it is dropped` : db.created ? `database ${db.name} is already gone` : `pgrepl did not create database ${db.name}: it stays, pgrepl forgets it`,
      operations: drop === null ? [] : [{ type: 'sql', side: 'target', stage: 'cluster', order: 0, statements: [drop] }],
      sqlPreview: drop === null ? [] : [drop.sql],
    });
  }
  const roles = resources(state, 'role').map((r) => parseAddress(r.address).segments[0] as string);
  if (roles.length > 0) {
    diagnostics.push({ severity: 'warning', message: `roles pgrepl created are kept (other databases may use them): ${roles.join(', ')}; drop them by hand when nothing needs them` });
  }
  return buildPlan({ basedOn: input.basedOn, databases: planDatabases, steps, diagnostics, now: input.now, lineage: input.lineage });
}
