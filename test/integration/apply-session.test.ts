// The engine's target sessions: a database session raises maintenance_work_mem for the post-data index builds (a
// server configured higher keeps its own); the maintenance session is left alone.
import { describe, expect, it } from 'vitest';
import { openApplySession } from '../../src/pg/apply/apply-session.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import type { DdlStatement } from '../../src/pg/ddl/types.js';
import { getCluster, useScratchDatabases } from '../harness/index.js';

const scratch = useScratchDatabases();

const expectSetting = (value: string): DdlStatement => ({
  sql: `DO $$ BEGIN IF pg_catalog.current_setting('maintenance_work_mem') <> '${value}' THEN RAISE EXCEPTION 'maintenance_work_mem is %', pg_catalog.current_setting('maintenance_work_mem'); END IF; END $$`,
  transactional: true, phase: 'post-data', object: 'database:x',
});

describe('apply sessions', () => {
  it('raise maintenance_work_mem to 256MB in a target database, never lower it, and leave the maintenance session alone', async () => {
    const cluster = await getCluster({ major: 15 });
    const db = await scratch(cluster, 'apply_session');
    const ci = parseConnString(cluster.url(), { env: {}, passfile: null });
    const s = await openApplySession(ci, db);
    await s.runDdl([expectSetting('256MB')]);
    // The check itself can fail: the same session is not at the server default.
    await expect(s.runDdl([expectSetting('64MB')])).rejects.toThrow(/maintenance_work_mem is 256MB/);
    await s.close();
    const maintenance = await openApplySession(ci);
    await maintenance.runDdl([expectSetting('64MB')]);
    await maintenance.close();
    await cluster.query(`ALTER DATABASE ${db} SET maintenance_work_mem = '1GB'`);
    const high = await openApplySession(ci, db);
    await high.runDdl([expectSetting('1GB')]);
    await high.close();
  });
});
