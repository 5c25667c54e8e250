// Turns whatever a probe threw into a ProbeError with no secret in it. Server messages can echo a connection
// string (a subscription probe's libpq error) and our own messages can name one, so every text field passes
// through redactSecrets with the password in all the spellings it may have been written in.
import type { ProbeError } from './types.js';

export const REDACTED = '<redacted>';

/** The ways a password can appear: raw, percent-encoded, libpq-escaped, SQL-literal-escaped. */
export function secretSpellings(secret: string): string[] {
  const forms = new Set<string>([
    secret,
    encodeURIComponent(secret),
    secret.replace(/[\\']/g, (c) => `\\${c}`),
    secret.replaceAll("'", "''"),
    secret.replace(/[\\']/g, (c) => `\\${c}`).replaceAll("'", "''"),
  ]);
  // Longest first, so a spelling that contains another is replaced whole.
  return [...forms].filter((f) => f.length > 0).sort((a, b) => b.length - a.length);
}

/** Replaces every spelling of every secret, and any `password=…` value, with `<redacted>`. */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of secretSpellings(secret)) out = out.split(form).join(REDACTED);
  }
  // A key=value conninfo: password='quoted \' value' or password=bare
  out = out.replace(/(password\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s'"]+)/gi, `$1${REDACTED}`);
  // A URL's userinfo: scheme://user:secret@host
  out = out.replace(/(postgres(?:ql)?:\/\/[^:/@\s]*:)[^@\s]*@/gi, `$1${REDACTED}@`);
  return out;
}

function field(e: unknown, key: string): string | undefined {
  if (typeof e !== 'object' || e === null) return undefined;
  const v = (e as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A node-postgres or Node error as a ProbeError, secrets removed. */
export function toProbeError(e: unknown, secrets: readonly (string | undefined)[] = []): ProbeError {
  const clean = (s: string | undefined): string | undefined => (s === undefined ? undefined : redactSecrets(s, secrets));
  let text = e instanceof Error ? e.message || e.name : String(e);
  // AggregateError (several addresses for one host name) has an empty message and the causes in `errors`.
  if (e instanceof AggregateError && e.errors.length > 0 && !e.message) {
    text = e.errors.map((x: unknown) => (x instanceof Error ? x.message : String(x))).join('; ');
  }
  const code = field(e, 'code');
  const detail = clean(field(e, 'detail'));
  const hint = clean(field(e, 'hint'));
  return {
    message: clean(text) ?? '',
    ...(code ? { code } : {}),
    ...(detail ? { detail } : {}),
    ...(hint ? { hint } : {}),
  };
}
