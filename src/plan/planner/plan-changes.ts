// The planner: desired (Spec) against actual (ActualState) and recorded (StateDocument) -> Plan. Pure: no I/O, so it
// runs on JSON fixtures in unit tests. Steps come in the order apply runs them: roles the copied schemas need, then
// per database its own step, the schema changes (deletes first, then dependency order) and the rows to copy, then
// the forgetting of state records the spec no longer asks for. `--destroy` plans the removal of what the state
// records instead (destroy.ts).
import { databaseAddress } from '../../model/address.js';
import type { RoleInfo } from '../../model/schema.js';
import { selectDatabases } from '../../spec/select-databases.js';
import type { Diagnostic } from '../../util/errors.js';
import { buildPlan } from '../build-plan.js';
import type { Plan, PlanDatabase, PlanStep } from '../types.js';
import { planDatabase, scopeDatabase, type DatabaseScope } from './database-plan.js';
import { planDestroy } from './destroy.js';
import { planRoleSteps } from './role-steps.js';
import { rolesUsed } from './roles-used.js';
import { databaseKeyOf, databaseRecord, resources } from './state-records.js';
import { syncRecords } from './sync-records.js';
import { destroySyncSteps } from './sync-steps.js';
import { throughputOf } from './throughput.js';
import { canonicalAddresses, unknownReplacements } from './replace.js';
import type { PlanInput } from './types.js';

export function planChanges(input: PlanInput): Plan {
  if (input.options.destroy) return planDestroy(input);
  const { spec, actual, state } = input;
  const diagnostics: Diagnostic[] = [...actual.diagnostics];
  const choice = selectDatabases(spec, actual.source.databases.map((d) => d.name));
  const actualByKey = new Map(actual.databases.map((d) => [d.key, d]));

  const scopes: DatabaseScope[] = [];
  for (const db of choice.databases) {
    const a = actualByKey.get(db.key);
    if (a?.source == null) continue;
    const scope = scopeDatabase(db, a, a.source.model);
    diagnostics.push(...scope.diagnostics);
    scopes.push(scope);
  }

  const needed: RoleInfo[] = scopes.filter((s) => s.db.roles === 'copy')
    .flatMap((s) => rolesUsed(s.desired, s.db.largeObjects ? s.actual.source?.largeObjectFacts?.roles ?? [] : []));
  const roles = planRoleSteps(needed, actual.target);
  diagnostics.push(...roles.warnings);

  const throughput = throughputOf(state, actual.sampledThroughput);
  const steps: Omit<PlanStep, 'index'>[] = [...roles.steps];
  const desiredRows = new Set<string>();
  const replaceSet = canonicalAddresses(input.options.replace ?? []);
  for (const scope of scopes) {
    const planned = planDatabase({
      scope, target: actual.target, state, plannedRoles: roles.created, sourceRole: actual.source.user, sourceNow: actual.source.now, refreshWindows: input.options.refreshWindows, recopy: input.options.recopy === true, replace: replaceSet, throughput,
      source: actual.source, lineage: input.lineage, targetIdentity: input.targetIdentity,
      conninfo: input.subscriptionConninfo ?? { preview: 'host=source', hasPassword: false },
    });
    steps.push(...planned.steps);
    diagnostics.push(...planned.diagnostics);
    for (const a of planned.desiredRows) desiredRows.add(a);
  }

  diagnostics.push(...unknownReplacements(replaceSet, desiredRows));

  // Records the spec no longer asks for are forgotten: their rows stay on the target (dropping data is destroy's job).
  const chosen = new Set(scopes.map((s) => s.db.key));
  for (const r of [...resources(state, 'rows'), ...resources(state, 'largeobjects')]) {
    if (desiredRows.has(r.address)) continue;
    steps.push({
      address: r.address, action: 'delete', destructive: false, before: r.attributes, after: null, operations: [], sqlPreview: [],
      reason: r.kind === 'rows'
        ? 'no longer selected by the spec: pgrepl forgets these rows and leaves them on the target (plan --destroy empties them)'
        : 'large_objects is off or the database left the spec: pgrepl forgets the large objects it copied and leaves them on the target (plan --destroy unlinks them)',
    });
  }
  for (const r of resources(state, 'database')) {
    const key = databaseKeyOf(r.address);
    if (key === null || chosen.has(key)) continue;
    const rec = databaseRecord(r);
    steps.push({
      address: databaseAddress(key), action: 'delete', destructive: false, before: r.attributes, after: null, operations: [], sqlPreview: [],
      reason: `database ${key} is no longer in the spec: pgrepl forgets it and leaves ${rec?.name ?? key} on the target`,
    });
  }

  // Replication objects of a database that left the spec or turned sync off are taken apart (they would keep WAL).
  const databases: PlanDatabase[] = scopes.map((s) => ({ key: s.db.key, target: s.db.targetDatabase }));
  const syncing = new Set(scopes.filter((s) => s.db.sync).map((s) => s.db.key));
  for (const [key, records] of syncRecords(state)) {
    if (syncing.has(key)) continue;
    const target = records.subscription?.database ?? scopes.find((s) => s.db.key === key)?.db.targetDatabase ?? key;
    const live = {
      subscription: records.subscription !== undefined && (actual.databases.find((d) => d.key === key)?.target?.subscriptions.some((x) => x.name === records.subscription?.name) ?? false),
      publication: true,
    };
    steps.push(...destroySyncSteps(key, records, live).map((s) => ({ ...s, reason: `${chosen.has(key) ? 'sync is off' : 'the database left the spec'}: ${s.reason}` })));
    if (!databases.some((d) => d.key === key)) databases.push({ key, target });
  }
  return buildPlan({ basedOn: input.basedOn, databases, steps, diagnostics, now: input.now, lineage: input.lineage });
}
