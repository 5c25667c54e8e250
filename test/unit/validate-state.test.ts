// The `state.backend` check over what state-probe.ts found.
import { describe, expect, it } from 'vitest';
import { checkStateBackend } from '../../src/validate/checks/state-backend.js';
import type { StateProbe } from '../../src/validate/state-probe.js';

const probe = (extra: Partial<StateProbe>): StateProbe => ({
  backend: 'postgres', description: 'postgres state "ci" in postgres://ci@db:5432/ops schema pgrepl', state: null, lockedBy: null, problem: null, ...extra,
});

describe('checkStateBackend', () => {
  it('is silent for inputs without a probe (fixtures)', () => {
    expect(checkStateBackend(undefined)).toEqual([]);
  });

  it('ok: no state yet, or the serial it holds', () => {
    expect(checkStateBackend(probe({}))).toEqual([{ id: 'state.backend', status: 'ok', subject: 'state', message: 'postgres state "ci" in postgres://ci@db:5432/ops schema pgrepl: no state yet: the first apply creates it' }]);
    expect(checkStateBackend(probe({ state: { lineage: 'L', serial: 7 } }))[0]?.message).toMatch(/serial 7 of lineage L$/);
  });

  it('warns while another run holds the lock, fails with the fix when the state cannot be written', () => {
    const locked = checkStateBackend(probe({ lockedBy: 'pgrepl apply (pid 4 on host ci-7, since 10:00:00 UTC)' }))[0];
    expect(locked?.status).toBe('warn');
    expect(locked?.message).toContain('locked now by pgrepl apply (pid 4 on host ci-7');
    const refused = checkStateBackend(probe({ problem: { message: 'role ci may not create the state schema pgrepl', hints: ['grant it: GRANT CREATE ON DATABASE ops TO ci;'] } }))[0];
    expect(refused).toMatchObject({ status: 'fail', message: 'role ci may not create the state schema pgrepl', fix: ['grant it: GRANT CREATE ON DATABASE ops TO ci;'] });
  });
});
