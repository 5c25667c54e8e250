// `pgrepl validate` checks where the spec keeps its state (state.backend): a PostgreSQL backend whose role may not
// create the state tables fails with the GRANT; a pooled URL is refused; a usable one reports what it holds.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveSpecObject } from '../../src/spec/load.js';
import { validate } from '../../src/validate/index.js';
import { getCluster, type Cluster } from '../harness/index.js';

let cluster: Cluster;
let stateDb: string;

beforeAll(async () => {
  cluster = await getCluster({ major: 15, auth: 'scram' });
  stateDb = await cluster.createDatabase('state_probe');
}, 120_000);

afterAll(async () => {
  await cluster.dropDatabase(stateDb);
}, 60_000);

async function stateCheck(stateUrl: string) {
  const spec = resolveSpecObject({
    version: 1, source: { url: cluster.url() }, target: { url: cluster.url() }, databases: { [stateDb]: { sync: false } },
    state: { backend: 'postgres', url: stateUrl, name: 'validate_probe' },
  }, { file: null, env: {} });
  const results = await validate(spec, { env: { HOME: '/nonexistent' } });
  return results.filter((r) => r.id === 'state.backend');
}

describe('state.backend', () => {
  it('fails naming the role, the right and the GRANT when the state tables cannot be created', async () => {
    const user = cluster.roles.target.user;
    const [r] = await stateCheck(cluster.url({ database: stateDb, user }));
    expect(r?.status).toBe('fail');
    expect(r?.message).toContain(`role ${user} may not create the state schema pgrepl in database ${stateDb}`);
    expect(r?.fix?.join('\n')).toContain(`GRANT CREATE ON DATABASE ${stateDb} TO ${user};`);
    expect(JSON.stringify(r)).not.toContain(cluster.roles.target.password);
  });

  it('reports no state yet for a role that may create it, and changes nothing', async () => {
    const [r] = await stateCheck(cluster.url({ database: stateDb }));
    expect(r?.status, r?.message).toBe('ok');
    expect(r?.message).toContain('no state yet: the first apply creates it');
    expect(await cluster.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'pgrepl'`, [], stateDb)).toHaveLength(0);
  });

  it('refuses a transaction-pooler URL', async () => {
    const [r] = await stateCheck(cluster.url({ database: stateDb, params: { pgbouncer: 'true' } }));
    expect(r?.status).toBe('fail');
    expect(r?.message).toMatch(/pool/i);
  });
});
