// Phases of one `pgrepl apply` run, read from its own output: the bench reads the CLI's stdout and stderr itself and
// stamps every line with the time it arrived (in this process, so the CLI never waits on a slow reader: node writes
// to a pipe synchronously), and the lines that open a phase are matched here. A phase
// whose line the CLI does not print is left out, so a change in the output wording loses detail, never a figure.
//   start+plan   process start, spec, both servers read, plan made and printed (up to `Plan: …`)
//   pre-data     database, schema and tables created (up to the first `copying N tables`)
//   copy         the rows (up to `data copied`)
//   post-data    keys, indexes, state (up to `ANALYZE of`)
//   analyze      ANALYZE and the closing state write (up to `Apply complete!`)
//   exit         summary printed to process exit

import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';

interface Marker { readonly phase: string; readonly line: RegExp }

const MARKERS: readonly Marker[] = [
  { phase: 'start+plan', line: /^Plan: / },
  { phase: 'pre-data', line: /: copying \d+ tables?/ },
  { phase: 'copy', line: /: data copied/ },
  { phase: 'post-data', line: /: ANALYZE of/ },
  { phase: 'analyze', line: /^Apply complete!/ },
];

/**
 * Run a command with stdout and stderr stamped line by line (`<epoch seconds> <line>`) into `logFile`; rejects on
 * a non-zero exit with the tail of the output.
 */
export function runStamped(command: string, args: readonly string[], env: NodeJS.ProcessEnv, logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out: string[] = [];
    const stamp = (): ((d: Buffer) => void) => {
      let partial = '';
      return (d: Buffer) => {
        const at = (Date.now() / 1000).toFixed(3);
        const parts = (partial + d.toString()).split('\n');
        partial = parts.pop() ?? '';
        for (const p of parts) out.push(`${at} ${p}`);
      };
    };
    child.stdout.on('data', stamp());
    child.stderr.on('data', stamp());
    child.on('error', reject);
    child.on('close', (code) => {
      appendFileSync(logFile, out.join('\n') + '\n');
      if (code === 0) resolve();
      else reject(new Error(`exit ${String(code)}: ${[command, ...args].join(' ')}\n${out.slice(-30).join('\n')}`));
    });
  });
}

/** Phase -> milliseconds, from stamped output and the process's start and end (epoch ms). */
export function applyPhases(stamped: string, startMs: number, endMs: number): Record<string, number> {
  const lines = stamped.split('\n').map((l) => {
    const space = l.indexOf(' ');
    return { ms: Number(l.slice(0, space)) * 1000, text: l.slice(space + 1) };
  }).filter((l) => Number.isFinite(l.ms) && l.ms > 0);
  const phases: Record<string, number> = {};
  let last = startMs;
  for (const m of MARKERS) {
    const hit = lines.find((l) => l.ms >= last && m.line.test(l.text));
    if (!hit) continue;
    phases[m.phase] = hit.ms - last;
    last = hit.ms;
  }
  phases['exit'] = endMs - last;
  return phases;
}
