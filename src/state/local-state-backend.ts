// The local StateBackend: the state file (local-backend.ts: atomic replace, backup, serial compare-and-swap) and
// its lock file (lock.ts: holder liveness, takeover of a dead holder's lock, force-unlock by id), behind the one
// interface every command uses (backend.ts). Behaviour is exactly the file functions'.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import * as path from 'node:path';
import type { StateStore } from '../apply/types.js';
import { PgreplError } from '../util/errors.js';
import type { BackendLockOptions, HeldStateLock, StateBackend } from './backend.js';
import { readState, writeState } from './local-backend.js';
import { acquireLock, forceUnlock, readLock, releaseLock } from './lock.js';
import type { LockInfo } from './lock-info.js';
import type { StateDocument } from './state-document.js';

export function localStateBackend(statePath: string): StateBackend {
  return {
    description: statePath,
    read: (): Promise<StateDocument | null> => readState(statePath),
    lock: async (options: BackendLockOptions): Promise<HeldStateLock> => {
      const lock = await acquireLock(statePath, {
        command: options.command,
        timeoutMs: options.timeoutMs,
        ...(options.onWait === undefined ? {} : { onWait: options.onWait }),
        ...(options.onTakeover === undefined ? {} : { onTakeover: options.onTakeover }),
      });
      return {
        info: lock.info,
        takenOverFrom: lock.takenOverFrom,
        store: (storeOptions = {}): StateStore => ({
          description: statePath,
          read: (): Promise<StateDocument | null> => readState(statePath),
          write: (next: StateDocument): Promise<StateDocument> =>
            writeState(statePath, next, storeOptions.secrets === undefined ? {} : { secrets: storeOptions.secrets }),
        }),
        release: async (): Promise<void> => {
          releaseLock(lock);
        },
        // Removing the file is synchronous, so an exit handler or a second Ctrl-C can still do it.
        releaseSync: (): void => {
          releaseLock(lock);
        },
      };
    },
    readLock: async (): Promise<LockInfo | null> => readLock(statePath),
    forceUnlock: async (id: string): Promise<LockInfo> => forceUnlock(statePath, id),
    close: async (): Promise<void> => undefined,
    writeRefusal: async (): Promise<PgreplError | null> => localWriteRefusal(statePath),
  };
}

/** The state file (when it exists) and the nearest existing directory on its path must be writable. */
async function localWriteRefusal(statePath: string): Promise<PgreplError | null> {
  const writable = async (p: string): Promise<boolean> => access(p, constants.W_OK).then(() => true, () => false);
  const exists = async (p: string): Promise<boolean> => access(p).then(() => true, () => false);
  if (await exists(statePath)) {
    return (await writable(statePath)) ? null : new PgreplError(`the state file ${statePath} is not writable by this user`, { hints: ['fix its owner or mode (pgrepl writes it 0600)'] });
  }
  let dir = path.dirname(statePath);
  while (!(await exists(dir)) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return (await writable(dir)) ? null : new PgreplError(`the state file ${statePath} cannot be created: ${dir} is not writable by this user`, { hints: ['choose another state.path, or fix the directory\'s owner or mode'] });
}
