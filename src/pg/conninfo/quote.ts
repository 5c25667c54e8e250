// libpq's quoting for `key=value` connection strings, the inverse of tokenizeKeyValue(): a value that is empty or
// holds white space, a quote or a backslash goes in single quotes with `\'` and `\\` escapes.

export function quoteConninfoValue(value: string): string {
  if (value !== '' && !/[\s'\\]/.test(value)) return value;
  return `'${value.replace(/[\\']/g, (ch) => `\\${ch}`)}'`;
}

/** `key=value key=value`, each value quoted as needed. */
export function renderConninfo(pairs: readonly (readonly [string, string])[]): string {
  return pairs.map(([key, value]) => `${key}=${quoteConninfoValue(value)}`).join(' ');
}
