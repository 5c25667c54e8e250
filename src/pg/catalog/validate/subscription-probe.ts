// Only the target can prove it reaches the source: a subscription created with connect = true still connects
// to the publisher at creation, also with slot_name = NONE and create_slot = false, and then it may run inside a
// transaction block (only create_slot = true may not). Inside BEGIN … ROLLBACK nothing is left behind. The
// connection string carries the password, so every error text is redacted before it leaves this file.
import type pg from 'pg';
import { probeInRollback } from '../../session.js';
import { probeObjectName, singleStatement } from './filter-probe.js';
import { toProbeError } from './probe-error.js';
import { quoteLiteral } from '../../sql/quote.js';
import type { SubscriptionProbeResult } from './types.js';

export function subscriptionProbeSql(name: string, conninfo: string): string {
  return (
    `CREATE SUBSCRIPTION ${name} CONNECTION ${quoteLiteral(conninfo)} PUBLICATION ${name} ` +
    `WITH (slot_name = NONE, create_slot = false, enabled = false, connect = true, copy_data = false)`
  );
}

/**
 * Creates and rolls back a subscription to `conninfo` on the target `client`. `secrets` are the passwords the
 * conninfo may hold, removed from any error.
 */
export async function probeSubscription(
  client: pg.Client,
  database: string,
  conninfo: string,
  secrets: readonly (string | undefined)[],
): Promise<SubscriptionProbeResult> {
  try {
    await probeInRollback(client, async () => {
      await singleStatement(client, subscriptionProbeSql(probeObjectName(), conninfo));
    });
    return { ok: true, database };
  } catch (e) {
    return { ok: false, database, error: toProbeError(e, secrets) };
  }
}
