// The picker driven key by key through a fake terminal: every choice ends up in the ResolvedScope, the summary
// shows all of them, declining returns null, Ctrl-C is a clear "nothing was changed" error.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runPicker } from '../../src/flags/wizard/run-picker.js';
import { InputError } from '../../src/util/errors.js';
import { FakeTty, KEY, erase, fakeCatalog, table } from './wizard-fake-tty.js';

const { enter, space, down, ctrlC } = KEY;

function catalog() {
  return fakeCatalog({
    app: [
      table('public', 'logs', 120_000),
      table('public', 'audit', 40, ['at']),
      table('public', 'orders', 5_000, ['created_at']),
      table('sales', 'events', -1, ['created_at', 'day']),
    ],
    analytics: [table('public', 'facts', 10)],
    staging: [table('public', 'tmp', 0)],
  });
}

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'pgrepl-wizard-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('runPicker', () => {
  it('Enter through every prompt: all databases, every table, all rows, no spec file', async () => {
    const tty = new FakeTty();
    const cat = catalog();
    const picked = runPicker(cat, tty.io(tempDir()));
    await tty.run([
      { waitFor: /Databases to replicate/, send: enter },
      { waitFor: /Tables of 'app' to EXCLUDE/, send: enter },
      { waitFor: /Tables of 'app' to copy as SCHEMA ONLY/, send: enter },
      { waitFor: /Tables of 'app' to copy only RECENT rows/, send: enter },
      { waitFor: /Tables of 'analytics' to EXCLUDE/, send: enter },
      { waitFor: /Tables of 'analytics' to copy as SCHEMA ONLY/, send: enter },
      { waitFor: /Tables of 'staging' to EXCLUDE/, send: enter },
      { waitFor: /Tables of 'staging' to copy as SCHEMA ONLY/, send: enter },
      { waitFor: /Proceed with this configuration\?/, send: enter },
      { waitFor: /Save this selection as a spec file/, send: enter },
    ]);
    const result = await picked;
    expect(result).toEqual({
      scope: { databases: { kind: 'only', names: ['app', 'analytics', 'staging'] }, perDatabase: [], notes: [] },
      saveSpecTo: null,
    });
    // analytics and staging have no time column: the time-filter step is skipped for them.
    expect(tty.text).not.toMatch(/Tables of 'analytics' to copy only RECENT/);
    expect(tty.text).toContain('Databases to replicate: 3 of 3');
    expect(tty.text).toContain('app: every table, all rows');
    expect(tty.text).toContain('public.logs (~120,000 rows)');
    expect(tty.text).toContain('sales.events (rows unknown)');
  });

  it('exclusions, schema-only and a time filter all land in the scope and the summary', async () => {
    const tty = new FakeTty();
    const dir = tempDir();
    const picked = runPicker(catalog(), tty.io(dir));
    await tty.run([
      // staging is third: untick it.
      { waitFor: /Databases to replicate/, send: [down, down, space, enter] },
      // app: exclude public.logs (first).
      { waitFor: /Tables of 'app' to EXCLUDE/, send: [space, enter] },
      // offered now: audit, orders, events; audit is schema-only.
      { waitFor: /Tables of 'app' to copy as SCHEMA ONLY/, send: [space, enter] },
      // offered now: orders, events (audit has no rows to filter); pick events.
      { waitFor: /Tables of 'app' to copy only RECENT rows/, send: [down, space, enter] },
      { waitFor: /Time column of sales\.events/, send: [down, enter] },
      { waitFor: /Copy rows of sales\.events whose day is within the last/, send: ['6 month', enter] },
      { waitFor: /Tables of 'analytics' to EXCLUDE/, send: enter },
      { waitFor: /Tables of 'analytics' to copy as SCHEMA ONLY/, send: enter },
      { waitFor: /Proceed with this configuration\?/, send: enter },
      { waitFor: /Save this selection as a spec file/, send: ['y', enter] },
      { waitFor: /Spec file path/, send: ['specs.yaml', enter] },
    ]);
    const result = await picked;
    expect(result).toEqual({
      scope: {
        databases: { kind: 'only', names: ['app', 'analytics'] },
        perDatabase: [
          {
            name: 'app',
            includeTables: null,
            excludeTables: [{ schema: 'public', table: 'logs' }],
            schemaOnly: [{ schema: 'public', table: 'audit' }],
            tableFilters: [],
            timeFilters: [{ schema: 'sales', table: 'events', column: 'day', last: '6 months' }],
          },
        ],
        notes: [],
      },
      saveSpecTo: join(dir, 'specs.yaml'),
    });
    const summary = tty.text.slice(tty.text.indexOf('Replication configuration summary'));
    expect(summary).toContain('Databases to replicate: 2 of 3');
    expect(summary).toContain('Not replicated: staging');
    expect(summary).toContain('✗ public.logs');
    expect(summary).toContain('○ public.audit');
    expect(summary).toContain('◷ sales.events: rows whose day is within the last 6 months');
    expect(summary).toContain('analytics: every table, all rows');
    // The schema-only table was not offered for a time filter.
    const timeStep = tty.text.slice(tty.text.lastIndexOf("Tables of 'app' to copy only RECENT rows"));
    expect(timeStep.slice(0, timeStep.indexOf('Time column'))).not.toContain('public.audit');
  });

  it('a database with a single time column needs no column question; the window is validated', async () => {
    const tty = new FakeTty();
    const picked = runPicker(fakeCatalog({ app: [table('public', 'orders', 5, ['created_at'])] }), tty.io(tempDir()));
    await tty.run([
      { waitFor: /Databases to replicate/, send: enter },
      { waitFor: /Tables of 'app' to EXCLUDE/, send: enter },
      { waitFor: /Tables of 'app' to copy as SCHEMA ONLY/, send: enter },
      { waitFor: /Tables of 'app' to copy only RECENT rows/, send: [space, enter] },
      { waitFor: /whose created_at is within the last/, send: ['90 fortnights', enter] },
      { waitFor: /Write a number and a unit \(seconds, minutes, hours, days, weeks, months, years\)/, send: [...erase('90 fortnights'.length), '2 weeks', enter] },
      { waitFor: /Proceed with this configuration\?/, send: enter },
      { waitFor: /Save this selection as a spec file/, send: enter },
    ]);
    const result = await picked;
    expect(result?.scope.perDatabase).toEqual([
      { name: 'app', includeTables: null, excludeTables: [], schemaOnly: [], tableFilters: [], timeFilters: [{ schema: 'public', table: 'orders', column: 'created_at', last: '2 weeks' }] },
    ]);
    expect(tty.text).not.toMatch(/Time column of/);
  });

  it('Enter on the window takes the default 90 days', async () => {
    const tty = new FakeTty();
    const picked = runPicker(fakeCatalog({ app: [table('public', 'orders', 5, ['created_at'])] }), tty.io(tempDir()));
    await tty.run([
      { waitFor: /Databases to replicate/, send: enter },
      { waitFor: /to EXCLUDE/, send: enter },
      { waitFor: /SCHEMA ONLY/, send: enter },
      { waitFor: /RECENT rows/, send: [space, enter] },
      { waitFor: /within the last/, send: enter },
      { waitFor: /Proceed with this configuration\?/, send: enter },
      { waitFor: /Save this selection/, send: enter },
    ]);
    expect((await picked)?.scope.perDatabase[0]?.timeFilters).toEqual([{ schema: 'public', table: 'orders', column: 'created_at', last: '90 days' }]);
  });

  it('at least one database is required', async () => {
    const tty = new FakeTty();
    const picked = runPicker(catalog(), tty.io(tempDir()));
    await tty.run([
      // `a` toggles all off; Enter is refused; tick analytics (second) and go on.
      { waitFor: /Databases to replicate/, send: ['a', enter] },
      { waitFor: /At least one choice must be selected/, send: [down, space, enter] },
      { waitFor: /Tables of 'analytics' to EXCLUDE/, send: enter },
      { waitFor: /SCHEMA ONLY/, send: enter },
      { waitFor: /Proceed with this configuration\?/, send: enter },
      { waitFor: /Save this selection/, send: enter },
    ]);
    expect((await picked)?.scope.databases).toEqual({ kind: 'only', names: ['analytics'] });
  });

  it('declining at the confirmation returns null and offers no spec file', async () => {
    const tty = new FakeTty();
    const picked = runPicker(fakeCatalog({ app: [table('public', 'logs', 1)] }), tty.io(tempDir()));
    await tty.run([
      { waitFor: /Databases to replicate/, send: enter },
      { waitFor: /to EXCLUDE/, send: [space, enter] },
      { waitFor: /Proceed with this configuration\?/, send: ['n', enter] },
    ]);
    expect(await picked).toBeNull();
    expect(tty.text).not.toMatch(/Save this selection/);
  });

  it('Ctrl-C in a prompt rejects with an InputError saying nothing was changed', async () => {
    const tty = new FakeTty();
    const picked = runPicker(catalog(), tty.io(tempDir()));
    const outcome = picked.then(
      () => null,
      (e: unknown) => e,
    );
    await tty.run([
      { waitFor: /Databases to replicate/, send: enter },
      { waitFor: /Tables of 'app' to EXCLUDE/, send: [space, ctrlC] },
    ]);
    const err = await outcome;
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).message).toMatch(/cancelled: nothing was changed/);
  });

  it('an existing spec file is overwritten only when confirmed; declining asks for another path', async () => {
    const tty = new FakeTty();
    const dir = tempDir();
    writeFileSync(join(dir, 'pgrepl.yaml'), 'keep me\n');
    writeFileSync(join(dir, 'other.yaml'), 'old\n');
    const picked = runPicker(fakeCatalog({ app: [] }), tty.io(dir));
    await tty.run([
      { waitFor: /Databases to replicate/, send: enter },
      { waitFor: /Proceed with this configuration\?/, send: enter },
      { waitFor: /Save this selection/, send: ['y', enter] },
      { waitFor: /Spec file path/, send: enter },
      { waitFor: /pgrepl\.yaml already exists\. Overwrite it\?/, send: enter },
      { waitFor: /Spec file path/, send: ['other.yaml', enter] },
      { waitFor: /other\.yaml already exists\. Overwrite it\?/, send: ['y', enter] },
    ]);
    const result = await picked;
    expect(result?.saveSpecTo).toBe(join(dir, 'other.yaml'));
    expect(tty.text).toContain("'app' has no tables to choose from");
  });

  it('a spec path in a missing directory is refused at the prompt', async () => {
    const tty = new FakeTty();
    const dir = tempDir();
    const picked = runPicker(fakeCatalog({ app: [] }), tty.io(dir));
    await tty.run([
      { waitFor: /Databases to replicate/, send: enter },
      { waitFor: /Proceed with this configuration\?/, send: enter },
      { waitFor: /Save this selection/, send: ['y', enter] },
      { waitFor: /Spec file path/, send: ['nope/x.yaml', enter] },
      { waitFor: /does not exist/, send: [...erase('nope/x.yaml'.length), 'x.yaml', enter] },
    ]);
    expect((await picked)?.saveSpecTo).toBe(join(dir, 'x.yaml'));
  });

  it('a source without databases is an input error, not an empty prompt', async () => {
    const tty = new FakeTty();
    await expect(runPicker(fakeCatalog({}), tty.io())).rejects.toBeInstanceOf(InputError);
  });
});
