// The pure parts of the large object copy (src/pg/large-objects/lo-sql.ts): planBatches cuts a page of objects into
// the target transactions, so it must make and finish every object exactly once, in oid order, write each object's
// bytes exactly once, and keep every batch within both limits (memory, and the locks ALTER OWNER / COMMENT take per
// object); metadataStatements gives the owner, grants and comment of one object.
import { describe, expect, it } from 'vitest';
import type { AclEntry } from '../../src/model/schema.js';
import { metadataStatements, planBatches, type Batch, type BatchLimits, type MetadataContext, type SourceLargeObject } from '../../src/pg/large-objects/lo-sql.js';
import { mulberry32 } from '../harness/prng.js';

const lo = (oid: number, size: number, extra: Partial<SourceLargeObject> = {}): SourceLargeObject =>
  ({ oid, owner: 'app', acl: null, comment: null, size, ...extra });

/** Every promise planBatches makes, checked on its output; returns per object the batches it is made / finished in. */
function checkBatches(objects: readonly SourceLargeObject[], limits: BatchLimits, batches: readonly Batch[]): Map<number, { created: number; finished: number }> {
  const oids = objects.map((o) => o.oid);
  expect(batches.flatMap((b) => b.create)).toEqual(oids);
  expect(batches.flatMap((b) => b.finish.map((f) => f.oid))).toEqual(oids);
  // finish carries the source object itself (owner, ACL, comment are read from it).
  expect(batches.flatMap((b) => b.finish)).toEqual(objects);

  const where = new Map<number, { created: number; finished: number }>();
  batches.forEach((b, i) => {
    for (const oid of b.create) where.set(oid, { created: i, finished: -1 });
    for (const f of b.finish) {
      const w = where.get(f.oid);
      expect(w, `object ${f.oid} finished before it was made`).toBeDefined();
      if (w !== undefined) where.set(f.oid, { ...w, finished: i });
    }
  });

  const next = new Map<number, number>();
  let lastOid = -1;
  batches.forEach((b, i) => {
    expect(b.create.length + b.pieces.length + b.finish.length, `batch ${i} is empty`).toBeGreaterThan(0);
    expect(b.bytes).toBe(b.pieces.reduce((n, p) => n + p.length, 0));
    expect(b.bytes).toBeLessThanOrEqual(limits.bytes);
    const touched = new Set([...b.create, ...b.finish.map((f) => f.oid)]);
    expect(touched.size, `batch ${i} touches too many objects`).toBeLessThanOrEqual(limits.objects);
    for (const p of b.pieces) {
      expect(p.length).toBeGreaterThan(0);
      expect(p.length).toBeLessThanOrEqual(limits.bytes);
      // Pieces come in oid order and each object's in offset order, with no gap or overlap.
      expect(p.oid).toBeGreaterThanOrEqual(lastOid);
      lastOid = p.oid;
      expect(p.offset).toBe(next.get(p.oid) ?? 0);
      next.set(p.oid, p.offset + p.length);
      const w = where.get(p.oid);
      // Written between the batch that makes the object and the one that finishes it (both included: a batch
      // makes, then writes, then finishes).
      expect(w?.created ?? Infinity, `piece of ${p.oid} before the object is made`).toBeLessThanOrEqual(i);
      expect(w?.finished ?? -1, `piece of ${p.oid} after the object is finished`).toBeGreaterThanOrEqual(i);
    }
  });
  for (const o of objects) expect(next.get(o.oid) ?? 0, `bytes written of ${o.oid}`).toBe(o.size);
  return where;
}

