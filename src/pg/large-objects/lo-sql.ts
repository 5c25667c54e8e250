// SQL of the large object copy (copy-large-objects.ts runs it) and the pure parts around it: the batches a page of
// objects is written in, and the owner, grant and comment statements of one object. Server-side functions only
// (lo_get, lo_create, lo_put, lo_unlink: no client-side descriptors), so the data goes through ordinary queries.
// Parallel arrays are zipped with ROWS FROM: the multi-argument unnest(a, b) form is only known unqualified.
import type { AclEntry } from '../../model/schema.js';
import { aclStatements } from '../ddl/acl.js';
import { aclJson } from '../catalog/schema/sql-fragments.js';
import { quoteIdent, quoteLiteral } from '../sql/quote.js';

/** lo_open's INV_READ: a descriptor that reads in the transaction's snapshot. */
const INV_READ = 0x40000;

/**
 * One page of the source's large objects after oid $1 (as int8), at most $2, with owner, ACL, comment and size.
 * The size comes from lo_lseek64 to the end on a read descriptor (pg_largeobject itself is readable by superusers
 * only); the descriptors stay open until CLOSE_SQL, so each has its own number: closing each one in the same query
 * let the next object get the same number, and a Memoize node then served it the previous object's size (seen on
 * 15). The page is cut first (LIMIT in a subquery), so only its objects are opened; OFFSET 0 keeps lo_open from
 * being inlined into each use.
 */
export const PAGE_SQL = `
SELECT m.oid::int8 AS oid, pg_catalog.pg_get_userbyid(m.lomowner)::text AS owner, ${aclJson('m.lomacl')} AS acl,
       pg_catalog.obj_description(m.oid, 'pg_largeobject') AS comment, f.fd, pg_catalog.lo_lseek64(f.fd, 0, 2)::int8 AS size
  FROM (SELECT l.oid, l.lomowner, l.lomacl FROM pg_catalog.pg_largeobject_metadata l
         WHERE l.oid::int8 > $1::int8 ORDER BY l.oid LIMIT $2) m
 CROSS JOIN LATERAL (SELECT pg_catalog.lo_open(m.oid, ${INV_READ}) AS fd OFFSET 0) f
 ORDER BY m.oid`;

/** Closes the page's descriptors ($1). */
export const CLOSE_SQL = 'SELECT pg_catalog.count(pg_catalog.lo_close(d.fd)) AS closed FROM pg_catalog.unnest($1::int4[]) AS d(fd)';

function intArray(values: readonly number[], type: 'oid' | 'int8' | 'int4'): string {
  for (const v of values) if (!Number.isSafeInteger(v) || v < 0) throw new Error(`not a ${type}: ${String(v)}`);
  return `'{${values.join(',')}}'::${type}[]`;
}

/**
 * The pieces as binary COPY rows (oid, offset, data), in order: raw bytes end to end, where a query result would
 * carry bytea as hex text (twice the bytes, decoded by node and encoded again for the target). COPY takes no
 * parameters, so the integer arrays are written as literals (checked to be integers).
 */
export function readPiecesCopySql(pieces: readonly Piece[]): string {
  const rows = `ROWS FROM (pg_catalog.unnest(${intArray(pieces.map((p) => p.oid), 'oid')}), pg_catalog.unnest(${intArray(pieces.map((p) => p.offset), 'int8')}), pg_catalog.unnest(${intArray(pieces.map((p) => p.length), 'int4')}))`;
  return `COPY (SELECT p.o, p.off, pg_catalog.lo_get(p.o, p.off, p.len) FROM ${rows} WITH ORDINALITY AS p(o, off, len, n) ORDER BY p.n) TO STDOUT (FORMAT binary)`;
}

/**
 * The target session's staging table: the source's COPY rows go into it unchanged, then lo_put reads them there.
 * Temporary (no WAL, the session's own) and emptied at every commit.
 */
export const STAGE_TABLE_SQL = 'CREATE TEMPORARY TABLE pgrepl_lo_stage (o oid, off int8, data bytea) ON COMMIT DELETE ROWS';
export const STAGE_COPY_SQL = 'COPY pg_temp.pgrepl_lo_stage (o, off, data) FROM STDIN (FORMAT binary)';
export const WRITE_STAGED_SQL = 'SELECT pg_catalog.count(pg_catalog.lo_put(s.o, s.off, s.data)) AS written FROM pg_temp.pgrepl_lo_stage s';

/** Makes the objects $1 with those very oids (lo_create fails on an oid in use). */
export const CREATE_SQL = 'SELECT pg_catalog.count(pg_catalog.lo_create(u.o)) AS made FROM pg_catalog.unnest($1::oid[]) AS u(o)';

/** Writes the pieces ($1 oids, $2 offsets, $3 data): for a target role that may not make temporary tables. */
export const WRITE_PIECES_SQL = `SELECT pg_catalog.count(pg_catalog.lo_put(p.o, p.off, p.data)) AS written
  FROM ROWS FROM (pg_catalog.unnest($1::oid[]), pg_catalog.unnest($2::int8[]), pg_catalog.unnest($3::bytea[])) AS p(o, off, data)`;

