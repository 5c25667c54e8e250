// libpq's connection URIs (`postgres://` and `postgresql://`), split the way conninfo_uri_parse_options() in
// fe-connect.c splits them rather than with WHATWG `URL`, which lower-cases and re-encodes parts and accepts
// things libpq refuses. Every component is percent-decoded, host included, so `%2Fvar%2Frun%2Fpostgresql` is a
// socket directory. Error messages name the component, never its text: the user info holds the password, and a
// password with a raw `@` or `/` shifts its fragments into the host and port.
import { PgreplError } from '../../util/errors.js';

export const URL_PREFIXES = ['postgresql://', 'postgres://'] as const;

export interface UrlEntry {
  readonly key: string;
  readonly value: string;
}

const RESERVED_HINT =
  'percent-encode reserved characters in the user name and password: @ as %40, / as %2F, : as %3A, ? as %3F, % as %25';

export function urlPrefixLength(input: string): number {
  for (const prefix of URL_PREFIXES) if (input.startsWith(prefix)) return prefix.length;
  return 0;
}

/** Splits a postgres:// URL into libpq key/value entries, in order (a later duplicate wins). */
export function parseUrl(input: string): UrlEntry[] {
  const prefixLength = urlPrefixLength(input);
  if (prefixLength === 0) throw new PgreplError('a connection URL must start with postgres:// or postgresql://');
  const rest = input.slice(prefixLength);
  const entries: UrlEntry[] = [];
  let p = 0;

  // User info: libpq looks for '@' before the first '/', so a raw '/' in a password ends the search early.
  let q = p;
  while (q < rest.length && rest[q] !== '@' && rest[q] !== '/') q += 1;
  if (rest[q] === '@') {
    const userinfo = rest.slice(p, q);
    const colon = userinfo.indexOf(':');
    const user = colon < 0 ? userinfo : userinfo.slice(0, colon);
    if (user !== '') entries.push({ key: 'user', value: percentDecode(user, 'user name') });
    if (colon >= 0) {
      const password = userinfo.slice(colon + 1);
      if (password !== '') entries.push({ key: 'password', value: percentDecode(password, 'password') });
    }
    p = q + 1;
  }

  // Host: an IPv6 address in brackets, or text up to ':', '/', '?' or ','.
  let host: string;
  if (rest[p] === '[') {
    const close = rest.indexOf(']', p + 1);
    if (close < 0) throw urlError('the IPv6 address in the URL has no closing "]"');
    host = rest.slice(p + 1, close);
    if (host === '') throw urlError('the IPv6 address in the URL is empty');
    p = close + 1;
    if (p < rest.length && !':/?,'.includes(rest[p] as string)) {
      throw urlError('unexpected character after the IPv6 address in the URL (expected ":" or "/")');
    }
  } else {
    q = p;
    while (q < rest.length && !':/?,'.includes(rest[q] as string)) q += 1;
    host = rest.slice(p, q);
    p = q;
  }
  if (host.includes('@')) throw urlError('the host part of the URL contains "@"', [RESERVED_HINT]);
  if (host !== '') entries.push({ key: 'host', value: percentDecode(host, 'host') });

  if (rest[p] === ':') {
    q = p + 1;
    while (q < rest.length && !'/?,'.includes(rest[q] as string)) q += 1;
    const port = rest.slice(p + 1, q);
    if (port !== '' && !/^[0-9]+$/.test(port)) throw urlError('the port in the URL is not a number', [RESERVED_HINT]);
    if (port !== '') entries.push({ key: 'port', value: port });
    p = q;
  }
  if (rest[p] === ',') {
    throw new PgreplError('the URL names several hosts: pgrepl connects to exactly one server', {
      hints: ['give the primary server only'],
    });
  }

  if (rest[p] === '/') {
    q = p + 1;
    while (q < rest.length && rest[q] !== '?') q += 1;
    const dbname = rest.slice(p + 1, q);
    if (dbname !== '') entries.push({ key: 'dbname', value: percentDecode(dbname, 'database name') });
    p = q;
  }

  if (rest[p] === '?') entries.push(...parseQuery(rest.slice(p + 1)));
  return entries;
}

function parseQuery(query: string): UrlEntry[] {
  const parts = query.split('&');
  if (parts[parts.length - 1] === '') parts.pop(); // libpq stops at the end of the string after a trailing '&'
  return parts.map((part, i) => {
    const index = i + 1;
    const eq = part.indexOf('=');
    if (eq < 0) throw urlError(`query parameter ${index} of the URL has no "=" (expected key=value)`);
    const key = percentDecode(part.slice(0, eq), `name of query parameter ${index}`);
    const rawValue = part.slice(eq + 1);
    if (rawValue.includes('=')) {
      throw urlError(`query parameter "${key}" of the URL has more than one "="`, ['percent-encode "=" in a value as %3D']);
    }
    const value = percentDecode(rawValue, `value of query parameter "${key}"`);
    // libpq's JDBC compatibility: ?ssl=true means sslmode=require.
    return key === 'ssl' && value === 'true' ? { key: 'sslmode', value: 'require' } : { key, value };
  });
}

/** libpq's conninfo_uri_decode(): %XX to a byte, refusing malformed escapes and %00; bytes read as UTF-8. */
export function percentDecode(raw: string, component: string): string {
  if (!raw.includes('%')) return raw;
  const parts: Buffer[] = [];
  let literal = '';
  for (let i = 0; i < raw.length; i += 1) {
    const ch = raw[i] as string;
    if (ch !== '%') {
      literal += ch;
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (!/^[0-9a-fA-F]{2}$/.test(hex)) throw urlError(`invalid percent-encoding in the ${component} of the URL`, [RESERVED_HINT]);
    if (hex === '00') throw urlError(`%00 is not allowed in the ${component} of the URL`);
    parts.push(Buffer.from(literal, 'utf8'), Buffer.from([Number.parseInt(hex, 16)]));
    literal = '';
    i += 2;
  }
  parts.push(Buffer.from(literal, 'utf8'));
  return Buffer.concat(parts).toString('utf8');
}

function urlError(message: string, hints: readonly string[] = []): PgreplError {
  return new PgreplError(message, { hints });
}
