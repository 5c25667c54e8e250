// Where the end-to-end tests look for leaked passwords: every spelling of every harness role's password, in CLI
// output, saved plans and every file under the workspace (state, backups, temporary files).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { READER_ROLE, SOURCE_ROLE, SUPERUSER_PASSWORD, TARGET_ROLE } from '../harness/index.js';
import { secretSpellings } from './e2e-helpers.js';

const SECRETS = [SOURCE_ROLE.password, TARGET_ROLE.password, READER_ROLE.password, SUPERUSER_PASSWORD];

/** Every file below `dir`, recursively. */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/** The spellings of harness passwords that `text` contains (empty when none leaked). */
export function leaks(text: string): string[] {
  return SECRETS.flatMap((secret) => secretSpellings(secret).filter((form) => text.includes(form)));
}
