// `pgrepl verify`'s engine: for every database the spec selects, the schema difference (schema-differences.ts) and
// every in-scope table that has copied rows (the planner's selection; schema-only tables are not row-checked),
// compared over `jobs` session pairs per database. Sessions come from connect() (fixed settings; source READ ONLY).
import type { ActualState } from '../introspect/types.js';
import { replicationAddress } from '../model/address.js';
import { scopeDatabase } from '../plan/planner/database-plan.js';
import type { ConnInfo } from '../pg/conninfo/index.js';
import { VerifySession } from '../pg/verify/verify-session.js';
import { globToRegExp } from '../spec/glob.js';
import type { Spec } from '../spec/model.js';
import { selectDatabases } from '../spec/select-databases.js';
import type { StateDocument } from '../state/state-document.js';
import { findResource } from '../state/state-edits.js';
import { InputError } from '../util/errors.js';
import { catchUpFn } from './catch-up.js';
import { schemaDifferences } from './schema-differences.js';
import { SessionPool } from './session-pool.js';
import { tableJob } from './table-jobs.js';
import { verifyLargeObjects } from './verify-large-objects.js';
import { VERIFY_FORMAT_VERSION, type DatabaseReport, type TableReport, type VerifyReport } from './types.js';
import { verifyTable, type TableJob, type VerifyPair } from './verify-table.js';

export interface VerifyInput {
  readonly spec: Spec;
  readonly actual: ActualState;
  readonly state: StateDocument | null;
  readonly source: ConnInfo;
  readonly target: ConnInfo;
  readonly env: NodeJS.ProcessEnv;
  /** `schema.table` globs (`*`, `?`); null = every table in scope. */
  readonly tables: readonly string[] | null;
  readonly samplePercent: number | null;
  readonly jobs: number;
  readonly now: () => Date;
  /** Tests shrink these to get many chunks from small tables. */
  readonly chunkRows?: number;
  readonly leafRows?: number;
  /** Start every full check with one whole-table pass (default true). */
  readonly wholeTableFirst?: boolean;
}

/** The slot a streaming database's subscription reads (state `target.subscription.<key>`), null when not streaming. */
function streamingSlot(state: StateDocument | null, key: string): string | null {
  if (state === null) return null;
  const slot = findResource(state, replicationAddress('subscription', key))?.attributes['slot'];
  return typeof slot === 'string' && slot !== '' ? slot : null;
}

async function openPool(input: VerifyInput, sourceDb: string, targetDb: string, slot: string | null): Promise<SessionPool<VerifyPair>> {
  const pairs: VerifyPair[] = [];
  try {
    for (let i = 0; i < input.jobs; i++) {
      const source = await VerifySession.open(input.source, 'source', sourceDb, input.env);
      const target = await VerifySession.open(input.target, 'target', targetDb, input.env).catch(async (e: unknown) => {
        await source.close();
        throw e;
      });
      pairs.push({ source, target, catchUp: slot === null ? null : catchUpFn(source, slot) });
    }
  } catch (e) {
    await closePool(pairs);
    throw e;
  }
  return new SessionPool(pairs);
}

async function closePool(pairs: readonly VerifyPair[]): Promise<void> {
  await Promise.all(pairs.flatMap((p) => [p.source.close(), p.target.close()]));
}

export async function runVerify(input: VerifyInput): Promise<VerifyReport> {
  const started = input.now();
  const { spec, actual, state } = input;
  const choice = selectDatabases(spec, actual.source.databases.map((d) => d.name));
  const byKey = new Map(actual.databases.map((d) => [d.key, d]));
  const globs = (input.tables ?? []).map((g) => ({ glob: g, re: globToRegExp(g), used: false }));
  const wanted = (job: TableJob): boolean => {
    if (input.tables === null) return true;
    let hit = false;
    for (const g of globs) {
      if (g.re.test(`${job.schema}.${job.name}`) || g.re.test(job.display)) {
        g.used = true;
        hit = true;
      }
    }
    return hit;
  };

  const plans = choice.databases.flatMap((db) => {
    const a = byKey.get(db.key);
    if (a?.source == null) return [];
    const scope = scopeDatabase(db, a, a.source.model);
    const jobs = scope.rowsTables
      .map((k) => tableJob(db, k, a.source?.model ?? scope.source, a.target?.model ?? null, state, a.source?.sizes[k]?.rowEstimate ?? null))
      .filter((j): j is TableJob => j !== null && wanted(j));
    return [{ db, a, scope, jobs }];
  });
  const unused = globs.filter((g) => !g.used);
  if (unused.length > 0) {
    throw new InputError('--tables matches nothing', unused.map((g) => ({ severity: 'error' as const, message: `${g.glob} matches no table whose rows are copied in the spec's scope` })));
  }

  const databases: DatabaseReport[] = [];
  for (const { db, a, scope, jobs } of plans) {
    const schema = schemaDifferences(scope, a, actual.target);
    let tables: TableReport[];
    const runnable = jobs.filter((j) => j.error === undefined);
    if (a.target === null || runnable.length === 0) {
      tables = await Promise.all(jobs.map((j) => verifyTable(a.target === null ? { ...j, error: `the target database ${db.targetDatabase} does not exist` } : j, null, { samplePercent: input.samplePercent })));
    } else {
      const slot = db.sync ? streamingSlot(state, db.key) : null;
      const pool = await openPool(input, db.key, db.targetDatabase, slot);
      try {
        tables = await Promise.all(jobs.map((j) => verifyTable(j, pool, {
          samplePercent: input.samplePercent,
          ...(input.chunkRows === undefined ? {} : { chunkRows: input.chunkRows }),
          ...(input.leafRows === undefined ? {} : { leafRows: input.leafRows }),
          ...(input.wholeTableFirst === undefined ? {} : { wholeTableFirst: input.wholeTableFirst }),
        })));
      } finally {
        await closePool(pool.items);
      }
      if (slot !== null) tables = tables.map((t) => ({ ...t, notes: [...t.notes, `streaming: each chunk re-checked after the target applied past the source's position (slot ${slot})`] }));
    }
    const largeObjects = db.largeObjects && a.target !== null && input.tables === null ? await verifyLargeObjects({ source: input.source, target: input.target, env: input.env }, db, state) : undefined;
    databases.push({ key: db.key, targetDatabase: db.targetDatabase, schemaDifferences: schema, tables, ...(largeObjects === undefined ? {} : { largeObjects }) });
  }

  const all = databases.flatMap((d) => d.tables);
  const count = (o: TableReport['outcome']): number => all.filter((t) => t.outcome === o).length;
  return {
    format_version: VERIFY_FORMAT_VERSION,
    checkedAt: started.toISOString(),
    samplePercent: input.samplePercent,
    databases,
    summary: {
      tables: all.length, equal: count('equal'), different: count('different'), changedDuringCheck: count('changed-during-check'), errors: count('error'),
      schemaDifferences: databases.reduce((n, d) => n + d.schemaDifferences.length, 0),
    },
    seconds: Math.round((input.now().getTime() - started.getTime()) / 10) / 100,
  };
}

/** CONTRACTS.md: 1 when a table (or the large objects) could not be checked, 2 when rows, large objects or schema differ, else 0. */
export function verifyExitCode(report: VerifyReport): number {
  const objects = report.databases.flatMap((d) => (d.largeObjects === undefined ? [] : [d.largeObjects.outcome]));
  if (report.summary.errors > 0 || objects.includes('error')) return 1;
  return report.summary.different > 0 || report.summary.schemaDifferences > 0 || objects.includes('different') ? 2 : 0;
}
