// Cross-major writes: the schema fixture loaded on a source of one major is written by pgrepl to an empty
// database on a target of another major, after checkTargetCompatibility with a lookup of the target's catalogs.
// Oracle: the catalog listing of the written database equals the listing of the same fixture files loaded
// natively on the target (same deparsers on both sides of that comparison). 17 -> 15 with the full 17 fixture
// must be refused with plan errors that name each object; with the part of the fixture 15 can take, it applies.
import { describe, expect, it } from 'vitest';
import { readTargetCatalogLookup } from '../../src/pg/catalog/schema/target-lookup.js';
import { checkTargetCompatibility, type TargetCatalogLookup } from '../../src/schema/compat.js';
import { type Cluster, getCluster, type Major, useScratchDatabases } from '../harness/index.js';
import { loadSchemaFixture } from '../fixtures/schema/load.js';
import { listCatalogs } from '../oracle/catalog-listing.js';
import { describeDifference } from '../oracle/dump-report.js';
import { applyStatements, planWrite, readModel } from './schema-oracle-write.js';

const scratch = useScratchDatabases();

/** What the target's catalogs hold, read by the production query. */
async function targetLookup(cluster: Cluster): Promise<TargetCatalogLookup> {
  const client = await cluster.connect();
  try {
    return await readTargetCatalogLookup(client);
  } finally {
    await client.end();
  }
}

/**
 * Differences between the written and the natively loaded target that are not the write's fault, listed exactly
 * (the test fails on anything else and when one disappears).
 */
const SESSION_CACHE = 'relation|fx.session_cache|r|u|postgres|';
const SESSION_CACHE_REST = '|autovacuum_enabled=false,fillfactor=70|false|∅|∅|d|false|false|∅|heap|∅|∅';
const WRITER_ALL_BEFORE_17 = ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'].map((p) => `fx_writer>postgres:${p}`);

/**
 * Expected differences between the written and the natively loaded target, listed exactly (the test fails on
 * anything else and when one disappears):
 * - from a source before 17 to 17+, fx.session_cache (GRANT ALL to fx_writer, REVOKE ALL from the owner): the
 *   source granted the seven privileges that existed there, the native 17+ load's GRANT ALL includes MAINTAIN.
 *   The written one is the faithful copy.
 */
function knownDifferences(from: number, to: number): { readonly onlyInWritten: string[]; readonly onlyInNative: string[] } {
  const onlyInWritten: string[] = [];
  const onlyInNative: string[] = [];
  if (from < 17 && to >= 17) {
    onlyInWritten.push(`${SESSION_CACHE}${WRITER_ALL_BEFORE_17.join(',')}${SESSION_CACHE_REST}`);
    onlyInNative.push(`${SESSION_CACHE}${[...WRITER_ALL_BEFORE_17.slice(0, 2), 'fx_writer>postgres:MAINTAIN', ...WRITER_ALL_BEFORE_17.slice(2)].join(',')}${SESSION_CACHE_REST}`);
  }
  return { onlyInWritten, onlyInNative };
}

describe.each([
  { from: 13 as Major, to: 17 as Major },
  { from: 15 as Major, to: 18 as Major },
  { from: 12 as Major, to: 15 as Major },
  { from: 17 as Major, to: 15 as Major, fixtureMajor: 15 },
])('PostgreSQL $from -> $to', ({ from, to, fixtureMajor }) => {
  it(`writes the ${String(fixtureMajor ?? from)} fixture and the target lists what the same fixture loaded on ${String(to)} lists`, async () => {
    const [source, target] = await Promise.all([getCluster({ major: from }), getCluster({ major: to })]);
    const sourceDb = await scratch(source, 'xm_src');
    await loadSchemaFixture(source, sourceDb, fixtureMajor === undefined ? {} : { major: fixtureMajor });
    const model = await readModel(source, sourceDb);
    const report = checkTargetCompatibility(model, to, await targetLookup(target));
    expect(report.errors).toEqual([]);

    const written = await scratch(target, 'xm_written');
    const { statements } = await planWrite(model, target, written, 'copy');
    await applyStatements(target, written, statements);
    const native = await scratch(target, 'xm_native');
    await loadSchemaFixture(target, native, { major: fixtureMajor ?? from });

    const [a, b] = await Promise.all([listCatalogs(target, written), listCatalogs(target, native)]);
    const gaps = knownDifferences(from, to);
    expect(describeDifference(a, b, ['written', 'native'])).toBe(describeDifference(gaps.onlyInWritten, gaps.onlyInNative, ['written', 'native']));
  });
});

