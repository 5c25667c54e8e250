// Step 4: sequences are not replicated, so the target's are set from the source's. The values are read from each
// sequence relation (last_value, is_called), not from pg_sequences, whose last_value is NULL both before the first
// nextval and when the role lacks the privilege (silently); reading the relation fails loudly instead.
import type pg from 'pg';
import { readSequencesSql } from '../apply/apply-sql.js';
import { chunksForServer, readMaxLocks } from '../lock-budget.js';
import { quoteQualified } from '../sql/quote.js';

export interface SequenceRow {
  readonly schema: string;
  readonly name: string;
  readonly increment: string;
  readonly min: string;
  readonly max: string;
}

// User sequences (identity and serial ones included), not those an extension owns (its own script sets them).
const SEQUENCES_SQL = `SELECT n.nspname::text AS schema, c.relname::text AS name,
       s.seqincrement::text AS increment, s.seqmin::text AS min, s.seqmax::text AS max
  FROM pg_sequence s
  JOIN pg_class c ON c.oid = s.seqrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp\\_%'
   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'e')
 ORDER BY 1, 2`;

export async function listSequences(client: pg.Client): Promise<SequenceRow[]> {
  return (await client.query<SequenceRow>(SEQUENCES_SQL)).rows;
}

export interface SequenceValue {
  readonly schema: string;
  readonly name: string;
  readonly lastValue: string;
  readonly isCalled: boolean;
}

/** Sequences read per statement: one round trip for many, without a statement of unbounded size. */
const READ_CHUNK = 200;

export async function readSequenceValues(client: pg.Client, sequences: readonly { readonly schema: string; readonly name: string }[]): Promise<SequenceValue[]> {
  const out: SequenceValue[] = [];
  for (let start = 0; start < sequences.length; start += READ_CHUNK) {
    const chunk = sequences.slice(start, start + READ_CHUNK);
    // Autocommit: each statement's sequence locks go when it ends.
    const res = await client.query<{ i: number; last_value: string; is_called: boolean }>(readSequencesSql(chunk));
    for (const row of res.rows) {
      const seq = chunk[row.i];
      if (seq !== undefined) out.push({ schema: seq.schema, name: seq.name, lastValue: row.last_value, isCalled: row.is_called });
    }
  }
  return out;
}

export interface SetvalRow {
  readonly schema: string;
  readonly name: string;
  readonly value: string;
  readonly isCalled: boolean;
}

/**
 * setval() on every sequence, one statement a lock budget's worth of them (lock-budget.ts: each setval locks its
 * sequence until the statement ends). setval is not transactional: each takes effect at once.
 */
export async function setSequences(client: pg.Client, values: readonly SetvalRow[]): Promise<number> {
  let set = 0;
  for (const chunk of await chunksForServer(values, () => readMaxLocks(client))) {
    const res = await client.query(
      `SELECT setval(u.seq::regclass, u.value, u.called)
         FROM unnest($1::text[], $2::bigint[], $3::boolean[]) AS u(seq, value, called)`,
      [chunk.map((v) => quoteQualified(v.schema, v.name)), chunk.map((v) => v.value), chunk.map((v) => v.isCalled)],
    );
    set += res.rowCount ?? chunk.length;
  }
  return set;
}
