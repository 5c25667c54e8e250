// One connection description from a URL or a libpq `key=value` string, completed the way libpq completes it:
// values in the string, then the PG* environment, then libpq's built-in defaults, then the passfile for the
// password. Anything libpq would act on that pgrepl cannot honour is refused by name (see keys.ts).
import * as os from 'node:os';
import * as path from 'node:path';
import { PgreplError } from '../../util/errors.js';
import { DEFAULT_PASSFILE_NAME, DEFAULT_PORT, DEFAULT_SOCKET_DIR, homeDirectory } from './defaults.js';
import { SUPPORTED_KEYS, UNSUPPORTED_ENV, assertSupportedKey, type KeyRule, type SupportedKey } from './keys.js';
import { followsBarePassword, tokenizeKeyValue } from './parse-key-value.js';
import { parseUrl, urlPrefixLength } from './parse-url.js';
import { defaultWarningSink, lookupPassfile, type WarningSink } from './pgpass.js';
import type { ConnInfo, SslMode } from './types.js';

export interface ParseOptions {
  /** Environment to read PG* defaults, HOME and USER from; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * undefined: libpq's rules (passfile=, else PGPASSFILE, else ~/.pgpass). A path: read it instead of ~/.pgpass
   * (passfile= and PGPASSFILE still win, as they would over libpq's default). null: never read a passfile.
   */
  readonly passfile?: string | null;
  /** Database when neither dbname nor PGDATABASE is given; libpq's own fallback (the user name) comes after. */
  readonly defaultDatabase?: string;
  /** Where passfile warnings go; default: stderr, like libpq. */
  readonly onWarning?: WarningSink;
}

/** Keys kept in `ConnInfo.extra` and passed on to the subscription conninfo. */
const EXTRA_KEYS = [
  'options',
  'keepalives',
  'keepalives_idle',
  'channel_binding',
  'gssencmode',
  'sslnegotiation',
  'fallback_application_name',
] as const satisfies readonly SupportedKey[];

const MAX_PORT = 65535;

export function parseConnString(input: string, opts: ParseOptions = {}): ConnInfo {
  const env = opts.env ?? process.env;
  const given = readEntries(input);
  for (const [name, key] of Object.entries(UNSUPPORTED_ENV)) {
    if (env[name]) {
      throw new PgreplError(`environment variable ${name} is set, but pgrepl does not support "${key}"`, {
        hints: [`unset ${name}; libpq would use it, so pgrepl refuses to connect differently`],
      });
    }
  }

  // A key given in the string wins over its environment variable, even when given empty (libpq: the env
  // default applies only to a key that is absent). Empty then falls through to the built-in default.
  const origin = new Map<SupportedKey, 'conninfo' | 'env'>();
  const value = (key: SupportedKey): string => {
    if (given.has(key)) {
      origin.set(key, 'conninfo');
      return given.get(key) as string;
    }
    const rule: KeyRule = SUPPORTED_KEYS[key];
    const fromEnv = rule.env === undefined ? undefined : env[rule.env];
    if (fromEnv === undefined || fromEnv === '') return '';
    origin.set(key, 'env');
    return fromEnv;
  };
  const where = (key: SupportedKey): string => {
    const envName = (SUPPORTED_KEYS[key] as KeyRule).env;
    return origin.get(key) === 'env' && envName !== undefined ? ` (from ${envName})` : '';
  };
  const checked = (key: SupportedKey): string => {
    const v = value(key);
    if (v !== '') checkValue(key, v, where(key));
    return v;
  };

  const host = checked('host') || DEFAULT_SOCKET_DIR;
  if (host.includes(',')) {
    throw new PgreplError(`connection option "host"${where('host')} names several hosts: pgrepl connects to exactly one server`);
  }
  const portText = checked('port');
  const port = portText === '' ? DEFAULT_PORT : Number.parseInt(portText.trim(), 10);
  const user = checked('user') || osUserName(env);
  const database = checked('dbname') || opts.defaultDatabase || user;

  const sslrootcert = checked('sslrootcert') || undefined;
  const sslmodeText = checked('sslmode');
  const sslmode = (sslmodeText || (sslrootcert === 'system' ? 'verify-full' : 'prefer')) as SslMode;
  if (sslrootcert === 'system' && sslmode !== 'verify-full') {
    throw new PgreplError(`weak sslmode "${sslmode}"${where('sslmode')} may not be used with sslrootcert=system (use "verify-full")`);
  }
  const extra: Record<string, string> = {};
  for (const key of EXTRA_KEYS) {
    const v = checked(key);
    if (v !== '') extra[key] = v;
  }
  if (extra['sslnegotiation'] === 'direct' && !['require', 'verify-ca', 'verify-full'].includes(sslmode)) {
    throw new PgreplError(
      `weak sslmode "${sslmode}" may not be used with sslnegotiation=direct (use "require", "verify-ca", or "verify-full")`,
    );
  }
  if (extra['channel_binding'] === 'require' && sslmode === 'disable') {
    throw new PgreplError('channel_binding=require needs TLS, but sslmode is "disable"');
  }
  const timeoutText = checked('connect_timeout');
  const applicationName = checked('application_name') || undefined;

  const passfile = resolvePassfile(value('passfile'), env, opts.passfile);
  let password: string | undefined = value('password') || undefined;
  let passwordSource: ConnInfo['passwordSource'] = password === undefined ? undefined : origin.get('password');
  if (password === undefined && passfile !== undefined) {
    password = lookupPassfile(passfile, { host, port, database, user }, opts.onWarning ?? defaultWarningSink);
    if (password === '') password = undefined;
    if (password !== undefined) passwordSource = 'passfile';
  }

  return Object.freeze({
    host,
    port,
    user,
    database,
    ...(password === undefined ? {} : { password, passwordSource }),
    ...(passfile === undefined ? {} : { passfile }),
    sslmode,
    ...(sslrootcert === undefined ? {} : { sslrootcert }),
    ...optional('sslcert', checked('sslcert')),
    ...optional('sslkey', checked('sslkey')),
    ...(timeoutText === '' ? {} : { connectTimeoutSeconds: Number.parseInt(timeoutText.trim(), 10) }),
    ...(applicationName === undefined ? {} : { applicationName }),
    extra: Object.freeze(extra),
  });
}

