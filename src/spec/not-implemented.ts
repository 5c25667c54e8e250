// Spec keys that the schema accepts (so specs and editors know them from the start) but pgrepl cannot act on
// yet. Each is refused with "not implemented yet", never ignored. The detection sits where the key is
// resolved; shrinking this list (deleting an entry) is all it takes once the feature lands. docs/spec.md lists
// the same entries (a unit test keeps them in step).
export const NOT_IMPLEMENTED = {
  // Issues 4 and 5: column lists in the copy and in publications.
  columns: 'column lists are not supported yet: every column is copied',
  // Not planned in an issue yet: AND-ing a row filter and a time window on one table.
} as const satisfies Readonly<Record<string, string>>;

export type NotImplementedKey = keyof typeof NOT_IMPLEMENTED;

/** The refusal text for `key`, or null once it is implemented (removed from the list). */
export function notImplementedMessage(key: string): string | null {
  const why = (NOT_IMPLEMENTED as Readonly<Record<string, string>>)[key];
  return why === undefined ? null : `\`${key}\` is not implemented yet (${why})`;
}
