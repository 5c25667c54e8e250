// A throwaway PostgreSQL cluster: initdb into a directory under the run root, start on a free port of 127.0.0.1 with
// its unix socket in the same directory, logical WAL, durability off (fsync, synchronous_commit,
// full_page_writes: a crash only loses a test cluster). Clusters are cached per worker process and options
// (see index.ts); stop() and the run root's teardown remove them.
import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { binariesFor, type Major } from './binaries.js';
import {
  READER_ROLE, type RoleCredentials, SOURCE_ROLE, SUPERUSER_NAME, SUPERUSER_PASSWORD, TARGET_ROLE,
} from './credentials.js';
import { freePort } from './free-port.js';
import { findPostmasters, isPostmasterOf, killPostmastersSync, type PostmasterRef } from './run-root.js';
import { chownToServer, run, serverEnv } from './server-user.js';
import { ident, literal, percentEncode } from './sql.js';
import { createClientCert, createServerTls, DEFAULT_TLS_SERVER_NAMES, type TlsFiles } from './tls.js';

export type AuthProfile = 'trust' | 'scram';

export interface ClusterOptions {
  major: Major;
  /** 'trust' (default): everything trusted. 'scram': TCP demands scram-sha-256 (the unix socket stays trust). */
  auth?: AuthProfile;
  /** ssl = on with a self-signed CA (`caCertPath`); plain TCP stays allowed unless `tlsOnly`. */
  tls?: boolean;
  /** With tls: refuse non-TLS TCP connections (`hostnossl … reject`). */
  tlsOnly?: boolean;
  /** With tls: the server certificate's names (CN = first, SAN = all). Default ['localhost', '127.0.0.1']. */
  tlsServerNames?: readonly string[];
  /** Default 'logical'; 'replica' gives a source that validate must reject. */
  walLevel?: 'logical' | 'replica';
  /** Extra postgresql.conf settings (raw values, quoted by the harness), applied after the harness's own. */
  settings?: Record<string, string>;
}

export interface ConnectOptions {
  database?: string;
  /** Default: the superuser. */
  user?: string;
  /** Default: the known password of `user` (superuser, source, target, reader role); '' sends none. */
  password?: string;
  /** node-postgres TLS options, e.g. `{ ca: readFileSync(cluster.caCertPath!) }`. */
  ssl?: pg.ClientConfig['ssl'];
  /** Open a logical replication connection (`replication=database`: IDENTIFY_SYSTEM, CREATE_REPLICATION_SLOT …). */
  replication?: boolean;
}

