// What ALL means and what PUBLIC gets by default for each kind of object, by major (acldefault() in
// src/backend/utils/adt/acl.c). Grants are computed against these defaults, as pg_dump does.

export type AclKind = 'table' | 'sequence' | 'function' | 'type' | 'schema' | 'database' | 'column' | 'language' | 'large object';

/** Privileges that appeared after PostgreSQL 12, with the first major that has them. */
export const PRIVILEGE_FIRST_MAJOR: Readonly<Record<string, number>> = { MAINTAIN: 17 };

const TABLE_PRIVILEGES = ['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER', 'MAINTAIN'];

const ALL: Readonly<Record<AclKind, readonly string[]>> = {
  table: TABLE_PRIVILEGES,
  sequence: ['SELECT', 'UPDATE', 'USAGE'],
  function: ['EXECUTE'],
  type: ['USAGE'],
  schema: ['USAGE', 'CREATE'],
  database: ['CREATE', 'TEMPORARY', 'CONNECT'],
  column: ['SELECT', 'INSERT', 'UPDATE', 'REFERENCES'],
  language: ['USAGE'],
  'large object': ['SELECT', 'UPDATE'],
};

const PUBLIC_DEFAULT: Readonly<Record<AclKind, readonly string[]>> = {
  table: [], sequence: [], function: ['EXECUTE'], type: ['USAGE'], schema: [], database: ['TEMPORARY', 'CONNECT'], column: [], language: ['USAGE'], 'large object': [],
};

export function privilegeExists(privilege: string, major: number): boolean {
  return (PRIVILEGE_FIRST_MAJOR[privilege] ?? 0) <= major;
}

/** Everything the owner holds by default (columns: nothing, their owner is the table's). */
export function ownerDefault(kind: AclKind, major: number): readonly string[] {
  return kind === 'column' ? [] : ALL[kind].filter((p) => privilegeExists(p, major));
}

export function publicDefault(kind: AclKind): readonly string[] {
  return PUBLIC_DEFAULT[kind];
}

/** Canonical order for printing: the order of ALL, unknown keywords last in their own order. */
export function sortPrivileges(kind: AclKind, privileges: Iterable<string>): string[] {
  const order = ALL[kind];
  return [...privileges].sort((a, b) => {
    const ia = order.indexOf(a);
    const ib = order.indexOf(b);
    return (ia === -1 ? order.length : ia) - (ib === -1 ? order.length : ib) || (a < b ? -1 : a > b ? 1 : 0);
  });
}
