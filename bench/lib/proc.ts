// Processes and CPU accounting for the benchmarks. Client tools run under bash with pipefail; connection settings
// go through the environment only (trust-auth clusters: no password anywhere).
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from '../../test/harness/index.js';

const CLK_TCK = 100;
const OUTPUT_TAIL_CHARS = 64_000;

/** The caller's environment without any PG* variable (a stray PGPASSWORD or PGDATABASE must not leak in). */
export function cleanEnv(extra: Readonly<Record<string, string>>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PG')) env[k] = v;
  return { ...env, ...extra };
}

export interface ShOptions {
  /** Append stdout here instead of dropping it. */
  readonly stdoutFile?: string;
}

/** Run a bash script; resolves to (the tail of) its stdout, rejects with the exit code, the script and stderr's tail. */
export function sh(script: string, env: NodeJS.ProcessEnv, opts: ShOptions = {}): Promise<string> {
  const command = opts.stdoutFile ? `{ ${script}\n} >>"$BENCH_STDOUT_FILE"` : script;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-o', 'pipefail', '-c', command], {
      env: opts.stdoutFile ? { ...env, BENCH_STDOUT_FILE: opts.stdoutFile } : env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout = (stdout + d.toString()).slice(-OUTPUT_TAIL_CHARS); });
    child.stderr.on('data', (d: Buffer) => { stderr = (stderr + d.toString()).slice(-OUTPUT_TAIL_CHARS); });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(stdout);
      else reject(new Error(`exit ${String(code)}: ${script}\n${stderr}`));
    });
  });
}

/** Whether an executable is on PATH. */
export async function onPath(name: string): Promise<boolean> {
  try {
    await sh(`command -v ${name} >/dev/null`, process.env);
    return true;
  } catch {
    return false;
  }
}

interface ProcTimes { readonly ppid: number; readonly self: number; readonly children: number }

function procTimes(pid: number): ProcTimes | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${String(pid)}/stat`, 'utf8');
  } catch {
    return null;
  }
  const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { ppid: Number(f[1]), self: Number(f[11]) + Number(f[12]), children: Number(f[13]) + Number(f[14]) };
}

/**
 * A server's CPU seconds so far: its postmaster's own + its reaped children's (cutime/cstime: exited backends) +
 * its live children's. The difference over a run is the CPU of every backend that worked for it.
 */
export function serverCpuS(cluster: Cluster): number {
  const pm = Number(readFileSync(join(cluster.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
  // A backend reaped while /proc is scanned would be counted twice or not at all (it moves from the live children
  // into the postmaster's cutime): rescan until the postmaster's reaped-children total did not move meanwhile.
  for (;;) {
    const before = procTimes(pm);
    if (!before) return 0;
    let ticks = before.self + before.children;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      const t = procTimes(Number(entry));
      if (t?.ppid === pm) ticks += t.self + t.children;
    }
    if (procTimes(pm)?.children === before.children) return ticks / CLK_TCK;
  }
}

/** CPU seconds of this process's reaped children (the client tools, and pgrepl's CLI process). */
export function toolsCpuS(): number {
  return (procTimes(process.pid)?.children ?? 0) / CLK_TCK;
}
