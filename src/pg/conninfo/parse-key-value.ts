// libpq's `key=value` connection strings, tokenised exactly as conninfo_parse() in fe-connect.c does: spaces
// around `=`, values either bare (ending at white space) or in single quotes, and a backslash escaping the next
// character in both. Positions are kept so that redaction can replace a password in place.
import { PgreplError } from '../../util/errors.js';

export interface ConninfoEntry {
  readonly key: string;
  readonly value: string;
  readonly quoted: boolean;
  /** Offsets of the raw value text in the input (quotes included), for in-place redaction. */
  readonly rawStart: number;
  readonly rawEnd: number;
}

// C isspace(): the characters libpq treats as separators.
const isSpace = (ch: string | undefined): boolean => ch !== undefined && ' \t\n\v\f\r'.includes(ch);

/**
 * Splits a `key=value` string into entries, in order (a later duplicate wins when the caller folds them).
 * Syntax errors name the offending key, except right after an unquoted password, where the "key" is most likely
 * the rest of a password that contains a space.
 */
export function tokenizeKeyValue(input: string): ConninfoEntry[] {
  const entries: ConninfoEntry[] = [];
  let i = 0;
  const n = input.length;
  while (i < n) {
    while (isSpace(input[i])) i += 1;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && input[i] !== '=' && !isSpace(input[i])) i += 1;
    const key = input.slice(keyStart, i);
    while (isSpace(input[i])) i += 1;
    if (input[i] !== '=') throw syntaxError(`missing "=" after ${describeKey(key, entries)} in connection info string`, entries);
    i += 1;
    while (isSpace(input[i])) i += 1;
    const rawStart = i;
    let value = '';
    const quoted = input[i] === "'";
    if (quoted) {
      i += 1;
      for (;;) {
        if (i >= n) throw syntaxError(`unterminated quoted string in connection info string (value of ${describeKey(key, entries)})`, entries);
        const ch = input[i] as string;
        if (ch === '\\') {
          i += 1;
          if (i < n) value += input[i];
          i += 1;
        } else if (ch === "'") {
          i += 1;
          break;
        } else {
          value += ch;
          i += 1;
        }
      }
    } else {
      while (i < n && !isSpace(input[i])) {
        if (input[i] === '\\') {
          i += 1;
          if (i < n) value += input[i];
          i += 1;
        } else {
          value += input[i];
          i += 1;
        }
      }
    }
    entries.push({ key, value, quoted, rawStart, rawEnd: i });
  }
  return entries;
}

/** True when `key` directly follows an unquoted password value: it may be the tail of that password. */
export function followsBarePassword(entries: readonly ConninfoEntry[]): boolean {
  const last = entries[entries.length - 1];
  return last !== undefined && last.key === 'password' && !last.quoted;
}

function describeKey(key: string, entries: readonly ConninfoEntry[]): string {
  return followsBarePassword(entries) ? 'the word following the password' : `"${key}"`;
}

function syntaxError(message: string, entries: readonly ConninfoEntry[]): PgreplError {
  const hints = followsBarePassword(entries)
    ? ["a value that contains spaces must be quoted: password='…' (escape ' and \\ with a backslash)"]
    : [];
  return new PgreplError(message, { hints });
}
