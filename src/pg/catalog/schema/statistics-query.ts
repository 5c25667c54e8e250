// Extended statistics objects (CREATE STATISTICS) with their table and statistics target.
import type { StatisticsObject } from '../../../model/schema.js';
import { objectKey } from '../../../model/object-key.js';
import type { Parsed } from './parsed.js';
import { commentOf, notExtensionMember, userSchema } from './sql-fragments.js';

export interface StatisticsRow {
  readonly token: string;
  readonly schema: string;
  readonly name: string;
  readonly owner: string;
  readonly comment: string | null;
  readonly definition: string;
  readonly table: readonly [string, string];
  readonly statistics_target: number | null;
}

export function statisticsSql(versionNum: number): string {
  // stxstattarget appeared in 13 (-1 = default); 17 made it nullable (NULL = default).
  const target = versionNum >= 130000 ? 'NULLIF(s.stxstattarget, -1)::int' : 'NULL::int';
  return `
SELECT 'pg_statistic_ext:' || s.oid AS token, n.nspname::text AS schema, s.stxname::text AS name,
       pg_get_userbyid(s.stxowner)::text AS owner, ${commentOf('pg_statistic_ext', 's.oid')} AS comment,
       pg_get_statisticsobjdef(s.oid) AS definition,
       (SELECT json_build_array(tn.nspname, tc.relname) FROM pg_class tc JOIN pg_namespace tn ON tn.oid = tc.relnamespace
        WHERE tc.oid = s.stxrelid) AS table,
       ${target} AS statistics_target
FROM pg_statistic_ext s
JOIN pg_namespace n ON n.oid = s.stxnamespace
WHERE ${userSchema('n.nspname')} AND ${notExtensionMember('pg_statistic_ext', 's.oid')}
ORDER BY n.nspname, s.stxname`;
}

export function parseStatistics(row: StatisticsRow): Parsed<StatisticsObject> {
  return {
    tokens: [row.token],
    value: {
      key: objectKey('statistics', row.schema, row.name), kind: 'statistics', schema: row.schema, name: row.name,
      owner: row.owner, acl: null, comment: row.comment, deps: [],
      definition: row.definition, table: objectKey('table', row.table[0], row.table[1]), statisticsTarget: row.statistics_target,
    },
  };
}
