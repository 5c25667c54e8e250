// The local state backend: one JSON file, replaced atomically (temp file + fsync + rename, then the directory is
// synced so the rename survives a crash), with the previous version kept as `<path>.backup`. The file is 0600
// and its directory 0700 when pgrepl makes it: state names servers, roles and databases.
//
// Every write is a compare-and-swap on the serial: a document is written only when its serial is one more than
// the file's and its lineage is the file's. The lock already keeps two pgrepl runs apart; this catches what the
// lock cannot: a run that lost its lock (force-unlock), or an edited or replaced file.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { PgreplError } from '../util/errors.js';
import { assertNoSecrets } from './assert-no-secrets.js';
import { parseState } from './parse-state.js';
import { serializeState } from './serialize-state.js';
import type { StateDocument } from './state-document.js';

const STATE_FILE_MODE = 0o600;
const STATE_DIR_MODE = 0o700;

/** The file the previous version of the state is kept in. */
export function stateBackupPath(statePath: string): string {
  return `${statePath}.backup`;
}

/** The state at `statePath`, or null when there is none yet (the file does not exist). */
export async function readState(statePath: string): Promise<StateDocument | null> {
  const text = await readTextIfExists(statePath);
  return text === null ? null : parseState(text, statePath);
}

export interface WriteStateOptions {
  /** Passwords the command resolved: the write is refused if one would land in the file. */
  readonly secrets?: readonly string[];
}

/**
 * Writes `next`, whose serial must be one more than the file's (or 1 when there is no file yet; see bumpSerial),
 * and returns it. Refuses a stale base, a different lineage, and anything parseState would not read back.
 */
export async function writeState(statePath: string, next: StateDocument, options: WriteStateOptions = {}): Promise<StateDocument> {
  if (options.secrets !== undefined) assertNoSecrets(next, options.secrets);
  const text = serializeState(next);
  // What is written must read back: catches undefined attributes, bad timestamps and the like before the disk.
  const written = parseState(text, statePath);

  await fsp.mkdir(path.dirname(statePath), { recursive: true, mode: STATE_DIR_MODE });
  const currentText = await readTextIfExists(statePath);
  const current = currentText === null ? null : parseState(currentText, statePath);
  checkBase(statePath, current, next);

  if (currentText !== null) {
    await writeFileAtomic(stateBackupPath(statePath), currentText, { mode: STATE_FILE_MODE, fsync: true });
  }
  await writeFileAtomic(statePath, text, { mode: STATE_FILE_MODE, fsync: true });
  await syncDirectory(path.dirname(statePath));
  return written;
}

function checkBase(statePath: string, current: StateDocument | null, next: StateDocument): void {
  const base = next.serial - 1;
  if (current === null) {
    if (base === 0) return;
    throw new PgreplError(
      `state file ${statePath} does not exist, but this write is based on serial ${base}: another process removed or moved it`,
      { hints: [`the previous version may be in ${stateBackupPath(statePath)}`] },
    );
  }
  if (current.lineage !== next.lineage) {
    throw new PgreplError(
      `state file ${statePath} belongs to another state (lineage ${current.lineage}); this write is for lineage ${next.lineage}`,
      { hints: ['another process replaced the state file; it was not overwritten'] },
    );
  }
  if (current.serial !== base) {
    throw new PgreplError(
      `state file ${statePath} is at serial ${current.serial}, but this write is based on serial ${base}: another process changed the state`,
      { hints: ['the file was not overwritten; run the command again so it starts from the current state'] },
    );
  }
}

async function readTextIfExists(file: string): Promise<string | null> {
  try {
    return await fsp.readFile(file, 'utf8');
  } catch (e: unknown) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    // A state that exists but cannot be read must not pass for "no state yet": that would start a new lineage.
    throw new PgreplError(`cannot read state file ${file}: ${code ?? String(e)}`, { cause: e });
  }
}

async function syncDirectory(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch (e: unknown) {
    // Some filesystems cannot fsync a directory; the rename has happened, only its durability is less certain.
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EPERM' && code !== 'ENOTSUP') throw e;
  } finally {
    await handle?.close();
  }
}
