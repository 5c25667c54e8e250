// Tells whether the process that wrote a lock still runs. A pid alone is not enough: pids are reused, and after
// a crash a new, unrelated process may hold the old number. On Linux a process is identified by the boot it runs
// in (/proc/sys/kernel/random/boot_id) and its start time in clock ticks since boot (/proc/<pid>/stat field 22),
// compared exactly, so no clock-tick rate or wall clock is involved. Elsewhere only the pid can be checked.
import { readFileSync, readlinkSync } from 'node:fs';

/** Identifies one run of a process on Linux; null fields where /proc does not say. */
export interface ProcessStart {
  readonly boot_id: string;
  readonly start_ticks: number;
}

/** `reused`: the pid runs, but it is another process than the recorded one. */
export type ProcessLiveness = 'alive' | 'gone' | 'reused';

// Linux fixes USER_HZ (the unit of /proc/<pid>/stat times) at 100 for user space on the architectures Node runs on.
const USER_HZ_TICKS_PER_S = 100;

/** The start of process `pid`, or null when it is gone or this is not Linux. */
export function processStart(pid: number): ProcessStart | null {
  const stat = readProcStat(pid);
  const bootId = readText('/proc/sys/kernel/random/boot_id');
  if (stat === null || bootId === null) return null;
  return { boot_id: bootId.trim(), start_ticks: stat.startTicks };
}

/** The pid namespace of this process (`pid:[4026531836]`): pids of two namespaces cannot be compared. */
export function pidNamespace(): string | null {
  try {
    return readlinkSync('/proc/self/ns/pid');
  } catch {
    return null;
  }
}

/** When the process started (wall clock, for messages only), or null when /proc does not say. */
export function processStartedAt(start: ProcessStart): string | null {
  const btime = readText('/proc/stat')?.match(/^btime (\d+)$/m)?.[1];
  if (btime === undefined) return null;
  return new Date((Number(btime) + start.start_ticks / USER_HZ_TICKS_PER_S) * 1000).toISOString();
}

/**
 * Whether the process recorded as `pid` (started at `recorded`, when known) still runs on this host and in this
 * pid namespace. A zombie (killed, not yet reaped by its parent) counts as gone: it can no longer hold anything.
 */
export function processLiveness(pid: number, recorded: ProcessStart | null): ProcessLiveness {
  // pid 0 and negative pids address process groups in kill(2); a lock never records one.
  if (!Number.isInteger(pid) || pid <= 0) return 'gone';
  try {
    process.kill(pid, 0);
  } catch (e: unknown) {
    // EPERM: it exists but belongs to another user.
    if ((e as NodeJS.ErrnoException).code !== 'EPERM') return 'gone';
  }
  const stat = readProcStat(pid);
  if (stat === null) return readText('/proc/self/stat') === null ? 'alive' : 'gone';
  if (stat.state === 'Z' || stat.state === 'X' || stat.state === 'x') return 'gone';
  if (recorded === null) return 'alive';
  const now = processStart(pid);
  if (now === null) return 'alive';
  if (now.boot_id !== recorded.boot_id) return 'gone'; // the machine restarted since the lock was written
  return now.start_ticks === recorded.start_ticks ? 'alive' : 'reused';
}

function readProcStat(pid: number): { readonly state: string; readonly startTicks: number } | null {
  const text = readText(`/proc/${pid}/stat`);
  if (text === null) return null;
  // Field 2 is the command name in parentheses and may itself hold spaces and ')': fields start after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).trim().split(' ');
  const state = fields[0]; // field 3
  const startTicks = Number(fields[19]); // field 22
  if (state === undefined || !Number.isSafeInteger(startTicks)) return null;
  return { state, startTicks };
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}
