// PGREPL_FAULT values: each fault reads only its own form.
import { expect, it } from 'vitest';
import { afterStepFault, killMidCopyFaultRows, midCopyFaultRows } from '../../src/pg/copy/fault.js';

it('parses after-step:N, kill-mid-copy:N and mid-copy:N apart', () => {
  expect(afterStepFault({ PGREPL_FAULT: 'after-step:3' })).toBe(3);
  expect(afterStepFault({ PGREPL_FAULT: ' after-step:12 ' })).toBe(12);
  expect(afterStepFault({ PGREPL_FAULT: 'mid-copy:3' })).toBeUndefined();
  expect(killMidCopyFaultRows({ PGREPL_FAULT: 'kill-mid-copy:5000' })).toBe(5000);
  expect(midCopyFaultRows({ PGREPL_FAULT: 'kill-mid-copy:5000' })).toBeUndefined();
  expect(killMidCopyFaultRows({ PGREPL_FAULT: 'mid-copy:5000' })).toBeUndefined();
  expect(afterStepFault({})).toBeUndefined();
});
