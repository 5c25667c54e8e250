// Rendering one ConnInfo: the subscription conninfo (round-trips through the parser), redaction, the display
// form, the identity, node-postgres options with libpq's sslmode semantics, and the child-tool conninfo.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { toChildConninfo } from '../../src/pg/conninfo/child-conninfo.js';
import { displayName, identity } from '../../src/pg/conninfo/display.js';
import { parseConnString, type ParseOptions } from '../../src/pg/conninfo/parse.js';
import { DEFAULT_CONNECT_TIMEOUT_MS, fallbackTlsAttempt, firstTlsAttempt, toPgConfig } from '../../src/pg/conninfo/pg-config.js';
import { quoteConninfoValue } from '../../src/pg/conninfo/quote.js';
import { redactedConninfo } from '../../src/pg/conninfo/redact.js';
import { startupOptions } from '../../src/pg/conninfo/startup-options.js';
import { toSubscriptionConninfo } from '../../src/pg/conninfo/subscription.js';
import type { ConnInfo } from '../../src/pg/conninfo/types.js';
import { PgreplError } from '../../src/util/errors.js';

const AWKWARD = `p: \\@%/'x`;
let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'pgrepl-unit-'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));
const opts = (): ParseOptions => ({ env: { HOME: home }, passfile: null });
const parse = (s: string) => parseConnString(s, opts());
/** node-postgres options with ~/.postgresql in the temporary home, so the machine's own files never count. */
const pgConfig = (s: string) => toPgConfig(parse(s), { env: { HOME: home } });

describe('toSubscriptionConninfo', () => {
  it('quotes values libpq needs quoted and parses back to the same connection', () => {
    const ci = parse(
      `postgres://my%20user:${encodeURIComponent(AWKWARD)}@db.example.com:5433/my%27db?sslmode=verify-ca&sslrootcert=/etc/ca%20dir/ca.pem&options=-c%20search_path%3Da&connect_timeout=9&keepalives_idle=30`,
    );
    const s = toSubscriptionConninfo(ci, { includePassword: true });
    expect(s).toBe(
      `host=db.example.com port=5433 dbname='my\\'db' user='my user' password='p: \\\\@%/\\'x' sslmode=verify-ca ` +
        `sslrootcert='/etc/ca dir/ca.pem' connect_timeout=9 options='-c search_path=a' keepalives_idle=30`,
    );
    const back = parseConnString(s, opts());
    for (const key of ['host', 'port', 'user', 'password', 'database', 'sslmode', 'sslrootcert', 'connectTimeoutSeconds'] as const) {
      expect(back[key]).toEqual(ci[key]);
    }
    expect(back.extra).toEqual(ci.extra);
  });

  it('leaves the password out unless asked, and application_name always', () => {
    const ci = parse('host=h user=u password=secret application_name=mine');
    const s = toSubscriptionConninfo(ci, { includePassword: false });
    expect(s).not.toContain('secret');
    expect(s).not.toContain('application_name');
    expect(s).toBe('host=h port=5432 dbname=u user=u sslmode=prefer');
  });

  it('drops TLS keys for a socket directory', () => {
    expect(toSubscriptionConninfo(parse('host=/tmp/s user=u sslmode=require'), { includePassword: false })).toBe(
      'host=/tmp/s port=5432 dbname=u user=u',
    );
  });

  it('quotes the empty string and leaves plain words bare', () => {
    expect(quoteConninfoValue('')).toBe("''");
    expect(quoteConninfoValue('abc-1.2')).toBe('abc-1.2');
    expect(quoteConninfoValue('a=b')).toBe('a=b');
  });
});

describe('redactedConninfo', () => {
  it('replaces bare and quoted passwords in key=value strings, keeping the rest', () => {
    expect(redactedConninfo('host=h password=secret user=u')).toBe('host=h password=<redacted> user=u');
    expect(redactedConninfo(`host=h password = 'se cr\\'et' user=u`)).toBe('host=h password = <redacted> user=u');
    const rendered = toSubscriptionConninfo(parse(`host=h user=u password='${AWKWARD.replace(/[\\']/g, '\\$&')}'`), { includePassword: true });
    expect(redactedConninfo(rendered)).toBe('host=h port=5432 dbname=u user=u password=<redacted> sslmode=prefer');
  });

  it('redacts URLs in the user info and in ?password=', () => {
    expect(redactedConninfo('postgres://u:secret@h/d')).toBe('postgres://u:<redacted>@h/d');
    expect(redactedConninfo('postgres://u@h/d?sslmode=require&password=secret')).toBe('postgres://u@h/d?sslmode=require&password=<redacted>');
    expect(redactedConninfo('postgres://u@h/d?p%61ssword=secret')).toBe('postgres://u@h/d?password=<redacted>');
  });

  it('shows nothing of a string it cannot tokenise', () => {
    expect(redactedConninfo("host=h password='unterminated secret")).not.toContain('secret');
  });
});