describe('planBatches', () => {
  it('puts small objects together until the object limit, then starts a new batch', () => {
    const objects = [lo(1, 3), lo(2, 4), lo(3, 0), lo(4, 2), lo(5, 1)];
    const limits = { bytes: 100, objects: 2 };
    const batches = planBatches(objects, limits);
    checkBatches(objects, limits, batches);
    expect(batches.map((b) => b.create)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batches.map((b) => b.bytes)).toEqual([7, 2, 1]);
    expect(batches[0]?.pieces).toEqual([{ oid: 1, offset: 0, length: 3 }, { oid: 2, offset: 0, length: 4 }]);
  });

  it('closes a batch at the byte limit and splits an object across it', () => {
    const objects = [lo(10, 6), lo(11, 6)];
    const limits = { bytes: 8, objects: 100 };
    const batches = planBatches(objects, limits);
    checkBatches(objects, limits, batches);
    expect(batches).toEqual([
      { create: [10, 11], pieces: [{ oid: 10, offset: 0, length: 6 }, { oid: 11, offset: 0, length: 2 }], finish: [objects[0]], bytes: 8 },
      { create: [], pieces: [{ oid: 11, offset: 2, length: 4 }], finish: [objects[1]], bytes: 4 },
    ]);
  });

  it('makes a zero-size object and finishes it in the same batch, with no piece', () => {
    const objects = [lo(7, 0)];
    const batches = planBatches(objects, { bytes: 10, objects: 10 });
    expect(batches).toEqual([{ create: [7], pieces: [], finish: [objects[0]], bytes: 0 }]);
  });

  it('returns no batch for no object', () => {
    expect(planBatches([], { bytes: 10, objects: 10 })).toEqual([]);
  });

  it('makes an object larger than several batches in the first and finishes it in the last', () => {
    const objects = [lo(1, 2), lo(2, 35), lo(3, 1)];
    const limits = { bytes: 10, objects: 5 };
    const batches = planBatches(objects, limits);
    const where = checkBatches(objects, limits, batches);
    expect(where.get(2)).toEqual({ created: 0, finished: 3 });
    expect(batches.map((b) => b.bytes)).toEqual([10, 10, 10, 8]);
    // The middle batches only write data: they touch no object's metadata.
    expect(batches.slice(1, 3).map((b) => [b.create.length, b.finish.length])).toEqual([[0, 0], [0, 0]]);
    expect(batches[3]?.create).toEqual([3]);
    expect(batches[3]?.finish.map((f) => f.oid)).toEqual([2, 3]);
  });

  it('counts an object finished in a later batch against that batch\'s object limit', () => {
    // 1 is made in batch 0 and finished in batch 1; batch 1 then holds 1 (finished) and 2 (made): 2 objects, the limit.
    const objects = [lo(1, 15), lo(2, 1), lo(3, 1)];
    const limits = { bytes: 10, objects: 2 };
    const batches = planBatches(objects, limits);
    checkBatches(objects, limits, batches);
    expect(batches.map((b) => [b.create, b.finish.map((f) => f.oid)])).toEqual([[[1], []], [[2], [1, 2]], [[3], [3]]]);
  });

  it('keeps one object per batch at objects: 1', () => {
    const objects = [lo(1, 1), lo(2, 0), lo(3, 25)];
    const limits = { bytes: 10, objects: 1 };
    const batches = planBatches(objects, limits);
    checkBatches(objects, limits, batches);
    expect(batches.map((b) => b.create)).toEqual([[1], [2], [3], [], []]);
  });

  it('keeps every promise on 300 random pages', () => {
    const rnd = mulberry32(0x10b_a7c4);
    for (let c = 0; c < 300; c += 1) {
      const limits = { bytes: 1 + Math.floor(rnd() * 40), objects: 1 + Math.floor(rnd() * 6) };
      let oid = 16_384 + Math.floor(rnd() * 10);
      const objects = Array.from({ length: Math.floor(rnd() * 12) }, () => {
        oid += 1 + Math.floor(rnd() * 3);
        const r = rnd();
        return lo(oid, r < 0.2 ? 0 : r < 0.85 ? Math.floor(rnd() * limits.bytes) + 1 : Math.floor(rnd() * limits.bytes * 4));
      });
      const batches = planBatches(objects, limits);
      const where = checkBatches(objects, limits, batches);
      // Nothing is cut more than needed: a batch closes only when one limit is reached.
      batches.slice(0, -1).forEach((b, i) => {
        const touched = new Set([...b.create, ...b.finish.map((f) => f.oid)]).size;
        expect(b.bytes === limits.bytes || touched === limits.objects, `case ${c} batch ${i} closed early`).toBe(true);
      });
      for (const o of objects) expect(where.get(o.oid)?.finished ?? -1).toBeGreaterThanOrEqual(where.get(o.oid)?.created ?? 0);
    }
  });
});

