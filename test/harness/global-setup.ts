// vitest globalSetup of the integration project (runs in the main process, before any worker starts).
// Creates the run root every worker puts its clusters under (workers inherit RUN_ROOT_ENV), prepares what workers
// would otherwise race on (server OS user, embedded binaries' library links), and removes the root with every
// postmaster in it at the end: in teardown normally, and from an 'exit' hook when vitest exits early (Ctrl-C:
// vitest's own SIGINT handler calls process.exit() without running global teardowns).
import { constants } from 'node:os';
import { ALL_MAJORS, hydrateEmbedded } from './binaries.js';
import { createRunRoot, destroyRunRootSync, RUN_ROOT_ENV } from './run-root.js';
import { serverUser } from './server-user.js';

const SYSTEM_MAJOR = 15;

export default function setup(): () => void {
  serverUser();
  for (const major of ALL_MAJORS) {
    if (major === SYSTEM_MAJOR) continue;
    // A missing package fails only the tests that use that major (getCluster repeats the check and says why).
    try { hydrateEmbedded(major); } catch { /* reported by getCluster */ }
  }
  const root = createRunRoot(process.pid);
  process.env[RUN_ROOT_ENV] = root;

  let done = false;
  const cleanup = (): void => {
    if (done) return;
    done = true;
    destroyRunRootSync(root);
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    cleanup();
    // When nobody else handles the signal (vitest normally does, and exits), exit as the default action would.
    if (process.listenerCount(signal) === 0) process.exit(128 + (constants.signals[signal] ?? 15));
  };
  process.on('exit', cleanup);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  process.once('SIGHUP', onSignal);

  return () => {
    cleanup();
    process.off('exit', cleanup);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('SIGHUP', onSignal);
  };
}
