// "The target applied everything the source committed so far": L = the source's WAL insert position (every commit
// that returned lies before it, also under synchronous_commit = off), then wait until the subscription's slot
// confirmed a flush at or past L. Byte lag never reaches zero on a busy source, so it is not the test.
import type { VerifySession } from '../pg/verify/verify-session.js';
import { PgreplError } from '../util/errors.js';

export const CATCH_UP_TIMEOUT_MS = 60_000;
const POLL_MS = 100;

export function catchUpFn(source: VerifySession, slot: string, timeoutMs = CATCH_UP_TIMEOUT_MS): () => Promise<void> {
  return async () => {
    const lsn = await source.walInsertLsn();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const s = await source.slotPast(slot, lsn);
      if (s === null) throw new PgreplError(`the replication slot ${slot} does not exist on the source: the target cannot be compared while streaming`);
      if (s.past) return;
      if (Date.now() > deadline) {
        throw new PgreplError(`the subscription did not confirm the source's position ${lsn} within ${Math.round(timeoutMs / 1000)} s (slot ${slot} is at ${s.confirmed ?? 'nothing confirmed'})`, {
          hints: ['check `pgrepl status`: a stopped or lagging subscription cannot be verified while streaming'],
        });
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
  };
}
