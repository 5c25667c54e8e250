// No password in anything `pgrepl validate` prints: stdout (human and --json), stderr, thrown errors. Runs the
// command's handler in-process (runCommand + runValidate, exactly what the CLI calls) against the scram profile,
// whose passwords hold `: \ @ % / '` and a space, in every spelling they could leak in.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, getCluster, percentEncode, SOURCE_ROLE, TARGET_ROLE, type Cluster } from '../harness/index.js';
import { runCommand } from '../../src/cli/run.js';
import { runValidate, type ValidateArgs } from '../../src/cli/commands/validate.js';
import { ensureRoles, goodTemplateSql } from '../fixtures/validate/setup.js';

const started = Date.now();
afterAll(() => console.log(`validate-secrets: ${((Date.now() - started) / 1000).toFixed(1)} s`));

const SECRETS = [SOURCE_ROLE.password, TARGET_ROLE.password];

function spellings(secret: string): string[] {
  return [
    secret,
    percentEncode(secret),
    encodeURIComponent(secret),
    secret.replace(/[\\']/g, (c) => `\\${c}`),
    secret.replaceAll("'", "''"),
    // The distinctive middle, in case a message cuts or re-quotes the rest.
    secret.slice(2, 9),
  ];
}

interface Captured {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

/** The CLI handler's body with stdout/stderr captured; thrown errors go through runCommand's printer. */
async function capture(args: ValidateArgs, env: NodeJS.ProcessEnv): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const out = process.stdout.write.bind(process.stdout);
  const err = process.stderr.write.bind(process.stderr);
  const saved = process.exitCode;
  process.stdout.write = ((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  }) as typeof process.stderr.write;
  let exitCode: number;
  try {
    await runCommand(() => runValidate(args, (text) => process.stdout.write(text), env));
    exitCode = Number(process.exitCode ?? 0);
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
    process.exitCode = saved;
  }
  return { stdout, stderr, exitCode };
}

function expectNoSecret(c: Captured): void {
  const text = `${c.stdout}\n${c.stderr}`;
  for (const secret of SECRETS) for (const form of spellings(secret)) expect(text.includes(form), `found ${JSON.stringify(form)} in:\n${text}`).toBe(false);
}

describe('validate never prints a password (scram, PostgreSQL 15 → 17)', () => {
  let src: Cluster;
  let tgt: Cluster;
  let db: string;
  let targetDb: string;
  let dir: string;
  const env = { HOME: '/nonexistent' };

  beforeAll(async () => {
    src = await getCluster({ major: 15, auth: 'scram' });
    tgt = await getCluster({ major: 17, auth: 'scram' });
    await ensureRoles(src);
    const tpl = await src.ensureTemplate('val_good', goodTemplateSql(), { owner: SOURCE_ROLE.user });
    db = await src.createDatabase('val_secret', { template: tpl, owner: SOURCE_ROLE.user });
    targetDb = await tgt.createDatabase('val_secret_tgt', { owner: TARGET_ROLE.user });
    dir = mkdtempSync(join(tmpdir(), 'pgrepl-validate-'));
  });
  afterAll(async () => {
    if (db) await src.dropDatabase(db);
    if (targetDb) await tgt.dropDatabase(targetDb);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const sourceUrl = () => src.url({ user: SOURCE_ROLE.user, database: db });
  const targetUrl = (database = targetDb) => tgt.url({ user: TARGET_ROLE.user, database });

  it('a full run, human and --json, with the probe subscription carrying the password', async () => {
    for (const json of [false, true]) {
      const c = await capture({ source: sourceUrl(), target: targetUrl(), json }, env);
      expectNoSecret(c);
      expect(c.stderr).toBe('');
      if (json) {
        const lines = c.stdout.trim().split('\n').map((l) => JSON.parse(l) as { id: string; status: string });
        // The target really connected to the source with the password from the URL.
        expect(lines.find((l) => l.id === 'target.reaches_source')?.status).toBe('ok');
      } else {
        expect(c.stdout).toMatch(/✓ .*target connects to source database/);
        expect(c.stdout).toMatch(/validation passed/);
      }
      expect(c.exitCode).toBe(0);
    }
  });

  it('an unreachable source, a wrong password, and a probe that cannot reach the source', async () => {
    const port = await freePort();
    const closed = sourceUrl().replace(`:${src.port}/`, `:${port}/`);
    const wrong = src.url({ user: SOURCE_ROLE.user, password: `${SOURCE_ROLE.password}x`, database: db });
    for (const json of [false, true]) {
      for (const source of [closed, wrong]) {
        const c = await capture({ source, target: targetUrl(), json }, env);
        expectNoSecret(c);
        expect(c.exitCode).toBe(1);
        expect(c.stdout).toMatch(/source\.reachable/);
      }
    }
    // subscription.conninfo that the target cannot use: its libpq error must come back redacted.
    const file = join(dir, 'pgrepl.yaml');
    writeFileSync(
      file,
      [
        'version: 1',
        'source: { url: "${SRC}" }',
        'target: { url: "${TGT}" }',
        'databases:',
        `  ${db}:`,
        `    target_database: ${targetDb}`,
        '    subscription: { conninfo: "${SUBCONN}" }',
        '',
      ].join('\n'),
    );
    const subconn = `host=127.0.0.1 port=${port} user=${SOURCE_ROLE.user} password='${SOURCE_ROLE.password.replace(/[\\']/g, (ch) => `\\${ch}`)}'`;
    for (const json of [false, true]) {
      const c = await capture({ spec: file, json }, { ...env, SRC: sourceUrl(), TGT: targetUrl(), SUBCONN: subconn });
      expectNoSecret(c);
      expect(c.exitCode).toBe(1);
      expect(c.stdout).toMatch(/target cannot connect to source database/);
    }
  });

  it('input errors that hold the URL: an unsupported key, a missing --target', async () => {
    const bad = `${sourceUrl()}?nosuchkey=1`;
    const c1 = await capture({ source: bad, target: targetUrl() }, env);
    expectNoSecret(c1);
    expect(c1.exitCode).toBe(1);
    expect(c1.stderr).toMatch(/nosuchkey/);
    const c2 = await capture({ source: sourceUrl() }, env);
    expectNoSecret(c2);
    expect(c2.stderr).toMatch(/--target is missing/);
  });
});
