// Parsing connection strings with libpq's conventions: URLs, key=value, environment defaults, refused keys,
// and error messages that never show the password.
import * as os from 'node:os';
import { describe, expect, it } from 'vitest';
import { displayName } from '../../src/pg/conninfo/display.js';
import { parseConnString, type ParseOptions } from '../../src/pg/conninfo/parse.js';
import { PgreplError } from '../../src/util/errors.js';

// The password of the harness's scram profile: every character libpq makes awkward.
const AWKWARD = `p: \\@%/'x`;
const hermetic: ParseOptions = { env: {}, passfile: null };
const parse = (s: string, opts: ParseOptions = {}) => parseConnString(s, { ...hermetic, ...opts });

/** The thrown PgreplError, for asserting on its message and hints. */
function failure(fn: () => unknown): PgreplError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(PgreplError);
    return e as PgreplError;
  }
  throw new Error('expected a PgreplError');
}
const fullText = (e: PgreplError): string => [e.message, ...e.hints].join('\n');

describe('URLs', () => {
  it('reads every component of postgres:// and postgresql://', () => {
    for (const scheme of ['postgres', 'postgresql']) {
      const ci = parse(`${scheme}://app:secret@db.example.com:6543/shop?sslmode=verify-full&application_name=x`);
      expect(ci).toMatchObject({
        host: 'db.example.com',
        port: 6543,
        user: 'app',
        password: 'secret',
        passwordSource: 'conninfo',
        database: 'shop',
        sslmode: 'verify-full',
        applicationName: 'x',
      });
    }
  });

  it('percent-decodes the user, password, host, database and query parameters', () => {
    const encoded = encodeURIComponent(AWKWARD);
    const ci = parse(`postgres://my%20user:${encoded}@%2Ftmp%2Fpg%20sock:5433/my%2Fdb?options=-c%20search_path%3Dx`);
    expect(ci.user).toBe('my user');
    expect(ci.password).toBe(AWKWARD);
    expect(ci.host).toBe('/tmp/pg sock');
    expect(ci.database).toBe('my/db');
    expect(ci.extra['options']).toBe('-c search_path=x');
  });

  it('decodes multi-byte UTF-8 and keeps "+" literal (libpq is not a form decoder)', () => {
    const ci = parse(`postgres://u:a+b%C3%A9@h/d`);
    expect(ci.password).toBe('a+bé');
  });

  it('takes a socket directory from ?host= and a raw colon inside the password', () => {
    const ci = parse('postgresql://app:pa:ss@/shop?host=/var/lib/postgresql&port=5434');
    expect(ci).toMatchObject({ host: '/var/lib/postgresql', port: 5434, password: 'pa:ss', database: 'shop' });
  });

  it('reads IPv6 addresses in brackets', () => {
    expect(parse('postgres://u@[::1]:5433/d')).toMatchObject({ host: '::1', port: 5433 });
    expect(parse('postgres://[fe80::1%25eth0]/d').host).toBe('fe80::1%eth0');
    expect(displayName(parse('postgres://u@[fe80::1%25eth0]/d'))).toBe('postgres://u@[fe80::1%25eth0]:5432/d');
  });

  it('maps ?ssl=true to sslmode=require like libpq', () => {
    expect(parse('postgres://h/d?ssl=true').sslmode).toBe('require');
  });

  it('accepts a Neon-style URL with channel_binding and an encoded options endpoint', () => {
    const ci = parse('postgresql://u:pw@ep-x.eu-central-1.aws.neon.tech/neondb?sslmode=require&channel_binding=require&options=endpoint%3Dep-x');
    expect(ci.extra).toMatchObject({ channel_binding: 'require', options: 'endpoint=ep-x' });
  });

  it('a later query parameter wins over the URL part', () => {
    expect(parse('postgres://h1:1/db1?host=h2&dbname=db2&port=2')).toMatchObject({ host: 'h2', port: 2, database: 'db2' });
  });

  it('refuses malformed URLs without echoing any part of them', () => {
    const cases = [
      'postgres://u:se%ZZcret@h/d',
      'postgres://u:secret%00@h/d',
      'postgres://u:sec@ret@h/d',
      'postgres://u:sec/ret@h/d',
      'postgres://u:secret@[::1/d',
      'postgres://u:secret@h/d?password',
      'postgres://u:secret@h/d?a=b=c',
    ];
    for (const url of cases) {
      const e = failure(() => parse(url));
      const text = fullText(e);
      for (const fragment of ['secret', 'sec', 'ret', 'se%ZZ']) expect(text).not.toContain(fragment);
    }
  });

  it('refuses several hosts', () => {
    expect(fullText(failure(() => parse('postgres://u:pw@h1,h2/d')))).toMatch(/several hosts/);
  });

  it('refuses unknown and unsupported query parameters by name', () => {
    expect(failure(() => parse('postgres://h/d?target_session_attrs=read-write')).message).toMatch(/"target_session_attrs"/);
    const typo = failure(() => parse('postgres://h/d?sslmdoe=require'));
    expect(typo.message).toMatch(/invalid URL query parameter "sslmdoe"/);
    expect(typo.hints.join('\n')).toMatch(/did you mean "sslmode"/);
  });

  it('refuses other schemes', () => {
    expect(failure(() => parse('mysql://u:pw@h/d')).message).toMatch(/unsupported URL scheme "mysql"/);
    expect(failure(() => parse('POSTGRES://u:pw@h/d')).message).toMatch(/lower case/);
  });
});

