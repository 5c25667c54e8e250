// The session that holds the snapshot every table is read in. The snapshot lives only as long as this session and
// its transaction: it stays open and idle until the copy ends, so it must not be killed by
// idle_in_transaction_session_timeout (connect() sets it to 0; checked here, because a session killed mid-copy
// would leave workers that import the id later with nothing to import).
import type pg from 'pg';
import { PgreplError } from '../../util/errors.js';
import { connect } from '../connect.js';
import type { ConnInfo } from '../conninfo/types.js';
import { closeClient } from './close-client.js';
import { EXPORT_SNAPSHOT_SQL } from './copy-sql.js';

export interface SnapshotHolder {
  readonly snapshotId: string;
  /** Ends the transaction and the session; the snapshot can no longer be imported afterwards. Idempotent. */
  release(): Promise<void>;
}

export async function exportSnapshot(source: ConnInfo, database?: string): Promise<SnapshotHolder> {
  const client: pg.Client = await connect(source, { side: 'source', ...(database === undefined ? {} : { database }) });
  try {
    const timeout = (await client.query<{ t: string }>("SELECT current_setting('idle_in_transaction_session_timeout') AS t")).rows[0]?.t;
    if (timeout !== '0') {
      throw new PgreplError(`the snapshot session runs with idle_in_transaction_session_timeout = ${timeout ?? '?'}, which would end the snapshot mid-copy`);
    }
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const id = (await client.query<{ id: string }>(EXPORT_SNAPSHOT_SQL)).rows[0]?.id;
    if (id === undefined) throw new PgreplError('pg_export_snapshot() returned no snapshot id');
    let released = false;
    return {
      snapshotId: id,
      async release() {
        if (released) return;
        released = true;
        await client.query('ROLLBACK').catch(() => undefined);
        await closeClient(client);
      },
    };
  } catch (e) {
    await closeClient(client);
    throw e;
  }
}
