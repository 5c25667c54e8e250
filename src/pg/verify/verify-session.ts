// One verify session on one side: the queries of verify-sql.ts, with typed results. The sessions come from
// connect(), so they carry the fixed settings (DateStyle ISO, extra_float_digits 3, TimeZone UTC, bytea hex, …) that
// make both servers print every value the same way; source sessions are READ ONLY.
import type pg from 'pg';
import { connect } from '../connect.js';
import type { ConnInfo } from '../conninfo/types.js';
import { quoteQualified } from '../sql/quote.js';
import {
  COLLATABLE_SQL, SLOT_PAST_SQL, WAL_INSERT_LSN_SQL, boundariesSql, hashSql, keyAtSql, keyMinMaxSql, rowHashesSql,
  type KeyRange, type SqlQuery, type VerifySide, type VerifyTableSql,
} from './verify-sql.js';

export interface RangeHash {
  readonly rows: number;
  /** The summed row hash as numeric text. */
  readonly hash: string;
}

export interface RowHash {
  readonly key: readonly string[];
  readonly hash: string;
}

export class VerifySession {
  constructor(private readonly client: pg.Client, readonly side: VerifySide) {}

  static async open(ci: ConnInfo, side: VerifySide, database: string, env: NodeJS.ProcessEnv): Promise<VerifySession> {
    return new VerifySession(await connect(ci, { side, database, env }), side);
  }

  private async rows(q: SqlQuery): Promise<string[][]> {
    const res = await this.client.query<string[]>({ text: q.text, values: [...q.values], rowMode: 'array' });
    return res.rows.map((r) => r.map((v) => (v === null ? '' : String(v))));
  }

  async hash(t: VerifyTableSql, range: KeyRange | null): Promise<RangeHash> {
    const [row] = await this.rows(hashSql(t, this.side, range));
    return { rows: Number(row?.[0] ?? 0), hash: row?.[1] ?? '0' };
  }

  async boundaries(t: VerifyTableSql, every: number): Promise<string[][]> {
    return this.rows(boundariesSql(t, every));
  }

  /** [min, max] of a single-column key under the filter; null for no rows. */
  async keyMinMax(t: VerifyTableSql): Promise<[string, string] | null> {
    const q = keyMinMaxSql(t);
    const res = await this.client.query<[string | null, string | null]>({ text: q.text, values: [...q.values], rowMode: 'array' });
    const row = res.rows[0];
    return row === undefined || row[0] === null || row[1] === null ? null : [row[0], row[1]];
  }

  async keyAt(t: VerifyTableSql, range: KeyRange, offset: number): Promise<string[] | null> {
    const [row] = await this.rows(keyAtSql(t, this.side, range, offset));
    return row ?? null;
  }

  async rowHashes(t: VerifyTableSql, range: KeyRange): Promise<RowHash[]> {
    const n = (t.key ?? []).length;
    return (await this.rows(rowHashesSql(t, this.side, range))).map((r) => ({ key: r.slice(0, n), hash: r[n] ?? '' }));
  }

  /** Column name -> has a collation. */
  async collatable(schema: string, name: string): Promise<Map<string, boolean>> {
    const res = await this.client.query<{ attname: string; collatable: boolean }>(COLLATABLE_SQL, [quoteQualified(schema, name)]);
    return new Map(res.rows.map((r) => [r.attname, r.collatable]));
  }

  async walInsertLsn(): Promise<string> {
    const res = await this.client.query<{ lsn: string }>(WAL_INSERT_LSN_SQL);
    return res.rows[0]?.lsn ?? '0/0';
  }

  /** null when the slot does not exist. */
  async slotPast(slot: string, lsn: string): Promise<{ past: boolean; confirmed: string | null } | null> {
    const res = await this.client.query<{ past: boolean; confirmed: string | null }>(SLOT_PAST_SQL, [lsn, slot]);
    return res.rows[0] ?? null;
  }

  async close(): Promise<void> {
    await this.client.end().catch(() => undefined);
  }
}
