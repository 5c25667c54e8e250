// The advisory-lock keys of the PostgreSQL state backend. Each state name gets its own two-int key (sha256 of the
// schema and name), so two specs sharing a state database lock independently, and pgrepl's keys are unlikely to
// meet another application's single-bigint keys (those show in pg_locks with objsubid 1, ours with 2). Both
// halves are kept >= 0 so they read the same as oids in pg_locks. Pure.
import { createHash } from 'node:crypto';

export type StateLockKey = readonly [number, number];

function keyOf(text: string): StateLockKey {
  const digest = createHash('sha256').update(text, 'utf8').digest();
  return [digest.readUInt32BE(0) & 0x7fffffff, digest.readUInt32BE(4) & 0x7fffffff];
}

/** The session advisory lock of state `name` in `schema`. */
export function stateLockKey(schema: string, name: string): StateLockKey {
  return keyOf(`pgrepl state lock\0${schema}\0${name}`);
}

/** The transaction advisory lock that serialises creating the tables of `schema`. */
export function stateDdlKey(schema: string): StateLockKey {
  return keyOf(`pgrepl state ddl\0${schema}`);
}
