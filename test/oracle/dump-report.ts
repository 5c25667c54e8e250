// A readable account of how two normalised dumps (or listings) differ, for assertion messages.
import { compareNormalisedDumps } from './pg-dump-normalise.js';

const MAX_SHOWN_STATEMENTS = 40;

/** '' when the two lists hold the same statements; otherwise each side's extra statements, labelled. */
export function describeDifference(first: readonly string[], second: readonly string[], labels: readonly [string, string]): string {
  const diff = compareNormalisedDumps(first, second);
  if (diff.onlyInFirst.length === 0 && diff.onlyInSecond.length === 0) return '';
  const block = (label: string, items: readonly string[]): string => items.length === 0 ? '' :
    `--- only in ${label} (${String(items.length)}):\n${items.slice(0, MAX_SHOWN_STATEMENTS).join(';\n')}${items.length > MAX_SHOWN_STATEMENTS ? '\n…' : ''}\n`;
  return block(labels[0], diff.onlyInFirst) + block(labels[1], diff.onlyInSecond);
}
