// The local backend on real files in a temp dir: atomic replace, backup, private modes, compare-and-swap.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState, stateBackupPath, writeState } from '../../src/state/local-backend.js';
import { serializeState } from '../../src/state/serialize-state.js';
import type { StateDocument } from '../../src/state/state-document.js';
import { appendHistory, bumpSerial, emptyState, withResource } from '../../src/state/state-edits.js';
import { refusal } from '../fixtures/refusal.js';

const LINEAGE = '0b7c6c1e-4a57-4f0e-9a3e-5a8c2f1d9e00';
const AT = '2026-11-26T10:41:03.000Z';

let dir: string;
let statePath: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pgrepl-state-test-'));
  statePath = path.join(dir, 'nested', 'deeper', 'state.json');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const mode = (file: string): number => fs.statSync(file).mode & 0o777;

function step(state: StateDocument, address: string, attributes: Record<string, string> = {}): StateDocument {
  const next = bumpSerial(withResource(state, { address, kind: 'database', attributes, updated_at: AT }));
  return appendHistory(next, { at: AT, command: 'apply', summary: `created ${address}` });
}


describe('local state backend', () => {
  const base = emptyState({ pgreplVersion: '0.1.0', lineage: LINEAGE });

  it('reads no state when the file is missing', async () => {
    expect(await readState(statePath)).toBeNull();
  });

  it('refuses a state path it cannot read instead of taking it for no state', async () => {
    fs.mkdirSync(statePath, { recursive: true });
    const e = await refusal(readState(statePath));
    expect(e.message).toBe(`cannot read state file ${statePath}: EISDIR`);
  });

  it('writes serial 1 into a new 0700 directory as a 0600 file, and reads it back', async () => {
    const first = step(base, 'target.database.shop');
    expect(await writeState(statePath, first)).toEqual(first);
    expect(fs.readFileSync(statePath, 'utf8')).toBe(serializeState(first));
    expect(mode(statePath)).toBe(0o600);
    expect(mode(path.dirname(statePath))).toBe(0o700);
    expect(mode(path.dirname(path.dirname(statePath)))).toBe(0o700);
    expect(fs.existsSync(stateBackupPath(statePath))).toBe(false);
    expect(await readState(statePath)).toEqual(first);
  });

  it('keeps the previous version as <path>.backup (0600) and leaves no temporary file', async () => {
    const first = await writeState(statePath, step(base, 'target.database.a'));
    const second = await writeState(statePath, step(first, 'target.database.b'));
    const third = await writeState(statePath, step(second, 'target.database.c'));
    expect(third.serial).toBe(3);
    expect(fs.readFileSync(stateBackupPath(statePath), 'utf8')).toBe(serializeState(second));
    expect(mode(stateBackupPath(statePath))).toBe(0o600);
    expect(fs.readdirSync(path.dirname(statePath)).sort()).toEqual(['state.json', 'state.json.backup']);
  });

  it('makes an existing, wider file 0600 on the next write', async () => {
    const first = await writeState(statePath, step(base, 'target.database.a'));
    fs.chmodSync(statePath, 0o644);
    await writeState(statePath, step(first, 'target.database.b'));
    expect(mode(statePath)).toBe(0o600);
  });

  it('refuses a write based on a stale serial, naming both serials, and leaves the file alone', async () => {
    const first = await writeState(statePath, step(base, 'target.database.a'));
    const ours = step(first, 'target.database.ours');
    await writeState(statePath, step(first, 'target.database.theirs'));
    const onDisk = fs.readFileSync(statePath, 'utf8');
    const e = await refusal(writeState(statePath, ours));
    expect(e.message).toBe(`state file ${statePath} is at serial 2, but this write is based on serial 1: another process changed the state`);
    const ahead = await refusal(writeState(statePath, step(step(step(first, 'target.database.b'), 'target.database.c'), 'target.database.d')));
    expect(ahead.message).toMatch(/is at serial 2, but this write is based on serial 3:/);
    expect(fs.readFileSync(statePath, 'utf8')).toBe(onDisk);
  });

  it('refuses a write whose serial was not bumped', async () => {
    const first = await writeState(statePath, step(base, 'target.database.a'));
    const e = await refusal(writeState(statePath, withResource(first, { address: 'target.database.b', kind: 'database', attributes: {}, updated_at: AT })));
    expect(e.message).toMatch(/is at serial 1, but this write is based on serial 0/);
  });

  it('refuses to overwrite another lineage, or to write serial N+1 where the file has gone', async () => {
    await writeState(statePath, step(base, 'target.database.a'));
    const other = emptyState({ pgreplVersion: '0.1.0', lineage: '11111111-2222-4333-8444-555555555555' });
    const e = await refusal(writeState(statePath, step(step(other, 'target.database.x'), 'target.database.y')));
    expect(e.message).toBe(
      `state file ${statePath} belongs to another state (lineage ${LINEAGE}); this write is for lineage 11111111-2222-4333-8444-555555555555`,
    );
    const gone = path.join(dir, 'gone.json');
    const e2 = await refusal(writeState(gone, step(step(base, 'target.database.a'), 'target.database.b')));
    expect(e2.message).toBe(`state file ${gone} does not exist, but this write is based on serial 1: another process removed or moved it`);
    expect(fs.existsSync(gone)).toBe(false);
  });

  it('does not overwrite a file written by a newer pgrepl', async () => {
    const first = await writeState(statePath, step(base, 'target.database.a'));
    const newer = { ...(JSON.parse(fs.readFileSync(statePath, 'utf8')) as object), version: 2 };
    fs.writeFileSync(statePath, JSON.stringify(newer));
    const e = await refusal(writeState(statePath, step(first, 'target.database.b')));
    expect(e.message).toMatch(/state file written by a newer pgrepl \(format 2\); this pgrepl reads format 1: upgrade pgrepl$/);
    expect((JSON.parse(fs.readFileSync(statePath, 'utf8')) as { version: number }).version).toBe(2);
  });

  it('refuses a document that would not read back, before touching the disk', async () => {
    const bad = bumpSerial(withResource(base, { address: 'target.database.a', kind: 'database', attributes: {}, updated_at: 'yesterday' }));
    const e = await refusal(writeState(statePath, bad));
    expect(e.hints).toEqual([expect.stringMatching(/^\/resources\/0\/updated_at: must match pattern/)]);
    expect(fs.existsSync(path.dirname(statePath))).toBe(false);
  });

  it('refuses to store a known secret, leaving the previous state in place', async () => {
    const secret = 'correct horse battery staple';
    const first = await writeState(statePath, step(base, 'target.database.a'), { secrets: [secret] });
    const leaking = step(first, 'target.subscription.shop', { conninfo: `host=h password='${secret}'` });
    const e = await refusal(writeState(statePath, leaking, { secrets: [secret] }));
    expect(e.message).toBe('refusing to write the state file: it would hold a password');
    expect(e.hints[0]).toBe('at /resources/1/attributes/conninfo');
    expect(fs.readFileSync(statePath, 'utf8')).toBe(serializeState(first));
    expect(fs.readFileSync(statePath, 'utf8')).not.toContain(secret);
  });
});
