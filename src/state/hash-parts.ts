// One way to hash a list of strings for names and paths: the list is hashed as JSON, so no choice of separator
// can make two different lists ("a", "bc" and "ab", "c") hash alike.
import { createHash } from 'node:crypto';

/** sha256 hex of the JSON array of `parts`. */
export function hashParts(parts: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(parts), 'utf8').digest('hex');
}
