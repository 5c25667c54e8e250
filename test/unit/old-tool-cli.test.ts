// The pure parts of the old tool's commands: scope inheritance between init and sync, the target URL pointed at
// the maintenance database, the y/N question, the --seren line, when the picker runs, and option checks.
import { PassThrough } from 'node:stream';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { askProceed, proceedText } from '../../src/cli/ask-proceed.js';
import { runFlagApply, type InitIo } from '../../src/cli/commands/init.js';
import { pickerFor } from '../../src/cli/picker.js';
import { serenNotice } from '../../src/cli/seren-notice.js';
import { inheritScope, readScopeMemory, scopeMemoryPath, writeScopeMemory } from '../../src/flags/scope-memory.js';
import type { FlagScope, TableRef } from '../../src/flags/types.js';
import { parseConnString } from '../../src/pg/conninfo/index.js';
import { connStringWithDatabase } from '../../src/pg/conninfo/with-database.js';

const ref = (raw: string): TableRef => ({ parts: raw.split('.'), raw, origin: '--flag' });

describe('inheritScope', () => {
  const init: FlagScope = {
    includeDatabases: ['app'],
    schemaOnlyTables: [ref('audit_logs'), ref('archive_table')],
    timeFilters: [{ ref: ref('events'), column: 'created_at', last: '6 months' }],
    tableFilters: [{ ref: ref('transactions'), where: "status = 'active'" }],
  };

  it('takes every kind the command does not give from the last run, and names the non-empty ones', () => {
    const given: FlagScope = { timeFilters: [{ ref: ref('events'), column: 'created_at', last: '6 months' }] };
    const r = inheritScope(given, init);
    expect(r.scope).toEqual({ ...init, timeFilters: given.timeFilters });
    expect(r.inherited).toEqual(['--include-databases/--exclude-databases', '--schema-only-tables', '--table-filter']);
  });

  it('a given kind replaces the remembered one whole, an empty one clears it; include/exclude travel as a pair', () => {
    const r = inheritScope({ schemaOnlyTables: [], excludeDatabases: ['staging'] }, init);
    expect(r.scope.schemaOnlyTables).toEqual([]);
    expect(r.scope.excludeDatabases).toEqual(['staging']);
    expect(r.scope.includeDatabases).toBeUndefined();
    expect(r.inherited).not.toContain('--schema-only-tables');
  });

  it('without a last run, the given scope stands alone', () => {
    expect(inheritScope({}, null)).toEqual({ scope: {}, inherited: [] });
  });

  it('is kept beside the state file, and a foreign file is refused with what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'pgrepl-scope-'));
    try {
      const state = join(dir, '.pgrepl', 'flags-0123456789abcdef.json');
      expect(scopeMemoryPath(state)).toBe(join(dir, '.pgrepl', 'flags-0123456789abcdef.scope.json'));
      expect(await readScopeMemory(state)).toBeNull();
      await writeScopeMemory(state, { scope: init, sync: false });
      expect(await readScopeMemory(state)).toEqual({ scope: init, sync: false });
      const { writeFileSync } = await import('node:fs');
      writeFileSync(scopeMemoryPath(state), '{"version": 9}');
      await expect(readScopeMemory(state)).rejects.toThrow(/remove it to start the flags afresh/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('connStringWithDatabase', () => {
  it('replaces the database of a URL and keeps everything else byte for byte', () => {
    expect(connStringWithDatabase('postgres://app:p%40ss@h:5433/shop?sslmode=require', 'postgres')).toBe('postgres://app:p%40ss@h:5433/postgres?sslmode=require');
    expect(connStringWithDatabase('postgresql://h1:5432,h2:5433/shop', 'postgres')).toBe('postgresql://h1:5432,h2:5433/postgres');
    expect(connStringWithDatabase('postgres://[::1]:5432', 'postgres')).toBe('postgres://[::1]:5432/postgres');
    expect(connStringWithDatabase('postgres://h/shop?dbname=other&application_name=x', 'postgres')).toBe('postgres://h/postgres?application_name=x');
    expect(connStringWithDatabase('postgres://h/shop', 'my db')).toBe('postgres://h/my%20db');
  });

  it('replaces dbname in key=value strings, quoted or not', () => {
    const out = connStringWithDatabase("host=h dbname='my shop' password='a b' user=app", 'postgres');
    const ci = parseConnString(out, { env: {} });
    expect(ci.database).toBe('postgres');
    expect(ci.password).toBe('a b');
    expect(ci.user).toBe('app');
    expect(parseConnString(connStringWithDatabase('host=h', 'x'), { env: {} }).database).toBe('x');
  });
});

describe('Proceed? [y/N]', () => {
  it('names destructive steps before the question', () => {
    expect(proceedText([])).toBe('\nProceed? [y/N]: ');
    expect(proceedText(['target.rows.app.public.users'])).toContain('drop or rewrite data on the target:\n  - target.rows.app.public.users\nProceed? [y/N]: ');
  });

  it.each([['y\n', true], ['YES\n', true], ['\n', false], ['n\n', false], ['yep\n', false]])('answer %j -> %s', async (answer, want) => {
    const input = new PassThrough();
    const output = new PassThrough();
    output.resume();
    const asked = askProceed([], input, output);
    input.write(answer);
    expect(await asked).toBe(want);
  });

  it('end of input is no', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    output.resume();
    const asked = askProceed([], input, output);
    input.end();
    expect(await asked).toBe(false);
  });
});

describe('--seren and the picker', () => {
  it('says once that pgrepl runs here, for the flag or the key, and never prints the key', () => {
    expect(serenNotice({}, {})).toBeNull();
    expect(serenNotice({ seren: true }, {})).toMatch(/no remote execution/);
    const withKey = serenNotice({}, { SEREN_API_KEY: 'sk-secret' });
    expect(withKey).toMatch(/Continuing locally/);
    expect(withKey).not.toContain('sk-secret');
  });

  it('runs only in a terminal when nothing else chose the scope', () => {
    const tty = { input: new PassThrough(), output: new PassThrough() };
    expect(pickerFor('init', {}, tty)).not.toBeNull();
    expect(pickerFor('init', {}, null)).toBeNull();
    expect(pickerFor('init', { yes: true }, tty)).toBeNull();
    expect(pickerFor('init', { interactive: false }, tty)).toBeNull();
    expect(pickerFor('init', { 'time-filter': ['events:created_at:1 day'] }, tty)).toBeNull();
    expect(pickerFor('init', { config: 'r.toml' }, tty)).toBeNull();
    expect(pickerFor('init', { 'table-filter': [] }, tty)).not.toBeNull();
  });
});

describe('init/sync options', () => {
  const io = (): InitIo => ({
    out: () => undefined, err: () => undefined, env: {}, color: false, interactive: false, ask: () => Promise.resolve(false),
    handleSignals: false, pickerStreams: null, cwd: tmpdir(),
  });

  it('refuses a bad --job-timeout, --no-sync on sync, and missing servers before connecting anywhere', async () => {
    await expect(runFlagApply('init', { source: 'postgres://h/a', target: 'postgres://h/b', 'job-timeout': 0 }, io())).rejects.toThrow(/invalid init options/);
    await expect(runFlagApply('sync', { source: 'postgres://h/a', target: 'postgres://h/b', sync: false }, io())).rejects.toThrow(/invalid sync options/);
    await expect(runFlagApply('init', { source: 'postgres://h/a' }, io())).rejects.toThrow(/--target is missing/);
    await expect(runFlagApply('init', { source: 'postgres://h/a', target: 'postgres://h/b', 'include-databases': 'a', 'exclude-databases': 'b' }, io())).rejects.toThrow(/--include-databases and --exclude-databases/);
  });
});
