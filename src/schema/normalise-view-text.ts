// PostgreSQL 16 stopped qualifying column references when a query reads a single relation: 15 prints
// `SELECT customers.id FROM fx.customers WHERE (customers.mood = …)`, 16+ `SELECT id FROM fx.customers WHERE
// (mood = …)`. Older definitions of that simple shape are rewritten into the 16+ form; anything else (joins, more
// than one FROM, subqueries, set operations) is left as printed, so a real difference can never be folded away.
// Found by introspecting the same fixture on 12..18 (test/integration/schema-diff-majors.test.ts).

/** PostgreSQL 16 prints single-relation queries without column qualifiers. */
export const UNQUALIFIED_VIEW_COLUMNS_FIRST_MAJOR = 16;

interface Segment { readonly text: string; readonly code: boolean }

/** Splits SQL text into string literals / quoted identifiers (code: false for literals) and code. */
function segments(sql: string): Segment[] {
  const out: Segment[] = [];
  let i = 0;
  let start = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'") {
      if (i > start) out.push({ text: sql.slice(start, i), code: true });
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      out.push({ text: sql.slice(i, j + 1), code: false });
      i = j + 1;
      start = i;
    } else i++;
  }
  if (start < sql.length) out.push({ text: sql.slice(start), code: true });
  return out;
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|[a-z_][a-z0-9_$]*)`;
const FROM_TARGET = new RegExp(String.raw`\bFROM\s+(${IDENT})\.(${IDENT})(?:\s+(${IDENT}))?`);
const CLAUSE_WORDS = new Set(['where', 'group', 'order', 'limit', 'having', 'window', 'offset', 'fetch', 'for']);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The 16+ spelling of a view definition printed by an older server, or the text unchanged. */
export function unqualifySingleRelation(definition: string): string {
  const parts = segments(definition);
  const code = parts.filter((p) => p.code).map((p) => p.text).join(' ');
  const count = (re: RegExp): number => (code.match(re) ?? []).length;
  if (count(/\bFROM\b/g) !== 1 || count(/\bSELECT\b/g) !== 1 || /\b(JOIN|UNION|INTERSECT|EXCEPT|LATERAL)\b/.test(code)) return definition;
  const m = FROM_TARGET.exec(code);
  if (m === null) return definition;
  const fromTail = code.slice((m.index ?? 0) + m[0].length);
  // `FROM a.b, c.d` reads two relations.
  if (/^\s*,/.test(fromTail)) return definition;
  const alias = m[3] !== undefined && !CLAUSE_WORDS.has(m[3]) ? m[3] : undefined;
  const qualifier = alias ?? (m[2] as string);
  const prefix = new RegExp(String.raw`(^|[^A-Za-z0-9_$".])${escapeRegExp(qualifier)}\.(?=["a-z_])`, 'g');
  return parts.map((p) => (p.code ? p.text.replace(prefix, '$1') : p.text)).join('');
}
