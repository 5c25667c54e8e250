// SQL previews and saved plans never hold a resolved password (CONTRACTS.md, Secrets): the conninfo literal after
// CONNECTION (CREATE/ALTER SUBSCRIPTION) is redacted with the conninfo module's own tokeniser, which knows libpq's
// quoting, so `password='a b'`, URLs and `p%61ssword=` are all caught. Pure.
import { redactedConninfo, UNPARSEABLE_REDACTED } from '../pg/conninfo/redact.js';
import { quoteLiteral } from '../pg/sql/quote.js';

const CONNECTION = /\bCONNECTION\s+/giy;

/** Reads the SQL string literal at `start` ('…' or E'…'); null when it is not one or never ends. */
function readLiteral(sql: string, start: number): { value: string; end: number } | null {
  let i = start;
  const escaped = sql[i] === 'E' || sql[i] === 'e';
  if (escaped) i += 1;
  if (sql[i] !== "'") return null;
  i += 1;
  let value = '';
  while (i < sql.length) {
    const ch = sql[i] as string;
    if (ch === "'") {
      if (sql[i + 1] === "'") {
        value += "'";
        i += 2;
        continue;
      }
      return { value, end: i + 1 };
    }
    if (escaped && ch === '\\' && i + 1 < sql.length) {
      // Only the escapes quoteLiteral writes matter for a conninfo; others are kept as the character that follows.
      value += sql[i + 1] as string;
      i += 2;
      continue;
    }
    value += ch;
    i += 1;
  }
  return null;
}

export function redactSql(sql: string): string {
  let out = '';
  let last = 0;
  for (let at = 0; at < sql.length; at += 1) {
    CONNECTION.lastIndex = at;
    const m = CONNECTION.exec(sql);
    if (m === null || (at > 0 && /[A-Za-z0-9_$]/.test(sql[at - 1] as string))) continue;
    const literalStart = at + m[0].length;
    const literal = readLiteral(sql, literalStart);
    if (literal === null) {
      // An unterminated literal: where the password ends cannot be known, so nothing after CONNECTION is shown.
      return `${out}${sql.slice(last, literalStart)}${quoteLiteral(UNPARSEABLE_REDACTED)}`;
    }
    out += sql.slice(last, literalStart) + quoteLiteral(redactedConninfo(literal.value));
    last = literal.end;
    at = literal.end - 1;
  }
  return out + sql.slice(last);
}
