// PGREPL_NOW: the injected clock (CONTRACTS.md, Plans: "Tests inject the clock"). When set, it stands in for the
// source's now(), which anchors time windows. It must be an ISO 8601 time with an explicit offset, so the anchor
// means one instant whatever the TimeZone of the session that later reads it.
import { InputError } from '../util/errors.js';

export const NOW_ENV = 'PGREPL_NOW';

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(\.\d{1,6})?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** The override, trimmed, or undefined when PGREPL_NOW is unset or empty; an InputError when it is not a valid time. */
export function nowOverride(env: NodeJS.ProcessEnv): string | undefined {
  const raw = env[NOW_ENV];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = raw.trim();
  const m = ISO_WITH_OFFSET.exec(value);
  if (m === null || !validParts(m)) {
    throw new InputError(`${NOW_ENV} is not an ISO 8601 time with an offset`, [
      {
        severity: 'error',
        message: `${NOW_ENV}=${JSON.stringify(value)} is not an ISO 8601 time with an offset`,
        hints: ['write it like 2026-11-26T09:00:00Z or 2026-11-26 09:00:00.123456+00'],
      },
    ]);
  }
  return value;
}

function validParts(m: RegExpExecArray): boolean {
  const [year, month, day, hour, minute, second] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return false;
  // Day in range for that month (Date.UTC rolls 2026-02-30 over to March: compare back).
  const date = new Date(Date.UTC(year, month - 1, day));
  if (day < 1 || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
  const offset = m[8] ?? '';
  if (/^z$/i.test(offset)) return true;
  const [oh, om] = [Number(offset.slice(1, 3)), Number(offset.replace(':', '').slice(3, 5) || '0')];
  return oh <= 15 && om <= 59;
}
