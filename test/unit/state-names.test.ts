// Names of replication objects and the flag-mode state path: pure, stable, and different where they must be.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FLAGS_STATE_DIR, flagsStatePath, identityHash } from '../../src/state/flags-path.js';
import { replicationObjectName } from '../../src/state/object-names.js';

const LINEAGE = '0b7c6c1e-4a57-4f0e-9a3e-5a8c2f1d9e00';
const TARGET = 'db2.example:5432';

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

describe('replicationObjectName', () => {
  it('reduces the key to [a-z0-9_] and appends 8 hex of sha256 over lineage, target and key', () => {
    const expectedHash = sha256(JSON.stringify([LINEAGE, TARGET, 'my-app'])).slice(0, 8);
    expect(replicationObjectName('my-app', LINEAGE, TARGET)).toBe(`pgrepl_my_app_${expectedHash}`);
    expect(replicationObjectName('Shop.EU café', LINEAGE, TARGET)).toMatch(/^pgrepl_shop_eu_caf__[0-9a-f]{8}$/);
    expect(replicationObjectName('a😀b', LINEAGE, TARGET)).toMatch(/^pgrepl_a_b_[0-9a-f]{8}$/);
  });

  it('truncates a long key to 30 characters and stays a valid name', () => {
    const name = replicationObjectName('x'.repeat(100), LINEAGE, TARGET);
    expect(name).toMatch(/^pgrepl_x{30}_[0-9a-f]{8}$/);
    expect(name.length).toBe(46);
    expect(name).toMatch(/^[a-z0-9_]{1,63}$/);
  });

  it('is stable, and differs per target, per lineage, and for keys that reduce alike', () => {
    const name = replicationObjectName('shop', LINEAGE, TARGET);
    expect(replicationObjectName('shop', LINEAGE, TARGET)).toBe(name);
    expect(replicationObjectName('shop', LINEAGE, 'db3.example:5432')).not.toBe(name);
    expect(replicationObjectName('shop', '11111111-2222-4333-8444-555555555555', TARGET)).not.toBe(name);
    expect(replicationObjectName('my-app', LINEAGE, TARGET)).not.toBe(replicationObjectName('my_app', LINEAGE, TARGET));
    expect(replicationObjectName('x'.repeat(31), LINEAGE, TARGET)).not.toBe(replicationObjectName('x'.repeat(32), LINEAGE, TARGET));
  });
});

describe('flagsStatePath', () => {
  it('is .pgrepl/flags-<16 hex of sha256 over source and target identity>.json under the working directory', () => {
    const hash = sha256(JSON.stringify(['src:5432/app user=a', 'dst:5432/app user=b'])).slice(0, 16);
    expect(flagsStatePath('/work/dir', 'src:5432/app user=a', 'dst:5432/app user=b')).toBe(`/work/dir/${FLAGS_STATE_DIR}/flags-${hash}.json`);
  });

  it('differs when source and target swap or change, and cannot be confused by where one ends', () => {
    const path = flagsStatePath('/w', 'a', 'b');
    expect(flagsStatePath('/w', 'a', 'b')).toBe(path);
    expect(flagsStatePath('/w', 'b', 'a')).not.toBe(path);
    expect(flagsStatePath('/w', 'a', 'c')).not.toBe(path);
    expect(identityHash(['ab', 'c'])).not.toBe(identityHash(['a', 'bc']));
    expect(identityHash(['ab', 'c'])).toMatch(/^[0-9a-f]{16}$/);
  });
});
