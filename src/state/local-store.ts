// The StateStore of the local backend: the apply engine reads and writes the state through this, never through the
// file functions, so issue 7's PostgreSQL backend can slot in. Atomic temp+rename, backup, 0600 and the serial
// compare-and-swap are local-backend.ts's.
import type { StateStore } from '../apply/types.js';
import { readState, writeState } from './local-backend.js';
import type { StateDocument } from './state-document.js';

export interface LocalStoreOptions {
  /** Resolved passwords: a write that would hold one is refused (assertNoSecrets). */
  readonly secrets?: readonly string[];
}

export function localStateStore(statePath: string, options: LocalStoreOptions = {}): StateStore {
  return {
    description: statePath,
    read: (): Promise<StateDocument | null> => readState(statePath),
    write: (next: StateDocument): Promise<StateDocument> =>
      writeState(statePath, next, options.secrets === undefined ? {} : { secrets: options.secrets }),
  };
}
