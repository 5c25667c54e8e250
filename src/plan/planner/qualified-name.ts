// Splits a qualified name as quoteQualified() writes it (`sales."Order Seq"`) back into its parts: the schema model
// keeps identity sequences in that form, and sequence-values operations need the plain names.
export function splitQualifiedName(text: string): { schema: string; name: string } | null {
  const parts: string[] = [];
  let i = 0;
  while (i <= text.length) {
    if (text[i] === '"') {
      let part = '';
      i++;
      for (;;) {
        if (i >= text.length) return null;
        if (text[i] === '"') {
          if (text[i + 1] === '"') { part += '"'; i += 2; continue; }
          i++;
          break;
        }
        part += text[i];
        i++;
      }
      parts.push(part);
    } else {
      const m = /^[^".]*/.exec(text.slice(i)) as RegExpExecArray;
      if (m[0] === '') return null;
      parts.push(m[0]);
      i += m[0].length;
    }
    if (i === text.length) break;
    if (text[i] !== '.') return null;
    i++;
  }
  return parts.length === 2 ? { schema: parts[0] as string, name: parts[1] as string } : null;
}