describe('key=value strings', () => {
  it('reads bare and quoted values, spaces around "=", and backslash escapes', () => {
    const ci = parse(`host = db.example.com port=5433  dbname='my db' user=app password='p: \\\\@%/\\'x'`);
    expect(ci).toMatchObject({ host: 'db.example.com', port: 5433, database: 'my db', user: 'app', password: AWKWARD });
  });

  it('reads an escaped space in a bare value and an empty quoted value', () => {
    const ci = parse(`dbname=a\\ b options=''`);
    expect(ci.database).toBe('a b');
    expect(ci.extra['options']).toBeUndefined(); // empty means "not set"
  });

  it('a later duplicate wins', () => {
    expect(parse('port=1 port=2').port).toBe(2);
  });

  it('reads a lone word as a database name, like libpq', () => {
    expect(parse('shop').database).toBe('shop');
  });

  it('refuses unknown and unsupported keys by name', () => {
    expect(failure(() => parse('host=h service=prod')).message).toMatch(/unsupported connection option "service"/);
    expect(failure(() => parse('host=h hostaddr=10.0.0.1')).message).toMatch(/"hostaddr"/);
    expect(failure(() => parse('host=h colour=blue')).message).toMatch(/invalid connection option "colour"/);
    expect(failure(() => parse('host=h,h2')).message).toMatch(/several hosts/);
    expect(failure(() => parse('host=h gssencmode=require')).message).toMatch(/gssencmode/);
  });

  it('reports syntax errors', () => {
    expect(failure(() => parse('host=h port')).message).toMatch(/missing "=" after "port"/);
    expect(failure(() => parse("host='h")).message).toMatch(/unterminated quoted string/);
  });

  it('never echoes a password that contains an unquoted space', () => {
    for (const s of ['host=h password=my secretword', 'password=my secretword=x host=h', "password=my secretword='x"]) {
      const text = fullText(failure(() => parse(s)));
      expect(text).not.toContain('secretword');
      expect(text).toMatch(/quoted/);
    }
  });

  it('checks enumerations and integers', () => {
    expect(failure(() => parse('sslmode=verify_full')).message).toMatch(/invalid sslmode value: "verify_full"/);
    expect(failure(() => parse('port=abc')).message).toMatch(/invalid integer value for connection option "port"/);
    expect(failure(() => parse('port=70000')).message).toMatch(/invalid port number/);
    expect(failure(() => parse('connect_timeout=soon')).message).toMatch(/connect_timeout/);
  });
});

