// Runs the machine's pg_dump 15 (Debian's postgresql-15) against a harness cluster for the pg_dump oracle. It reads
// servers 9.2..15 only ("aborting because of server version mismatch" for 16+), hence the catalog oracle there.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { Cluster } from '../harness/index.js';

const run = promisify(execFile);

/** Highest server major pg_dump 15 can read. */
export const PG_DUMP_MAX_SERVER_MAJOR = 15;
const PG_DUMP_BIN_DIR = '/usr/lib/postgresql/15/bin';
/** A fixed `\restrict` key, so two dumps do not differ by pg_dump 15.18's random one. */
const RESTRICT_KEY = 'pgreploracle';
const DUMP_MAX_BUFFER_BYTES = 64 * 1024 * 1024;

export function pgDumpPath(): string {
  const path = join(process.env.PGREPL_PG15_BINDIR ?? PG_DUMP_BIN_DIR, 'pg_dump');
  if (!existsSync(path)) throw new Error(`pg_dump 15 not found at ${path}: install postgresql-15 (client) for the pg_dump oracle`);
  return path;
}

export interface SchemaDumpOptions {
  /** false adds --no-owner --no-acl. */
  readonly ownersAndAcls: boolean;
}

/** `pg_dump --schema-only` of one database, as the superuser over the cluster's unix socket. */
export async function dumpSchema(cluster: Cluster, database: string, opts: SchemaDumpOptions): Promise<string> {
  if (cluster.major > PG_DUMP_MAX_SERVER_MAJOR) throw new Error(`pg_dump 15 cannot read PostgreSQL ${String(cluster.major)}`);
  const args = [
    '--schema-only', `--restrict-key=${RESTRICT_KEY}`, '--no-publications', '--no-subscriptions',
    ...(opts.ownersAndAcls ? [] : ['--no-owner', '--no-acl']),
    '-h', cluster.socketDir, '-p', String(cluster.port), '-U', cluster.superuser.user, '-d', database,
  ];
  // Trust on the unix socket (the harness's admin channel): no password to hand over.
  // PGTZ: pg_dump prints timestamptz partition bounds in the session's TimeZone, which a database-level
  // `SET timezone` (the fixture has one) would otherwise decide; a TEMPLATE copy does not inherit it.
  const env = { ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('PG'))), PGTZ: 'UTC' };
  const { stdout } = await run(pgDumpPath(), args, { env, maxBuffer: DUMP_MAX_BUFFER_BYTES, encoding: 'utf8' });
  return stdout;
}
