// Replication object names pgrepl creates or drops. Slots allow only [a-z0-9_] up to 63 characters (the server
// refuses `pgrepl_my-app`, facts file "Names"); pgrepl holds publications and subscriptions to the same rule
// (CONTRACTS.md, names), so one check serves all three and a bad name fails before any server is touched.
import { PgreplError } from '../../util/errors.js';

export const REPLICATION_NAME_PATTERN = /^[a-z0-9_]{1,63}$/;

export type ReplicationObjectKind = 'publication' | 'subscription' | 'slot';

/** Returns `name` unchanged, or throws naming the object kind and the rule. */
export function checkReplicationName(kind: ReplicationObjectKind, name: string): string {
  if (!REPLICATION_NAME_PATTERN.test(name)) {
    throw new PgreplError(`invalid ${kind} name ${JSON.stringify(name)}: use 1 to 63 characters among a-z, 0-9 and _`);
  }
  return name;
}
