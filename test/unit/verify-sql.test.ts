// verify's SQL text: explicit column list in the row encoding, FROM ONLY, the filter on the source only, key ranges
// under COLLATE "C" for text keys with values as typed parameters.
import { describe, expect, it } from 'vitest';
import { boundariesSql, hashSql, keyAtSql, keyMinMaxSql, rowHashesSql, type VerifyTableSql } from '../../src/pg/verify/verify-sql.js';

const t: VerifyTableSql = {
  schema: 'sales', name: 'Order Lines', only: true, columns: ['region', 'id', 'note'],
  key: [{ name: 'region', type: 'text', collatable: true }, { name: 'id', type: 'integer', collatable: false }],
  filter: "region <> 'x'",
};

describe('verify SQL', () => {
  it('hashes the row text of an explicit column list, the filter on the source only', () => {
    expect(hashSql(t, 'source', null)).toEqual({
      text: `SELECT count(*)::text AS n, coalesce(sum(hashtextextended(ROW(region, id, note)::text, 0)), 0)::text AS h FROM ONLY sales."Order Lines" WHERE (region <> 'x')`,
      values: [],
    });
    expect(hashSql({ ...t, only: false }, 'target', null).text).toMatch(/FROM sales\."Order Lines"$/);
  });
  it('bounds a range with row comparisons under COLLATE "C" and typed parameters', () => {
    expect(hashSql(t, 'target', { lower: ['eu', '7'], upper: ['us', '1'] })).toMatchObject({
      text: expect.stringContaining(`WHERE ROW(region COLLATE "C", id) >= ROW($1::text, $2::integer) AND ROW(region COLLATE "C", id) < ROW($3::text, $4::integer)`) as string,
      values: ['eu', '7', 'us', '1'],
    });
    const one: VerifyTableSql = { ...t, key: [{ name: 'id', type: 'integer', collatable: false }], filter: null };
    expect(hashSql(one, 'source', { lower: null, upper: ['5'] }).text).toMatch(/ WHERE id < \$1::integer$/);
  });
  it('reads boundaries, a middle key and row hashes in "C" key order', () => {
    expect(boundariesSql(t, 1000).text).toBe(
      `SELECT k0, k1 FROM (SELECT region::text AS k0, id::text AS k1, row_number() OVER (ORDER BY region COLLATE "C", id) AS rn FROM (SELECT region, id FROM ONLY sales."Order Lines" WHERE (region <> 'x')) s) b WHERE rn % 1000 = 0 ORDER BY rn`,
    );
    expect(keyAtSql(t, 'target', { lower: null, upper: null }, 42).text).toBe(
      `SELECT region::text, id::text FROM ONLY sales."Order Lines" ORDER BY region COLLATE "C", id OFFSET 42 LIMIT 1`,
    );
    expect(rowHashesSql(t, 'source', { lower: ['eu', '1'], upper: null }).text).toContain(
      `SELECT region::text, id::text, hashtextextended(ROW(region, id, note)::text, 0)::text FROM ONLY sales."Order Lines" WHERE (region <> 'x') AND ROW(region COLLATE "C", id) >= ROW($1::text, $2::integer) ORDER BY region COLLATE "C", id`,
    );
  });
  it('reads min and max of an integer key under the filter', () => {
    const one: VerifyTableSql = { ...t, key: [{ name: 'id', type: 'integer', collatable: false }] };
    expect(keyMinMaxSql(one).text).toBe(`SELECT min(id)::text, max(id)::text FROM ONLY sales."Order Lines" WHERE (region <> 'x')`);
  });
});