/** Unlinks the objects $1 that still exist (each unlink locks its object until commit). */
export const UNLINK_SQL = `SELECT pg_catalog.count(pg_catalog.lo_unlink(m.oid)) AS unlinked
  FROM pg_catalog.pg_largeobject_metadata m WHERE m.oid = ANY ($1::oid[])`;

/** The oids of the objects inside the ranges $1 (JSON [[first, last], …]), ascending. */
export const OIDS_IN_RANGES_SQL = `
SELECT m.oid::int8 AS oid FROM pg_catalog.pg_largeobject_metadata m
 WHERE EXISTS (SELECT 1 FROM pg_catalog.json_array_elements($1::json) r
                WHERE m.oid::int8 BETWEEN (r.value->>0)::int8 AND (r.value->>1)::int8)
 ORDER BY m.oid`;

export interface SourceLargeObject {
  readonly oid: number;
  readonly owner: string;
  readonly acl: readonly AclEntry[] | null;
  readonly comment: string | null;
  readonly size: number;
}

export interface Piece {
  readonly oid: number;
  readonly offset: number;
  readonly length: number;
}

/** What one target transaction does: make `create`, write `pieces`, then give `finish` their owner, ACL and comment. */
export interface Batch {
  readonly create: readonly number[];
  readonly pieces: readonly Piece[];
  readonly finish: readonly SourceLargeObject[];
  readonly bytes: number;
}

export interface BatchLimits {
  /** Data per batch (and the largest piece): bounds memory whatever the objects' sizes. */
  readonly bytes: number;
  /** Objects made or finished per batch: finishing one locks it until commit (lock-budget.ts). */
  readonly objects: number;
}

/**
 * Cuts a page into batches: objects in oid order, each split into pieces of at most `limits.bytes`; a batch closes
 * when its data or its object count reach the limits. An object larger than a batch spans several (made in the
 * first, finished in the last): a kill in between leaves it half written, which the resume unlinks with the rest.
 */
export function planBatches(objects: readonly SourceLargeObject[], limits: BatchLimits): Batch[] {
  const out: Batch[] = [];
  let create: number[] = [];
  let pieces: Piece[] = [];
  let finish: SourceLargeObject[] = [];
  let bytes = 0;
  let touched = 0;
  const close = (): void => {
    if (create.length === 0 && pieces.length === 0 && finish.length === 0) return;
    out.push({ create, pieces, finish, bytes });
    create = [];
    pieces = [];
    finish = [];
    bytes = 0;
    touched = 0;
  };
  for (const lo of objects) {
    if (touched >= limits.objects) close();
    create.push(lo.oid);
    touched += 1;
    let offset = 0;
    while (offset < lo.size) {
      if (bytes >= limits.bytes) close();
      const length = Math.min(lo.size - offset, limits.bytes - bytes);
      pieces.push({ oid: lo.oid, offset, length });
      offset += length;
      bytes += length;
    }
    if (create[create.length - 1] !== lo.oid) touched += 1;
    finish.push(lo);
  }
  close();
  return out;
}

export interface MetadataContext {
  readonly roles: 'copy' | 'skip';
  /** The role the target session runs as: new objects are its own. */
  readonly targetUser: string;
  /** Whether a role exists on the target. */
  readonly hasRole: (role: string) => boolean;
  /** Whether the target user may make a role the owner (superuser, or SET ROLE to it: membership before 16). */
  readonly canOwn: (role: string) => boolean;
  readonly sourceMajor: number;
  readonly targetMajor: number;
  readonly warn: (message: string) => void;
}

/**
 * The owner, ACL and comment of one object made by the target user: with roles: copy the source's owner (when the
 * role exists on the target) and grants (pg_dump's way, against the owner's defaults); with skip neither. The
 * comment always.
 */
export function metadataStatements(lo: SourceLargeObject, ctx: MetadataContext): string[] {
  const on = `LARGE OBJECT ${lo.oid}`;
  const out: string[] = [];
  let owner = ctx.targetUser;
  if (ctx.roles === 'copy') {
    if (lo.owner !== ctx.targetUser) {
      if (!ctx.hasRole(lo.owner)) {
        ctx.warn(`large objects owned by ${lo.owner} are owned by ${ctx.targetUser} on the target (no role ${lo.owner} there)`);
      } else if (!ctx.canOwn(lo.owner)) {
        ctx.warn(`large objects owned by ${lo.owner} are owned by ${ctx.targetUser} on the target: ${ctx.targetUser} may not give objects to ${lo.owner} (GRANT ${quoteIdent(lo.owner)} TO ${quoteIdent(ctx.targetUser)} lets it)`);
      } else {
        owner = lo.owner;
        out.push(`ALTER ${on} OWNER TO ${quoteIdent(owner)}`);
      }
    }
    out.push(...aclStatements(
      { kind: 'large object', on, owner: lo.owner, targetOwner: owner, label: on },
      lo.acl,
      { sourceMajor: ctx.sourceMajor, targetMajor: ctx.targetMajor, mapRole: (r) => (r === '' || ctx.hasRole(r) ? r : null), warn: (m) => ctx.warn(`large objects: ${m}`) },
    ));
  }
  if (lo.comment !== null) out.push(`COMMENT ON ${on} IS ${quoteLiteral(lo.comment)}`);
  return out;
}
