// collectStatus (src/status/collect-status.ts) with a fake reader: no state is exit 1 material, servers are read only
// for databases with replication recorded, and pending deletes are looked up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadSpecText } from '../../src/spec/load.js';
import { localStateBackend } from '../../src/state/local-state-backend.js';
import { collectStatus, type StatusSource } from '../../src/status/collect-status.js';
import type { DatabaseObservation, PendingDeleteRef, StatusTarget } from '../../src/status/types.js';
import { WORKING } from './status-fixtures.js';
import { PgreplError } from '../../src/util/errors.js';

const spec = loadSpecText(`version: 1
source: { url: "host=src" }
target: { url: "host=tgt" }
databases:
  shop: { sync: true }
  fresh: { sync: true }
  archive: { sync: false }
`, 'pgrepl.yaml', { env: {} });

const observed: DatabaseObservation = WORKING;

function fakeReader(): StatusSource & { read: string[]; pending: string[] } {
  const read: string[] = [];
  const pending: string[] = [];
  return {
    read,
    pending,
    sourceDatabases: () => Promise.resolve([]),
    readDatabase: (t: StatusTarget) => {
      read.push(t.key);
      return Promise.resolve(observed);
    },
    readPendingDelete: (ref: PendingDeleteRef) => {
      pending.push(ref.address);
      return Promise.resolve({ exists: true, active: false, walStatus: 'extended', retainedBytes: 2048 });
    },
  };
}

describe('collectStatus', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgrepl-status-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses to report without a state file', async () => {
    const reader = fakeReader();
    await expect(collectStatus(reader, { spec, state: localStateBackend(join(dir, 'state.json')), maxLag: null, now: () => new Date() })).rejects.toThrow(PgreplError);
    await expect(collectStatus(reader, { spec, state: localStateBackend(join(dir, 'state.json')), maxLag: null, now: () => new Date() })).rejects.toThrow(/no state file/);
    expect(reader.read).toEqual([]);
  });

  it('reads the servers only for databases with replication recorded', async () => {
    const at = '2026-11-26T10:00:00.000Z';
    const resource = (address: string, kind: string, attributes: Record<string, unknown>, status?: string) => ({ address, kind, attributes, ...(status ? { status } : {}), updated_at: at });
    writeFileSync(join(dir, 'state.json'), JSON.stringify({
      version: 1, lineage: '7d0c1f7e-0000-4000-8000-000000000000', serial: 2, pgrepl_version: '0.1.0', spec: null, history: [],
      resources: [
        resource('source.publication.shop', 'publication', { name: 'pub_shop', database: 'shop' }),
        resource('source.slot.old', 'slot', { name: 'slot_old', database: 'old' }, 'pending-delete'),
        resource('source.slot.shop', 'slot', { name: 'slot_shop', database: 'shop' }),
        resource('target.subscription.shop', 'subscription', { name: 'sub_shop', database: 'shop', enabled: true }),
      ],
    }));
    const reader = fakeReader();
    const report = await collectStatus(reader, { spec, state: localStateBackend(join(dir, 'state.json')), maxLag: null, now: () => new Date(at) });
    expect(reader.read).toEqual(['shop']);
    expect(reader.pending).toEqual(['source.slot.old']);
    expect(report.databases.map((d) => [d.key, d.health])).toEqual([['shop', 'healthy'], ['fresh', 'not-started'], ['archive', 'snapshot-only']]);
    expect(report).toMatchObject({ health: 'not-started', exit_code: 0, checked_at: at });
    expect(report.pending_deletes[0]?.message).toMatch(/slot slot_old could not be dropped yet and keeps 2 kB of WAL on the source, wal_status extended/);
  });
});
