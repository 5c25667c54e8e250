// The raw spec built from flags or TOML -> YAML text for `--emit-spec FILE` and `pgrepl spec from-…`, so users can
// move to the declarative workflow. The file never holds a password (CONTRACTS.md, Secrets): a URL's password
// (user info or `password=` in the URL query or a key=value string) is dropped, and a comment says where pgrepl
// finds it instead.
import { stringify } from 'yaml';
import { redactedConninfo } from '../pg/conninfo/index.js';
import { REDACTED, UNPARSEABLE_REDACTED } from '../pg/conninfo/redact.js';
import { PgreplError } from '../util/errors.js';

export const DEFAULT_SCHEMA_PATH = 'node_modules/pgrepl/schemas/spec.schema.json';

export interface EmitOptions {
  /** The command that wrote the file (`init --emit-spec`), for the header comment. */
  readonly command?: string;
  /** More comment lines after the header (without `#`). */
  readonly header?: readonly string[];
  /** `$schema` for yaml-language-server, relative to the written file. */
  readonly schemaPath?: string;
}

/** A connection string without its password, and whether it had one. Throws when it cannot be parsed. */
export function withoutPassword(conninfo: string): { text: string; hadPassword: boolean } {
  const redacted = redactedConninfo(conninfo);
  if (redacted === UNPARSEABLE_REDACTED) throw new PgreplError('cannot write a connection string that is not valid (and so cannot be stripped of its password)');
  if (!redacted.includes(REDACTED)) return { text: conninfo, hadPassword: false };
  const trimmed = redacted.trimStart();
  if (trimmed.startsWith('postgres://') || trimmed.startsWith('postgresql://')) {
    let text = redacted.replace(`:${REDACTED}@`, '@');
    const q = text.indexOf('?');
    if (q >= 0) {
      const params = text
        .slice(q + 1)
        .split('&')
        .filter((p) => p !== `password=${REDACTED}`);
      text = text.slice(0, q) + (params.length > 0 ? `?${params.join('&')}` : '');
    }
    return { text, hadPassword: true };
  }
  const text = redacted
    .replace(new RegExp(`(^|\\s)password\\s*=\\s*${REDACTED}`, 'g'), '$1')
    .replace(/\s+/g, ' ')
    .trim();
  return { text, hadPassword: true };
}

function stripServer(raw: unknown): { value: unknown; hadPassword: boolean } {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return { value: raw, hadPassword: false };
  const server = raw as Record<string, unknown>;
  if (typeof server['url'] !== 'string') return { value: raw, hadPassword: false };
  // `${SOURCE_URL}` (spec from-toml without --source): interpolated when the spec is read, nothing to strip here.
  if (/^\$\{[A-Za-z_][A-Za-z0-9_]*(:-[^}]*)?\}$/.test(server['url'])) return { value: raw, hadPassword: false };
  const s = withoutPassword(server['url']);
  return { value: { ...server, url: s.text }, hadPassword: s.hadPassword };
}

export function emitSpecYaml(raw: Readonly<Record<string, unknown>>, opts: EmitOptions = {}): string {
  const source = stripServer(raw['source']);
  const target = stripServer(raw['target']);
  const doc: Record<string, unknown> = { ...raw, source: source.value, target: target.value };
  if (doc['state'] !== null && typeof doc['state'] === 'object' && typeof (doc['state'] as Record<string, unknown>)['url'] === 'string') {
    const s = withoutPassword((doc['state'] as Record<string, string>)['url'] as string);
    doc['state'] = { ...(doc['state'] as object), url: s.text };
  }
  const lines = [
    `# yaml-language-server: $schema=${opts.schemaPath ?? DEFAULT_SCHEMA_PATH}`,
    `# Written by pgrepl${opts.command ? ` ${opts.command}` : ''}: the same replication as the flags, as a spec (docs/spec.md).`,
    '# Check it with `pgrepl validate --spec FILE`, then use `pgrepl plan --spec FILE` and `pgrepl apply --spec FILE`.',
    ...(source.hadPassword || target.hadPassword
      ? [
          '# The URLs are written without their password: pgrepl takes it from PGPASSWORD or ~/.pgpass (PGPASSFILE),',
          '# or write it as ${VAR} in the URL (postgres://user:${SOURCE_PASSWORD}@host/db) and set VAR when running.',
        ]
      : []),
    ...(opts.header ?? []).map((h) => (h === '' ? '#' : `# ${h}`)),
  ];
  return `${lines.join('\n')}\n${stringify(doc, { lineWidth: 0 })}`;
}
