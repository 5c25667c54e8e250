// Names pgrepl gives to the publications, slots and subscriptions it creates (CONTRACTS.md): readable (the
// database key) and unique per state lineage and target, so two pgrepl states, or one source replicated to two
// targets, never share a slot or a publication. Lives in state because the lineage does.
import { hashParts } from './hash-parts.js';

const NAME_PREFIX = 'pgrepl_';
const KEY_MAX_CHARS = 30;
const HASH_HEX_CHARS = 8;
/** A valid unquoted PostgreSQL name of at most NAMEDATALEN - 1 bytes; slots allow nothing else. */
const REPLICATION_NAME_PATTERN = /^[a-z0-9_]{1,63}$/;

/** `pgrepl_<key reduced to [a-z0-9_], at most 30 chars>_<first 8 hex of sha256(lineage, target, key)>`. */
export function replicationObjectName(databaseKey: string, lineage: string, targetIdentity: string): string {
  // By code point, so a character outside the BMP becomes one `_`, not two.
  const reduced = Array.from(databaseKey.toLowerCase(), (ch) => (/^[a-z0-9_]$/.test(ch) ? ch : '_'))
    .slice(0, KEY_MAX_CHARS)
    .join('');
  const hash = hashParts([lineage, targetIdentity, databaseKey]).slice(0, HASH_HEX_CHARS);
  const name = `${NAME_PREFIX}${reduced}_${hash}`;
  if (!REPLICATION_NAME_PATTERN.test(name)) throw new Error(`replication object name ${JSON.stringify(name)} is not a valid name`);
  return name;
}
