// Closing a session must never hang: end() waits for the server's goodbye, which a backend busy in a COPY may not
// send soon. After a short grace the socket is destroyed; the server then rolls back whatever was open.
import type pg from 'pg';

const CLOSE_GRACE_MS = 2_000;

/** Graceful close with a bounded wait. */
export async function closeClient(client: pg.Client, graceMs: number = CLOSE_GRACE_MS): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const ended = client.end().then(() => true, () => true);
  const timedOut = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const clean = await Promise.race([ended, timedOut]);
  if (timer !== undefined) clearTimeout(timer);
  if (!clean) killClient(client);
}

/** Immediate close: the server sees the socket go and rolls back the session's transaction. */
export function killClient(client: pg.Client): void {
  client.connection.stream.destroy();
}
