// One key range compared on both sides, and the drill-down of a differing one. Server access comes through
// TableSide (tests pass in-memory fakes). Without streaming both sides are hashed at the same time. While streaming
// (CONTRACTS.md; docs/verify.md) the source is hashed first, then `catchUp` waits until the subscriber applied past
// the source's WAL insert position, then the target is hashed; a mismatch is re-checked up to RECHECKS times, and
// only a match ends the loop early, so re-checking can never hide a difference that stays.
import type { KeyRange } from '../pg/verify/verify-sql.js';
import type { RangeHash, RowHash } from '../pg/verify/verify-session.js';
import { drillStep, splitRange, LEAF_ROWS } from './chunk-plan.js';
import { diffRowHashes, type DifferenceCollector, type KeyDiff } from './diff-row-hashes.js';

export const RECHECKS = 3;
const MAX_DEPTH = 48;

export interface TableSide {
  hash(range: KeyRange | null): Promise<RangeHash>;
  keyAt(range: KeyRange, offset: number): Promise<readonly string[] | null>;
  rowHashes(range: KeyRange): Promise<readonly RowHash[]>;
}

export interface SidePair {
  readonly source: TableSide;
  readonly target: TableSide;
  /** Streaming: waits until the target applied what the source committed so far. null: a one-off copy. */
  readonly catchUp: (() => Promise<void>) | null;
}

export type Verdict = 'equal' | 'different' | 'changed-during-check';

export interface RangeResult {
  readonly verdict: Verdict;
  readonly source: RangeHash;
  readonly target: RangeHash;
}

const same = (a: RangeHash, b: RangeHash): boolean => a.rows === b.rows && a.hash === b.hash;

export async function compareRange(pair: SidePair, range: KeyRange | null): Promise<RangeResult> {
  if (pair.catchUp === null) {
    const [source, target] = await Promise.all([pair.source.hash(range), pair.target.hash(range)]);
    return { verdict: same(source, target) ? 'equal' : 'different', source, target };
  }
  let moved = false;
  let previous: RangeHash | null = null;
  let last: { source: RangeHash; target: RangeHash } | null = null;
  for (let attempt = 0; attempt <= RECHECKS; attempt++) {
    const source = await pair.source.hash(range);
    await pair.catchUp();
    const target = await pair.target.hash(range);
    if (same(source, target)) return { verdict: 'equal', source, target };
    if (previous !== null && !same(previous, source)) moved = true;
    previous = source;
    last = { source, target };
  }
  const l = last as { source: RangeHash; target: RangeHash };
  return { verdict: moved ? 'changed-during-check' : 'different', ...l };
}

/**
 * Lists a small range on both sides and diffs it. While streaming, a key is kept only when it differs in every
 * listing and its source row (or its absence) stayed the same in every listing: a row written during the check
 * has no verdict, a difference that stays is listed.
 */
async function listRange(pair: SidePair, range: KeyRange): Promise<{ diff: KeyDiff; unstable: boolean }> {
  if (pair.catchUp === null) {
    const [s, t] = await Promise.all([pair.source.rowHashes(range), pair.target.rowHashes(range)]);
    return { diff: diffRowHashes(s, t), unstable: false };
  }
  let stable: KeyDiff | null = null;
  let firstSource: Map<string, string> | null = null;
  const moved = new Set<string>();
  for (let attempt = 0; attempt <= RECHECKS; attempt++) {
    const s = await pair.source.rowHashes(range);
    await pair.catchUp();
    const t = await pair.target.rowHashes(range);
    const sourceHashes = new Map(s.map((r) => [JSON.stringify(r.key), r.hash]));
    if (firstSource === null) firstSource = sourceHashes;
    else for (const k of new Set([...firstSource.keys(), ...sourceHashes.keys()])) if (firstSource.get(k) !== sourceHashes.get(k)) moved.add(k);
    const d = diffRowHashes(s, t);
    if (d.changed.length + d.missing.length + d.extra.length === 0) return { diff: d, unstable: stable !== null };
    stable = stable === null ? d : intersect(stable, d);
  }
  const all = stable as KeyDiff;
  const still = (keys: readonly (readonly string[])[]): (readonly string[])[] => keys.filter((k) => !moved.has(JSON.stringify(k)));
  const d: KeyDiff = { changed: still(all.changed), missing: still(all.missing), extra: still(all.extra) };
  const kept = d.changed.length + d.missing.length + d.extra.length;
  return { diff: d, unstable: kept < all.changed.length + all.missing.length + all.extra.length || kept === 0 };
}

function intersect(a: KeyDiff, b: KeyDiff): KeyDiff {
  const keep = (x: readonly (readonly string[])[], y: readonly (readonly string[])[]): (readonly string[])[] => {
    const ids = new Set(y.map((k) => JSON.stringify(k)));
    return x.filter((k) => ids.has(JSON.stringify(k)));
  };
  return { changed: keep(a.changed, b.changed), missing: keep(a.missing, b.missing), extra: keep(a.extra, b.extra) };
}

export interface DrillOutcome {
  /** Some part moved while it was checked (streaming) and never matched: no verdict for it. */
  changedDuringCheck: boolean;
}

/**
 * Narrows a differing (or, while streaming, moving) range down to keys: bisect (drillStep) until a range is small
 * on both sides, then list it. Halves that compare equal are dropped; the others are followed.
 */
export async function drillDown(pair: SidePair, range: KeyRange, first: RangeResult, into: DifferenceCollector, outcome: DrillOutcome, leafRows = LEAF_ROWS, depth = 0): Promise<void> {
  // Each split at least halves one side; the depth cap only guards against rows moving under a streaming check.
  const step = depth >= MAX_DEPTH ? { kind: 'list' as const } : drillStep(first.source.rows, first.target.rows, leafRows);
  if (step.kind === 'list') {
    const listed = await listRange(pair, range);
    into.add(listed.diff);
    if (listed.unstable) outcome.changedDuringCheck = true;
    return;
  }
  const middle = await (step.side === 'source' ? pair.source : pair.target).keyAt(range, step.offset);
  if (middle === null) {
    // The side shrank since it was counted (streaming): list what is there rather than loop.
    const listed = await listRange(pair, range);
    into.add(listed.diff);
    if (listed.unstable) outcome.changedDuringCheck = true;
    return;
  }
  for (const half of splitRange(range, middle)) {
    // A half that moved is drilled too: only keys that stay different are listed, so a difference inside a busy
    // range is still found and a write in flight is not taken for one.
    const r = await compareRange(pair, half);
    if (r.verdict !== 'equal') await drillDown(pair, half, r, into, outcome, leafRows, depth + 1);
  }
}
