// "Did you mean" for names the user typed: spec keys, database and table names. Case differences count as
// the closest match of all, because catalog names are case-sensitive and `Orders` for `orders` is the most
// common slip.
import { distance } from 'fastest-levenshtein';

/**
 * Up to `max` candidates close to `name`, closest first (ties keep candidate order); never `name` itself. A
 * candidate is close when its case-insensitive edit distance is at most a third of the longer name (at least
 * 2), or when one contains the other case-insensitively and both have 3+ characters (`orders` ->
 * `sales.orders`).
 */
export function closeMatches(name: string, candidates: readonly string[], max = 3): string[] {
  const wanted = name.toLowerCase();
  const scored: { candidate: string; score: number; index: number }[] = [];
  const seen = new Set<string>();
  candidates.forEach((candidate, index) => {
    if (candidate === name || seen.has(candidate)) return;
    seen.add(candidate);
    const lower = candidate.toLowerCase();
    const d = distance(wanted, lower);
    const limit = Math.max(2, Math.floor(Math.max(wanted.length, lower.length) / 3));
    const contains = wanted.length >= 3 && lower.length >= 3 && (lower.includes(wanted) || wanted.includes(lower));
    if (d > limit && !contains) return;
    // Same letters in another case first, then by edit distance.
    const score = d === 0 ? -1 : d;
    scored.push({ candidate, score, index });
  });
  scored.sort((a, b) => a.score - b.score || a.index - b.index);
  return scored.slice(0, Math.max(0, max)).map((s) => s.candidate);
}
