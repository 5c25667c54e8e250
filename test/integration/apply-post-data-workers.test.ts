// Parallel workers of post-data index builds on a real server (src/apply/post-data-stage.ts, largeTableAlone): while
// several large tables are built on two sessions, their builds run with max_parallel_maintenance_workers = 0; a
// table built alone keeps the server's setting. An event trigger on the target (added after planning, removed
// before the comparison) records the setting and the backend of every index and key build (the statements whose
// query builds one: the ALTER TABLE … OWNER TO of the serial tail are left out). Data and schema converge.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/apply/apply-plan.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { localStateStore } from '../../src/state/local-store.js';
import { emptyState } from '../../src/state/state-edits.js';
import { getCluster, useScratchDatabases, type Cluster } from '../harness/index.js';
import { buildCopyPlan, NOW, tableHash } from './apply-engine-plan.js';
import { readModel } from './schema-oracle-write.js';

const scratch = useScratchDatabases();
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});
const parse = (url: string): ConnInfo => parseConnString(url, { env: {}, passfile: null });

const source = (tables: number): string => Array.from({ length: tables }, (_, i) => `
  CREATE TABLE w${String(i)} (id integer PRIMARY KEY, name text NOT NULL);
  CREATE INDEX w${String(i)}_name ON w${String(i)} (name);
  INSERT INTO w${String(i)} SELECT g, md5(g::text) FROM generate_series(1, 2000) g;`).join('\n');

const AUDIT = `
CREATE SCHEMA audit;
CREATE TABLE audit.builds (n bigserial, pid integer, workers text, obj text);
CREATE FUNCTION audit.log() RETURNS event_trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO audit.builds (pid, workers, obj)
    SELECT pg_backend_pid(), current_setting('max_parallel_maintenance_workers'), object_identity
      FROM pg_event_trigger_ddl_commands()
     WHERE command_tag IN ('CREATE INDEX', 'ALTER TABLE') AND current_query() ~ '(PRIMARY KEY|CREATE INDEX)';
END $$;
CREATE EVENT TRIGGER audit_builds ON ddl_command_end EXECUTE FUNCTION audit.log();
ALTER EVENT TRIGGER audit_builds ENABLE ALWAYS;
`;

async function cloneAndAudit(cluster: Cluster, tables: number): Promise<{ readonly pid: number; readonly workers: string; readonly obj: string }[]> {
  const sourceDb = await scratch(cluster, 'post_workers_src');
  const targetDb = await scratch(cluster, 'post_workers_tgt');
  await cluster.query(source(tables), [], sourceDb);
  const plan = await buildCopyPlan({ source: cluster, sourceDb, target: cluster, targetDb, createDatabase: false });
  const dir = await mkdtemp(join(tmpdir(), 'pgrepl-post-workers-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  await cluster.query(AUDIT, [], targetDb);
  await applyPlan({
    plan, source: parse(cluster.url({ database: sourceDb })), target: parse(cluster.url({ database: targetDb })),
    store: localStateStore(join(dir, 'state.json')), state: null, workers: 2, parallelPostDataMinBytes: 0,
    newState: () => emptyState({ pgreplVersion: 'test', lineage: '0d7c3a52-3c3b-4e1e-9c55-1f2b3c4d5e6f' }), command: 'apply', now: () => NOW,
  });
  const log = await cluster.query<{ pid: number; workers: string; obj: string }>(
    "SELECT pid, workers, obj FROM audit.builds WHERE obj LIKE 'public.w%' ORDER BY n", [], targetDb);
  await cluster.query('DROP EVENT TRIGGER audit_builds; DROP SCHEMA audit CASCADE', [], targetDb);
  for (let i = 0; i < tables; i += 1) {
    expect(await tableHash(cluster, targetDb, `public.w${String(i)}`)).toEqual(await tableHash(cluster, sourceDb, `public.w${String(i)}`));
  }
  const after = diffSchemas(await readModel(cluster, sourceDb), await readModel(cluster, targetDb), { targetMajor: 15, create: { roles: 'copy', targetDatabase: targetDb } });
  expect(after.map((c) => `${c.action} ${c.key}: ${c.reasons.join('; ')}`)).toEqual([]);
  return log;
}

describe('parallel workers of post-data index builds', () => {
  it('are off while large tables are built side by side, and the server\'s own for a table built alone', async () => {
    const cluster = await getCluster({ major: 15 });
    const [{ setting }] = await cluster.query<{ setting: string }>("SELECT setting FROM pg_settings WHERE name = 'max_parallel_maintenance_workers'") as [{ setting: string }];
    expect(setting).not.toBe('0');

    const several = await cloneAndAudit(cluster, 6);
    // Two builds per table (the key, the index); both sessions built; all but the last table without workers.
    expect(several).toHaveLength(12);
    expect(new Set(several.map((r) => r.pid)).size).toBe(2);
    const byTable = new Map<string, string[]>();
    for (const r of several) {
      const table = r.obj.replace(/^public\.(w\d+).*$/, '$1');
      byTable.set(table, [...(byTable.get(table) ?? []), r.workers]);
    }
    expect(byTable.size).toBe(6);
    const withoutWorkers = [...byTable.values()].filter((w) => w.every((v) => v === '0'));
    expect(withoutWorkers.length).toBeGreaterThanOrEqual(5);

    const alone = await cloneAndAudit(cluster, 1);
    expect(alone.map((r) => r.workers)).toEqual([setting, setting]);
  });
});
