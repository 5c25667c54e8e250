// Copies a database's large objects from the source (read in the copy's snapshot) to the target with the same oids,
// after unlinking the target objects the plan names. Target writes go in batches that commit one by one: owner and
// comment changes and unlinks lock each object until commit, so one transaction for all of them would run out of
// the shared lock table (`out of shared memory`, seen with 3,000 objects at max_locks_per_transaction = 10). The
// caller records every oid before the first write (beforeWrite), so a kill at any point is undone by the next apply.
import type pg from 'pg';
import { PgreplError } from '../../util/errors.js';
import { countOids, firstOids, intersectRanges, subtractRanges, unionRanges, type OidRange } from '../../model/oid-ranges.js';
import { parseAcl, type AclTuple } from '../catalog/schema/acl.js';
import { readLargeObjectRanges } from '../catalog/actual/large-objects-query.js';
import { connect } from '../connect.js';
import type { ConnInfo } from '../conninfo/types.js';
import { closeClient } from '../copy/close-client.js';
import { importSnapshotSql } from '../copy/copy-sql.js';
import { CopyCancelledError } from '../copy/copy-error.js';
import { killSelf } from '../copy/fault.js';
import { chunkByLocks, lockBudget, MAX_CHUNK_ITEMS, readMaxLocks } from '../lock-budget.js';
import { prepareTarget, readBatch, writeBatch } from './batch-io.js';
import { CLOSE_SQL, metadataStatements, OIDS_IN_RANGES_SQL, PAGE_SQL, planBatches, UNLINK_SQL, type Batch, type SourceLargeObject } from './lo-sql.js';

/** Data per target transaction and largest piece read at once: memory stays flat whatever the objects' sizes. */
export const BATCH_BYTES = 4 * 1024 * 1024;
/** Objects read per page of the source's metadata. */
export const PAGE_OBJECTS = 1_000;

export interface LargeObjectCopyInput {
  readonly source: ConnInfo;
  readonly target: ConnInfo;
  readonly sourceDatabase: string;
  readonly targetDatabase: string;
  /** The copy's snapshot; null without `copy`. */
  readonly snapshotId: string | null;
  /** Target oids unlinked first (those that exist). */
  readonly unlink: readonly OidRange[];
  readonly copy: boolean;
  readonly roles: 'copy' | 'skip';
  /** Called once, before the first write, with every oid this run may make or unlink. */
  readonly beforeWrite: (oids: readonly OidRange[]) => Promise<void>;
  readonly warn: (message: string) => void;
  readonly signal?: AbortSignal;
  /** Tests (PGREPL_FAULT): once this many objects committed, fail (`kill: false`) or SIGKILL the process. */
  readonly fault?: { readonly objects: number; readonly kill: boolean };
  /** After each committed batch: objects and bytes copied so far. */
  readonly onProgress?: (done: { readonly count: number; readonly bytes: number }) => void;
  /** Data per batch; default BATCH_BYTES (tests make it small). */
  readonly batchBytes?: number;
}

export interface LargeObjectCopyResult {
  /** The oids made on the target (the source's, in the snapshot). */
  readonly oids: readonly OidRange[];
  readonly count: number;
  readonly bytes: number;
  readonly unlinked: number;
  readonly seconds: number;
}

interface PageRow {
  readonly oid: string;
  readonly owner: string;
  readonly acl: readonly AclTuple[] | null;
  readonly comment: string | null;
  readonly fd: number;
  readonly size: string;
}

function checkCancel(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new CopyCancelledError(signal.reason);
}

