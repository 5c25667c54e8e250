// A working stream as status observes it (one ready table, active slot, caught up), for the status unit tests.
import type { DatabaseObservation } from '../../src/status/types.js';

export const WORKING: DatabaseObservation = {
  publication: { exists: true, tables: ['public.a'] },
  slot: { exists: true, active: true, walStatus: 'reserved', safeWalSize: null, retainedBytes: 10, lagBytes: 0 },
  stream: { state: 'streaming', replayLagSeconds: null, unconfirmedBytes: 0, detailsHidden: false },
  subscription: { exists: true, enabled: true, slotName: 'slot_shop', publications: ['pub_shop'], workerRunning: true, lastMessageAt: null, tables: [{ table: 'public.a', state: 'r' }], errors: null },
  targetDatabaseMissing: false,
  sourceDatabaseMissing: false,
};
