// The schema part of verify: the source model cut to the scope against the target cut to the same keys, diffed the
// way the planner does (src/plan/planner/database-plan.ts), one line per object that differs. Pure.
import type { DatabaseActual, ServerActual } from '../introspect/types.js';
import { cutModel } from '../plan/planner/cut-model.js';
import type { DatabaseScope } from '../plan/planner/database-plan.js';
import { filterRuleProblems, withNotValid } from '../plan/planner/fk-filter-rule.js';
import { UnsupportedOnTargetError } from '../pg/ddl/unsupported-error.js';
import { diffSchemas } from '../schema/diff/diff-schemas.js';

export function schemaDifferences(scope: DatabaseScope, actual: DatabaseActual, target: ServerActual): string[] {
  if (actual.target === null) return [`the target database ${scope.db.targetDatabase} does not exist`];
  let desired = scope.desired;
  if (scope.db.filteredForeignKeys === 'not_valid') {
    const problems = filterRuleProblems(desired, scope.db, scope.rowsTables, scope.schemaOnly);
    if (problems.length > 0) desired = withNotValid(desired, problems.map((p) => p.fk));
  }
  try {
    const changes = diffSchemas(desired, cutModel(actual.target.model, scope.scopeKeys), {
      targetMajor: target.major,
      create: { roles: scope.db.roles, targetRole: target.user, existingRoles: target.roles, targetDatabase: scope.db.targetDatabase, targetIsSuperuser: target.superuser },
    });
    const verb = { create: 'missing on the target', delete: 'only on the target', update: 'differs', replace: 'differs (would be replaced)' } as const;
    return changes.map((c) => `${c.key.replace(/^database:.*/, `database ${scope.db.targetDatabase}`)} ${verb[c.action]}${c.reasons.length > 0 ? `: ${c.reasons.join('; ')}` : ''}`);
  } catch (e) {
    if (!(e instanceof UnsupportedOnTargetError)) throw e;
    return e.problems.map((p) => `${p.object}: ${p.message}`);
  }
}