export async function copyLargeObjects(input: LargeObjectCopyInput): Promise<LargeObjectCopyResult> {
  const started = performance.now();
  const target = await connect(input.target, { side: 'target', database: input.targetDatabase });
  let source: pg.Client | null = null;
  try {
    const budget = Math.min(lockBudget(await readMaxLocks(target)), MAX_CHUNK_ITEMS);
    let made: OidRange[] = [];
    if (input.copy) {
      if (input.snapshotId === null) throw new PgreplError('the large object copy needs the snapshot of the database copy');
      source = await connect(input.source, { side: 'source', database: input.sourceDatabase });
      await source.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      await source.query(importSnapshotSql(input.snapshotId));
      made = await readLargeObjectRanges(source);
      // An object the plan did not see in the way (made on the target since): refuse before writing anything.
      const inTheWay = subtractRanges(intersectRanges(made, await readLargeObjectRanges(target)), input.unlink);
      if (inTheWay.length > 0) {
        throw new PgreplError(
          `target database ${input.targetDatabase} holds ${countOids(inTheWay)} large object(s) with the oids of source ones that the plan did not expect (${firstOids(inTheWay, 5).join(', ')}); nothing was changed`,
          { hints: ['run plan again: it shows them, and replacing them needs consent'] },
        );
      }
    }
    await input.beforeWrite(unionRanges(made, input.unlink));

    let unlinked = 0;
    if (input.unlink.length > 0) {
      const { rows } = await target.query<{ oid: string }>(OIDS_IN_RANGES_SQL, [JSON.stringify(input.unlink)]);
      // Each unlink locks its object until commit: one statement (autocommit) per budget's worth.
      for (const chunk of chunkByLocks(rows.map((r) => r.oid), () => 1, budget)) {
        checkCancel(input.signal);
        const r = await target.query<{ unlinked: string }>(UNLINK_SQL, [chunk]);
        unlinked += Number(r.rows[0]?.unlinked ?? 0);
      }
    }

    let count = 0;
    let bytes = 0;
    if (source !== null) {
      const ctx = await metadataContext(source, target, input);
      const mode = await prepareTarget(target);
      let after = -1;
      for (;;) {
        checkCancel(input.signal);
        const rows = (await source.query<PageRow & Record<string, unknown>>(PAGE_SQL, [after, PAGE_OBJECTS])).rows;
        if (rows.length === 0) break;
        await source.query(CLOSE_SQL, [rows.map((r) => r.fd)]);
        const page = rows.map(toObject);
        after = (page[page.length - 1] as SourceLargeObject).oid;
        const batches = planBatches(page, { bytes: input.batchBytes ?? BATCH_BYTES, objects: budget });
        // The source reads batch i + 1 while the target writes batch i: two batches in memory at most.
        const read = (i: number): Promise<Buffer | null> | null => {
          const batch = batches[i];
          if (batch === undefined || source === null) return null;
          const p = readBatch(source, batch);
          p.catch(() => undefined); // awaited below; a failure while the target writes must not go unhandled
          return p;
        };
        let next = read(0);
        for (let i = 0; i < batches.length; i += 1) {
          const batch = batches[i] as Batch;
          const data = await next;
          next = read(i + 1);
          checkCancel(input.signal);
          await writeBatch(target, mode, batch, data, batch.finish.flatMap((lo) => metadataStatements(lo, ctx)));
          count += batch.finish.length;
          bytes += batch.bytes;
          input.onProgress?.({ count, bytes });
          if (input.fault !== undefined && count >= input.fault.objects) {
            if (input.fault.kill) killSelf();
            throw new PgreplError(`injected fault after ${count} large objects`);
          }
        }
        await next;
      }
    }
    return { oids: made, count, bytes, unlinked, seconds: (performance.now() - started) / 1000 };
  } finally {
    if (source !== null) {
      await source.query('ROLLBACK').catch(() => undefined);
      await closeClient(source);
    }
    await closeClient(target);
  }
}

function toObject(r: PageRow): SourceLargeObject {
  return { oid: Number(r.oid), owner: r.owner, acl: parseAcl(r.acl), comment: r.comment, size: Number(r.size) };
}

type Context = Parameters<typeof metadataStatements>[1];

async function metadataContext(source: pg.Client, target: pg.Client, input: LargeObjectCopyInput): Promise<Context> {
  const version = async (c: pg.Client): Promise<number> =>
    Math.floor(Number((await c.query<{ v: string }>("SELECT pg_catalog.current_setting('server_version_num') AS v")).rows[0]?.v ?? 0) / 10_000);
  const targetMajor = await version(target);
  // ALTER … OWNER TO r needs SET ROLE r (16+) or membership in r (before); a superuser may do anything.
  const ownable = targetMajor >= 16 ? "pg_catalog.pg_has_role(r.oid, 'SET')" : "pg_catalog.pg_has_role(r.oid, 'MEMBER')";
  const t = (await target.query<{ me: string; roles: string[]; ownable: string[] | null }>(
    `SELECT current_user::text AS me, pg_catalog.array_agg(r.rolname::text) AS roles,
            pg_catalog.array_agg(r.rolname::text) FILTER (WHERE ${ownable}) AS ownable FROM pg_catalog.pg_roles r`,
  )).rows[0];
  const roles = new Set(t?.roles ?? []);
  const owners = new Set(t?.ownable ?? []);
  const warned = new Set<string>();
  return {
    roles: input.roles, targetUser: t?.me ?? '', hasRole: (r) => roles.has(r), canOwn: (r) => owners.has(r), sourceMajor: await version(source), targetMajor,
    warn: (m) => {
      if (warned.has(m)) return;
      warned.add(m);
      input.warn(m);
    },
  };
}
