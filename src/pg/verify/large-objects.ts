// `pgrepl verify` for large objects: every source object against the target object of the same oid, by size and a
// hash of its data computed on each server (md5 of the md5s of its 1 MB pieces: lo_get of a whole object stops at
// 1 GB), in pages of oids so neither side holds more than a page. Target objects outside the source's oids count
// only when pgrepl made them (the state's oids): those are `extra` (gone from the source since the copy); anything
// else on the target is not pgrepl's business.
import type pg from 'pg';
import { intersectRanges, type OidRange } from '../../model/oid-ranges.js';
import { connect } from '../connect.js';
import type { ConnInfo } from '../conninfo/types.js';
import { closeClient } from '../copy/close-client.js';

/** Objects hashed per page. */
export const VERIFY_PAGE = 500;
const PIECE = 1024 * 1024;
/** How many oids each list keeps (the counts are whole). */
export const LIST_CAP = 10;

const NEXT_OIDS_SQL = 'SELECT m.oid::int8 AS oid FROM pg_catalog.pg_largeobject_metadata m WHERE m.oid::int8 > $1::int8 ORDER BY m.oid LIMIT $2';
const OIDS_BETWEEN_SQL = 'SELECT m.oid::int8 AS oid FROM pg_catalog.pg_largeobject_metadata m WHERE m.oid::int8 > $1::int8 AND m.oid::int8 <= $2::int8 ORDER BY m.oid';
const OPEN_SQL = `SELECT u.o::int8 AS oid, f.fd, pg_catalog.lo_lseek64(f.fd, 0, 2)::int8 AS size
  FROM pg_catalog.unnest($1::oid[]) AS u(o) CROSS JOIN LATERAL (SELECT pg_catalog.lo_open(u.o, ${0x40000}) AS fd OFFSET 0) f`;
const CLOSE_SQL = 'SELECT pg_catalog.count(pg_catalog.lo_close(d.fd)) FROM pg_catalog.unnest($1::int4[]) AS d(fd)';
const HASH_SQL = `SELECT p.o::int8 AS oid,
       pg_catalog.md5(pg_catalog.string_agg(pg_catalog.md5(pg_catalog.lo_get(p.o, k.n * ${PIECE}, ${PIECE})), '' ORDER BY k.n)) AS h
  FROM ROWS FROM (pg_catalog.unnest($1::oid[]), pg_catalog.unnest($2::int8[])) AS p(o, size)
 CROSS JOIN LATERAL pg_catalog.generate_series(0, GREATEST(p.size - 1, 0) / ${PIECE}) AS k(n)
 GROUP BY p.o`;

export interface LargeObjectComparison {
  readonly source: number;
  readonly target: number;
  readonly missing: readonly number[];
  readonly changed: readonly number[];
  readonly extra: readonly number[];
  readonly counts: { readonly missing: number; readonly changed: number; readonly extra: number };
}

/** oid -> `size:hash` of the objects `oids` on one side. */
async function digests(client: pg.Client, oids: readonly number[]): Promise<Map<number, string>> {
  if (oids.length === 0) return new Map();
  const opened = (await client.query<{ oid: string; fd: number; size: string }>(OPEN_SQL, [oids])).rows;
  await client.query(CLOSE_SQL, [opened.map((r) => r.fd)]);
  const size = new Map(opened.map((r) => [Number(r.oid), r.size]));
  const hashed = (await client.query<{ oid: string; h: string }>(HASH_SQL, [opened.map((r) => r.oid), opened.map((r) => r.size)])).rows;
  return new Map(hashed.map((r) => [Number(r.oid), `${size.get(Number(r.oid)) ?? '?'}:${r.h}`]));
}

const oidsOf = async (client: pg.Client, sql: string, params: readonly unknown[]): Promise<number[]> =>
  (await client.query<{ oid: string }>(sql, [...params])).rows.map((r) => Number(r.oid));

const inRanges = (oid: number, ranges: readonly OidRange[]): boolean => intersectRanges([[oid, oid]], ranges).length > 0;

export async function compareLargeObjects(input: {
  readonly source: ConnInfo;
  readonly target: ConnInfo;
  readonly sourceDatabase: string;
  readonly targetDatabase: string;
  /** The oids pgrepl recorded making on the target. */
  readonly recorded: readonly OidRange[];
  readonly env: NodeJS.ProcessEnv;
}): Promise<LargeObjectComparison> {
  const source = await connect(input.source, { side: 'source', database: input.sourceDatabase, env: input.env });
  let target: pg.Client | null = null;
  try {
    target = await connect(input.target, { side: 'target', database: input.targetDatabase, env: input.env });
    await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await target.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const lists = { missing: [] as number[], changed: [] as number[], extra: [] as number[] };
    const counts = { missing: 0, changed: 0, extra: 0 };
    const note = (kind: keyof typeof counts, oid: number): void => {
      counts[kind] += 1;
      if (lists[kind].length < LIST_CAP) lists[kind].push(oid);
    };
    let sourceCount = 0;
    let targetCount = 0;
    let after = -1;
    for (;;) {
      const page = await oidsOf(source, NEXT_OIDS_SQL, [after, VERIFY_PAGE]);
      const last = page.length === 0 ? Number.MAX_SAFE_INTEGER : (page[page.length - 1] as number);
      const onSource = new Set(page);
      const onTarget = (await oidsOf(target, OIDS_BETWEEN_SQL, [after, last])).filter((o) => onSource.has(o) || inRanges(o, input.recorded));
      const [s, t] = await Promise.all([digests(source, page), digests(target, onTarget.filter((o) => onSource.has(o)))]);
      sourceCount += page.length;
      targetCount += onTarget.length;
      for (const oid of page) {
        const there = t.get(oid);
        if (there === undefined) note('missing', oid);
        else if (there !== s.get(oid)) note('changed', oid);
      }
      for (const oid of onTarget) if (!onSource.has(oid)) note('extra', oid);
      if (page.length === 0) break;
      after = last;
    }
    return { source: sourceCount, target: targetCount, ...lists, counts };
  } finally {
    await source.query('ROLLBACK').catch(() => undefined);
    await closeClient(source);
    if (target !== null) {
      await target.query('ROLLBACK').catch(() => undefined);
      await closeClient(target);
    }
  }
}
