// Shared by the old-tool tests: a working directory per test (flag-mode state lands in its .pgrepl/), the CLI run
// there with exactly our env, the seed database the guide's examples talk about, and row checks.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { Cluster } from '../harness/index.js';
import { runCli, show, startCli, tableDigest, type CliResult, type RunningCli } from './e2e-helpers.js';

export class FlagDir {
  readonly dir = mkdtempSync(join(tmpdir(), 'pgrepl-flags-'));
  readonly env: NodeJS.ProcessEnv;
  readonly transcripts: string[] = [];

  constructor(extraEnv: NodeJS.ProcessEnv = {}) {
    this.env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: this.dir, TMPDIR: tmpdir(), NO_COLOR: '1', ...extraEnv };
  }

  async cli(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const r = await runCli(args, { env: { ...this.env, ...extraEnv }, cwd: this.dir });
    this.transcripts.push(`$ pgrepl ${args.join(' ')}\n${r.stdout}\n${r.stderr}`);
    return r;
  }

  start(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): RunningCli {
    return startCli(args, { env: { ...this.env, ...extraEnv }, cwd: this.dir });
  }

  async ok(args: readonly string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<CliResult> {
    const r = await this.cli(args, extraEnv);
    expect(r.code, show(r)).toBe(0);
    return r;
  }

  /** The one flag-mode state file in .pgrepl/ (CONTRACTS.md). */
  statePath(): string {
    const files = readdirSync(join(this.dir, '.pgrepl')).filter((f) => /^flags-[0-9a-f]{16}\.json$/.test(f));
    expect(files).toHaveLength(1);
    return join(this.dir, '.pgrepl', files[0] as string);
  }

  state(): { resources: { address: string; kind: string; attributes: Record<string, unknown> }[] } {
    return JSON.parse(readFileSync(this.statePath(), 'utf8')) as { resources: { address: string; kind: string; attributes: Record<string, unknown> }[] };
  }

  /** The anchored lower bound of a windowed table's copy, from the state (what the rows must match). */
  windowBound(db: string, table: string): string {
    const r = this.state().resources.find((x) => x.kind === 'rows' && x.address.endsWith(`.${table}`) && x.address.includes(db));
    const w = r?.attributes['window'] as { bound?: string } | null | undefined;
    expect(w?.bound, `window of ${table}`).toBeTypeOf('string');
    return w?.bound as string;
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** The tables of the guide's examples: events, metrics (column "timestamp"), audit_logs, archive_table, transactions, users. */
export const GUIDE_SEED = `
  CREATE TABLE users (id int PRIMARY KEY, name text NOT NULL);
  INSERT INTO users SELECT g, 'user ' || g FROM generate_series(1, 50) g;
  CREATE TABLE events (id bigint PRIMARY KEY, user_id int REFERENCES users, created_at timestamptz NOT NULL, payload jsonb);
  INSERT INTO events SELECT g, 1 + g % 50, now() - g * interval '1 day' - interval '7 hours', jsonb_build_object('n', g) FROM generate_series(1, 800) g;
  CREATE TABLE metrics (id int PRIMARY KEY, "timestamp" timestamp NOT NULL, value float8);
  INSERT INTO metrics SELECT g, localtimestamp - g * interval '2 days' - interval '5 hours', g / 3.0 FROM generate_series(1, 400) g;
  CREATE TABLE audit_logs (id int PRIMARY KEY, line text);
  INSERT INTO audit_logs SELECT g, 'line ' || g FROM generate_series(1, 30) g;
  CREATE TABLE archive_table (id int PRIMARY KEY, body text);
  INSERT INTO archive_table SELECT g, repeat('x', g) FROM generate_series(1, 30) g;
  CREATE TABLE transactions (id int PRIMARY KEY, status text NOT NULL, amount numeric(10,2), created_at timestamptz NOT NULL DEFAULT now());
  ALTER TABLE transactions REPLICA IDENTITY FULL;
  INSERT INTO transactions SELECT g, (ARRAY['active','pending','closed','failed'])[1 + g % 4], g * 1.25, now() - g * interval '3 days' - interval '1 hour' FROM generate_series(1, 200) g;
`;

/** Polls the target until `sql` returns `want` (a replicated change arriving). */
export async function waitForValue(cluster: Cluster, database: string, sql: string, want: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    const rows = await cluster.query<{ v: string | null }>(sql, [], database);
    last = String(rows[0]?.v ?? '');
    if (last === want) return;
    if (Date.now() > deadline) throw new Error(`${sql} on ${database}: ${last}, waited for ${want}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Same rows on both sides; `where` narrows the source side only. */
export async function expectSame(src: Cluster, srcDb: string, tgt: Cluster, tgtDb: string, table: string, where?: string): Promise<number> {
  const want = await tableDigest(src, srcDb, table, where);
  const got = await tableDigest(tgt, tgtDb, table);
  expect(got, `rows of ${table}${where === undefined ? '' : ` WHERE ${where}`}`).toEqual(want);
  return got.rows;
}

export async function rowCount(cluster: Cluster, database: string, table: string): Promise<number> {
  const rows = await cluster.query<{ n: string }>(`SELECT count(*)::text AS n FROM ${table}`, [], database);
  return Number(rows[0]?.n);
}

export async function tableExists(cluster: Cluster, database: string, table: string): Promise<boolean> {
  const rows = await cluster.query<{ t: string | null }>('SELECT to_regclass($1)::text AS t', [table], database);
  return rows[0]?.t !== null && rows[0]?.t !== undefined;
}
