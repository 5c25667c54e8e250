import { describe, expect, it } from 'vitest';
import { renderWindowFilter, windowLowerBound } from '../../src/plan/time-window.js';
import type { TimeWindow } from '../../src/spec/model.js';

const w = (amount: number, unit: TimeWindow['unit']) => ({ amount, unit });

describe('windowLowerBound', () => {
  // Each expectation is what PostgreSQL 15 printed for `(anchor::timestamptz - interval '…')::text` under
  // TimeZone=UTC, DateStyle=ISO (checked with postgres --single on a throwaway cluster).
  it.each([
    ['2026-03-31 10:00:00+00', w(1, 'months'), '2026-02-28 10:00:00+00'],
    ['2024-02-29 00:00:00+00', w(1, 'years'), '2023-02-28 00:00:00+00'],
    ['2024-02-29 00:00:00+00', w(4, 'years'), '2020-02-29 00:00:00+00'],
    ['2026-11-26 09:00:00.123456+00', w(90, 'days'), '2026-08-28 09:00:00.123456+00'],
    ['2026-01-15 00:00:00+00', w(13, 'months'), '2024-12-15 00:00:00+00'],
    ['2026-05-31 23:59:59.5+00', w(3, 'months'), '2026-02-28 23:59:59.5+00'],
    ['2026-03-01 00:30:00+00', w(1, 'hours'), '2026-02-28 23:30:00+00'],
    ['2026-03-01 00:00:00+00', w(2, 'weeks'), '2026-02-15 00:00:00+00'],
    ['2026-12-31 12:00:00+00', w(10, 'months'), '2026-02-28 12:00:00+00'],
    ['2026-03-31 01:00:00+02', w(1, 'months'), '2026-02-28 23:00:00+00'],
    ['2000-03-30 00:00:00+00', w(1, 'months'), '2000-02-29 00:00:00+00'],
    ['2026-08-28 09:00:00+00', w(100_000, 'seconds'), '2026-08-27 05:13:20+00'],
    ['0101-01-01 00:00:00+00', w(1, 'years'), '0100-01-01 00:00:00+00'],
  ])('%s - %j = %s (as PostgreSQL computes it)', (anchor, window, expected) => {
    expect(windowLowerBound(anchor, window)).toBe(expected);
  });

  it('takes a JavaScript ISO string and minutes', () => {
    expect(windowLowerBound('2026-11-26T09:00:00.000Z', w(90, 'days'))).toBe('2026-08-28 09:00:00+00');
    expect(windowLowerBound('2026-11-26T09:00:00Z', w(61, 'minutes'))).toBe('2026-11-26 07:59:00+00');
  });

  it('refuses an anchor without an offset and a window before the year 1', () => {
    expect(() => windowLowerBound('2026-11-26 09:00:00', w(1, 'days'))).toThrow(/not an ISO 8601 time with an offset/);
    expect(() => windowLowerBound('2026-11-26 09:00:00+00', w(3000, 'years'))).toThrow(/before the year 1/);
    expect(() => windowLowerBound('2026-11-26 09:00:00+00', w(0, 'days'))).toThrow(/positive whole number, not 0/);
    expect(() => windowLowerBound('2026-11-26 09:00:00+00', w(1.5, 'days'))).toThrow(/positive whole number, not 1.5/);
  });
});

describe('renderWindowFilter', () => {
  const bound = '2026-08-28 09:00:00.5+00';
  it('writes the literal in the column type', () => {
    expect(renderWindowFilter('created_at', 'timestamp with time zone', bound)).toBe("created_at >= '2026-08-28 09:00:00.5+00'::timestamp with time zone");
    expect(renderWindowFilter('created_at', 'timestamp(3) without time zone', bound)).toBe("created_at >= '2026-08-28 09:00:00.5'::timestamp without time zone");
    expect(renderWindowFilter('Created On', 'date', bound)).toBe(`"Created On" >= '2026-08-28'::date`);
    expect(renderWindowFilter('order', 'timestamptz', bound)).toBe(`"order" >= '2026-08-28 09:00:00.5+00'::timestamp with time zone`);
  });

  it('refuses other column types and a bound it did not make', () => {
    expect(() => renderWindowFilter('id', 'bigint', bound)).toThrow(/needs a timestamp, timestamptz or date column; id is bigint/);
    expect(() => renderWindowFilter('c', 'date', "2026-08-28'; DROP TABLE x; --")).toThrow(/not a UTC timestamp/);
  });
});
