// libpq's password file (~/.pgpass, PGPASSFILE, passfile=): read with the rules of passwordFromFile() in
// fe-connect.c, and written (for child processes) with the escaping it undoes.
import * as fs from 'node:fs';
import { PgreplError } from '../../util/errors.js';
import { DEFAULT_SOCKET_DIR, isSocketHost } from './defaults.js';

export interface PassfileQuery {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
}

export type WarningSink = (message: string) => void;

/** libpq prints passfile warnings to stderr; so does pgrepl unless the caller routes them. */
export const defaultWarningSink: WarningSink = (message) => {
  process.stderr.write(`Warning: ${message}\n`);
};

/**
 * The password of the first line of `path` matching the query, or undefined. Like libpq: a missing file is
 * silently skipped; a file that is not a plain file, or that group or others may access, is skipped with a
 * warning; `#` starts a comment line; a field of exactly `*` matches anything.
 */
export function lookupPassfile(path: string, query: PassfileQuery, warn: WarningSink): string | undefined {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(path);
  } catch {
    return undefined;
  }
  if (!stat.isFile()) {
    warn(`password file "${path}" is not a plain file`);
    return undefined;
  }
  // libpq refuses any group or world permission bit (S_IRWXG | S_IRWXO), so 0600 and 0400 pass, 0640 does not.
  if ((stat.mode & 0o077) !== 0) {
    warn(`password file "${path}" has group or world access; permissions should be u=rw (0600) or less`);
    return undefined;
  }
  let text: string;
  try {
    text = fs.readFileSync(path, 'utf8');
  } catch (e) {
    warn(`password file "${path}" could not be read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
    return undefined;
  }
  // A default-socket connection matches "localhost" lines; another socket directory matches only its own path.
  const host = query.host === '' || (isSocketHost(query.host) && query.host === DEFAULT_SOCKET_DIR) ? 'localhost' : query.host;
  const tokens = [host, String(query.port), query.database, query.user];
  for (const rawLine of text.split('\n')) {
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.startsWith('#')) continue;
    let rest: string | undefined = line;
    for (const token of tokens) {
      rest = matchField(rest, token);
      if (rest === undefined) break;
    }
    if (rest !== undefined) return unescapePassword(rest);
  }
  return undefined;
}

/** pwdfMatchesString(): the text after the field and its ':' when the field matches `token`, else undefined. */
function matchField(line: string, token: string): string | undefined {
  if (line.startsWith('*:')) return line.slice(2);
  let i = 0;
  let t = 0;
  while (i < line.length) {
    let escaped = false;
    if (line[i] === '\\') {
      i += 1;
      escaped = true;
    }
    if (line[i] === ':' && t === token.length && !escaped) return line.slice(i + 1);
    if (t === token.length) return undefined;
    if (i < line.length && line[i] === token[t]) {
      i += 1;
      t += 1;
    } else {
      return undefined;
    }
  }
  return undefined;
}

/** The password field: up to the first unescaped ':', with backslash escapes removed. */
function unescapePassword(field: string): string {
  let out = '';
  for (let i = 0; i < field.length && field[i] !== ':'; i += 1) {
    if (field[i] === '\\' && i + 1 < field.length) i += 1;
    out += field[i];
  }
  return out;
}

/** Escapes one passfile field: libpq reads `\:` as ':' and `\\` as '\'. */
export function escapePassfileField(value: string): string {
  return value.replace(/[\\:]/g, (ch) => `\\${ch}`);
}

/**
 * One passfile line that matches every host, port and database for `user`. A line break cannot be written
 * (libpq reads the file line by line), so such a password is refused, without showing it.
 */
export function passfileLine(user: string, password: string): string {
  if (/[\r\n]/.test(password) || /[\r\n]/.test(user)) {
    throw new PgreplError('the password (or user name) contains a line break, which a libpq password file cannot hold', {
      hints: ['client tools (pg_dump, psql) get the password through a password file; use a password without line breaks'],
    });
  }
  return `*:*:*:${escapePassfileField(user)}:${escapePassfileField(password)}\n`;
}
