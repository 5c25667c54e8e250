// Spec keys that the schema accepts (so specs and editors know them from the start) but pgrepl cannot act on
// yet. Each is refused with "not implemented yet", never ignored. The detection sits where the key is
// resolved; shrinking this list (deleting an entry) is all it takes once the feature lands. docs/spec.md lists
// the same entries.
export const NOT_IMPLEMENTED = {
  'state.backend: postgres': 'the PostgreSQL state backend comes with the old-tool compatibility work (issue 7)',
  'large_objects: true': 'copying large objects comes with plan/apply (issue 4)',
  columns: 'column lists come with plan/apply and sync (issues 4 and 5)',
  'copy: native': "PostgreSQL's own table sync comes with continuous sync (issue 5)",
  'prune: true': 'pruning rows that leave a filter comes with continuous sync (issue 5)',
  'table_filters and time_filters on one table': 'combining a row filter and a time window on one table (AND) is not supported yet',
  cutover: 'the cutover command comes with continuous sync (issue 5)',
} as const satisfies Readonly<Record<string, string>>;

export type NotImplementedKey = keyof typeof NOT_IMPLEMENTED;

/** The refusal text for `key`, or null once it is implemented (removed from the list). */
export function notImplementedMessage(key: string): string | null {
  const why = (NOT_IMPLEMENTED as Readonly<Record<string, string>>)[key];
  return why === undefined ? null : `${key} is not implemented yet: ${why}`;
}
