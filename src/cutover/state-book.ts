// Writes the cutover's progress into the state after every step (the store's compare-and-swap write, any backend),
// so a rerun continues where this one stopped. Only the `cutover` attribute of a subscription resource changes,
// except when `after: drop` removes the subscription and slot resources.
import type { StateStore } from '../apply/types.js';
import type { StateDocument } from '../state/state-document.js';
import { appendHistory, bumpSerial, findResource, withResource, withoutResource } from '../state/state-edits.js';
import { PgreplError } from '../util/errors.js';
import { readCutoverRecord, withCutoverRecord, type CutoverRecord } from './record.js';
import type { CutoverTarget } from './targets.js';

export interface StateBook {
  record(target: CutoverTarget): CutoverRecord;
  /** Records `record` on the target's subscription resource, with a history line. */
  save(target: CutoverTarget, record: CutoverRecord, summary: string): Promise<void>;
  /** Forgets the target's slot and subscription (after: drop), with a history line. */
  forget(target: CutoverTarget, summary: string): Promise<void>;
  /** A history line alone. */
  note(summary: string): Promise<void>;
}

export function stateBook(store: StateStore, initial: StateDocument, now: () => Date = () => new Date()): StateBook {
  let current = initial;
  const write = async (next: StateDocument, summary: string): Promise<void> => {
    const at = now().toISOString();
    const doc = appendHistory(bumpSerial(next), { at, command: 'cutover', summary });
    current = await store.write(doc);
  };
  return {
    record(target) {
      const r = findResource(current, target.subscriptionAddress);
      return r === undefined ? target.record : readCutoverRecord(r.attributes);
    },
    async save(target, record, summary) {
      const r = findResource(current, target.subscriptionAddress);
      if (r === undefined) throw new PgreplError(`${target.subscriptionAddress} disappeared from the state while cutover ran`);
      await write(withResource(current, { ...r, attributes: withCutoverRecord(r.attributes, record), updated_at: now().toISOString() }), summary);
    },
    async forget(target, summary) {
      await write(withoutResource(withoutResource(current, target.subscriptionAddress), target.slotAddress), summary);
    },
    async note(summary) {
      await write(current, summary);
    },
  };
}
