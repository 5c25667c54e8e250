// CONTRACTS.md, Secrets: no resolved password in state. writeState runs this with the passwords the command
// resolved, so a resource that picked one up (a subscription's conninfo, a URL) fails the write instead of
// landing in a file that people commit. Errors give the JSON pointer of the value, never the value.
import { PgreplError } from '../util/errors.js';
import type { JsonValue } from './state-document.js';

/**
 * From this length, or with any character outside [A-Za-z0-9_], a password found anywhere counts: such a string
 * does not turn up in an identifier by chance. A short plain word (`postgres`) is also a role, owner or database
 * name in most development setups, so it is looked for only where a password goes (see secretCheck).
 */
const SECRET_ANYWHERE_MIN_CHARS = 12;

/** Throws a PgreplError naming where a secret was found; empty secrets are ignored. */
export function assertNoSecrets(doc: unknown, secrets: readonly string[]): void {
  const checks = secrets.filter((s) => s.length > 0).map(secretCheck);
  if (checks.length === 0) return;
  const found: string[] = [];
  walk(doc as JsonValue, '', '', (value, pointer, key) => {
    if (checks.some((check) => check(value, key))) found.push(pointer === '' ? '(top level)' : pointer);
  });
  if (found.length > 0) {
    // A pointer is made of keys, and a key may be what holds the password.
    const redact = (pointer: string): string =>
      secrets.filter((s) => s.length > 0).reduce((p, s) => p.split(s).join('<redacted>').split(encodeURIComponent(s)).join('<redacted>'), pointer);
    throw new PgreplError('refusing to write the state file: it would hold a password', {
      hints: [...new Set(found.map((p) => `at ${redact(p)}`)), 'the state file on disk was not changed; this is a pgrepl bug, please report it'],
    });
  }
}

type Check = (text: string, key: string) => boolean;

function secretCheck(secret: string): Check {
  const encoded = encodeURIComponent(secret);
  if (secret.length >= SECRET_ANYWHERE_MIN_CHARS || /[^A-Za-z0-9_]/.test(secret)) {
    return (text) => text.includes(secret) || text.includes(encoded);
  }
  // Only [A-Za-z0-9_] here, so the secret needs no escaping in a pattern, a conninfo or a URL.
  const inContext = new RegExp(
    [
      `password\\s*=\\s*'?${secret}(?![A-Za-z0-9_])`, // conninfo: password=x, password='x'
      `:${secret}@`, // URL user info: postgres://u:x@host
      `^[^:\\n]*:[^:\\n]*:[^:\\n]*:[^:\\n]*:${secret}$`, // passfile line: host:port:db:user:x
    ].join('|'),
    'im',
  );
  return (text, key) => inContext.test(text) || (/pass|pwd|secret|token/i.test(key) && text.includes(secret));
}

function walk(value: JsonValue, pointer: string, key: string, visit: (text: string, pointer: string, key: string) => void): void {
  if (typeof value === 'string') {
    visit(value, pointer, key);
  } else if (Array.isArray(value)) {
    value.forEach((item: JsonValue, i) => walk(item, `${pointer}/${i}`, key, visit));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const childPointer = `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      // A key can carry a password too (a map keyed by conninfo).
      visit(k, childPointer, '');
      walk(v, childPointer, k, visit);
    }
  }
}
