// The one order in which a diff's statements run: every teardown (dependents first), then every build statement,
// pre-data before post-data, each in the order of the changes.
import type { DdlStatement } from '../../pg/ddl/types.js';
import type { SchemaChange } from './types.js';
import { teardownDeps, topologicalOrder } from './order.js';

export function executionOrder(changes: readonly SchemaChange[]): DdlStatement[] {
  const byKey = new Map(changes.map((c) => [c.key, c]));
  const withTeardown = changes.filter((c) => c.teardown.length > 0).map((c) => c.key);
  // Sort by "depends on" over the objects as they are now, then reverse: whoever refers to X lets go first.
  const order = topologicalOrder(withTeardown, (key) => {
    const before = byKey.get(key)?.before;
    return before === null || before === undefined ? [] : teardownDeps(before);
  }).reverse();
  const teardown = order.flatMap((key) => byKey.get(key)?.teardown ?? []);
  const build = changes.flatMap((c) => c.statements);
  return [...teardown, ...build.filter((s) => s.phase === 'pre-data'), ...build.filter((s) => s.phase === 'post-data')];
}