describe('PostgreSQL 17 -> 15 with the full 17 fixture', () => {
  it('is refused before anything runs, with a plan error per object and MAINTAIN dropped with warnings', async () => {
    const [source, target] = await Promise.all([getCluster({ major: 17 }), getCluster({ major: 15 })]);
    const sourceDb = await scratch(source, 'xm_src');
    await loadSchemaFixture(source, sourceDb);
    const model = await readModel(source, sourceDb);
    const report = checkTargetCompatibility(model, 15, await targetLookup(target));
    expect(report.errors.map((e) => `${e.construct} ${e.object}`).sort()).toEqual([
      'builtin-collation-provider collation:fx.builtin_c',
      'identity-on-partitioned-table table:fx.ident_parts',
      'sql-json-constructors table:fx.documents',
      'sql-json-constructors view:fx.documents_json',
      'sql-json-query-functions view:fx.documents_table',
    ]);
    expect(report.warnings.map((w) => `${w.construct} ${w.object}`).sort()).toEqual([
      'maintain-privilege default-privileges:fx_owner',
      'maintain-privilege table:fx.customers',
      'maintain-privilege table:fx.session_cache',
    ]);
    for (const e of report.errors) expect(e.message).toMatch(/first appear in PostgreSQL 1[67]; cannot be created on PostgreSQL 15$/);
    // The DDL builders refuse too, before a statement runs (a plan that skipped the check still cannot apply).
    await expect(planWrite(model, target, 'never_created', 'copy')).rejects.toThrow(/PostgreSQL 15 cannot take/);
  });
});

describe('PostgreSQL 13 -> 15: an operator the target removed', () => {
  it('the factorial ! (gone in 14) in a view and a CHECK is a plan error naming each object; the lookup lists what 15 has', async () => {
    const [source, target] = await Promise.all([getCluster({ major: 13 }), getCluster({ major: 15 })]);
    const sourceDb = await scratch(source, 'xm_src');
    await source.query(`
      CREATE TABLE public.nums (n bigint CHECK (n ! < 1000), m integer);
      CREATE VIEW public.facts AS SELECT n, n ! AS f, m # 1 AS x FROM public.nums;`, [], sourceDb);
    const model = await readModel(source, sourceDb);
    const lookup = await targetLookup(target);
    expect(lookup.operators?.has('!')).toBe(false);
    expect(['#', '<', '->>', '@>', '&&'].filter((o) => lookup.operators?.has(o) !== true)).toEqual([]);
    expect(lookup.functions.has('lower') && lookup.types.has('timestamp with time zone') && lookup.collations.has('C')).toBe(true);
    expect(lookup.roles?.has('pg_read_all_data')).toBe(true);
    const report = checkTargetCompatibility(model, 15, lookup);
    expect(report.errors.map((e) => `${e.construct} ${e.object}: ${e.message}`)).toEqual([
      'missing-operator table:public.nums: table public.nums: constraint nums_n_check uses the operator !, which PostgreSQL 15 does not have',
      'missing-operator view:public.facts: view public.facts: definition uses the operator !, which PostgreSQL 15 does not have',
    ]);
    // 13 still has it: no finding there.
    expect(checkTargetCompatibility(model, 13, await targetLookup(source)).errors).toEqual([]);
  });
});

describe('PostgreSQL 18 -> 12 with the full 18 fixture', () => {
  it('names every newer construct the fixture uses, and the built-ins 12 lacks, per object', async () => {
    const [source, target] = await Promise.all([getCluster({ major: 18 }), getCluster({ major: 12 })]);
    const sourceDb = await scratch(source, 'xm_src');
    await loadSchemaFixture(source, sourceDb);
    const model = await readModel(source, sourceDb);
    const report = checkTargetCompatibility(model, 12, await targetLookup(target));
    const found = (list: readonly { construct: string; object: string }[]): string[] => [...new Set(list.map((f) => `${f.construct} ${f.object}`))].sort();
    expect(found(report.errors)).toEqual([
      'before-row-trigger-on-partitioned-table table:fx.shards',
      'builtin-collation-provider collation:fx.builtin_c',
      'column-compression table:public.plain',
      'expression-statistics statistics:fx.customers_expr_stats',
      'fk-set-column-list table:fx.tenant_child',
      'identity-on-partitioned-table table:fx.ident_parts',
      'missing-function table:fx.pg18', // uuidv7()
      'missing-type table:fx.bookings', // datemultirange
      'multirange table:fx.bookings',
      'multirange type:fx.intrange14',
      'not-enforced-constraint table:fx.pg18',
      'nulls-not-distinct table:fx.nnd',
      'procedure-out-parameters function:fx.bump_invoice(INOUT n integer, OUT previous integer)',
      'security-invoker-view view:fx.invoker_view',
      'sql-json-constructors table:fx.documents',
      'sql-json-constructors view:fx.documents_json',
      'sql-json-query-functions view:fx.documents_table',
      'sql-standard-function-body function:fx.bump_invoice(INOUT n integer, OUT previous integer)',
      'sql-standard-function-body function:fx.double_it(x integer)',
      'sql-standard-function-body function:fx.order_count(cust bigint)',
      'temporal-key table:fx.rooms',
      'unlogged-sequence sequence:fx.scratch_seq',
      'uuidv7 table:fx.pg18',
      'virtual-generated-column table:fx.pg18',
    ]);
    expect(found(report.warnings)).toEqual([
      'maintain-privilege default-privileges:fx_owner',
      'maintain-privilege table:fx.customers',
      'maintain-privilege table:fx.session_cache',
      'named-not-null table:fx.pg18',
      'statistics-target statistics:fx.customers_stats',
    ]);
  });
});
