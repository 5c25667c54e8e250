// Where a state lives and how it is locked (CONTRACTS.md, State, lock and resume). Two backends: a local file
// (`local`, local-backend.ts + lock.ts) and a table in a PostgreSQL database (`postgres`, src/state/pg/) for CI runs
// from different machines. Commands read and lock the state only through this interface.
import type { StateStore } from '../apply/types.js';
import type { PgreplError } from '../util/errors.js';
import type { LockInfo } from './lock-info.js';
import type { StateDocument } from './state-document.js';

export interface BackendLockOptions {
  /** The pgrepl command taking the lock, e.g. `apply`; shown to whoever finds the state locked. */
  readonly command: string;
  /** How long to wait for a live holder (`--lock-timeout`); 0 fails at once. */
  readonly timeoutMs: number;
  /** Called once when the state is held by another run and this one starts waiting. */
  readonly onWait?: (holder: LockInfo | null, message: string) => void;
  /** Called when a dead holder's lock is taken over (local backend) or a stale lock row replaced. */
  readonly onTakeover?: (previous: LockInfo, message: string) => void;
}

export interface HeldStateLock {
  readonly info: LockInfo;
  readonly takenOverFrom: LockInfo | null;
  /**
   * The store writes go through while the lock is held. Every write first checks the lock is still held (the
   * postgres backend: its lock connection is alive and holds the advisory lock) and fails otherwise, then
   * compare-and-swaps on serial. `secrets`: resolved passwords a write must not contain.
   */
  store(options?: { readonly secrets?: readonly string[] }): StateStore;
  /** Releases the lock; safe to call twice. */
  release(): Promise<void>;
  /**
   * For process `exit` handlers and a second Ctrl-C: releases what can be released synchronously (the lock file).
   * The postgres backend's lock ends with its connection, so there it may do nothing.
   */
  releaseSync(): void;
}

export interface StateBackend {
  /** For messages: the state file's path, or `postgres state "<name>" in <host>:<port>/<db> schema <schema>`. No secrets. */
  readonly description: string;
  /** The state, or null when there is none yet. */
  read(): Promise<StateDocument | null>;
  lock(options: BackendLockOptions): Promise<HeldStateLock>;
  /** Who holds the lock now, or null. */
  readLock(): Promise<LockInfo | null>;
  /** `pgrepl force-unlock <id>`: removes the lock with this id (and says whose it was). */
  forceUnlock(id: string): Promise<LockInfo>;
  /** Closes connections the backend opened (not the lock's: release does that). */
  close(): Promise<void>;
  /**
   * Why a first apply could not create or write the state here (a directory it may not write, a missing CREATE
   * right), or null. Changes nothing; for `pgrepl validate`.
   */
  writeRefusal(): Promise<PgreplError | null>;
}
