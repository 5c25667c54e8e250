// `pgrepl plan` and `pgrepl apply` end to end on real servers (scram profile, 15 -> 17), through the commands'
// handler bodies and runCommand, exactly what the CLI calls: plan shows creates; apply outside a terminal without
// --auto-approve changes nothing; plan --out then apply PLANFILE converges; the next plan is empty (and
// --detailed-exitcode says 0); a source change is applied with --auto-approve; a saved plan made stale by a source
// change or a spec edit is refused with the reason and changes nothing. Data is compared with SQL of its own (count
// and an order-independent hash per table). No password reaches stdout, stderr, the saved plan or the state.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCluster, percentEncode, SOURCE_ROLE, SUPERUSER_PASSWORD, TARGET_ROLE, type Cluster } from '../harness/index.js';
import { runCommand } from '../../src/cli/run.js';
import { runPlan, type PlanArgs } from '../../src/cli/commands/plan.js';
import { runApply, type ApplyArgs } from '../../src/cli/commands/apply.js';

const SECRETS = [SOURCE_ROLE.password, TARGET_ROLE.password, SUPERUSER_PASSWORD];

function spellings(secret: string): string[] {
  return [secret, percentEncode(secret), encodeURIComponent(secret), secret.replace(/[\\']/g, (c) => `\\${c}`), secret.replaceAll("'", "''"), secret.slice(2, 9)];
}

function expectNoSecret(text: string, where: string): void {
  for (const secret of SECRETS) {
    if (secret === '') continue;
    for (const form of spellings(secret)) expect(text.includes(form), `${where} holds ${JSON.stringify(form)}:\n${text}`).toBe(false);
  }
}

interface Run {
  readonly out: string;
  readonly err: string;
  readonly code: number;
}

const transcripts: string[] = [];

async function run(fn: (io: { out: (t: string) => void; err: (t: string) => void }) => Promise<number>): Promise<Run> {
  let out = '';
  let err = '';
  // runCommand prints thrown errors to process.stderr: capture it for the call.
  const write = process.stderr.write.bind(process.stderr);
  const saved = process.exitCode;
  process.stderr.write = ((chunk: string | Uint8Array) => ((err += String(chunk)), true)) as typeof process.stderr.write;
  let code: number;
  try {
    process.exitCode = undefined;
    await runCommand(() => fn({ out: (t) => void (out += t), err: (t) => void (err += t) }));
    code = Number(process.exitCode ?? 0);
  } finally {
    process.stderr.write = write;
    process.exitCode = saved;
  }
  transcripts.push(`${out}\n${err}`);
  return { out, err, code };
}

describe('pgrepl plan / apply (scram, PostgreSQL 15 -> 17)', () => {
  let src: Cluster;
  let tgt: Cluster;
  let db: string;
  let targetDb: string;
  let dir: string;
  let specFile: string;
  let statePath: string;
  let env: NodeJS.ProcessEnv;

  const plan = (args: PlanArgs = {}): Promise<Run> => run((io) => runPlan({ spec: specFile, ...args }, { ...io, env, color: false }));
  const apply = (args: ApplyArgs = {}): Promise<Run> =>
    run((io) => runApply({ spec: specFile, ...args }, {
      ...io, env, color: false, interactive: false, handleSignals: false,
      ask: () => Promise.reject(new Error('apply must not ask outside a terminal')),
    }));

  function writeSpec(extra = ''): void {
    writeFileSync(specFile, [
      'version: 1',
      'source: { url: "${SRC}" }',
      'target: { url: "${TGT}" }',
      `state: { path: ${JSON.stringify(statePath)} }`,
      'databases:',
      `  ${db}:`,
      `    target_database: ${targetDb}`,
      '    sync: false',
      '    roles: skip',
      extra,
      '',
    ].join('\n'));
  }

  async function targetExists(): Promise<boolean> {
    return (await tgt.query<{ n: string }>('SELECT count(*) AS n FROM pg_database WHERE datname = $1', [targetDb]))[0]?.n === '1';
  }

  async function tableDigest(cluster: Cluster, database: string, table: string): Promise<string> {
    const rows = await cluster.query<{ n: string; h: string | null }>(`SELECT count(*) AS n, sum(hashtext(t::text)::bigint)::text AS h FROM ${table} t`, [], database);
    return `${rows[0]?.n}:${rows[0]?.h}`;
  }

  async function expectSameData(tables: readonly string[]): Promise<void> {
    for (const t of tables) expect(await tableDigest(tgt, targetDb, t), t).toBe(await tableDigest(src, db, t));
  }

  beforeAll(async () => {
    src = await getCluster({ major: 15, auth: 'scram' });
    tgt = await getCluster({ major: 17, auth: 'scram' });
    db = await src.createDatabase('cliapply', { owner: SOURCE_ROLE.user });
    targetDb = `pgrepl_t_cliapply_tgt_${Math.random().toString(36).slice(2, 8)}`;
    await src.query(`SET ROLE ${SOURCE_ROLE.user};
      CREATE SCHEMA sales;
      CREATE TABLE public.customers (id int PRIMARY KEY, name text NOT NULL, created timestamptz NOT NULL DEFAULT now());
      CREATE TABLE sales.orders (id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, customer_id int NOT NULL REFERENCES public.customers, total numeric(12,2), note text);
      CREATE INDEX orders_customer ON sales.orders (customer_id);
      INSERT INTO public.customers SELECT g, 'customer ' || g, '2026-01-01'::timestamptz + g * interval '1 hour' FROM generate_series(1, 200) g;
      INSERT INTO sales.orders (customer_id, total, note) SELECT 1 + g % 200, g * 1.25, CASE WHEN g % 7 = 0 THEN NULL ELSE 'n' || g END FROM generate_series(1, 5000) g;
      ANALYZE`, [], db);
    dir = mkdtempSync(join(tmpdir(), 'pgrepl-cli-apply-'));
    specFile = join(dir, 'pgrepl.yaml');
    statePath = join(dir, 'state', 'state.json');
    env = {
      HOME: '/nonexistent',
      SRC: src.url({ user: SOURCE_ROLE.user }),
      TGT: tgt.url({ user: TARGET_ROLE.user }),
    };
    writeSpec();
  });

  afterAll(async () => {
    for (const [i, t] of transcripts.entries()) expectNoSecret(t, `output #${i}`);
    if (db) await src.dropDatabase(db);
    if (targetDb) await tgt.dropDatabase(targetDb);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('plan shows what will be created, and --detailed-exitcode says 2', async () => {
    const r = await plan();
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain(`# target.database.${db} will be created`);
    expect(r.out).toMatch(/# target\.rows\..*orders.* will be created/);
    expect(r.out).toMatch(/Plan: \d+ to add, 0 to change, 0 to destroy\./);
    expect((await plan({ 'detailed-exitcode': true })).code).toBe(2);
    const json = await plan({ json: true });
    expect(json.code).toBe(0);
    expect(json.err).toBe('');
    const parsed = JSON.parse(json.out) as { format_version: string; steps: { address: string }[] };
    expect(parsed.format_version).toBe('1');
    expect(parsed.steps.map((s) => s.address)).toContain(`target.database.${db}`);
    const checked = await plan({ 'check-ddl': true });
    expect(checked.code, checked.err).toBe(0);
    expect(checked.out).toContain(`DDL check: ${db}: not checked: target database ${targetDb} does not exist yet`);
  });

  it('apply outside a terminal without --auto-approve exits 1 naming the flag and changes nothing', async () => {
    const r = await apply();
    expect(r.code).toBe(1);
    expect(r.err).toContain('--auto-approve');
    expect(r.err).toContain('nothing was changed');
    expect(await targetExists()).toBe(false);
    expect(existsSync(statePath)).toBe(false);
    expect(existsSync(`${statePath}.lock`)).toBe(false);
  });

  it('plan --out saves a 0600 plan without secrets; apply PLANFILE converges; the next plan is empty', async () => {
    const file = join(dir, 'plan.json');
    const p = await plan({ out: file });
    expect(p.code, p.err).toBe(0);
    expect(p.out).toContain(`pgrepl apply ${file}`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expectNoSecret(readFileSync(file, 'utf8'), 'the saved plan');

    const a = await apply({ planfile: file });
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/Apply complete! \d+ added, 0 changed, 0 destroyed in /);
    expect(a.out).toContain(`State: ${statePath}`);
    expect(existsSync(`${statePath}.lock`)).toBe(false);
    expectNoSecret(readFileSync(statePath, 'utf8'), 'the state');
    await expectSameData(['public.customers', 'sales.orders']);

    const again = await plan({ 'detailed-exitcode': true });
    expect(again.out).toContain('No changes.');
    expect(again.code).toBe(0);
    // Applying the same (now stale) plan again is refused: the state moved on.
    const stale = await apply({ planfile: file });
    expect(stale.code).toBe(1);
    expect(stale.err).toMatch(/stale/);
    expect(stale.err).toContain("state created since the plan");
  });

  it('apply --auto-approve brings a source change over, then nothing is left to do', async () => {
    await src.query(`SET ROLE ${SOURCE_ROLE.user};
      CREATE TABLE public.regions (id int PRIMARY KEY, name text);
      INSERT INTO public.regions SELECT g, 'r' || g FROM generate_series(1, 50) g`, [], db);
    const a = await apply({ 'auto-approve': true });
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/public\.regions/);
    expect(a.out).toMatch(/Apply complete! [1-9]\d* added/);
    await expectSameData(['public.customers', 'sales.orders', 'public.regions']);
    const again = await apply({ 'auto-approve': true });
    expect(again.code).toBe(0);
    expect(again.out).toContain('No changes.');
  });

  it('a saved plan made stale by a source change or a spec edit is refused with the reason and changes nothing', async () => {
    const file = join(dir, 'stale.json');
    await src.query(`SET ROLE ${SOURCE_ROLE.user}; CREATE TABLE public.later (id int PRIMARY KEY)`, [], db);
    expect((await plan({ out: file })).code).toBe(0);
    await src.query(`SET ROLE ${SOURCE_ROLE.user}; ALTER TABLE public.later ADD COLUMN note text`, [], db);
    const serial = JSON.parse(readFileSync(statePath, 'utf8')).serial as number;

    const r = await apply({ planfile: file });
    expect(r.code).toBe(1);
    expect(r.err).toContain('live state changed');
    expect(r.err).toContain('run `pgrepl plan');
    expect((await tgt.query('SELECT 1 FROM pg_class WHERE relname = $1', ['later'], targetDb)).length).toBe(0);
    expect(JSON.parse(readFileSync(statePath, 'utf8')).serial).toBe(serial);

    const file2 = join(dir, 'stale2.json');
    expect((await plan({ out: file2 })).code).toBe(0);
    writeSpec('# an edit');
    const r2 = await apply({ planfile: file2 });
    expect(r2.code).toBe(1);
    expect(r2.err).toContain('spec file changed');
    expect(existsSync(`${statePath}.lock`)).toBe(false);
  });

  it('plan --check-ddl runs the pending DDL in a transaction it rolls back', async () => {
    const r = await plan({ 'check-ddl': true });
    expect(r.code, r.err).toBe(0);
    expect(r.out).toMatch(new RegExp(`DDL check: ${db}: [1-9]\\d* statements? ran and were rolled back`));
    expect((await tgt.query('SELECT 1 FROM pg_class WHERE relname = $1', ['later'], targetDb)).length).toBe(0);
  });

  it('a changed filter re-copies rows: destructive, so --auto-approve alone is refused naming the step; --allow-destroy applies it', async () => {
    writeSpec('    table_filters:\n      - { schema: sales, table: orders, where: "id % 2 = 0" }');
    const p = await plan();
    expect(p.out).toMatch(/destructive/);
    const refused = await apply({ 'auto-approve': true });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--allow-destroy');
    expect(refused.err).toContain(`target.rows.${db}.sales.orders`);
    expect(await tableDigest(tgt, targetDb, 'sales.orders')).toBe(await tableDigest(src, db, 'sales.orders'));

    const a = await apply({ 'auto-approve': true, 'allow-destroy': true });
    expect(a.code, a.err).toBe(0);
    const filtered = await src.query<{ n: string }>('SELECT count(*) AS n FROM sales.orders WHERE id % 2 = 0', [], db);
    const copied = await tgt.query<{ n: string }>('SELECT count(*) AS n FROM sales.orders', [], targetDb);
    expect(copied[0]?.n).toBe(filtered[0]?.n);
    const again = await plan({ 'detailed-exitcode': true });
    expect(again.code, again.out).toBe(0);
  });

  it('a plan with errors exits 1 and prints them, also with --detailed-exitcode, and writes no --out file', async () => {
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, ['version: 1', 'source: { url: "${SRC}" }', 'target: { url: "${TGT}" }', `state: { path: ${JSON.stringify(join(dir, 'bad-state.json'))} }`,
      'databases:', '  pgrepl_no_such_database: { sync: false, roles: skip }', ''].join('\n'));
    const out = join(dir, 'bad-plan.json');
    const r = await run((io) => runPlan({ spec: bad, out, 'detailed-exitcode': true }, { ...io, env, color: false }));
    expect(r.code).toBe(1);
    expect(r.out).toContain('pgrepl_no_such_database');
    expect(r.err).toMatch(/the plan has \d+ errors?/);
    expect(existsSync(out)).toBe(false);
  });

  it('apply --destroy needs --allow-destroy to drop the database pgrepl created, then removes it', async () => {
    const refused = await apply({ destroy: true, 'auto-approve': true });
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('--allow-destroy');
    expect(await targetExists()).toBe(true);
    const a = await apply({ destroy: true, 'auto-approve': true, 'allow-destroy': true });
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/Destroy complete! 0 added, 0 changed, [1-9]\d* destroyed/);
    expect(await targetExists()).toBe(false);
    const after = await plan({ destroy: true, 'detailed-exitcode': true });
    expect(after.code, after.out).toBe(0);
  });
});
