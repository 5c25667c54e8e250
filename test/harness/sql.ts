// Quoting for the harness's own SQL. The harness may not import src/ (it tests src/), so it keeps its own two
// helpers; they only ever see names and values the harness or a test chose.

/** Quote an identifier: always double-quoted, embedded quotes doubled. */
export function ident(name: string): string {
  if (name.includes('\0')) throw new Error('identifier contains a NUL byte');
  return `"${name.replaceAll('"', '""')}"`;
}

/** Quote a literal for standard_conforming_strings = on (the default since 9.1): backslashes stay literal. */
export function literal(value: string): string {
  if (value.includes('\0')) throw new Error('literal contains a NUL byte');
  return `'${value.replaceAll("'", "''")}'`;
}

/** Percent-encode everything outside RFC 3986 "unreserved", so a URL survives any parser (libpq, WHATWG URL). */
export function percentEncode(value: string): string {
  return Array.from(new TextEncoder().encode(value), (byte) => {
    const ch = String.fromCharCode(byte);
    return /[A-Za-z0-9\-._~]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }).join('');
}