describe('displayName and identity', () => {
  it('renders one redacted URL form', () => {
    expect(displayName(parse('postgres://app:secret@db.example.com/shop'))).toBe('postgres://app@db.example.com:5432/shop');
    expect(displayName(parse('postgres://app@[::1]:5433/shop'))).toBe('postgres://app@[::1]:5433/shop');
    expect(displayName(parse("host='/tmp/pg sock' user=app dbname=shop"))).toBe(
      'postgres://app@:5432/shop?host=/tmp/pg%20sock',
    );
    expect(displayName(parse("user='my user' dbname='a/b' host=h"))).toBe('postgres://my%20user@h:5432/a%2Fb');
  });

  it('parses back to the same server', () => {
    for (const s of ['host=/tmp/s&x=y user=u dbname=d', 'host=::1 user=u dbname=d port=7', "host=h user='we:ird@' dbname='d?b'"]) {
      const ci = parse(s);
      expect(identity(parse(displayName(ci)))).toBe(identity(ci));
    }
  });

  it('identity ignores the password and TLS settings and the host name case', () => {
    const a = parse('host=DB.example.com user=u dbname=d password=one sslmode=require');
    const b = parse('host=db.example.com user=u dbname=d password=two');
    expect(identity(a)).toBe(identity(b));
    expect(identity(a)).not.toContain('one');
    expect(identity(parse('host=h user=u dbname=other'))).not.toBe(identity(parse('host=h user=u dbname=d')));
  });
});

