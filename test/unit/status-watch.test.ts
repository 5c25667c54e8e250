// The `pgrepl status` command body (src/cli/commands/status.ts) with a fake reader: option errors, one read, and
// the --watch loop (redraw on a terminal, append elsewhere, one JSON line per read, a failed read is printed and
// the loop goes on, Ctrl-C ends it with the last read's exit code).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CLEAR_SCREEN, runStatus, type MakeReader, type StatusIo } from '../../src/cli/commands/status.js';
import type { DatabaseObservation } from '../../src/status/types.js';
import { WORKING } from './status-fixtures.js';
import { InputError } from '../../src/util/errors.js';

const working: DatabaseObservation = WORKING;
const disabled: DatabaseObservation = { ...working, subscription: { ...working.subscription!, enabled: false, workerRunning: false }, stream: null };

/** A reader whose reads return `script` in order (an Error is thrown); calls `onRead` after each. */
function scripted(script: readonly (DatabaseObservation | Error)[], onRead: (n: number) => void = () => undefined): { make: MakeReader; closed: () => boolean } {
  let n = 0;
  let closed = false;
  const make: MakeReader = () => ({
    sourceDatabases: () => Promise.resolve([]),
    readDatabase: () => {
      const next = script[Math.min(n, script.length - 1)];
      n += 1;
      onRead(n);
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next!);
    },
    readPendingDelete: () => Promise.resolve({ exists: null, active: null, walStatus: null, retainedBytes: null }),
    close: () => {
      closed = true;
      return Promise.resolve();
    },
  });
  return { make, closed: () => closed };
}

describe('runStatus', () => {
  let dir: string;
  let spec: string;
  let out: string[];
  let errors: unknown[];
  let interrupt: (() => void) | null;
  const io = (tty: boolean): StatusIo => ({
    out: (t) => void out.push(t),
    env: {},
    color: false,
    tty,
    now: () => new Date('2026-11-26T10:00:00.000Z'),
    onInterrupt: (h) => {
      interrupt = h;
      return () => {
        interrupt = null;
      };
    },
    reportError: (e) => void errors.push(e),
  });

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgrepl-status-cli-'));
    spec = join(dir, 'pgrepl.yaml');
    writeFileSync(spec, 'version: 1\nsource: { url: "host=src" }\ntarget: { url: "host=tgt" }\nstate: { path: state.json }\ndatabases:\n  shop: { sync: true }\n');
    const at = '2026-11-26T09:00:00.000Z';
    writeFileSync(join(dir, 'state.json'), JSON.stringify({
      version: 1, lineage: '7d0c1f7e-0000-4000-8000-000000000000', serial: 1, pgrepl_version: '0.1.0', spec: null, history: [],
      resources: [
        { address: 'source.publication.shop', kind: 'publication', attributes: { name: 'pub_shop', database: 'shop' }, updated_at: at },
        { address: 'source.slot.shop', kind: 'slot', attributes: { name: 'slot_shop', database: 'shop' }, updated_at: at },
        { address: 'target.subscription.shop', kind: 'subscription', attributes: { name: 'sub_shop', database: 'shop', enabled: true }, updated_at: at },
      ],
    }));
    out = [];
    errors = [];
    interrupt = null;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a --max-lag that is no duration or size, and a --watch that is not positive', async () => {
    await expect(runStatus({ spec, 'max-lag': '30 parsecs' }, io(false), scripted([working]).make)).rejects.toThrow(InputError);
    await expect(runStatus({ spec, watch: 0 }, io(false), scripted([working]).make)).rejects.toThrow(InputError);
  });

  it('reads once: 0 when healthy, 2 when broken, and closes its sessions', async () => {
    const ok = scripted([working]);
    expect(await runStatus({ spec }, io(false), ok.make)).toBe(0);
    expect(ok.closed()).toBe(true);
    expect(out.join('')).toMatch(/Overall: healthy\n$/);
    expect(await runStatus({ spec, json: true }, io(false), scripted([disabled]).make)).toBe(2);
    expect(JSON.parse(out[1] ?? '')).toMatchObject({ format_version: '1', health: 'broken', exit_code: 2 });
  });

  it('--watch on a terminal redraws, and Ctrl-C exits with the last read\'s code', async () => {
    const r = scripted([working, disabled], (n) => n === 2 && interrupt?.());
    expect(await runStatus({ spec, watch: 0.01 }, io(true), r.make)).toBe(2);
    expect(out).toHaveLength(2);
    for (const block of out) expect(block.startsWith(CLEAR_SCREEN)).toBe(true);
    expect(out[1]).toContain('broken');
    expect(interrupt).toBeNull();
    expect(r.closed()).toBe(true);
  });

  it('--watch elsewhere appends blocks; --json prints one line per read', async () => {
    expect(await runStatus({ spec, watch: 0.01 }, io(false), scripted([disabled, working], (n) => n === 2 && interrupt?.()).make)).toBe(0);
    expect(out[0]?.startsWith('Replication status')).toBe(true);
    expect(out[1]?.startsWith('\nReplication status')).toBe(true);
    out = [];
    expect(await runStatus({ spec, watch: 0.01, json: true }, io(false), scripted([working, disabled], (n) => n === 2 && interrupt?.()).make)).toBe(2);
    expect(out.map((l) => l.split('\n').length)).toEqual([2, 2]);
  });

  it('--watch prints a failed read and goes on; a failed last read exits 1', async () => {
    const down = new Error('connection refused');
    expect(await runStatus({ spec, watch: 0.01 }, io(false), scripted([down, working], (n) => n === 2 && interrupt?.()).make)).toBe(0);
    expect(errors).toEqual([down]);
    expect(await runStatus({ spec, watch: 0.01 }, io(false), scripted([working, down], (n) => n === 2 && interrupt?.()).make)).toBe(1);
  });
});
