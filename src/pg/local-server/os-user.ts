// Which OS user runs initdb, pg_ctl and postgres for a throwaway local server. initdb and postgres refuse to run
// as root, so as root the servers run as the unprivileged `postgres` user when the machine has one (a Debian or
// RPM PostgreSQL install creates it), else as `nobody`; pgrepl never creates system users. As anyone else they
// run as that user.
import { execa } from 'execa';
import { PgreplError } from '../../util/errors.js';

export interface ServerOsUser {
  readonly name: string;
  readonly uid: number;
  readonly gid: number;
  /** True when we run as root and server processes must drop to uid/gid. */
  readonly switchUser: boolean;
}

export const SERVER_USER_CANDIDATES: readonly string[] = ['postgres', 'nobody'];

async function idsOf(name: string): Promise<{ uid: number; gid: number } | undefined> {
  const [uid, gid] = await Promise.all([
    execa('id', ['-u', name], { reject: false }),
    execa('id', ['-g', name], { reject: false }),
  ]);
  if (uid.exitCode !== 0 || gid.exitCode !== 0) return undefined;
  const ids = { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  return Number.isInteger(ids.uid) && Number.isInteger(ids.gid) && ids.uid !== 0 ? ids : undefined;
}

/** The user server processes run as. `candidates` is for tests. */
export async function serverOsUser(candidates: readonly string[] = SERVER_USER_CANDIDATES): Promise<ServerOsUser> {
  const uid = process.getuid?.() ?? -1;
  if (uid !== 0) {
    return { name: process.env['USER'] ?? String(uid), uid, gid: process.getgid?.() ?? -1, switchUser: false };
  }
  for (const name of candidates) {
    const ids = await idsOf(name);
    if (ids) return { name, ...ids, switchUser: true };
  }
  throw new PgreplError('running as root, and no unprivileged OS user to run PostgreSQL as (initdb refuses root)', {
    hints: [`create one (useradd --system ${candidates[0] ?? 'postgres'}) or run the demo as an ordinary user`],
  });
}

/** spawn options that run a child as the server user (nothing when no switch is needed). */
export function asServerUser(user: ServerOsUser): { uid?: number; gid?: number } {
  return user.switchUser ? { uid: user.uid, gid: user.gid } : {};
}
