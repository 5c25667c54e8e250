// One plan step per schema change, in the diff's order (deletes first, then dependency order). Each step carries its
// statements as up to three `sql` operations (teardown, pre-data, post-data) ranked by executionOrder(), so the
// engine can reproduce the one order the diff prescribes while still reporting and resuming per step.
import type { DdlStatement } from '../pg/ddl/types.js';
import { executionPlan } from '../schema/diff/execution-order.js';
import type { SchemaChange } from '../schema/diff/types.js';
import { redactSql } from './redact-sql.js';
import { schemaChangeAddress } from './schema-change-address.js';
import type { PlanStep, SqlOperation } from './types.js';

export function planFromSchemaChanges(dbKey: string, changes: readonly SchemaChange[]): PlanStep[] {
  const execution = executionPlan(changes);
  const order = new Map<DdlStatement, number>();
  execution.order.forEach((s, i) => order.set(s, i));
  const rankOf = (s: DdlStatement): number => order.get(s) ?? Number.MAX_SAFE_INTEGER;

  // One operation per run of statements that are adjacent in the execution order: a change's statements are not
  // always contiguous (CREATE SEQUENCE … then, after the table, ALTER SEQUENCE … OWNED BY), and an operation runs
  // its statements together at its `order`.
  const runs = (stage: SqlOperation['stage'], statements: readonly DdlStatement[]): SqlOperation[] => {
    const sorted = [...statements].sort((a, b) => rankOf(a) - rankOf(b));
    const out: SqlOperation[] = [];
    let current: DdlStatement[] = [];
    for (const s of sorted) {
      const last = current[current.length - 1];
      if (last !== undefined && rankOf(s) !== rankOf(last) + 1) {
        out.push(op(stage, current));
        current = [];
      }
      current.push(s);
    }
    if (current.length > 0) out.push(op(stage, current));
    return out;
  };
  const op = (stage: SqlOperation['stage'], statements: readonly DdlStatement[]): SqlOperation => {
    // A parallel segment holds a table's pre-data statements whole: all of the run or none are in it.
    const segment = execution.parallel.get(statements[0] as DdlStatement);
    return {
      type: 'sql', side: 'target', stage, order: rankOf(statements[0] as DdlStatement), statements: statements.map((s) => ({ ...s, sql: redactSql(s.sql) })),
      ...(segment === undefined ? {} : { parallel: segment }),
    };
  };

  return changes.map((change, i): PlanStep => {
    const operations = [
      ...runs('teardown', change.teardown),
      ...runs('pre-data', change.statements.filter((s) => s.phase === 'pre-data')),
      ...runs('post-data', change.statements.filter((s) => s.phase === 'post-data')),
    ];
    return {
      index: i + 1,
      address: schemaChangeAddress(dbKey, change),
      action: change.action,
      reason: change.reasons.join('; '),
      destructive: change.destructive || [...change.teardown, ...change.statements].some((s) => s.destructive === true),
      before: change.before,
      after: change.after,
      operations,
      sqlPreview: operations.flatMap((o) => o.statements.map((s) => s.sql)),
    };
  });
}