export interface Cluster {
  readonly major: Major;
  /** Full server version, e.g. '17.10'. */
  readonly version: string;
  readonly auth: AuthProfile;
  readonly host: '127.0.0.1';
  readonly port: number;
  readonly socketDir: string;
  readonly dataDir: string;
  readonly binDir: string;
  readonly logFile: string;
  /** The lc_collate/lc_ctype given to initdb ('C.UTF-8' where the OS has it, else 'C'); encoding is UTF8. */
  readonly locale: string;
  readonly superuser: RoleCredentials;
  readonly roles: { readonly source: RoleCredentials; readonly target: RoleCredentials };
  readonly tls: boolean;
  readonly caCertPath?: string;
  /** A CA that did not sign the server certificate (for verify-ca/verify-full failures). */
  readonly otherCaCertPath?: string;
  /** How long each start phase took, in milliseconds (for timing reports). */
  readonly startupMs: Readonly<Record<'tls' | 'initdb' | 'start' | 'bootstrap' | 'total', number>>;
  url(opts?: { database?: string; user?: string; password?: string; params?: Record<string, string> }): string;
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], database?: string): Promise<T[]>;
  /** node-postgres config for a TCP connection as any role (password defaults to the role's known one). */
  clientConfig(opts?: ConnectOptions): pg.ClientConfig;
  /** A connected node-postgres Client over TCP; the caller ends it. */
  connect(opts?: ConnectOptions): Promise<pg.Client>;
  createDatabase(prefix?: string, opts?: { template?: string; owner?: string }): Promise<string>;
  dropDatabase(name: string): Promise<void>;
  /** Create `pgrepl_tpl_<name>` once per cluster (setup SQL or function), then mark it a template. */
  ensureTemplate(name: string, setup: string | ((cluster: Cluster, database: string) => Promise<void>), opts?: { owner?: string }): Promise<string>;
  /** A client certificate (CN = user) signed by the cluster's CA; needs tls. */
  issueClientCert(user: string): Promise<{ certPath: string; keyPath: string }>;
  /** Restart, optionally with more settings (they persist for the cluster's lifetime: restore them if shared). */
  restart(settings?: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/** Scratch databases: the only databases dropDatabase() will drop. */
export const SCRATCH_DATABASE_PATTERN = /^pgrepl_t_[a-z0-9_]+$/;
/** Template databases made by ensureTemplate(). */
export const TEMPLATE_DATABASE_PATTERN = /^pgrepl_tpl_[a-z0-9_]+$/;

const PG_CTL_TIMEOUT_S = 60;
const START_ATTEMPTS = 5;
const CONNECT_TIMEOUT_MS = 15_000;
const DROP_ATTEMPTS = 20;
const DROP_RETRY_MS = 250;
const STOP_WAIT_MS = 10_000;

/** Settings every harness cluster gets; ClusterOptions.settings and restart() override them. */
function baseSettings(opts: NormalizedOptions, port: number, socketDir: string, tls: TlsFiles | undefined): Record<string, string> {
  return {
    listen_addresses: '127.0.0.1',
    port: String(port),
    unix_socket_directories: socketDir,
    unix_socket_permissions: '0777',
    wal_level: opts.walLevel,
    max_replication_slots: '20',
    max_wal_senders: '20',
    max_logical_replication_workers: '8',
    max_worker_processes: '24',
    max_connections: '100',
    shared_buffers: '32MB',
    fsync: 'off',
    synchronous_commit: 'off',
    full_page_writes: 'off',
    password_encryption: 'scram-sha-256',
    timezone: 'UTC',
    log_timezone: 'UTC',
    log_line_prefix: '%m [%p] %q%u@%d ',
    logging_collector: 'off',
    ...(tls ? {
      ssl: 'on',
      ssl_cert_file: tls.serverCertPath,
      ssl_key_file: tls.serverKeyPath,
      ssl_ca_file: tls.caCertPath,
    } : {}),
  };
}

function hbaFile(opts: NormalizedOptions): string {
  const method = opts.auth === 'scram' ? 'scram-sha-256' : 'trust';
  const hostType = opts.tls && opts.tlsOnly ? 'hostssl' : 'host';
  return [
    '# Written by the pgrepl test harness. The unix socket is the harness\'s own admin channel; TCP is what tests use.',
    'local   all          all                  trust',
    'local   replication  all                  trust',
    ...(opts.tls && opts.tlsOnly ? ['hostnossl all         all  0.0.0.0/0     reject', 'hostnossl replication all 0.0.0.0/0     reject'] : []),
    `${hostType.padEnd(7)} all          all   127.0.0.1/32   ${method}`,
    `${hostType.padEnd(7)} replication  all   127.0.0.1/32   ${method}`,
    '',
  ].join('\n');
}

function confLine(name: string, value: string): string {
  return `${name} = '${value.replaceAll("'", "''")}'`;
}

let localeCache: string | undefined;
function serverLocale(): string {
  if (localeCache) return localeCache;
  const list = spawnSync('locale', ['-a'], { encoding: 'utf8' });
  localeCache = list.status === 0 && /^c\.utf-?8$/im.test(list.stdout) ? 'C.UTF-8' : 'C';
  return localeCache;
}

export interface NormalizedOptions {
  readonly major: Major;
  readonly auth: AuthProfile;
  readonly tls: boolean;
  readonly tlsOnly: boolean;
  readonly tlsServerNames: readonly string[];
  readonly walLevel: 'logical' | 'replica';
  readonly settings: Readonly<Record<string, string>>;
}

export function normalizeOptions(opts: ClusterOptions): NormalizedOptions {
  const settings: Record<string, string> = {};
  for (const key of Object.keys(opts.settings ?? {}).sort()) settings[key] = String(opts.settings?.[key]);
  return {
    major: opts.major,
    auth: opts.auth ?? 'trust',
    tls: opts.tls ?? false,
    tlsOnly: (opts.tls ?? false) && (opts.tlsOnly ?? false),
    tlsServerNames: opts.tls ? [...(opts.tlsServerNames ?? DEFAULT_TLS_SERVER_NAMES)] : [],
    walLevel: opts.walLevel ?? 'logical',
    settings,
  };
}

/** Stable cache key of normalised options. */
export function optionsKey(opts: NormalizedOptions): string {
  return JSON.stringify(opts);
}

function dirTag(opts: NormalizedOptions): string {
  const pool = process.env.VITEST_POOL_ID ?? '0';
  return `w${pool}-${opts.major}${opts.auth === 'scram' ? 's' : 't'}${opts.tls ? 'l' : ''}${opts.walLevel === 'replica' ? 'r' : ''}-`;
}

let databaseSeq = 0;

class ClusterImpl implements Cluster {
  readonly host = '127.0.0.1' as const;
  readonly roles = { source: SOURCE_ROLE, target: TARGET_ROLE };
  readonly superuser: RoleCredentials;
  readonly dataDir: string;
  readonly socketDir: string;
  readonly logFile: string;
  readonly binDir: string;
  readonly version: string;
  readonly locale: string;
  readonly caCertPath?: string;
  readonly otherCaCertPath?: string;
  port = 0;
  postmasterPid = 0;
  startupMs = { tls: 0, initdb: 0, start: 0, bootstrap: 0, total: 0 };
  stopped = false;
  private extraSettings: Record<string, string> = {};
  private readonly templates = new Map<string, Promise<string>>();

  constructor(
    readonly options: NormalizedOptions,
    readonly dir: string,
    private readonly tlsFiles: TlsFiles | undefined,
    private readonly onStopped: (cluster: ClusterImpl) => void,
  ) {
    const binaries = binariesFor(options.major);
    this.binDir = binaries.binDir;
    this.version = binaries.version;
    this.dataDir = join(dir, 'data');
    this.socketDir = dir;
    this.logFile = join(dir, 'server.log');
    this.locale = serverLocale();
    this.superuser = { user: SUPERUSER_NAME, password: options.auth === 'scram' ? SUPERUSER_PASSWORD : '' };
    if (tlsFiles) {
      this.caCertPath = tlsFiles.caCertPath;
      this.otherCaCertPath = tlsFiles.otherCaCertPath;
    }
  }

  get major(): Major { return this.options.major; }
  get auth(): AuthProfile { return this.options.auth; }
  get tls(): boolean { return this.options.tls; }

  /** Postmaster of this cluster, for the worker's exit hook. */
  postmasterRef(): PostmasterRef | undefined {
    return this.postmasterPid > 0 ? { pid: this.postmasterPid, dataDir: this.dataDir } : undefined;
  }

  async initdb(): Promise<void> {
    const result = await run(join(this.binDir, 'initdb'), [
      '-D', this.dataDir, '-U', SUPERUSER_NAME, '--auth=trust', '--encoding=UTF8', `--locale=${this.locale}`, '--no-sync',
    ], { env: serverEnv(), timeoutMs: 120_000 });
    if (result.code !== 0) throw new Error(`initdb (PostgreSQL ${this.major}) failed:\n${result.stdout}${result.stderr}`);
    writeFileSync(join(this.dataDir, 'pg_hba.conf'), hbaFile(this.options));
    appendFileSync(join(this.dataDir, 'postgresql.conf'), "\n# pgrepl test harness\ninclude_if_exists = 'pgrepl-harness.conf'\n");
  }

  private writeSettings(): void {
    const all = {
      ...baseSettings(this.options, this.port, this.socketDir, this.tlsFiles),
      ...this.options.settings,
      ...this.extraSettings,
    };
    const file = join(this.dataDir, 'pgrepl-harness.conf');
    writeFileSync(file, `${Object.entries(all).map(([k, v]) => confLine(k, v)).join('\n')}\n`);
    chownToServer(file);
  }

  private async pgCtl(args: readonly string[]): Promise<{ code: number | null; output: string }> {
    const result = await run(join(this.binDir, 'pg_ctl'), args, {
      env: serverEnv(), detached: true, timeoutMs: (PG_CTL_TIMEOUT_S + 10) * 1000,
    });
    return { code: result.code, output: result.stdout + result.stderr };
  }

  private logTail(): string {
    try { return readFileSync(this.logFile, 'utf8').split('\n').slice(-30).join('\n'); } catch { return '(no server log)'; }
  }

  /** Start on the current port; returns false when the port was taken meanwhile. */
  private async startOnce(): Promise<boolean> {
    this.writeSettings();
    const logStart = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').length : 0;
    const { code, output } = await this.pgCtl(['start', '-D', this.dataDir, '-l', this.logFile, '-w', '-t', String(PG_CTL_TIMEOUT_S), '-s']);
    if (code === 0) {
      const pidLine = readFileSync(join(this.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0];
      this.postmasterPid = Number(pidLine);
      return true;
    }
    const log = existsSync(this.logFile) ? readFileSync(this.logFile, 'utf8').slice(logStart) : '';
    if (/could not bind|Address already in use|could not create any TCP\/IP sockets/i.test(log)) return false;
    throw new Error(`pg_ctl start (PostgreSQL ${this.major}) failed:\n${output}\n${log || this.logTail()}`);
  }

  async start(pickPort: boolean): Promise<void> {
    for (let attempt = 0; attempt < START_ATTEMPTS; attempt += 1) {
      if (pickPort || this.port === 0) this.port = await freePort();
      if (await this.startOnce()) return;
      if (!pickPort) break;
    }
    throw new Error(`PostgreSQL ${this.major}: no free port after ${START_ATTEMPTS} attempts (last ${this.port})\n${this.logTail()}`);
  }

  async bootstrapRoles(): Promise<void> {
    const statements = [
      `CREATE ROLE ${ident(SOURCE_ROLE.user)} LOGIN REPLICATION PASSWORD ${literal(SOURCE_ROLE.password)}`,
      `CREATE ROLE ${ident(TARGET_ROLE.user)} LOGIN CREATEDB PASSWORD ${literal(TARGET_ROLE.password)}`,
      ...(this.major >= 16 ? [`GRANT pg_create_subscription TO ${ident(TARGET_ROLE.user)}`] : []),
      ...(this.superuser.password ? [`ALTER ROLE ${ident(SUPERUSER_NAME)} PASSWORD ${literal(this.superuser.password)}`] : []),
    ];
    await this.query(statements.join(';\n'));
  }

  passwordFor(user: string): string {
    if (user === SUPERUSER_NAME) return this.superuser.password;
    for (const role of [SOURCE_ROLE, TARGET_ROLE, READER_ROLE]) if (role.user === user) return role.password;
    return '';
  }

  url(opts: { database?: string; user?: string; password?: string; params?: Record<string, string> } = {}): string {
    const user = opts.user ?? SUPERUSER_NAME;
    const password = opts.password ?? this.passwordFor(user);
    const auth = password === '' ? percentEncode(user) : `${percentEncode(user)}:${percentEncode(password)}`;
    const query = Object.entries(opts.params ?? {}).map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`).join('&');
    return `postgres://${auth}@${this.host}:${this.port}/${percentEncode(opts.database ?? 'postgres')}${query ? `?${query}` : ''}`;
  }

  private assertRunning(): void {
    if (this.stopped) throw new Error(`PostgreSQL ${this.major} cluster in ${this.dir} was stopped`);
  }

  async query<T = Record<string, unknown>>(sql: string, params?: unknown[], database = 'postgres'): Promise<T[]> {
    this.assertRunning();
    const client = new pg.Client({
      host: this.socketDir, port: this.port, user: SUPERUSER_NAME, database, connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    });
    await client.connect();
    try {
      const result = (await client.query(sql, params)) as unknown as pg.QueryResult | pg.QueryResult[];
      // A multi-statement string (simple protocol, no params) yields one result per statement: return the last.
      const last = Array.isArray(result) ? result[result.length - 1] : result;
      return (last?.rows ?? []) as T[];
    } finally {
      await client.end();
    }
  }

  clientConfig(opts: ConnectOptions = {}): pg.ClientConfig {
    const user = opts.user ?? SUPERUSER_NAME;
    const password = opts.password ?? this.passwordFor(user);
    // `replication` is a real node-postgres option that @types/pg does not declare.
    const config: pg.ClientConfig & { replication?: string } = {
      host: this.host,
      port: this.port,
      user,
      database: opts.database ?? 'postgres',
      connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
      ...(password === '' ? {} : { password }),
      ...(opts.ssl === undefined ? {} : { ssl: opts.ssl }),
      ...(opts.replication ? { replication: 'database' } : {}),
    };
    return config;
  }

  async connect(opts: ConnectOptions = {}): Promise<pg.Client> {
    this.assertRunning();
    const client = new pg.Client(this.clientConfig(opts));
    try {
      await client.connect();
    } catch (error: unknown) {
      await client.end().catch(() => undefined);
      throw error;
    }
    return client;
  }

  async createDatabase(prefix = 't', opts: { template?: string; owner?: string } = {}): Promise<string> {
    const clean = prefix.toLowerCase().replace(/[^a-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 24) || 't';
    databaseSeq += 1;
    const suffix = `${databaseSeq}_${Math.random().toString(36).slice(2, 6)}`;
    const name = `pgrepl_t_${clean}_${suffix}`;
    if (!SCRATCH_DATABASE_PATTERN.test(name) || name.length > 63) throw new Error(`bad scratch database name ${name}`);
    await this.query(`CREATE DATABASE ${ident(name)}${opts.template ? ` TEMPLATE ${ident(opts.template)}` : ''}${opts.owner ? ` OWNER ${ident(opts.owner)}` : ''}`);
    return name;
  }

  /**
   * Drop a scratch database, whatever a test left in it: subscriptions are detached from their slots and dropped
   * (DROP DATABASE refuses a database with subscriptions), sessions terminated, the database's logical slots
   * dropped (an active slot blocks the drop). Anything not matching SCRATCH_DATABASE_PATTERN is refused before
   * any statement runs.
   */
  async dropDatabase(name: string): Promise<void> {
    if (!SCRATCH_DATABASE_PATTERN.test(name)) {
      throw new Error(`harness refuses to drop ${JSON.stringify(name)}: not a scratch database (${String(SCRATCH_DATABASE_PATTERN)})`);
    }
    this.assertRunning();
    const exists = await this.query<{ datallowconn: boolean }>('SELECT datallowconn FROM pg_database WHERE datname = $1', [name]);
    if (exists.length === 0) return;
    if (exists[0]?.datallowconn) {
      const subs = await this.query<{ subname: string }>(
        'SELECT subname FROM pg_subscription WHERE subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())', [], name);
      for (const { subname } of subs) {
        const sub = ident(subname);
        await this.query(`ALTER SUBSCRIPTION ${sub} DISABLE`, [], name);
        await this.query(`ALTER SUBSCRIPTION ${sub} SET (slot_name = NONE)`, [], name);
        await this.query(`DROP SUBSCRIPTION ${sub}`, [], name);
      }
    }
    for (let attempt = 1; ; attempt += 1) {
      await this.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [name]);
      await this.query('SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots WHERE database = $1 AND active_pid IS NOT NULL', [name]);
      try {
        await this.query('SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE database = $1 AND NOT active', [name]);
        await this.query(`DROP DATABASE IF EXISTS ${ident(name)}`);
        return;
      } catch (error: unknown) {
        // 55006 object_in_use: a session or walsender came back between the terminate and the drop.
        if ((error as { code?: string }).code !== '55006' || attempt >= DROP_ATTEMPTS) throw error;
        await new Promise((resolve) => setTimeout(resolve, DROP_RETRY_MS));
      }
    }
  }

  ensureTemplate(name: string, setup: string | ((cluster: Cluster, database: string) => Promise<void>), opts: { owner?: string } = {}): Promise<string> {
    const database = `pgrepl_tpl_${name}`;
    if (!TEMPLATE_DATABASE_PATTERN.test(database) || database.length > 63) throw new Error(`bad template name ${JSON.stringify(name)}: use [a-z0-9_]`);
    const existing = this.templates.get(database);
    if (existing) return existing;
    const made = (async () => {
      await this.query(`CREATE DATABASE ${ident(database)}${opts.owner ? ` OWNER ${ident(opts.owner)}` : ''}`);
      if (typeof setup === 'string') await this.query(setup, [], database);
      else await setup(this, database);
      // No connections from now on: CREATE DATABASE … TEMPLATE fails while anyone is connected to the template.
      await this.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [database]);
      await this.query(`ALTER DATABASE ${ident(database)} WITH IS_TEMPLATE true ALLOW_CONNECTIONS false`);
      return database;
    })();
    this.templates.set(database, made);
    made.catch(() => this.templates.delete(database));
    return made;
  }

  async issueClientCert(user: string): Promise<{ certPath: string; keyPath: string }> {
    if (!this.tlsFiles) throw new Error('issueClientCert needs a cluster started with tls: true');
    return createClientCert(this.tlsFiles.dir, user);
  }

  async restart(settings: Record<string, string> = {}): Promise<void> {
    this.assertRunning();
    this.extraSettings = { ...this.extraSettings, ...settings };
    const stop = await this.pgCtl(['stop', '-D', this.dataDir, '-m', 'fast', '-w', '-t', String(PG_CTL_TIMEOUT_S), '-s']);
    if (stop.code !== 0) throw new Error(`pg_ctl stop (PostgreSQL ${this.major}) failed:\n${stop.output}\n${this.logTail()}`);
    await this.start(false);
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    try {
      if (existsSync(join(this.dataDir, 'postmaster.pid'))) {
        const stop = await this.pgCtl(['stop', '-D', this.dataDir, '-m', 'immediate', '-w', '-t', '30', '-s']);
        if (stop.code !== 0) killPostmastersSync(findPostmasters(this.dir));
      }
      // pg_ctl returns once postmaster.pid is gone; the postmaster process exits a moment later.
      const ref = this.postmasterRef();
      for (let waited = 0; ref && isPostmasterOf(ref) && waited < STOP_WAIT_MS; waited += 20) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
      if (ref && isPostmasterOf(ref)) killPostmastersSync([ref]);
    } finally {
      rmSync(this.dir, { recursive: true, force: true, maxRetries: 5 });
      this.onStopped(this);
    }
  }
}

/** Create, initialise and start a cluster in a new directory under `root`. Cleans up after itself on failure. */
export async function startCluster(root: string, options: NormalizedOptions, onStopped: (cluster: ClusterImpl) => void): Promise<ClusterImpl> {
  const dir = mkdtempSync(join(root, dirTag(options)));
  if (join(dir, '.s.PGSQL.65535').length > 100) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`socket path under ${dir} is too long for a unix socket; set TMPDIR to a shorter directory`);
  }
  chmodSync(dir, 0o755);
  chownToServer(dir);
  let cluster: ClusterImpl | undefined;
  const t0 = performance.now();
  let mark = t0;
  const lap = (): number => { const now = performance.now(); const ms = Math.round(now - mark); mark = now; return ms; };
  try {
    const tls = options.tls ? await createServerTls(join(dir, 'tls'), options.tlsServerNames) : undefined;
    const tlsMs = lap();
    cluster = new ClusterImpl(options, dir, tls, onStopped);
    await cluster.initdb();
    const initdbMs = lap();
    await cluster.start(true);
    const startMs = lap();
    await cluster.bootstrapRoles();
    cluster.startupMs = { tls: tlsMs, initdb: initdbMs, start: startMs, bootstrap: lap(), total: Math.round(performance.now() - t0) };
    return cluster;
  } catch (error: unknown) {
    if (cluster) await cluster.stop().catch(() => undefined);
    else rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}

export type { ClusterImpl };
