// A reader that stops early (`pgrepl spec from-toml big.toml | head`): the CLI ends with its own exit code and no
// stack trace, instead of dying on EPIPE. Offline (no server): a TOML config whose YAML spec is far larger than a pipe.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, ensureCli } from './e2e-helpers.js';

describe('stdout closed by the reader', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pgrepl-epipe-'));
  beforeAll(async () => {
    await ensureCli();
    const sections = Array.from({ length: 3000 }, (_, i) => `[databases.db${String(i)}]\nschema_only = ["audit_logs_${String(i)}", "analytics.archive_${String(i)}"]\n`);
    writeFileSync(join(dir, 'big.toml'), sections.join('\n'));
  }, 300_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('ends with exit 0 and no EPIPE trace when the reader closes after the first chunk', async () => {
    const child = spawn(process.execPath, [CLI, 'spec', 'from-toml', join(dir, 'big.toml')], { cwd: dir, env: { PATH: process.env['PATH'] ?? '', NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    let first = 0;
    child.stderr.on('data', (c: Buffer) => void (err += c.toString()));
    child.stdout.once('data', (c: Buffer) => {
      first = c.length;
      child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(first).toBeGreaterThan(0);
    expect(err).not.toMatch(/EPIPE|Unhandled 'error' event|at .*node:/);
    expect(code).toBe(0);
  });
});
