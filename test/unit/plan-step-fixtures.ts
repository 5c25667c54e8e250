// Builders of plan steps and post-data SQL items for tests of the apply stages (no server).
import type { SqlItem } from '../../src/apply/schedule.js';
import type { PlanStep, SqlOperation } from '../../src/plan/types.js';

/** A `create` step with no operations of its own (stages are given their items separately). */
export const step = (index: number, address: string): PlanStep => ({
  index, address, action: 'create', reason: '', destructive: false, before: null, after: null, operations: [], sqlPreview: [],
});

/** A post-data SQL item of `s`: transactional statements, each `[object, sql]`. */
export const item = (s: PlanStep, statements: readonly (readonly [object: string, sql: string])[]): SqlItem => {
  const op: SqlOperation = {
    type: 'sql', side: 'target', stage: 'post-data', order: 0,
    statements: statements.map(([object, sql]) => ({ sql, transactional: true, phase: 'post-data', object })),
  };
  return { step: s, op };
};
