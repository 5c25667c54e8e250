// Shows a PostgreSQL error whole: SQLSTATE, message, detail, hint, and the statement with a caret at its
// position (STYLE.md #13). node-postgres errors carry these fields; we read them structurally so this file
// needs no `pg` import.
interface ServerErrorFields {
  code?: string;
  message: string;
  detail?: string;
  hint?: string;
  position?: string;
  where?: string;
  statement?: string;
  address?: string;
}

function isServerError(e: Error): e is Error & ServerErrorFields {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

export function describeServerError(e: Error): string | null {
  if (!isServerError(e)) return null;
  const out = [`${e.message} (SQLSTATE ${e.code})`];
  if (e.address) out.push(`  resource: ${e.address}`);
  if (e.detail) out.push(`  DETAIL: ${e.detail}`);
  if (e.hint) out.push(`  HINT: ${e.hint}`);
  if (e.where) out.push(`  CONTEXT: ${e.where}`);
  if (e.statement) out.push(...caretLines(e.statement, e.position ? Number(e.position) : undefined));
  return out.join('\n');
}

/** The statement, and a caret under the 1-based character `position` when the server gave one. */
export function caretLines(statement: string, position?: number): string[] {
  const lines = statement.split('\n');
  if (position === undefined || !Number.isFinite(position)) return ['  STATEMENT: ' + lines.join('\n             ')];
  const out: string[] = ['  STATEMENT:'];
  let offset = 0;
  for (const line of lines) {
    out.push('    ' + line);
    if (position > offset && position <= offset + line.length + 1) {
      out.push('    ' + ' '.repeat(Math.max(0, position - offset - 1)) + '^');
    }
    offset += line.length + 1;
  }
  return out;
}
