// Where flag-mode commands (`--source/--target`, no spec) keep their state (CONTRACTS.md): one file per source
// and target pair in `.pgrepl/` of the working directory, so `pgrepl sync` run twice for the same pair finds its
// state again and a different pair never shares it.
import * as path from 'node:path';
import { hashParts } from './hash-parts.js';

/** The directory, relative to the working directory. */
export const FLAGS_STATE_DIR = '.pgrepl';

const FLAGS_HASH_HEX_CHARS = 16;

/**
 * A short stable hash of identity strings (sha256, first 16 hex). Identities name a server and database (host,
 * port, database, user), never a password: the hash must not change when the password does, and is printed.
 */
export function identityHash(identities: readonly string[]): string {
  return hashParts(identities).slice(0, FLAGS_HASH_HEX_CHARS);
}

/** `<cwd>/.pgrepl/flags-<hash>.json` for this source and target. */
export function flagsStatePath(cwd: string, sourceIdentity: string, targetIdentity: string): string {
  return path.join(cwd, FLAGS_STATE_DIR, `flags-${identityHash([sourceIdentity, targetIdentity])}.json`);
}
