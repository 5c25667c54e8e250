// The real-PostgreSQL test harness: throwaway clusters of majors 12..18, in two authentication profiles, cached per
// worker process. Usage and the hostile database's contents: test/harness/README.md.
import { ALL_MAJORS } from './binaries.js';
import { type Cluster, type ClusterImpl, type ClusterOptions, normalizeOptions, optionsKey, startCluster } from './cluster.js';
import { createRunRoot, destroyRunRootSync, killPostmastersSync, RUN_ROOT_ENV, type PostmasterRef } from './run-root.js';

export { ALL_MAJORS, type Major } from './binaries.js';
export {
  type AuthProfile, type Cluster, type ClusterOptions, type ConnectOptions,
  SCRATCH_DATABASE_PATTERN, TEMPLATE_DATABASE_PATTERN,
} from './cluster.js';
export {
  READER_ROLE, type RoleCredentials, SOURCE_ROLE, SUPERUSER_NAME, SUPERUSER_PASSWORD, TARGET_ROLE, WRONG_PASSWORD,
} from './credentials.js';
export { freePort } from './free-port.js';
export { createHostileDatabase, HOSTILE_DATABASE_SETTINGS, type HostileDatabase } from './hostile.js';
export { ident, literal, percentEncode } from './sql.js';
export { type ScratchFactory, useScratchDatabases } from './scratch-databases.js';
export {
  ACCOUNT_KEY_UPDATE_BASE, createSyncFixture, MEASUREMENTS_RANGE, type SyncComparison, type SyncFixture, SYNC_FIXTURE_EVENTS_IN_WINDOW,
  SYNC_FIXTURE_FILTERS, SYNC_FIXTURE_PARTITIONS, SYNC_FIXTURE_SCHEMA, SYNC_FIXTURE_SEED_ROWS, SYNC_FIXTURE_TABLE_NAMES, SYNC_FIXTURE_WINDOW,
  type SyncFixtureOptions, type SyncFixtureTable, syncFixtureComparisons, syncFixtureDdl, syncFixtureSettings, syncFixtureSpecYaml,
} from './sync-fixture.js';
export { startWriteLoad, type WriteLoad, type WriteLoadOptions, type WriteLoadStats, type WriteOp } from './write-load.js';
export {
  compareRowsFiltered, currentLsn, expectSameRowsFiltered, type RowComparison, waitForSlotPast, waitForSubscriptionReady,
} from './replication-compare.js';

interface Entry { readonly promise: Promise<ClusterImpl>; cluster?: ClusterImpl }
interface HarnessState {
  root?: string;
  ownsRoot: boolean;
  readonly entries: Map<string, Entry>;
  readonly live: Set<ClusterImpl>;
  exitHookInstalled: boolean;
}

// On globalThis, not in module scope: with `isolate: false` a worker process runs many test files, and the cache
// must outlive any re-evaluation of this module between them.
const GLOBAL_KEY = Symbol.for('pgrepl.test-harness');
const state: HarnessState = ((globalThis as Record<symbol, unknown>)[GLOBAL_KEY] as HarnessState | undefined) ?? {
  ownsRoot: false, entries: new Map(), live: new Set(), exitHookInstalled: false,
};
(globalThis as Record<symbol, unknown>)[GLOBAL_KEY] = state;

function installExitHook(): void {
  if (state.exitHookInstalled) return;
  state.exitHookInstalled = true;
  // A worker that exits normally takes its clusters with it; the global teardown catches the rest.
  process.on('exit', () => {
    killPostmastersSync([...state.live].map((c) => c.postmasterRef()).filter((r): r is PostmasterRef => r !== undefined));
    if (state.ownsRoot && state.root) destroyRunRootSync(state.root);
  });
}

/** The run root from the global setup; without one (a run without it), a root owned by this process. */
function runRoot(): string {
  if (state.root) return state.root;
  const fromSetup = process.env[RUN_ROOT_ENV];
  if (fromSetup) {
    state.root = fromSetup;
  } else {
    state.root = createRunRoot(process.pid);
    state.ownsRoot = true;
    process.env[RUN_ROOT_ENV] = state.root;
  }
  installExitHook();
  return state.root;
}

/**
 * The cluster for these options, started on first use and cached for the rest of this worker process. Tests share
 * it: create scratch databases instead of changing cluster-wide state, or restore what you change.
 */
export function getCluster(opts: ClusterOptions): Promise<Cluster> {
  const options = normalizeOptions(opts);
  if (!ALL_MAJORS.includes(options.major)) return Promise.reject(new Error(`unsupported major ${String(options.major)}`));
  const key = optionsKey(options);
  const cached = state.entries.get(key);
  if (cached) return cached.promise;
  const root = runRoot();
  const onStopped = (cluster: ClusterImpl): void => {
    state.live.delete(cluster);
    if (state.entries.get(key)?.cluster === cluster) state.entries.delete(key);
  };
  const promise = startCluster(root, options, onStopped);
  const entry: Entry = { promise };
  state.entries.set(key, entry);
  // A failed start stays cached: later callers fail fast with the same error instead of retrying initdb.
  promise.then((cluster) => { entry.cluster = cluster; state.live.add(cluster); }, () => undefined);
  return promise;
}

/** Stop every cluster this worker started (tests rarely need this; the global teardown does it anyway). */
export async function stopAllClusters(): Promise<void> {
  const clusters = [...state.entries.values()].map((e) => e.promise.catch(() => undefined));
  state.entries.clear();
  for (const cluster of await Promise.all(clusters)) await cluster?.stop();
}
