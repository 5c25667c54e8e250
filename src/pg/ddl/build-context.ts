// What every create builder needs besides the object: majors, role handling, the other objects, a warning sink.
import type { ObjectKey, SchemaObjectAny } from '../../model/schema.js';
import { quoteLiteral } from '../sql/quote.js';

export interface BuildContext {
  readonly sourceMajor: number;
  readonly targetMajor: number;
  readonly roles: 'copy' | 'skip';
  readonly objects: ReadonlyMap<ObjectKey, SchemaObjectAny>;
  /** Role name as it exists on the target, or null when it does not (roles: skip and the role is missing). */
  readonly mapRole: (role: string) => string | null;
  readonly warn: (object: ObjectKey, message: string) => void;
  /**
   * Tables whose PRIMARY KEY is created in pre-data: a view may need it to exist (a GROUP BY on the key lets
   * it select the table's other columns, PostgreSQL's functional dependency), as pg_dump does.
   */
  readonly keysBeforeData: ReadonlySet<ObjectKey>;
  /** Something the target major cannot take: collected, then thrown together as UnsupportedOnTargetError. */
  readonly refuse: (object: ObjectKey, message: string) => void;
}

/** Kind ranks: tie-breakers among statements whose dependencies are met (lower first), like pg_dump's sort. */
export const RANK = {
  schema: 0, extension: 10, collation: 20, type: 30, function: 40, sequence: 50, table: 60, tableAlter: 62,
  ownedBy: 65, view: 70, matview: 75, cast: 80, operator: 82, opfamily: 84, opclass: 86, opfamilyMembers: 87,
  notValidCheck: 100, index: 110, attach: 115, foreignKey: 120, trigger: 130, rule: 140, rowSecurity: 150,
  policy: 155, replicaIdentity: 160, cluster: 165, statistics: 170, refresh: 180, comment: 190, owner: 200,
  acl: 210, defaultPrivileges: 220, databaseSettings: 230, databaseAcl: 240,
} as const;

/** `key=value` reloptions as WITH (…) takes them; values that are not plain words or numbers quoted. */
export function withOptions(options: readonly string[]): string {
  return options
    .map((o) => {
      const at = o.indexOf('=');
      if (at === -1) return o;
      const value = o.slice(at + 1);
      return `${o.slice(0, at)}=${/^[A-Za-z0-9_.-]+$/.test(value) ? value : quoteLiteral(value)}`;
    })
    .join(', ');
}
