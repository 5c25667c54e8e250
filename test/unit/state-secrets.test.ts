// assertNoSecrets: a resolved password never reaches the state file, and the error never shows it.
import { describe, expect, it } from 'vitest';
import { assertNoSecrets } from '../../src/state/assert-no-secrets.js';
import { PgreplError } from '../../src/util/errors.js';

function refusal(doc: unknown, secrets: readonly string[]): PgreplError {
  try {
    assertNoSecrets(doc, secrets);
  } catch (e: unknown) {
    if (e instanceof PgreplError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
}

const LONG = 'Tr0ub4dor&3-horse';

describe('assertNoSecrets', () => {
  it('finds a password anywhere in values and keys, naming the JSON pointer and not the password', () => {
    const e = refusal(
      {
        resources: [
          { address: 'target.subscription.shop', attributes: { conninfo: `host=h user=u password='${LONG}'` } },
          { address: 'target.x', attributes: { [`key ${LONG}`]: 1, list: ['ok', `postgres://u:${encodeURIComponent(LONG)}@h/db`] } },
        ],
      },
      [LONG],
    );
    expect(e.message).toBe('refusing to write the state file: it would hold a password');
    expect(e.hints).toEqual([
      'at /resources/0/attributes/conninfo',
      'at /resources/1/attributes/key <redacted>',
      'at /resources/1/attributes/list/1',
      'the state file on disk was not changed; this is a pgrepl bug, please report it',
    ]);
  });

  it('looks for a short plain-word password only where a password goes, so an owner named like it passes', () => {
    const state = { resources: [{ address: 'target.database.postgres', attributes: { owner: 'postgres', comment: 'owned by postgres' } }] };
    expect(() => assertNoSecrets(state, ['postgres'])).not.toThrow();
    for (const leak of ["host=h password=postgres user=u", "host=h PASSWORD = 'postgres'", 'postgresql://app:postgres@db/shop', '*:*:*:app:postgres']) {
      expect(() => assertNoSecrets({ resources: [{ attributes: { conn: leak } }] }, ['postgres'])).toThrow(PgreplError);
    }
    expect(() => assertNoSecrets({ a: { password: 'xpostgresx' } }, ['postgres'])).toThrow(PgreplError);
    expect(() => assertNoSecrets({ a: 'password=postgres2' }, ['postgres'])).not.toThrow();
  });

  it('treats a short password with punctuation as findable anywhere', () => {
    expect(() => assertNoSecrets({ summary: 'copied with p@ss! ok' }, ['p@ss!'])).toThrow(PgreplError);
  });

  it('ignores empty secrets and passes a clean document', () => {
    expect(() => assertNoSecrets({ a: 'anything', b: [1, null, true, { c: 'x' }] }, ['', LONG])).not.toThrow();
    expect(() => assertNoSecrets({ a: 'x' }, [])).not.toThrow();
  });
});
