// A subscription detached while a table is still in its initial sync (after REFRESH PUBLICATION WITH (copy_data =
// true), or copy: native) leaves that table sync worker's slot on the source: `pg_<subscription oid>_sync_<relid>_
// <system id>` (seen on 17). DROP SUBSCRIPTION would drop it through its connection, which a detached subscription
// no longer has, so pgrepl reads the oid before the detach and drops those slots on the source after it.
import { connect } from '../connect.js';
import type { ConnInfo } from '../conninfo/types.js';
import { closeClient } from '../copy/close-client.js';
import { dropReplicationSlot } from './slot.js';

const SUBSCRIPTION_OID_SQL = `SELECT s.oid::bigint::text AS oid FROM pg_catalog.pg_subscription s
 WHERE s.subname = $1 AND s.subdbid = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database())`;
// 12/13 keep pg_subscription.oid from non-superusers; pg_stat_subscription shows it to everyone (by name only).
const SUBSCRIPTION_OID_FALLBACK_SQL = 'SELECT s.subid::bigint::text AS oid FROM pg_catalog.pg_stat_subscription s WHERE s.subname = $1 LIMIT 1';

/** The subscription's oid in `database`, or null when it does not exist. */
export async function subscriptionOid(target: ConnInfo, database: string, name: string): Promise<string | null> {
  const client = await connect(target, { side: 'target', database });
  try {
    try {
      return (await client.query<{ oid: string }>(SUBSCRIPTION_OID_SQL, [name])).rows[0]?.oid ?? null;
    } catch (e) {
      if ((e as { code?: unknown }).code !== '42501') throw e;
      return (await client.query<{ oid: string }>(SUBSCRIPTION_OID_FALLBACK_SQL, [name])).rows[0]?.oid ?? null;
    }
  } finally {
    await closeClient(client);
  }
}

const SYNC_SLOTS_SQL = `SELECT slot_name::text AS slot_name FROM pg_catalog.pg_replication_slots
 WHERE slot_name::text LIKE 'pg\\_' || $1 || '\\_sync\\_%'`;

/** Drops the table sync slots of subscription `oid` left on the source; returns their names. */
export async function dropTableSyncSlots(source: ConnInfo, oid: string): Promise<string[]> {
  if (!/^\d+$/.test(oid)) throw new Error(`internal error: subscription oid ${JSON.stringify(oid)}`);
  const client = await connect(source, { side: 'source' });
  let names: string[];
  try {
    names = (await client.query<{ slot_name: string }>(SYNC_SLOTS_SQL, [oid])).rows.map((r) => r.slot_name);
  } finally {
    await closeClient(client);
  }
  for (const name of names) await dropReplicationSlot(source, name, { waitMs: 5_000 });
  return names;
}
