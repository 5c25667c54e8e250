// verify's large objects in the report: the text line and the exit code (pure parts).
import { describe, expect, it } from 'vitest';
import { largeObjectsLine, renderVerifyText } from '../../src/render/verify/render-verify-text.js';
import { verifyExitCode } from '../../src/verify/run-verify.js';
import type { LargeObjectsReport, VerifyReport } from '../../src/verify/types.js';

const equal: LargeObjectsReport = {
  outcome: 'equal', count: { source: 603, target: 603 }, missing: [], changed: [], extra: [], counts: { missing: 0, changed: 0, extra: 0 }, notes: [], error: null, seconds: 0.42,
};
const different: LargeObjectsReport = {
  ...equal, outcome: 'different', count: { source: 603, target: 602 }, missing: [700011], changed: [1, 2, 3], extra: [9], counts: { missing: 1, changed: 12, extra: 1 },
};
const failed: LargeObjectsReport = { ...equal, outcome: 'error', error: 'permission denied for large object 7 (SQLSTATE 42501)' };

function report(lo: LargeObjectsReport | undefined): VerifyReport {
  return {
    format_version: '1', checkedAt: '2026-11-27T07:00:00.000Z', samplePercent: null, seconds: 1,
    databases: [{ key: 'shop', targetDatabase: 'shop', schemaDifferences: [], tables: [], ...(lo === undefined ? {} : { largeObjects: lo }) }],
    summary: { tables: 0, equal: 0, different: 0, changedDuringCheck: 0, errors: 0, schemaDifferences: 0 },
  };
}

describe('large objects in verify', () => {
  it('says equal, or names what differs with whole counts', () => {
    expect(largeObjectsLine(equal)).toBe('large objects: 603 on the source, 603 on the target: equal (0.42 s)');
    expect(largeObjectsLine(different)).toBe(
      'large objects: 603 on the source, 602 on the target: DIFFERENT: 1 missing on target: 700011; 12 with other data: 1, 2, 3, … (9 more); 1 made by pgrepl and gone from the source: 9 (0.42 s)',
    );
    expect(largeObjectsLine(failed)).toBe('large objects: ERROR: permission denied for large object 7 (SQLSTATE 42501)');
  });

  it('counts in the exit code: 2 when they differ, 1 when they could not be checked', () => {
    expect(verifyExitCode(report(undefined))).toBe(0);
    expect(verifyExitCode(report(equal))).toBe(0);
    expect(verifyExitCode(report(different))).toBe(2);
    expect(verifyExitCode(report(failed))).toBe(1);
  });

  it('shows the line and a summary part in the text', () => {
    const text = renderVerifyText(report({ ...different, notes: ['logical replication does not carry large objects'] }));
    expect(text).toContain('\n  large objects: 603 on the source, 602 on the target: DIFFERENT');
    expect(text).toContain('\n    note: logical replication does not carry large objects');
    expect(text).toContain('large objects DIFFERENT or unchecked in 1 database');
    expect(renderVerifyText(report(equal))).toContain(', large objects equal (');
    expect(renderVerifyText(report(undefined))).not.toContain('large objects');
  });
});
