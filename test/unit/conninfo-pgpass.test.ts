// The libpq password file: matching, escapes, permissions, and the lines pgrepl writes for child processes.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { forDatabase } from '../../src/pg/conninfo/for-database.js';
import { parseConnString } from '../../src/pg/conninfo/parse.js';
import { escapePassfileField, lookupPassfile, passfileLine } from '../../src/pg/conninfo/pgpass.js';
import { PgreplError } from '../../src/util/errors.js';

const AWKWARD = `p: \\@%/'x`;
let dir: string;
let warnings: string[];
const warn = (m: string) => warnings.push(m);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgrepl-unit-'));
  warnings = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function passfile(text: string, mode = 0o600): string {
  const file = path.join(dir, 'pgpass');
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
}
const query = { host: 'db.example.com', port: 5432, database: 'shop', user: 'app' };

describe('lookupPassfile', () => {
  it('matches host, port, database and user, first matching line wins', () => {
    const file = passfile(
      ['other.example.com:5432:shop:app:wrong', 'db.example.com:5432:shop:app:right', 'db.example.com:5432:shop:app:later'].join('\n'),
    );
    expect(lookupPassfile(file, query, warn)).toBe('right');
  });

  it('treats a field of exactly * as a wildcard, and nothing else', () => {
    expect(lookupPassfile(passfile('*:*:*:app:any\n'), query, warn)).toBe('any');
    expect(lookupPassfile(passfile('db.*:5432:shop:app:glob\n'), query, warn)).toBeUndefined();
    expect(lookupPassfile(passfile('*:5433:*:*:x\n*:5432:*:*:y\n'), query, warn)).toBe('y');
  });

  it('skips comment lines and handles CRLF', () => {
    expect(lookupPassfile(passfile('# *:*:*:*:commented\r\n*:*:*:*:real\r\n'), query, warn)).toBe('real');
  });

  it('undoes \\: and \\\\ in fields and in the password, and stops the password at an unescaped colon', () => {
    const file = passfile('h\\:x:5432:shop:a\\\\pp:pa\\:ss\\\\w:ignored\n');
    expect(lookupPassfile(file, { ...query, host: 'h:x', user: 'a\\pp' }, warn)).toBe('pa:ss\\w');
  });

  it('matches "localhost" for the default socket directory only; another directory matches its path', () => {
    const file = passfile('localhost:5432:*:*:local\n/tmp/sock:5432:*:*:tmp\n');
    expect(lookupPassfile(file, { ...query, host: '/var/run/postgresql' }, warn)).toBe('local');
    expect(lookupPassfile(file, { ...query, host: 'localhost' }, warn)).toBe('local');
    expect(lookupPassfile(file, { ...query, host: '/tmp/sock' }, warn)).toBe('tmp');
    expect(lookupPassfile(file, { ...query, host: '/other' }, warn)).toBeUndefined();
  });

  it('ignores a file that group or others can access, with libpq\'s warning', () => {
    for (const mode of [0o640, 0o604, 0o660, 0o644]) {
      warnings = [];
      expect(lookupPassfile(passfile('*:*:*:*:pw\n', mode), query, warn)).toBeUndefined();
      expect(warnings[0]).toMatch(/has group or world access; permissions should be u=rw \(0600\) or less/);
    }
    for (const mode of [0o600, 0o400, 0o700]) {
      expect(lookupPassfile(passfile('*:*:*:*:pw\n', mode), query, warn)).toBe('pw');
    }
  });

  it('skips a missing file silently and a directory with a warning', () => {
    expect(lookupPassfile(path.join(dir, 'none'), query, warn)).toBeUndefined();
    expect(warnings).toEqual([]);
    expect(lookupPassfile(dir, query, warn)).toBeUndefined();
    expect(warnings[0]).toMatch(/not a plain file/);
  });
});

describe('parseConnString with a passfile', () => {
  it('reads ~/.pgpass, PGPASSFILE and passfile= in libpq\'s order, only when no password is given', () => {
    const home = path.join(dir, 'home');
    fs.mkdirSync(home);
    fs.writeFileSync(path.join(home, '.pgpass'), '*:*:*:*:fromhome\n', { mode: 0o600 });
    const other = passfile('*:*:*:*:fromenv\n');
    const third = path.join(dir, 'third');
    fs.writeFileSync(third, '*:*:*:*:fromkey\n', { mode: 0o600 });

    const env = { HOME: home };
    expect(parseConnString('host=h user=u', { env })).toMatchObject({ password: 'fromhome', passwordSource: 'passfile' });
    expect(parseConnString('host=h user=u', { env: { ...env, PGPASSFILE: other } }).password).toBe('fromenv');
    expect(parseConnString(`host=h user=u passfile=${third}`, { env: { ...env, PGPASSFILE: other } }).password).toBe('fromkey');
    expect(parseConnString('host=h user=u password=given', { env }).password).toBe('given');
    expect(parseConnString('host=h user=u', { env: { ...env, PGPASSWORD: 'pgpw' } })).toMatchObject({ password: 'pgpw', passwordSource: 'env' });
    expect(parseConnString('host=h user=u', { env, passfile: null }).password).toBeUndefined();
  });

  it('matches with the resolved defaults (port 5432, database = user)', () => {
    const file = passfile('h:5432:u:u:matched\n');
    expect(parseConnString('host=h user=u', { env: {}, passfile: file }).password).toBe('matched');
  });

  it('forDatabase looks a passfile password up again for the other database', () => {
    const file = passfile('h:5432:shop:u:shoppw\nh:5432:crm:u:crmpw\n');
    const ci = parseConnString('host=h user=u dbname=shop', { env: {}, passfile: file });
    expect(ci.password).toBe('shoppw');
    expect(forDatabase(ci, 'crm').password).toBe('crmpw');
    expect(forDatabase(ci, 'none').password).toBeUndefined();
    const explicit = parseConnString('host=h user=u dbname=shop password=given', { env: {}, passfile: file });
    expect(forDatabase(explicit, 'crm')).toMatchObject({ database: 'crm', password: 'given' });
  });
});

describe('passfile lines for child processes', () => {
  it('escapes backslash and colon', () => {
    expect(escapePassfileField('a:b\\c')).toBe('a\\:b\\\\c');
    expect(passfileLine('app', AWKWARD)).toBe(`*:*:*:app:p\\: \\\\@%/'x\n`);
  });

  it('round-trips awkward user names and passwords through libpq\'s matching rules', () => {
    const pairs: [string, string][] = [
      ['app', AWKWARD],
      ['we:ird\\user', 'pw'],
      ['app', '\\'],
      ['app', ':::'],
      ['app', 'trailing\\'],
      ['app', ' spaces '],
    ];
    for (const [user, password] of pairs) {
      const file = passfile(passfileLine(user, password));
      expect(lookupPassfile(file, { ...query, user }, warn)).toBe(password);
    }
  });

  it('refuses a line break without showing the password', () => {
    try {
      passfileLine('app', 'sec\nret');
      throw new Error('expected an error');
    } catch (e) {
      expect(e).toBeInstanceOf(PgreplError);
      expect((e as Error).message).not.toContain('sec');
    }
  });
});
