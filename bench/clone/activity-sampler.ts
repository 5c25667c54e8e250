// Where a clone's time goes, seen from the servers: every SAMPLE_MS, what each client backend of the source and the
// target is doing (pg_stat_activity), classified by statement kind. A session busy in one kind for N samples counts
// N * SAMPLE_MS of "session time" there; samples in which no session of a server was active count as that server's
// idle time (on the target: time the client spent elsewhere, e.g. planning, state writes or round trips).
// The same sampler runs for every method, so its small cost (one catalog query per server per sample) is shared.
import pg from 'pg';
import type { Cluster } from '../../test/harness/index.js';

const SAMPLE_MS = 200;

const ACTIVITY_SQL = `
SELECT state, coalesce(wait_event_type, '') AS wait, left(query, 1000) AS query
FROM pg_stat_activity
WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`;

interface ActivityRow { readonly state: string | null; readonly wait: string; readonly query: string }

/** A statement kind for the profile; the patterns cover what pg_restore, psql, pgcopydb and pgrepl send. */
export function classify(row: ActivityRow): string | null {
  if (row.state === 'idle') return null;
  // pg_restore sends each TOC entry with its leading comment lines; the statement starts after them.
  const q = row.query.replace(/^(\s|--[^\n]*(\n|$))+/, '').replace(/\s+/g, ' ').trim();
  const kind = ((): string => {
    if (/^COPY\b.*\bFROM STDIN/i.test(q)) return 'COPY FROM';
    if (/^COPY\b.*\bTO STDOUT/i.test(q)) return 'COPY TO';
    if (/^CREATE (UNIQUE )?INDEX/i.test(q)) return 'CREATE INDEX';
    if (/ADD CONSTRAINT .*\b(PRIMARY KEY|UNIQUE|EXCLUDE)\b/i.test(q)) return 'ADD PRIMARY KEY/UNIQUE';
    if (/FOREIGN KEY/i.test(q)) return 'ADD FOREIGN KEY';
    if (/^(VACUUM|ANALYZE)/i.test(q)) return 'VACUUM/ANALYZE';
    if (/^CREATE DATABASE/i.test(q)) return 'CREATE DATABASE';
    if (/^(CREATE|ALTER|COMMENT|GRANT|REVOKE|SET|SELECT pg_catalog\.set_config)/i.test(q)) return 'other DDL/SET';
    if (/^(SELECT|WITH)/i.test(q)) return 'SELECT';
    if (/^(BEGIN|COMMIT|ROLLBACK|START)/i.test(q)) return 'BEGIN/COMMIT';
    return `other (${q.split(' ')[0] ?? ''})`;
  })();
  // A session idle inside a transaction waits for its client; the statement it last ran says which step (the
  // snapshot holder after pg_export_snapshot, a copy unit between its COPY and COMMIT, …).
  if (row.state === 'idle in transaction' || row.state === 'idle in transaction (aborted)') {
    return /pg_export_snapshot/i.test(q) ? 'idle in transaction: snapshot holder' : `idle in transaction after ${kind}`;
  }
  // A lock wait is worth seeing apart: it is time the statement did not work.
  return row.wait === 'Lock' ? `${kind} (lock wait)` : kind;
}

export interface ActivityProfile {
  readonly samples: number;
  readonly sampleMs: number;
  /** Per server: statement kind -> session-samples, and '(no active session)' -> samples. */
  readonly byServer: Readonly<Record<'source' | 'target', Readonly<Record<string, number>>>>;
}

export interface ActivitySampler { stop(): Promise<ActivityProfile> }

export async function startActivitySampler(source: Cluster, target: Cluster): Promise<ActivitySampler> {
  const clients = { source: new pg.Client(source.clientConfig({})), target: new pg.Client(target.clientConfig({})) };
  await clients.source.connect();
  await clients.target.connect();
  const counts: Record<'source' | 'target', Record<string, number>> = { source: {}, target: {} };
  let samples = 0;
  let stopped = false;
  const loop = (async (): Promise<void> => {
    while (!stopped) {
      const started = performance.now();
      const [src, tgt] = await Promise.all([clients.source.query<ActivityRow>(ACTIVITY_SQL), clients.target.query<ActivityRow>(ACTIVITY_SQL)]);
      samples += 1;
      for (const [side, rows] of [['source', src.rows], ['target', tgt.rows]] as const) {
        const kinds = rows.map(classify).filter((k): k is string => k !== null);
        if (kinds.length === 0) counts[side]['(no active session)'] = (counts[side]['(no active session)'] ?? 0) + 1;
        for (const k of kinds) counts[side][k] = (counts[side][k] ?? 0) + 1;
      }
      const rest = SAMPLE_MS - (performance.now() - started);
      if (rest > 0) await new Promise((r) => setTimeout(r, rest));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await loop;
      await clients.source.end();
      await clients.target.end();
      return { samples, sampleMs: SAMPLE_MS, byServer: counts };
    },
  };
}

/** The per-round mean of several rounds' profiles. */
export function meanProfile(profiles: readonly ActivityProfile[]): ActivityProfile {
  const byServer: Record<'source' | 'target', Record<string, number>> = { source: {}, target: {} };
  for (const p of profiles) {
    for (const side of ['source', 'target'] as const) {
      for (const [k, n] of Object.entries(p.byServer[side])) byServer[side][k] = (byServer[side][k] ?? 0) + n / profiles.length;
    }
  }
  return { samples: profiles.reduce((a, p) => a + p.samples, 0) / Math.max(1, profiles.length), sampleMs: profiles[0]?.sampleMs ?? SAMPLE_MS, byServer };
}

/** `COPY FROM 12.4 s, CREATE INDEX 3.0 s, (no active session) 1.2 s` for one server, largest first. */
export function formatProfile(profile: ActivityProfile, side: 'source' | 'target'): string {
  return Object.entries(profile.byServer[side]).sort((a, b) => b[1] - a[1])
    .map(([k, n]) => `${k} ${(n * profile.sampleMs / 1000).toFixed(1)} s`).join(', ');
}
