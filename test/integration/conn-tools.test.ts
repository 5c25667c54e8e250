// Client tools get credentials only through a temporary 0600 passfile: a wrapper script in front of the real
// psql records the argv and environment the child actually received, and the passfile's mode while it ran.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import { liveTemporaryPassfileDirs } from '../../src/pg/conninfo/temporary-passfile.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { runClientTool } from '../../src/pg/tools.js';
import { PgreplError } from '../../src/util/errors.js';
import { type Cluster, getCluster, SOURCE_ROLE } from '../harness/index.js';

const PSQL = '/usr/lib/postgresql/15/bin/psql';
const WRAPPER = `#!/bin/sh
printf '%s\\n' "$@" > "$WRAP_OUT/argv"
env > "$WRAP_OUT/env"
printf '%s' "$PGPASSFILE" > "$WRAP_OUT/passfile-path"
stat -c '%a' "$PGPASSFILE" > "$WRAP_OUT/passfile-mode"
stat -c '%a' "$(dirname "$PGPASSFILE")" > "$WRAP_OUT/passdir-mode"
exec ${PSQL} "$@"
`;

let cluster: Cluster;
let dir: string;
let wrapper: string;
let ci: ConnInfo;

beforeAll(async () => {
  cluster = await getCluster({ major: 15, auth: 'scram' });
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgrepl-conn-tools-'));
  wrapper = path.join(dir, 'psql-wrapper');
  fs.writeFileSync(wrapper, WRAPPER, { mode: 0o755 });
  // TCP with scram: the password must reach psql, and only through the passfile.
  ci = parseConnString(cluster.url({ user: SOURCE_ROLE.user }) + '?sslmode=disable', { env: {}, passfile: null });
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const recorded = (name: string): string => fs.readFileSync(path.join(dir, name), 'utf8');
/** The parent's environment plus a PGPASSWORD that must not reach the child. */
const env = (): NodeJS.ProcessEnv => ({ ...process.env, WRAP_OUT: dir, PGPASSWORD: SOURCE_ROLE.password, PGHOST: 'elsewhere' });

function expectNoSecretsInChild(): void {
  const argv = recorded('argv');
  const childEnv = recorded('env');
  expect(argv).not.toContain(SOURCE_ROLE.password);
  expect(argv).not.toMatch(/password/i);
  expect(childEnv).not.toContain(SOURCE_ROLE.password);
  expect(childEnv).not.toMatch(/^PGPASSWORD=/m);
  expect(childEnv).not.toMatch(/^PGHOST=/m);
  expect(recorded('passfile-mode')).toBe('600\n');
  expect(recorded('passdir-mode')).toBe('700\n');
}

describe('runClientTool', () => {
  it("runs psql -c 'select 1' with the awkward password from a passfile, then removes it", async () => {
    const result = await runClientTool(wrapper, ['-X', '-A', '-t', '-c', 'select 1'], ci, { side: 'source', env: env() });
    expect(result.stdout).toBe('1\n');
    expectNoSecretsInChild();
    expect(recorded('argv').split('\n')[0]).toMatch(/^--dbname=host=127\.0\.0\.1 port=\d+ dbname=postgres user=src_owner sslmode=disable options='/);
    const passfile = recorded('passfile-path');
    expect(fs.existsSync(passfile)).toBe(false);
    expect(fs.existsSync(path.dirname(passfile))).toBe(false);
    expect(liveTemporaryPassfileDirs()).toEqual([]);
  });

  it('gives the child the same session settings: READ ONLY on the source, application_name=pgrepl', async () => {
    const sql = "select current_setting('default_transaction_read_only') || ' ' || current_setting('application_name') || ' ' || current_setting('DateStyle')";
    const source = await runClientTool(PSQL, ['-X', '-A', '-t', '-c', sql], ci, { side: 'source' });
    expect(source.stdout).toBe('on pgrepl ISO, MDY\n');
    const target = await runClientTool(PSQL, ['-X', '-A', '-t', '-c', sql], ci, { side: 'target' });
    expect(target.stdout).toBe('off pgrepl ISO, MDY\n');
  });

  it('removes the passfile when the child fails, and reports its stderr', async () => {
    const e = await runClientTool(wrapper, ['-X', '-v', 'ON_ERROR_STOP=1', '-c', 'select no_such_column'], ci, { side: 'source', env: env() }).then(
      () => new Error('succeeded'),
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(PgreplError);
    const err = e as PgreplError;
    expect(err.message).toMatch(/^psql-wrapper exited with code 1 \(source server postgres:\/\/src_owner@127\.0\.0\.1:\d+\/postgres\)$/);
    expect(err.hints.join('\n')).toMatch(/no_such_column/);
    expectNoSecretsInChild();
    expect(fs.existsSync(recorded('passfile-path'))).toBe(false);
    expect(liveTemporaryPassfileDirs()).toEqual([]);
  });

  it('removes the passfile when the run is cancelled', async () => {
    const controller = new AbortController();
    const running = runClientTool(wrapper, ['-X', '-c', 'select pg_sleep(5)'], ci, { side: 'source', env: env(), signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    await expect(running).rejects.toThrow(/was cancelled/);
    expect(fs.existsSync(recorded('passfile-path'))).toBe(false);
    expect(liveTemporaryPassfileDirs()).toEqual([]);
  });

  it('a wrong password fails without showing it', async () => {
    const wrong = { ...ci, password: 'not-the:password' };
    const e = await runClientTool(PSQL, ['-X', '-c', 'select 1'], wrong, { side: 'source' }).catch((err: unknown) => err as PgreplError);
    expect(e).toBeInstanceOf(PgreplError);
    const text = [(e as PgreplError).message, ...(e as PgreplError).hints].join('\n');
    expect(text).toMatch(/password authentication failed/);
    expect(text).not.toContain('not-the:password');
  });
});
