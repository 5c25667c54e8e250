// The pure parts of the PostgreSQL state backend: per-name advisory keys, the pooler signs in a URL, and a backend
// built from a spec's `state:` (no connection is opened; the description never holds the password). The backend
// against real servers: test/integration/state-postgres.test.ts.
import { describe, expect, it } from 'vitest';
import { poolerUrlEvidence } from '../../src/pg/state/pooler-url.js';
import { parseConnString } from '../../src/pg/conninfo/index.js';
import { openStateBackend } from '../../src/state/open-backend.js';
import { stateDdlKey, stateLockKey } from '../../src/state/pg-lock-key.js';

describe('stateLockKey', () => {
  it('is fixed per schema and name, differs between names and schemas, and fits an int4 >= 0', () => {
    const a = stateLockKey('pgrepl', 'default');
    expect(stateLockKey('pgrepl', 'default')).toEqual(a);
    expect(stateLockKey('pgrepl', 'other')).not.toEqual(a);
    expect(stateLockKey('other', 'default')).not.toEqual(a);
    expect(stateDdlKey('pgrepl')).not.toEqual(a);
    for (const k of [...a, ...stateLockKey('x', 'y'), ...stateDdlKey('pgrepl')]) {
      expect(Number.isInteger(k) && k >= 0 && k <= 0x7fffffff).toBe(true);
    }
  });
});

describe('poolerUrlEvidence', () => {
  const ev = (url: string): string | null => {
    const raw = poolerUrlEvidence(url, null);
    return raw ?? poolerUrlEvidence(url, parseConnString(url, { env: {}, passfile: null }));
  };
  it.each([
    ['postgres://u@db.example.com:6432/app', /PgBouncer/],
    ['postgres://u@aws-0-eu-central-1.pooler.supabase.com:5432/postgres', /Supabase/],
    ['postgres://u@db.abc.supabase.co:6543/postgres', /6543/],
    ['postgres://u@ep-cool-123-pooler.eu-central-1.aws.neon.tech/neondb', /Neon/],
    ['postgres://u@db.example.com/app?pgbouncer=true', /pgbouncer=true/],
  ])('refuses %s', (url, why) => {
    expect(ev(url)).toMatch(why);
  });
  it.each(['postgres://u@db.example.com:5432/app', 'postgres://u@ep-cool-123.eu-central-1.aws.neon.tech/neondb', 'host=/tmp port=5433 dbname=x'])('accepts %s', (url) => {
    expect(ev(url)).toBeNull();
  });
});

describe('openStateBackend', () => {
  it('local: the file path is the description', () => {
    expect(openStateBackend({ backend: 'local', path: '/srv/state.json' }, {}).description).toBe('/srv/state.json');
  });
  it('postgres: opens nothing, names the state without the password, and refuses a pooled URL', () => {
    const b = openStateBackend({ backend: 'postgres', url: 'postgres://ci:s3cret-Pass@state.example.com:5432/ops', schema: 'pgrepl', name: 'shop' }, {});
    expect(b.description).toBe('postgres state "shop" in postgres://ci@state.example.com:5432/ops schema pgrepl');
    expect(() => openStateBackend({ backend: 'postgres', url: 'postgres://ci:s3cret-Pass@state.example.com:6432/ops', schema: 'pgrepl', name: 'shop' }, {}))
      .toThrow(/transaction-mode connection pooler \(port 6432/);
  });
});
