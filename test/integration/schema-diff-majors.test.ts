// Identical schemas give an empty diff on every pair of majors, computed in memory from one introspection per
// major: the schema fixture is loaded at one level (its base, plus the version-gated files up to that level) on
// every major that can take it, and every ordered pair of those models is diffed (target major as given).
// Levels: 12 (base only) on 12..18, 15 on 15..18, 17 on 17..18.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SchemaModel } from '../../src/model/schema.js';
import { introspectSchema } from '../../src/pg/catalog/schema/index.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { ALL_MAJORS, getCluster, type Major } from '../harness/index.js';
import { loadSchemaFixture } from '../fixtures/schema/load.js';

const LEVELS: readonly (readonly [number, readonly Major[]])[] = [
  [12, ALL_MAJORS],
  [15, ALL_MAJORS.filter((m) => m >= 15)],
  [17, ALL_MAJORS.filter((m) => m >= 17)],
];
const models = new Map<string, SchemaModel>();

beforeAll(async () => {
  for (const [level, majors] of LEVELS) {
    for (const major of majors) {
      const cluster = await getCluster({ major });
      const database = await cluster.createDatabase('diff_majors');
      try {
        await loadSchemaFixture(cluster, database, { major: level });
        const client = await cluster.connect({ database });
        try {
          models.set(`${String(level)}/${String(major)}`, await introspectSchema(client));
        } finally {
          await client.end();
        }
      } finally {
        await cluster.dropDatabase(database);
      }
    }
  }
}, 900_000);

const PAIRS = LEVELS.flatMap(([level, majors]) => majors.flatMap((a) => majors.filter((b) => b !== a).map((b) => [level, a, b] as const)));

describe('identical fixture, every pair of majors', () => {
  it('reads something worth comparing', () => {
    expect(models.get('12/12')?.objects.length).toBeGreaterThan(50);
    expect(models.get('17/18')?.objects.length).toBeGreaterThan(models.get('12/18')?.objects.length ?? Infinity);
  });

  it.each(PAIRS)('fixture level %i: %i -> %i gives no changes', (level, from, to) => {
    const source = models.get(`${String(level)}/${String(from)}`);
    const target = models.get(`${String(level)}/${String(to)}`);
    if (source === undefined || target === undefined) throw new Error('model missing');
    const changes = diffSchemas(source, target, { targetMajor: to });
    expect(changes.map((c) => `${c.action} ${c.key}: ${c.reasons.join('; ')}`)).toEqual([]);
  });

  it('sees the gated objects a lower level lacks (the comparison is not blind)', () => {
    const full = models.get('17/17');
    const base = models.get('12/17');
    if (full === undefined || base === undefined) throw new Error('model missing');
    const changes = diffSchemas(full, base, { targetMajor: 17 });
    expect(changes.filter((c) => c.action === 'create').length).toBeGreaterThan(0);
    expect(changes.every((c) => c.statements.length + c.teardown.length > 0)).toBe(true);
  });
});
