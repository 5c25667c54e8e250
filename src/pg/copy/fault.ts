// Fault injection for tests (PGREPL_FAULT), so resume tests kill or fail apply at exact points instead of racing
// a timer:
//   mid-copy:<rows>       a table copy fails (throws) once that many rows streamed: the unit rolls back.
//   kill-mid-copy:<rows>  the process SIGKILLs itself once a table's stream passed that many rows, while the COPY
//                         is really in flight (kill -9 of apply in the middle of a large COPY).
//   after-step:<N>        the apply engine SIGKILLs the process right after recording plan step N (src/apply).
//   mid-large-objects:<N>       the large object copy fails once N objects committed (src/pg/large-objects).
//   kill-mid-large-objects:<N>  the process SIGKILLs itself once N large objects committed.

export const FAULT_ENV = 'PGREPL_FAULT';

export class InjectedFaultError extends Error {
  constructor(rows: number) {
    super(`injected fault (${FAULT_ENV}=mid-copy:${rows}) after ${rows} rows`);
    this.name = 'InjectedFaultError';
  }
}

function faultNumber(env: NodeJS.ProcessEnv, name: string): number | undefined {
  const value = env[FAULT_ENV];
  if (value === undefined) return undefined;
  const m = new RegExp(`^${name}:(\\d+)$`).exec(value.trim());
  if (m === null) return undefined;
  return Number(m[1]);
}

/** The row count of a `mid-copy:<rows>` fault, or undefined. Other faults are not this one's. */
export function midCopyFaultRows(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return faultNumber(env, 'mid-copy');
}

/** The row count of a `kill-mid-copy:<rows>` fault, or undefined. */
export function killMidCopyFaultRows(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return faultNumber(env, 'kill-mid-copy');
}

/** The step index of an `after-step:<N>` fault, or undefined. */
export function afterStepFault(env: NodeJS.ProcessEnv = process.env): number | undefined {
  return faultNumber(env, 'after-step');
}

/** kill -9 of this very process: no exit handler, no finally block, no flush runs (what a real kill -9 does). */
export function killSelf(): never {
  process.kill(process.pid, 'SIGKILL');
  // SIGKILL to oneself is delivered before kill() returns on Linux; this only satisfies the type checker.
  throw new Error('SIGKILL was not delivered');
}

/** A `mid-large-objects:<N>` or `kill-mid-large-objects:<N>` fault, or undefined. */
export function largeObjectsFault(env: NodeJS.ProcessEnv = process.env): { readonly objects: number; readonly kill: boolean } | undefined {
  const fail = faultNumber(env, 'mid-large-objects');
  if (fail !== undefined) return { objects: fail, kill: false };
  const kill = faultNumber(env, 'kill-mid-large-objects');
  return kill === undefined ? undefined : { objects: kill, kill: true };
}