describe('toPgConfig', () => {
  it('sets every field explicitly, keepalives on, a password callback and the default timeout', async () => {
    const cfg = pgConfig('host=h port=6 user=u dbname=d password=pw sslmode=disable');
    expect(cfg).toMatchObject({ host: 'h', port: 6, user: 'u', database: 'd', ssl: false, keepAlive: true, application_name: 'pgrepl' });
    expect(cfg.connectionTimeoutMillis).toBe(DEFAULT_CONNECT_TIMEOUT_MS);
    expect(typeof cfg.password).toBe('function');
    expect(await (cfg.password as () => string)()).toBe('pw');
    const none = pgConfig('host=h user=u sslmode=disable');
    expect(() => (none.password as () => string)()).toThrow(/asked for a password/);
  });

  it('maps connect_timeout like libpq (0 = wait forever, 1 s raised to 2 s) and keepalives', () => {
    expect(pgConfig('host=h sslmode=disable connect_timeout=0').connectionTimeoutMillis).toBe(0);
    expect(pgConfig('host=h sslmode=disable connect_timeout=1').connectionTimeoutMillis).toBe(2000);
    expect(pgConfig('host=h sslmode=disable connect_timeout=10').connectionTimeoutMillis).toBe(10000);
    const ka = pgConfig('host=h sslmode=disable keepalives=0 keepalives_idle=20');
    expect(ka).toMatchObject({ keepAlive: false, keepAliveInitialDelayMillis: 20000 });
  });

  it('follows libpq: which attempt comes first and which one follows', () => {
    const modes = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
    const expected = {
      disable: ['plain', undefined],
      allow: ['plain', 'tls'],
      prefer: ['tls', 'plain'],
      require: ['tls', undefined],
      'verify-ca': ['tls', undefined],
      'verify-full': ['tls', undefined],
    };
    for (const mode of modes) {
      const ci = parse(`host=h sslmode=${mode}`);
      expect([firstTlsAttempt(ci), fallbackTlsAttempt(ci)]).toEqual(expected[mode]);
      const socket = parse(`host=/tmp sslmode=${mode}`);
      expect([firstTlsAttempt(socket), fallbackTlsAttempt(socket)]).toEqual(['plain', undefined]);
    }
  });

  it('require without a CA skips verification; with sslrootcert it verifies the chain but not the host name', () => {
    const ca = path.join(home, 'ca.pem');
    fs.writeFileSync(ca, 'CA');
    const plain = pgConfig('host=h sslmode=require').ssl as Record<string, unknown>;
    expect(plain['rejectUnauthorized']).toBe(false);
    const withCa = pgConfig(`host=h sslmode=require sslrootcert=${ca}`).ssl as Record<string, unknown>;
    expect(withCa).toMatchObject({ rejectUnauthorized: true, ca: 'CA' });
    expect((withCa['checkServerIdentity'] as () => unknown)()).toBeUndefined();
    const verifyCa = pgConfig(`host=h sslmode=verify-ca sslrootcert=${ca}`).ssl as Record<string, unknown>;
    expect(verifyCa).toMatchObject({ rejectUnauthorized: true, ca: 'CA' });
    expect(verifyCa['checkServerIdentity']).toBeTypeOf('function');
    const full = pgConfig(`host=h sslmode=verify-full sslrootcert=${ca}`).ssl as Record<string, unknown>;
    expect(full).toMatchObject({ rejectUnauthorized: true, ca: 'CA' });
    expect(full['checkServerIdentity']).toBeUndefined(); // Node's own host-name check
  });

  it('uses ~/.postgresql/root.crt when present, and refuses verify-* without any CA', () => {
    const env = { HOME: home };
    expect(() => toPgConfig(parse('host=h sslmode=verify-full'), { env })).toThrow(PgreplError);
    expect(() => toPgConfig(parse('host=h sslmode=verify-full'), { env })).toThrow(/root certificate file ".*root\.crt" does not exist/);
    fs.mkdirSync(path.join(home, '.postgresql'));
    fs.writeFileSync(path.join(home, '.postgresql', 'root.crt'), 'HOMECA');
    const ssl = toPgConfig(parse('host=h sslmode=prefer'), { env }).ssl as Record<string, unknown>;
    expect(ssl).toMatchObject({ ca: 'HOMECA', rejectUnauthorized: true });
  });

  it('refuses an explicitly named CA file that does not exist, even under require', () => {
    expect(() => pgConfig(`host=h sslmode=require sslrootcert=${home}/missing.pem`)).toThrow(/could not read root certificate/);
  });

  it('sslrootcert=system verifies against the trusted roots', () => {
    const ssl = pgConfig('host=h sslrootcert=system').ssl as Record<string, unknown>;
    expect(ssl).toMatchObject({ rejectUnauthorized: true });
    expect(ssl['ca']).toBeUndefined();
  });

  it('loads a client certificate and key', () => {
    fs.writeFileSync(path.join(home, 'c.pem'), 'CERT');
    fs.writeFileSync(path.join(home, 'k.pem'), 'KEY');
    const ssl = pgConfig(`host=h sslmode=require sslcert=${home}/c.pem sslkey=${home}/k.pem`).ssl as Record<string, unknown>;
    expect(ssl).toMatchObject({ cert: 'CERT', key: 'KEY' });
  });
});

describe('session settings and the child conninfo', () => {
  it('puts pgrepl defaults first, then the user options, and pgrepl settings last so they win', () => {
    const s = startupOptions('source', '-c DateStyle=German -c jit=on');
    expect(s.startsWith('-c jit=off -c DateStyle=German -c jit=on ')).toBe(true);
    expect(s.indexOf('-c DateStyle=ISO,MDY')).toBeGreaterThan(s.indexOf('DateStyle=German'));
    expect(startupOptions('target').startsWith('-c jit=off -c DateStyle=ISO,MDY ')).toBe(true);
    expect(s).toContain('-c default_transaction_read_only=on');
    expect(s).toContain('-c row_security=off');
    expect(startupOptions('target')).not.toContain('read_only');
  });

  it('renders a password-less conninfo with the session settings for psql/pg_dump', () => {
    const ci: ConnInfo = parse('host=h user=u dbname=d password=secret sslmode=require');
    const s = toChildConninfo(ci, 'source');
    expect(s).not.toContain('secret');
    expect(s).toMatch(/^host=h port=5432 dbname=d user=u sslmode=require options='-c jit=off -c DateStyle=ISO,MDY .*' application_name=pgrepl$/);
    expect(parseConnString(s, opts()).extra['options']).toBe(startupOptions('source'));
  });
});