describe('metadataStatements', () => {
  const warnings: string[] = [];
  const ctx = (extra: Partial<MetadataContext> = {}): MetadataContext => ({
    roles: 'copy', targetUser: 'postgres', hasRole: (r) => ['alice', 'bob', 'postgres', 'Weird Role'].includes(r), canOwn: (r) => r !== 'bob', sourceMajor: 15, targetMajor: 17,
    warn: (m) => warnings.push(m), ...extra,
  });
  const entry = (grantee: string, privileges: string[], grantable: string[] = []): AclEntry => ({ grantee, grantor: 'alice', privileges, grantable });
  const run = (o: SourceLargeObject, c: MetadataContext = ctx()): { sql: string[]; warnings: string[] } => {
    warnings.length = 0;
    const sql = metadataStatements(o, c);
    return { sql, warnings: [...warnings] };
  };

  it('roles: copy gives the source owner when the role is on the target, and its grants against the owner\'s defaults', () => {
    const acl = [entry('alice', ['SELECT', 'UPDATE']), entry('bob', ['SELECT']), entry('', ['SELECT'])];
    expect(run(lo(16401, 5, { owner: 'alice', acl }))).toEqual({
      sql: [
        'ALTER LARGE OBJECT 16401 OWNER TO alice',
        'GRANT SELECT ON LARGE OBJECT 16401 TO PUBLIC',
        'GRANT SELECT ON LARGE OBJECT 16401 TO bob',
      ],
      warnings: [],
    });
  });

  it('revokes what the owner lacks and grants with grant option', () => {
    const acl = [entry('alice', ['SELECT']), entry('bob', ['SELECT', 'UPDATE'], ['UPDATE'])];
    expect(run(lo(16402, 5, { owner: 'alice', acl })).sql).toEqual([
      'ALTER LARGE OBJECT 16402 OWNER TO alice',
      'REVOKE UPDATE ON LARGE OBJECT 16402 FROM alice',
      'GRANT SELECT ON LARGE OBJECT 16402 TO bob',
      'GRANT UPDATE ON LARGE OBJECT 16402 TO bob WITH GRANT OPTION',
    ]);
  });

  it('keeps the target user as owner and says how to allow it when that user may not give objects to the owner', () => {
    const r = run(lo(16405, 5, { owner: 'bob', acl: null }));
    expect(r.sql).toEqual([]);
    expect(r.warnings).toEqual(['large objects owned by bob are owned by postgres on the target: postgres may not give objects to bob (GRANT bob TO postgres lets it)']);
  });

  it('quotes an owner name that needs it', () => {
    expect(run(lo(16403, 0, { owner: 'Weird Role' })).sql).toEqual(['ALTER LARGE OBJECT 16403 OWNER TO "Weird Role"']);
  });

  it('keeps the target user as owner and warns when the source owner is not on the target; the owner\'s grants follow the new owner', () => {
    const acl = [entry('carol', ['SELECT']), entry('bob', ['UPDATE']), entry('dave', ['SELECT'])];
    const r = run(lo(16404, 5, { owner: 'carol', acl }));
    expect(r.sql).toEqual([
      'REVOKE UPDATE ON LARGE OBJECT 16404 FROM postgres',
      'GRANT UPDATE ON LARGE OBJECT 16404 TO bob',
    ]);
    expect(r.warnings).toEqual([
      'large objects owned by carol are owned by postgres on the target (no role carol there)',
      'large objects: privileges of role dave left out (role not on the target)',
    ]);
  });

  it('gives no ALTER OWNER when the source owner is the target user', () => {
    const r = run(lo(16405, 1, { owner: 'postgres', acl: [entry('postgres', ['SELECT', 'UPDATE']), entry('alice', ['UPDATE'])] }));
    expect(r).toEqual({ sql: ['GRANT UPDATE ON LARGE OBJECT 16405 TO alice'], warnings: [] });
  });

  it('gives nothing for a default ACL and no comment', () => {
    expect(run(lo(16406, 1, { owner: 'postgres', acl: null }))).toEqual({ sql: [], warnings: [] });
  });

  it('roles: skip gives no owner and no grants but keeps the comment, without warning', () => {
    const o = lo(16407, 1, { owner: 'carol', acl: [entry('carol', ['SELECT', 'UPDATE']), entry('', ['SELECT'])], comment: 'scanned invoice' });
    expect(run(o, ctx({ roles: 'skip' }))).toEqual({ sql: ["COMMENT ON LARGE OBJECT 16407 IS 'scanned invoice'"], warnings: [] });
  });

  it('quotes a comment holding a quote, after the owner and grants', () => {
    const r = run(lo(16408, 1, { owner: 'alice', acl: [entry('alice', ['SELECT', 'UPDATE']), entry('', ['SELECT'])], comment: "Bob's scan" }));
    expect(r.sql).toEqual([
      'ALTER LARGE OBJECT 16408 OWNER TO alice',
      'GRANT SELECT ON LARGE OBJECT 16408 TO PUBLIC',
      "COMMENT ON LARGE OBJECT 16408 IS 'Bob''s scan'",
    ]);
  });
});
