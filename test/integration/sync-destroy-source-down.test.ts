// `destroy` with the source stopped (issue 5): the target's part works without the source (subscription disabled,
// detached from its slot and dropped; the database pgrepl created dropped), and the slot and publication, which
// only the source can drop, stay in the state as pending-delete with a warning, for the next destroy.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, type Cluster } from '../harness/index.js';
import { ensureCli, show, targetName, Workspace } from './e2e-helpers.js';

describe('destroy with the source stopped (15 -> 17)', () => {
  let src: Cluster;
  let tgt: Cluster;
  let ws: Workspace;
  let db: string;
  let tdb: string;

  beforeAll(async () => {
    // A source of its own: this test stops it for good.
    [src, tgt] = await Promise.all([getCluster({ major: 15, settings: { work_mem: '5MB' } }), getCluster({ major: 17 }), ensureCli()]);
    db = await src.createDatabase('e2e_down');
    await src.query('CREATE TABLE public.t (id int PRIMARY KEY, v text); INSERT INTO public.t SELECT g, g::text FROM generate_series(1, 500) g', [], db);
    tdb = targetName('e2e_down');
    ws = new Workspace({ source: src, target: tgt, databases: { [db]: { target_database: tdb, roles: 'skip', sync: true } } });
  });

  afterAll(async () => {
    await tgt.dropDatabase(tdb).catch(() => undefined);
    await src.stop().catch(() => undefined);
    ws.remove();
  });

  it('drops the target side and keeps the slot and publication as pending-delete', async () => {
    await ws.applyOk();
    const slot = String(ws.state().resources.find((r) => r.kind === 'slot')?.attributes['name']);
    expect(await tgt.query('SELECT 1 FROM pg_subscription')).not.toHaveLength(0);
    await src.stop();

    const r = await ws.cli(['apply', '--spec', ws.specFile, '--destroy', '--auto-approve', '--allow-destroy']);
    expect(r.code, show(r)).toBe(0);
    expect(r.stdout + r.stderr).toMatch(/source cannot be reached/);
    expect(r.stdout + r.stderr).toMatch(/pending-delete/);
    expect(await tgt.query('SELECT 1 FROM pg_subscription WHERE subslotname = $1 OR subname = $1', [slot])).toHaveLength(0);
    expect(await tgt.query('SELECT 1 FROM pg_database WHERE datname = $1', [tdb])).toHaveLength(0);
    const pending = ws.state().resources.filter((x) => x.status === 'pending-delete').map((x) => x.kind).sort();
    expect(pending).toEqual(['publication', 'slot']);
    expect(ws.state().resources.filter((x) => x.kind === 'subscription' || x.kind === 'rows')).toEqual([]);
  });
});
