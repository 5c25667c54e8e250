// Fault injection for tests: PGREPL_FAULT=mid-copy:<rows> fails a table copy once that many rows streamed, so
// tests prove that the target keeps nothing half-copied without depending on timing.

export const FAULT_ENV = 'PGREPL_FAULT';

export class InjectedFaultError extends Error {
  constructor(rows: number) {
    super(`injected fault (${FAULT_ENV}=mid-copy:${rows}) after ${rows} rows`);
    this.name = 'InjectedFaultError';
  }
}

/** The row count of a `mid-copy:<rows>` fault, or undefined. Other faults (e.g. `after-step:3`) are not ours. */
export function midCopyFaultRows(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const value = env[FAULT_ENV];
  if (value === undefined) return undefined;
  const m = /^mid-copy:(\d+)$/.exec(value.trim());
  if (m === null) return undefined;
  return Number(m[1]);
}
