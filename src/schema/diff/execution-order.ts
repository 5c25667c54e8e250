// The one order in which a diff's statements run: every teardown (dependents first), then every build statement,
// pre-data before post-data, each in the order of the changes, except that pre-data is cut into segments so that
// tables can be created on several sessions at once (executionPlan).
//
// Pre-data segments: serial S0, parallel P1, serial S1, parallel P2, … A change goes to the earliest segment after
// every segment its dependencies (buildDeps, among this diff's changes) went to: a new table (create or replace, all
// its pre-data statements transactional) to the next parallel segment, anything else to the serial segment at or
// after them. No table of a parallel segment depends on another table of the same segment, so its tables may be
// created on any session in any order once the segments before it committed. The clone benchmark's 1,000 CREATE
// TABLEs are CPU-bound in the target backend: on two sessions they took 0.7 s against 1.0-1.5 s on one.
// Dependencies are the objects' (pg_depend), which include what only post-data needs. A foreign key's target is left
// out (the key is made in post-data), unless a column is of that table's row type; the rest (a policy's or a
// trigger's references) can only place a table later than it has to be, never too early.
import type { ObjectKey, SchemaObjectAny } from '../../model/schema.js';
import type { DdlStatement } from '../../pg/ddl/types.js';
import { buildDeps, teardownDeps, topologicalOrder } from './order.js';
import type { SchemaChange } from './types.js';

export interface ExecutionPlan {
  /** Every statement in the order it runs. */
  readonly order: readonly DdlStatement[];
  /**
   * Pre-data statements of a parallel segment, by segment number (1, 2, …): a segment's statements are consecutive
   * in `order`, one table's statements consecutive within it.
   */
  readonly parallel: ReadonlyMap<DdlStatement, number>;
}

/** What an object's pre-data statements need: buildDeps without its foreign keys' targets, unless a column uses their row type. */
function preDataDeps(obj: SchemaObjectAny): readonly ObjectKey[] {
  const deps = buildDeps(obj);
  if (obj.kind !== 'table') return deps;
  const referenced = new Set(obj.constraints.flatMap((c) => (c.references === null ? [] : [c.references])));
  if (referenced.size === 0) return deps;
  const rowTypes = new Set(obj.columns.map((c) => `table:${c.type.replace(/(\[\])+$/, '')}`));
  return deps.filter((d) => !referenced.has(d) || rowTypes.has(d));
}

/** Segment positions: 2k is serial segment S_k, 2k - 1 parallel segment P_k. */
function placeOf(change: SchemaChange, pre: readonly DdlStatement[], depsAt: number): number {
  const parallel = (change.action === 'create' || change.action === 'replace') && change.kind === 'table' && pre.length > 0
    && pre.every((s) => s.transactional && s.commitAfter !== true);
  if (!parallel) return depsAt % 2 === 0 ? depsAt : depsAt + 1;
  return depsAt % 2 === 0 ? depsAt + 1 : depsAt + 2;
}

function preDataSegments(changes: readonly SchemaChange[]): { readonly order: DdlStatement[]; readonly parallel: Map<DdlStatement, number> } {
  const placed = new Map<ObjectKey, number>();
  const segments = new Map<number, DdlStatement[]>();
  let last = 0;
  for (const change of changes) {
    const pre = change.statements.filter((s) => s.phase === 'pre-data');
    // The database's own change has no object to read dependencies from: after everything before it.
    const depsAt = change.after === null
      ? last + (last % 2)
      : Math.max(0, ...preDataDeps(change.after).map((d) => (d === change.key ? 0 : placed.get(d) ?? 0)));
    const at = placeOf(change, pre, depsAt);
    placed.set(change.key, at);
    if (pre.length === 0) continue;
    last = Math.max(last, at);
    const list = segments.get(at);
    if (list === undefined) segments.set(at, [...pre]);
    else list.push(...pre);
  }
  const order: DdlStatement[] = [];
  const parallel = new Map<DdlStatement, number>();
  for (const at of [...segments.keys()].sort((a, b) => a - b)) {
    const list = segments.get(at) as DdlStatement[];
    order.push(...list);
    if (at % 2 === 1) for (const s of list) parallel.set(s, (at + 1) / 2);
  }
  return { order, parallel };
}

export function executionPlan(changes: readonly SchemaChange[]): ExecutionPlan {
  const byKey = new Map(changes.map((c) => [c.key, c]));
  const withTeardown = changes.filter((c) => c.teardown.length > 0).map((c) => c.key);
  // Sort by "depends on" over the objects as they are now, then reverse: whoever refers to X lets go first.
  const order = topologicalOrder(withTeardown, (key) => {
    const before = byKey.get(key)?.before;
    return before === null || before === undefined ? [] : teardownDeps(before);
  }).reverse();
  const teardown = order.flatMap((key) => byKey.get(key)?.teardown ?? []);
  const pre = preDataSegments(changes);
  const post = changes.flatMap((c) => c.statements.filter((s) => s.phase === 'post-data'));
  return { order: [...teardown, ...pre.order, ...post], parallel: pre.parallel };
}

export function executionOrder(changes: readonly SchemaChange[]): DdlStatement[] {
  return [...executionPlan(changes).order];
}
