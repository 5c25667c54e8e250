// The demo's world: one temporary directory (`$TMPDIR/pgrepl-demo-XXXXXX`) holding two throwaway servers
// (source/, target/), the spec and pgrepl's state, and the one way to take it all down again.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binariesUsableBy, findServerBinaries, type ServerBinaries } from '../pg/local-server/server-binaries.js';
import { LocalServer } from '../pg/local-server/local-server.js';
import { serverOsUser, type ServerOsUser } from '../pg/local-server/os-user.js';

export const DEMO_DIR_PREFIX = 'pgrepl-demo-';

export interface DemoServersOptions {
  readonly binDir?: string;
  /** Where the search for npm-packaged binaries starts. */
  readonly searchFrom: string;
  /** Parent of the demo directory; default os.tmpdir(). */
  readonly parentDir?: string;
}

export class DemoServers {
  source: LocalServer | undefined;
  target: LocalServer | undefined;
  binaries: ServerBinaries | undefined;
  user: ServerOsUser | undefined;
  private removed = false;

  private constructor(readonly root: string) {}

  /** Creates the directory; the servers come with start(). Always pair with cleanup(). */
  static create(parentDir: string = tmpdir()): DemoServers {
    const root = mkdtempSync(join(parentDir, DEMO_DIR_PREFIX));
    // As root the servers run as another user, who must be able to enter this directory (mkdtemp makes it 0700).
    chmodSync(root, 0o711);
    return new DemoServers(root);
  }

  /** Finds the binaries and starts both servers side by side. */
  async start(opts: DemoServersOptions): Promise<void> {
    const user = await serverOsUser();
    this.user = user;
    const found = await findServerBinaries({ searchFrom: opts.searchFrom, ...(opts.binDir === undefined ? {} : { binDir: opts.binDir }) });
    this.binaries = await binariesUsableBy(user, found, this.root);
    const binaries = this.binaries;
    const startOne = async (name: 'source' | 'target'): Promise<LocalServer> => {
      const dir = join(this.root, name);
      mkdirSync(dir);
      const server = await LocalServer.start({ binaries, user, dir });
      this[name] = server;
      return server;
    };
    // allSettled: when one fails, the other may still have started, and cleanup() must know about it.
    const results = await Promise.allSettled([startOne('source'), startOne('target')]);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  get specPath(): string {
    return join(this.root, 'pgrepl.yaml');
  }

  writeSpec(text: string): void {
    writeFileSync(this.specPath, text);
  }

  /** Stops both servers and removes the directory. Safe to call twice; tries everything before it throws. */
  async cleanup(): Promise<void> {
    if (this.removed) return;
    const results = await Promise.allSettled([this.source?.stop(), this.target?.stop()]);
    rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
    this.removed = !existsSync(this.root);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  /** The same, blocking, for a process 'exit' hook. */
  cleanupSync(): void {
    if (this.removed) return;
    for (const server of [this.source, this.target]) {
      try { server?.stopSync(); } catch { /* keep going: the directory must still go */ }
    }
    rmSync(this.root, { recursive: true, force: true, maxRetries: 3 });
    this.removed = true;
  }

  /** `--keep`: the servers stay up; nothing is removed by this process any more. */
  release(): void {
    this.removed = true;
  }
}
