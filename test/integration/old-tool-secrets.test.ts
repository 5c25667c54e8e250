// The old tool's commands take URLs with passwords on the command line (its guide does): none of them may reach
// pgrepl's output, the flag-mode state and scope files, the spec --emit-spec writes, or a saved plan (issue 7,
// "Secrets never leak"). Scram on both sides, non-superuser roles, sync on.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, type Cluster } from '../harness/index.js';
import { ensureCli, show } from './e2e-helpers.js';
import { expectSame, FlagDir, GUIDE_SEED } from './old-tool-helpers.js';
import { filesUnder, leaks } from './secret-scan.js';

let src: Cluster;
let tgt: Cluster;
let db: string;
const d = new FlagDir();

beforeAll(async () => {
  [src, tgt] = await Promise.all([getCluster({ major: 15, auth: 'scram' }), getCluster({ major: 16, auth: 'scram' }), ensureCli()]);
  db = await src.createDatabase('old_secrets', { owner: src.roles.source.user });
  await src.query(GUIDE_SEED.replace('ALTER TABLE transactions REPLICA IDENTITY FULL;', ''), [], db);
  await src.query(`ALTER TABLE transactions REPLICA IDENTITY FULL; DO $$ DECLARE t text; BEGIN FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'public' LOOP EXECUTE format('ALTER TABLE public.%I OWNER TO ${src.roles.source.user}', t); END LOOP; END $$`, [], db);
}, 180_000);

afterAll(async () => {
  await tgt.dropDatabase(db);
  await src.dropDatabase(db);
  d.remove();
}, 120_000);

describe('flag mode with passwords in the URLs', () => {
  it('init, sync, status, verify and spec from-flags print, record and write no password', async () => {
    const S = src.url({ database: db, user: src.roles.source.user });
    const T = tgt.url({ database: db, user: tgt.roles.target.user });
    const flags = ['--time-filter', 'events:created_at:6 months', '--schema-only-tables', 'audit_logs'];
    const outputs: string[] = [];
    for (const args of [
      ['init', '--source', S, '--target', T, ...flags, '--yes', '--emit-spec', 'pgrepl.yaml'],
      ['sync', '--source', S, '--target', T],
      ['status', '--source', S, '--target', T],
      ['verify', '--source', S, '--target', T],
      ['spec', 'from-flags', '--source', S, '--target', T, ...flags],
      ['validate', '--source', S, '--target', T, ...flags],
    ]) {
      const r = await d.cli(args);
      outputs.push(r.stdout, r.stderr);
      expect([0, 2], `${args[0] ?? ''}: ${show(r)}`).toContain(r.code);
      // tgt_user may not act as src_owner: owners are planned as tgt_user with a warning instead of failing mid-apply.
      if (args[0] === 'init') expect(r.stdout + r.stderr).toContain(`owned by ${src.roles.source.user} on the source will be owned by ${tgt.roles.target.user} on the target`);
      if (args[0] === 'sync') expect(r.stdout, show(r)).toContain('No changes.');
    }
    await expectSame(src, db, tgt, db, 'users');
    expect(leaks(outputs.join('\n'))).toEqual([]);
    for (const file of filesUnder(d.dir)) expect(leaks(readFileSync(file, 'utf8')), file).toEqual([]);
    // The written spec still works: the password comes from elsewhere (here PGPASSWORD would; the state says no changes).
    expect(readFileSync(`${d.dir}/pgrepl.yaml`, 'utf8')).toMatch(/PGPASSWORD or ~\/\.pgpass/);
  }, 300_000);
});
