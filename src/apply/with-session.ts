// A target session that the cancel signal cuts, always closed: every session of the engine (the maintenance one,
// a database's main one, the extra post-data and ANALYZE workers) goes through here, so a cancel kills them all.
import type { ApplySession } from '../pg/apply/apply-session.js';

/** Opens a session that the signal cuts; `fn` runs with it, and it is always closed. */
export async function withSession<T>(open: () => Promise<ApplySession>, signal: AbortSignal | undefined, fn: (s: ApplySession) => Promise<T>): Promise<T> {
  const session = await open();
  const onAbort = (): void => session.kill();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    if (signal?.aborted === true) session.kill();
    return await fn(session);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await session.close();
  }
}

/**
 * Runs `fn` over `units` on at most `workers` sessions: `main` (already open) and extra ones from `open`, each
 * taking the next unit in order. After a failure no new unit starts; the first error is thrown once every worker
 * stopped (so no session is left running when the caller closes `main`).
 */
export async function onSessions<T>(
  units: readonly T[], workers: number, main: ApplySession, open: () => Promise<ApplySession>, signal: AbortSignal | undefined,
  fn: (session: ApplySession, unit: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let first: { readonly error: unknown } | undefined;
  const fail = (error: unknown): void => {
    first ??= { error };
  };
  const loop = async (session: ApplySession): Promise<void> => {
    while (first === undefined && next < units.length) await fn(session, units[next++] as T);
  };
  const count = Math.max(1, Math.min(workers, units.length));
  await Promise.all([loop(main), ...Array.from({ length: count - 1 }, () => withSession(open, signal, loop))].map((run) => run.catch(fail)));
  // Assigned in the callbacks above, which TypeScript's narrowing does not see.
  const failure = first as { readonly error: unknown } | undefined;
  if (failure !== undefined) throw failure.error;
}
