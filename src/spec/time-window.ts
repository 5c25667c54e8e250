// `last: 90 days` -> { amount: 90, unit: 'days' }. The same grammar serves the old tool's `--time-filter
// table:column:6 months` flag (issue 7), so it lives on its own.
import type { TimeWindow, WindowUnit } from './model.js';

const UNITS: readonly WindowUnit[] = ['seconds', 'minutes', 'hours', 'days', 'weeks', 'months', 'years'];
// At most 9 digits: the amount must survive an `interval` literal and a JS number unchanged.
const WINDOW = /^\s*([1-9][0-9]{0,8})\s*(second|minute|hour|day|week|month|year)s?\s*$/;

export const WINDOW_UNITS: readonly WindowUnit[] = UNITS;

/** Parses `N unit` (singular or plural unit); null when the text is not a window. */
export function parseTimeWindow(text: string): TimeWindow | null {
  const m = WINDOW.exec(text);
  if (!m || m[1] === undefined || m[2] === undefined) return null;
  const amount = Number(m[1]);
  const unit = `${m[2]}s` as WindowUnit;
  return { amount, unit, text: `${amount} ${amount === 1 ? unit.slice(0, -1) : unit}` };
}
