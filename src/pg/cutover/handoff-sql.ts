// Step 5: what happens to the stream once the target has everything. Dropping follows the order that works even
// when the source cannot be reached from the target: DISABLE, detach the slot (slot_name = NONE), DROP SUBSCRIPTION
// (which then contacts nobody), and drop the slot on the source ourselves. Each statement checks first, so a rerun
// after a crash between two of them continues.
import type pg from 'pg';
import { quoteIdent } from '../sql/quote.js';
import { withSourceWrite } from '../session.js';
import { readSubscription } from './readiness-sql.js';

export function disableSql(subscription: string): string {
  return `ALTER SUBSCRIPTION ${quoteIdent(subscription)} DISABLE`;
}

export function detachSql(subscription: string): string {
  return `ALTER SUBSCRIPTION ${quoteIdent(subscription)} SET (slot_name = NONE)`;
}

export function dropSubscriptionSql(subscription: string): string {
  return `DROP SUBSCRIPTION IF EXISTS ${quoteIdent(subscription)}`;
}

/** Disables the subscription if it is enabled; false when it does not exist. */
export async function disableSubscription(client: pg.Client, subscription: string): Promise<boolean> {
  const facts = await readSubscription(client, subscription);
  if (!facts.exists) return false;
  if (facts.enabled) await client.query(disableSql(subscription));
  return true;
}

/** DISABLE, SET (slot_name = NONE), DROP: the subscription is gone afterwards, its slot untouched. */
export async function dropSubscription(client: pg.Client, subscription: string): Promise<void> {
  const facts = await readSubscription(client, subscription);
  if (!facts.exists) return;
  if (facts.enabled) await client.query(disableSql(subscription));
  if (facts.slot !== null) await client.query(detachSql(subscription));
  await client.query(dropSubscriptionSql(subscription));
}

/** Whether the slot exists and whether a walsender holds it. */
export async function slotState(client: pg.Client, slot: string): Promise<{ readonly exists: boolean; readonly active: boolean }> {
  const res = await client.query<{ active: boolean }>('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [slot]);
  const row = res.rows[0];
  return { exists: row !== undefined, active: row?.active === true };
}

/** Drops the slot on the source if it exists (the caller waits until no walsender holds it). */
export async function dropSlot(client: pg.Client, slot: string): Promise<void> {
  await withSourceWrite(client, async (c) => {
    await c.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = $1', [slot]);
  });
}
