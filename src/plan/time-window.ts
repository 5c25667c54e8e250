// Anchored time windows (CONTRACTS.md, Plans): `last: 90 days` becomes a literal lower bound once, from the source's
// now() at the first apply (the anchor), so the filter, the state record and every later plan agree, and a plan made
// a day later is still empty. Pure: the anchor comes from the caller (the source's clock, or a test's).
//
// The arithmetic is PostgreSQL's `timestamptz - interval` under TimeZone=UTC (CONTRACTS.md, Sessions): months and
// years move the calendar month and clamp the day to the month's end ('2026-03-31' - 1 month = '2026-02-28'), days and
// weeks move the calendar day, hours, minutes and seconds move the clock. Microseconds of the anchor are kept.
import { quoteIdent, quoteLiteral } from '../pg/sql/quote.js';
import type { TimeWindow } from '../spec/model.js';
import { PgreplError } from '../util/errors.js';

const ANCHOR = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,6})\d*)?(Z|[+-]\d{2}(?::?\d{2})?)$/;

const SECONDS_PER: Readonly<Record<'seconds' | 'minutes' | 'hours' | 'days' | 'weeks', number>> = {
  seconds: 1, minutes: 60, hours: 3_600, days: 86_400, weeks: 604_800,
};

function daysInMonth(year: number, month: number): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month, 0);
  return d.getUTCDate();
}

/** Epoch seconds of a UTC wall-clock time; setUTCFullYear, unlike Date.UTC, keeps years 0-99 as given. */
function epochSeconds(y: number, mo: number, d: number, h: number, mi: number, s: number): number {
  const date = new Date(0);
  date.setUTCFullYear(y, mo - 1, d);
  date.setUTCHours(h, mi, s, 0);
  return date.getTime() / 1000;
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/**
 * The window's lower bound as PostgreSQL prints a timestamptz under DateStyle=ISO, TimeZone=UTC:
 * `2026-08-28 09:00:00+00`, with `.ffffff` (trailing zeros dropped) when the anchor has fractional seconds.
 * `anchorIso` is an ISO 8601 time with an offset (`2026-11-26T09:00:00Z`) or PostgreSQL's text (`2026-11-26 09:00:00.123456+00`).
 */
export function windowLowerBound(anchorIso: string, window: Pick<TimeWindow, 'amount' | 'unit'>): string {
  if (!Number.isSafeInteger(window.amount) || window.amount < 1) {
    // The spec's grammar allows only 1-999999999; anything else here is a caller's bug, not a window.
    throw new PgreplError(`time window amount must be a positive whole number, not ${window.amount}`);
  }
  const m = ANCHOR.exec(anchorIso);
  if (m === null) throw new PgreplError(`time window anchor ${JSON.stringify(anchorIso)} is not an ISO 8601 time with an offset`);
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const micros = (m[7] ?? '').padEnd(6, '0');
  const zone = m[8] as string;
  const offsetSign = zone.startsWith('-') ? -1 : 1;
  const offsetDigits = zone === 'Z' ? '0000' : zone.slice(1).replace(':', '').padEnd(4, '0');
  const offsetSeconds = offsetSign * (Number(offsetDigits.slice(0, 2)) * 3_600 + Number(offsetDigits.slice(2)) * 60);
  // To UTC first: the session computes in UTC, so the month arithmetic below is on the UTC calendar.
  let t = epochSeconds(y, mo, d, h, mi, s) - offsetSeconds;

  if (window.unit === 'months' || window.unit === 'years') {
    const utc = new Date(t * 1000);
    const months = window.unit === 'years' ? window.amount * 12 : window.amount;
    const total = utc.getUTCFullYear() * 12 + utc.getUTCMonth() - months;
    const year = Math.floor(total / 12);
    const month = total - year * 12 + 1;
    const day = Math.min(utc.getUTCDate(), daysInMonth(year, month));
    t = epochSeconds(year, month, day, utc.getUTCHours(), utc.getUTCMinutes(), utc.getUTCSeconds());
  } else {
    t -= window.amount * SECONDS_PER[window.unit];
  }
  const r = new Date(t * 1000);
  if (!Number.isFinite(t) || r.getUTCFullYear() < 1) {
    throw new PgreplError(`time window last ${window.amount} ${window.unit} from ${anchorIso} reaches before the year 1`);
  }
  const fraction = micros.replace(/0+$/, '');
  return `${pad(r.getUTCFullYear(), 4)}-${pad(r.getUTCMonth() + 1)}-${pad(r.getUTCDate())} ` +
    `${pad(r.getUTCHours())}:${pad(r.getUTCMinutes())}:${pad(r.getUTCSeconds())}${fraction === '' ? '' : `.${fraction}`}+00`;
}

type WindowColumnType = 'timestamp with time zone' | 'timestamp without time zone' | 'date';

const TYPE_NAMES: Readonly<Record<string, WindowColumnType>> = {
  'timestamp with time zone': 'timestamp with time zone', timestamptz: 'timestamp with time zone',
  'timestamp without time zone': 'timestamp without time zone', timestamp: 'timestamp without time zone',
  date: 'date',
};

/** The literal in the column's own type, so the comparison uses the column's index and needs no cast of the column. */
const LITERAL: Readonly<Record<WindowColumnType, (bound: string) => string>> = {
  'timestamp with time zone': (b) => b,
  // Wall-clock UTC: the session's TimeZone is UTC, so this is the same instant the timestamptz bound names.
  'timestamp without time zone': (b) => b.replace(/\+00$/, ''),
  // Truncated to the day: the whole first day of the window is kept (a date has no time to compare).
  date: (b) => b.slice(0, b.indexOf(' ')),
};

/**
 * `created_at >= '2026-08-28 09:00:00+00'::timestamp with time zone`. `columnType` is format_type's name (a precision
 * such as `timestamp(3) with time zone` is dropped: rounding the bound could move it later and lose rows).
 */
export function renderWindowFilter(column: string, columnType: string, lowerBound: string): string {
  const type = TYPE_NAMES[columnType.replace(/\(\d+\)/, '').replace(/\s+/g, ' ').trim()];
  if (type === undefined) {
    throw new PgreplError(`a time window needs a timestamp, timestamptz or date column; ${quoteIdent(column)} is ${columnType}`);
  }
  if (!/^\d{4,}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d{1,6})?\+00$/.test(lowerBound)) {
    throw new PgreplError(`time window bound ${JSON.stringify(lowerBound)} is not a UTC timestamp from windowLowerBound()`);
  }
  return `${quoteIdent(column)} >= ${quoteLiteral(LITERAL[type](lowerBound))}::${type}`;
}
