// Who runs the demo's servers: the current user, or as root an existing unprivileged user (never root itself).
import { describe, expect, it } from 'vitest';
import { asServerUser, serverOsUser } from '../../src/pg/local-server/os-user.js';

const isRoot = process.getuid?.() === 0;

describe('server OS user', () => {
  it.skipIf(isRoot)('is the current user when not root', async () => {
    const user = await serverOsUser();
    expect(user).toMatchObject({ uid: process.getuid?.(), switchUser: false });
    expect(asServerUser(user)).toEqual({});
  });

  it.runIf(isRoot)('as root, is the first candidate that exists, never uid 0', async () => {
    const user = await serverOsUser(['pgrepl-no-such-user', 'root', 'nobody']);
    expect(user.name).toBe('nobody');
    expect(user.uid).not.toBe(0);
    expect(asServerUser(user)).toEqual({ uid: user.uid, gid: user.gid });
  });

  it.runIf(isRoot)('as root without a candidate, says what to do', async () => {
    await expect(serverOsUser(['pgrepl-no-such-user'])).rejects.toThrow(/no unprivileged OS user/);
  });
});
