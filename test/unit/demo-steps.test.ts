// The demo's step list and the child environment of its CLI steps.
import { describe, expect, it } from 'vitest';
import { childEnv } from '../../src/demo/run-cli.js';
import { DEMO_STEPS, stepTitle } from '../../src/demo/steps.js';

describe('demo steps', () => {
  it('validate, plan, apply, the row check, a streamed row, status, verify, then plan again', () => {
    expect(DEMO_STEPS.map(stepTitle)).toEqual([
      'pgrepl validate',
      'pgrepl plan',
      'pgrepl apply --auto-approve',
      'Rows per table, source vs target (counted by the demo)',
      'A lead inserted on the source arrives on the target (logical replication)',
      'pgrepl status',
      'pgrepl verify',
      'pgrepl plan --detailed-exitcode',
    ]);
  });

  it('the second plan fails the demo unless it is empty', () => {
    const last = DEMO_STEPS.at(-1);
    expect(last?.kind === 'cli' && last.okExitCodes).toEqual([0]);
  });
});

describe('child environment', () => {
  it('drops PG* variables and passes NO_COLOR when colour is off', () => {
    const env = childEnv({ PATH: '/bin', PGSSLMODE: 'require', PGHOST: 'elsewhere', PGPASSWORD: 'x', HOME: '/h' }, false);
    expect(env).toEqual({ PATH: '/bin', HOME: '/h', NO_COLOR: '1' });
    expect(childEnv({ PATH: '/bin' }, true)).toEqual({ PATH: '/bin' });
  });
});
