// The replication objects the state records, per database key (publication, slot, subscription attributes).
import { parseAddress } from '../../model/address.js';
import type { StateDocument } from '../../state/state-document.js';
import type { PublicationAttributes, SlotAttributes, SubscriptionAttributes } from './types.js';

export interface SyncRecords {
  publication?: PublicationAttributes;
  slot?: SlotAttributes;
  subscription?: SubscriptionAttributes;
}

/** Records with a usable `name`, by database key, in state order. */
export function syncRecords(state: StateDocument | null): Map<string, SyncRecords> {
  const out = new Map<string, SyncRecords>();
  for (const r of state?.resources ?? []) {
    if (r.kind !== 'publication' && r.kind !== 'slot' && r.kind !== 'subscription') continue;
    if (typeof r.attributes['name'] !== 'string') continue;
    const key = parseAddress(r.address).segments[0];
    if (key === undefined) continue;
    const entry = out.get(key) ?? {};
    (entry as Record<string, unknown>)[r.kind] = r.attributes;
    out.set(key, entry);
  }
  return out;
}
