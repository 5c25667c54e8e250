// One plan step per schema change, in the diff's order (deletes first, then dependency order). Each step carries its
// statements as up to three `sql` operations (teardown, pre-data, post-data) ranked by executionOrder(), so the
// engine can reproduce the one order the diff prescribes while still reporting and resuming per step.
import type { DdlStatement } from '../pg/ddl/types.js';
import { executionOrder } from '../schema/diff/execution-order.js';
import type { SchemaChange } from '../schema/diff/types.js';
import { redactSql } from './redact-sql.js';
import { schemaChangeAddress } from './schema-change-address.js';
import type { PlanStep, SqlOperation } from './types.js';

export function planFromSchemaChanges(dbKey: string, changes: readonly SchemaChange[]): PlanStep[] {
  const order = new Map<DdlStatement, number>();
  executionOrder(changes).forEach((s, i) => order.set(s, i));
  const rank = (statements: readonly DdlStatement[]): number => Math.min(...statements.map((s) => order.get(s) ?? Number.MAX_SAFE_INTEGER));

  return changes.map((change, i): PlanStep => {
    const stages: [SqlOperation['stage'], readonly DdlStatement[]][] = [
      ['teardown', change.teardown],
      ['pre-data', change.statements.filter((s) => s.phase === 'pre-data')],
      ['post-data', change.statements.filter((s) => s.phase === 'post-data')],
    ];
    const operations = stages
      .filter(([, statements]) => statements.length > 0)
      .map(([stage, statements]): SqlOperation => ({
        type: 'sql', side: 'target', stage, order: rank(statements), statements: statements.map((s) => ({ ...s, sql: redactSql(s.sql) })),
      }));
    return {
      index: i + 1,
      address: schemaChangeAddress(dbKey, change),
      action: change.action,
      reason: change.reasons.join('; '),
      destructive: change.destructive || [...change.teardown, ...change.statements].some((s) => s.destructive === true),
      before: change.before,
      after: change.after,
      operations,
      sqlPreview: operations.flatMap((op) => op.statements.map((s) => s.sql)),
    };
  });
}
