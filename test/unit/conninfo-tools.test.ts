// runClientTool without a server: execa is replaced by a spy that records the argv and environment it is given
// and reads the passfile while the "child" runs.
import * as fs from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import { passfileLine } from '../../src/pg/conninfo/pgpass.js';
import { liveTemporaryPassfileDirs } from '../../src/pg/conninfo/temporary-passfile.js';
import { childEnvironment, runClientTool } from '../../src/pg/tools.js';
import { PgreplError } from '../../src/util/errors.js';

interface Call {
  readonly file: string;
  readonly args: readonly string[];
  readonly env: Readonly<Record<string, string>>;
  readonly passfileText: string;
  readonly passfileMode: number;
}
const spy = vi.hoisted(() => ({ calls: [] as Call[], fail: false }));

vi.mock('execa', async () => {
  const nodeFs = await import('node:fs');
  return {
    execa: vi.fn(async (file: string, args: readonly string[], options: { env: Record<string, string> }) => {
      const passfile = options.env['PGPASSFILE'] ?? '';
      spy.calls.push({
        file,
        args,
        env: options.env,
        passfileText: nodeFs.readFileSync(passfile, 'utf8'),
        passfileMode: nodeFs.statSync(passfile).mode & 0o777,
      });
      return spy.fail
        ? { failed: true, exitCode: 2, stdout: '', stderr: 'psql: error: boom\n', isCanceled: false }
        : { failed: false, exitCode: 0, stdout: 'ok\n', stderr: '' };
    }),
  };
});

const AWKWARD = `p: \\@%/'x`;
const ci = parseConnString(`postgres://app:${encodeURIComponent(AWKWARD)}@db.example.com/shop?sslmode=require`, { env: {}, passfile: null });

describe('runClientTool', () => {
  it('passes a password-less --dbname and the password only in a 0600 passfile that is gone afterwards', async () => {
    spy.calls.length = 0;
    const result = await runClientTool('/usr/bin/psql', ['-c', 'select 1'], ci, {
      side: 'source',
      env: { PATH: '/usr/bin', PGPASSWORD: AWKWARD, PGSSLMODE: 'disable', HOME: '/root' },
    });
    expect(result.stdout).toBe('ok\n');
    const call = spy.calls[0] as Call;
    expect(call.file).toBe('/usr/bin/psql');
    expect(call.args.slice(1)).toEqual(['-c', 'select 1']);
    expect(call.args[0]).toMatch(/^--dbname=host=db\.example\.com port=5432 dbname=shop user=app sslmode=require options='.*' application_name=pgrepl$/);
    for (const arg of call.args) expect(arg).not.toContain(AWKWARD);
    expect(Object.keys(call.env).filter((k) => k.startsWith('PG'))).toEqual(['PGPASSFILE']);
    expect(Object.values(call.env).join('\n')).not.toContain(AWKWARD);
    expect(call.env).toMatchObject({ PATH: '/usr/bin', HOME: '/root' });
    expect(call.passfileText).toBe(passfileLine('app', AWKWARD));
    expect(call.passfileMode).toBe(0o600);
    expect(fs.existsSync(call.env['PGPASSFILE'] as string)).toBe(false);
    expect(liveTemporaryPassfileDirs()).toEqual([]);
  });

  it('writes an empty passfile without a password, so the child never reads ~/.pgpass', async () => {
    spy.calls.length = 0;
    const noPassword = parseConnString('host=h user=u', { env: {}, passfile: null });
    await runClientTool('psql', [], noPassword, { side: 'target', env: {} });
    expect(spy.calls[0]?.passfileText).toBe('');
  });

  it('throws with the stderr tail and removes the passfile when the child fails', async () => {
    spy.calls.length = 0;
    spy.fail = true;
    try {
      const e = await runClientTool('/usr/lib/postgresql/15/bin/pg_dump', [], ci, { side: 'source', env: {} }).catch((err: unknown) => err);
      expect(e).toBeInstanceOf(PgreplError);
      expect((e as PgreplError).message).toBe('pg_dump exited with code 2 (source server postgres://app@db.example.com:5432/shop)');
      expect((e as PgreplError).hints).toEqual(['psql: error: boom']);
      expect(fs.existsSync(spy.calls[0]?.env['PGPASSFILE'] as string)).toBe(false);
    } finally {
      spy.fail = false;
    }
  });

  it('childEnvironment drops every PG* variable', () => {
    expect(childEnvironment({ PGPASSWORD: 'x', PGHOST: 'h', PATH: '/bin', LANG: 'C' })).toEqual({ PATH: '/bin', LANG: 'C' });
  });
});
