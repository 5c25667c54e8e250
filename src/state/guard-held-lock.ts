// Releases a held state lock when the process is stopped by SIGINT/SIGTERM or exits without releasing it, for any
// backend: releaseSync() removes the local lock file; the postgres backend's advisory lock ends with the process's
// connection, so there it has nothing to do. After the release the signal's default action (exit) is restored by
// re-raising it, unless another handler (apply's, which cancels COPYs first) is also listening.
import type { HeldStateLock } from './backend.js';

const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/** Installs the handlers; the returned function removes them (call it before release()). */
export function guardHeldLock(lock: HeldStateLock): () => void {
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    for (const signal of SIGNALS) process.off(signal, onSignal);
    process.off('exit', onExit);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    remove();
    lock.releaseSync();
    if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
  };
  const onExit = (): void => lock.releaseSync();
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on('exit', onExit);
  return remove;
}
