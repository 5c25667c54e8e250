// `plan --check-ddl`: the plan's target DDL run per database inside BEGIN … ROLLBACK (checkDdlInRollback), in the
// order apply runs it (src/apply/schedule.ts), so what the server would refuse shows up before anything changes.
// The cluster stage's transactional statements (CREATE ROLE) run first in each database's transaction, because the
// DDL after them may name those roles; non-transactional ones (CREATE DATABASE) are skipped by the checker. A
// database that does not exist on the target yet cannot be checked: it is named as skipped, never passed silently.
import { buildSchedule, type SqlItem } from '../apply/schedule.js';
import type { ActualState } from '../introspect/types.js';
import type { ConnInfo } from '../pg/conninfo/index.js';
import { connect } from '../pg/connect.js';
import { closeClient } from '../pg/copy/close-client.js';
import { checkDdlInRollback, type SkippedDdl } from '../pg/ddl/check-ddl.js';
import type { DdlStatement } from '../pg/ddl/types.js';
import type { Plan } from '../plan/types.js';

export interface DatabaseDdlCheck {
  readonly database: string;
  /** Why the database was not checked at all (it does not exist yet), or null. */
  readonly notChecked: string | null;
  readonly checked: number;
  readonly skipped: readonly SkippedDdl[];
}

function statementsOf(items: readonly SqlItem[]): DdlStatement[] {
  return items.flatMap((i) => i.op.statements);
}

/** Throws the DdlExecutionError of the first statement a target refuses (its address is the statement's object). */
export async function checkPlanDdl(plan: Plan, actual: ActualState, target: ConnInfo, env: NodeJS.ProcessEnv): Promise<readonly DatabaseDdlCheck[]> {
  const schedule = buildSchedule(plan);
  const cluster = statementsOf(schedule.cluster).filter((s) => s.transactional);
  const out: DatabaseDdlCheck[] = [];
  for (const db of schedule.databases) {
    const statements = [...statementsOf(db.teardown), ...statementsOf(db.preData), ...statementsOf(db.postData)];
    if (statements.length === 0) continue;
    const exists = actual.databases.find((d) => d.key === db.database.key)?.target != null;
    if (!exists) {
      out.push({ database: db.database.key, notChecked: `target database ${db.database.target} does not exist yet`, checked: 0, skipped: [] });
      continue;
    }
    const client = await connect(target, { side: 'target', database: db.database.target, env });
    try {
      const result = await checkDdlInRollback(client, [...cluster, ...statements]);
      out.push({ database: db.database.key, notChecked: null, checked: result.checked, skipped: result.skipped });
    } finally {
      await closeClient(client);
    }
  }
  return out;
}

/** `DDL check: shop: 42 statements ran and were rolled back, 1 skipped` and a line per skipped statement. */
export function renderDdlCheck(results: readonly DatabaseDdlCheck[]): string {
  if (results.length === 0) return 'DDL check: no target DDL to check.\n';
  const lines: string[] = [];
  for (const r of results) {
    if (r.notChecked !== null) {
      lines.push(`DDL check: ${r.database}: not checked: ${r.notChecked}`);
      continue;
    }
    lines.push(`DDL check: ${r.database}: ${r.checked} statement${r.checked === 1 ? '' : 's'} ran and were rolled back${r.skipped.length > 0 ? `, ${r.skipped.length} skipped` : ''}`);
    for (const s of r.skipped) lines.push(`  skipped ${s.statement.sql.split('\n')[0] ?? ''}: ${s.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