describe('defaults and the environment', () => {
  it('uses libpq defaults: socket directory, 5432, OS user, database = user, sslmode prefer', () => {
    const user = os.userInfo().username;
    expect(parse('')).toMatchObject({ host: '/var/run/postgresql', port: 5432, user, database: user, sslmode: 'prefer' });
  });

  it('takes PG* variables for keys the string does not give', () => {
    const env = {
      PGHOST: 'envhost',
      PGPORT: '6000',
      PGUSER: 'envuser',
      PGPASSWORD: 'envpw',
      PGDATABASE: 'envdb',
      PGSSLMODE: 'require',
      PGSSLROOTCERT: '/ca.pem',
      PGSSLCERT: '/c.pem',
      PGSSLKEY: '/k.pem',
      PGCONNECT_TIMEOUT: '7',
      PGAPPNAME: 'envapp',
      PGOPTIONS: '-c work_mem=64MB',
    };
    expect(parse('', { env })).toMatchObject({
      host: 'envhost',
      port: 6000,
      user: 'envuser',
      password: 'envpw',
      passwordSource: 'env',
      database: 'envdb',
      sslmode: 'require',
      sslrootcert: '/ca.pem',
      sslcert: '/c.pem',
      sslkey: '/k.pem',
      connectTimeoutSeconds: 7,
      applicationName: 'envapp',
      extra: { options: '-c work_mem=64MB' },
    });
  });

  it('string values win over the environment, even when given empty', () => {
    const env = { PGHOST: 'envhost', PGPASSWORD: 'envpw', PGDATABASE: 'envdb', PGUSER: 'envuser' };
    const ci = parse("host=strhost dbname='' password=strpw", { env });
    expect(ci).toMatchObject({ host: 'strhost', password: 'strpw', passwordSource: 'conninfo', user: 'envuser' });
    expect(ci.database).toBe('envuser'); // empty dbname: libpq's default (the user), not PGDATABASE
  });

  it('uses defaultDatabase after PGDATABASE and before the user name', () => {
    expect(parse('user=u', { defaultDatabase: 'postgres' }).database).toBe('postgres');
    expect(parse('user=u', { defaultDatabase: 'postgres', env: { PGDATABASE: 'e' } }).database).toBe('e');
  });

  it('names the variable when an environment value is invalid', () => {
    expect(failure(() => parse('', { env: { PGSSLMODE: 'bogus' } })).message).toMatch(/"bogus" \(from PGSSLMODE\)/);
  });

  it('refuses environment variables libpq would act on that pgrepl cannot honour', () => {
    expect(failure(() => parse('host=h', { env: { PGSERVICE: 'prod' } })).message).toMatch(/PGSERVICE.*"service"/);
    expect(failure(() => parse('host=h', { env: { PGHOSTADDR: '10.0.0.1' } })).message).toMatch(/PGHOSTADDR/);
  });

  it('sslrootcert=system defaults to verify-full and refuses weaker modes', () => {
    expect(parse('host=h sslrootcert=system').sslmode).toBe('verify-full');
    expect(failure(() => parse('host=h sslrootcert=system sslmode=require')).message).toMatch(/weak sslmode "require"/);
  });

  it('sslnegotiation=direct needs sslmode require or stronger; channel_binding=require needs TLS', () => {
    expect(failure(() => parse('host=h sslnegotiation=direct')).message).toMatch(/sslnegotiation=direct/);
    expect(parse('host=h sslnegotiation=direct sslmode=require').extra['sslnegotiation']).toBe('direct');
    expect(failure(() => parse('host=h channel_binding=require sslmode=disable')).message).toMatch(/channel_binding/);
  });

  it('returns a frozen object', () => {
    const ci = parse('host=h');
    expect(Object.isFrozen(ci)).toBe(true);
    expect(Object.isFrozen(ci.extra)).toBe(true);
  });
});