/** Entries of the string, folded so that a later duplicate wins, with every key checked. */
function readEntries(input: string): Map<SupportedKey, string> {
  const text = input.trim();
  const out = new Map<SupportedKey, string>();
  if (urlPrefixLength(text) > 0) {
    for (const { key, value } of parseUrl(text)) {
      assertSupportedKey(key, 'URL query parameter');
      out.set(key, value);
    }
    return out;
  }
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(text);
  if (scheme) {
    const lower = (scheme[1] ?? '').toLowerCase();
    const how = lower === 'postgres' || lower === 'postgresql' ? 'write the scheme in lower case, as libpq requires' : 'use postgres:// or postgresql://';
    throw new PgreplError(`unsupported URL scheme "${scheme[1]}": ${how}`);
  }
  if (text === '') return out;
  if (!text.includes('=')) {
    // libpq reads a string without '=' as a database name. A host-like word is a URL without its scheme.
    if (/[/:@]/.test(text)) {
      throw new PgreplError('the connection string is neither a postgres:// URL nor a key=value string', {
        hints: ['write postgres://user@host:5432/database or host=… port=… dbname=… user=…'],
      });
    }
    out.set('dbname', text);
    return out;
  }
  const entries = tokenizeKeyValue(text);
  entries.forEach((entry, i) => {
    try {
      assertSupportedKey(entry.key, 'connection option');
    } catch (e) {
      if (!followsBarePassword(entries.slice(0, i))) throw e;
      // The "key" is probably the tail of a password with a space in it: never echo it.
      throw new PgreplError('invalid connection option after the password', {
        hints: ["a value that contains spaces must be quoted: password='…' (escape ' and \\ with a backslash)"],
      });
    }
    out.set(entry.key, entry.value);
  });
  return out;
}

/** Enumerations and integers, checked like libpq. Only non-secret values are echoed. */
function checkValue(key: SupportedKey, v: string, where: string): void {
  const rule: KeyRule = SUPPORTED_KEYS[key];
  if (rule.values !== undefined && !rule.values.includes(v)) {
    throw new PgreplError(`invalid ${key} value: "${v}"${where}`, { hints: [`allowed: ${rule.values.join(', ')}`] });
  }
  const refused = rule.refused?.[v];
  if (refused !== undefined) throw new PgreplError(`unsupported ${key} value "${v}"${where}: ${refused}`);
  if (rule.integer === true && !/^\s*-?[0-9]+\s*$/.test(v)) {
    throw new PgreplError(`invalid integer value for connection option "${key}"${where}`);
  }
  if (key === 'port') {
    const port = Number.parseInt(v.trim(), 10);
    if (port < 1 || port > MAX_PORT) throw new PgreplError(`invalid port number${where}: must be 1 to ${MAX_PORT}`);
  }
}

function resolvePassfile(given: string, env: NodeJS.ProcessEnv, override: string | null | undefined): string | undefined {
  if (override === null) return undefined;
  if (given !== '') return given; // passfile= or PGPASSFILE (value() already fell back to the environment)
  if (override !== undefined) return override;
  return path.join(homeDirectory(env), DEFAULT_PASSFILE_NAME);
}

/** libpq's default user: the operating-system user running the program. */
function osUserName(env: NodeJS.ProcessEnv): string {
  try {
    return os.userInfo().username;
  } catch {
    const name = env['USER'] || env['LOGNAME'];
    if (name) return name;
    throw new PgreplError('could not determine the operating-system user name', { hints: ['set user= or PGUSER'] });
  }
}

function optional<K extends string>(key: K, v: string): Partial<Record<K, string>> {
  return v === '' ? {} : ({ [key]: v } as Record<K, string>);
}
