// Start-up cost: the yargs definitions commands/index.ts lists import only light modules at run time (the command
// bodies come in with `await import` inside the handlers), so `pgrepl --help`, completion and one command never
// load the others' dependencies. And `apply --auto-approve` without a saved plan skips the throughput sample on the
// source: nobody weighs the estimate before the plan runs, while `plan` and an interactive apply still sample.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

const sampled: boolean[] = [];
const STOP = 'stopped after introspection';
vi.mock('../../src/introspect/read-actual.js', () => ({
  readActualState: (_spec: unknown, opts: { sampleThroughput?: boolean }) => {
    sampled.push(opts.sampleThroughput === true);
    return Promise.reject(new Error(STOP));
  },
}));

const { runApply } = await import('../../src/cli/commands/apply.js');
const { runPlan } = await import('../../src/cli/commands/plan.js');

const commandsDir = new URL('../../src/cli/commands/', import.meta.url);
/** What a definition module may import at run time (type-only imports are erased). */
// flag-options.ts holds yargs option definitions only (it imports nothing at run time).
const LIGHT_IMPORTS = new Set(['yargs', '../defaults.js', '../run.js', '../flag-options.js']);

function runtimeImports(file: string): string[] {
  const text = readFileSync(new URL(file, commandsDir), 'utf8');
  return [...text.matchAll(/^import\s+(?!type\b)[^'"]*['"]([^'"]+)['"]/gm)].map((m) => m[1] ?? '');
}

describe('command definitions load light', () => {
  const definitions = readdirSync(commandsDir).filter((f) => f.endsWith('-command.ts'));

  it('index.ts lists only definition modules', () => {
    expect(definitions.length).toBeGreaterThanOrEqual(5);
    for (const spec of runtimeImports('index.ts')) expect(spec).toMatch(/^\.\/[a-z-]+-command\.js$/);
  });
  it.each(definitions)('%s imports no command body at load', (file) => {
    for (const spec of runtimeImports(file)) expect(LIGHT_IMPORTS, `${file} imports ${spec}`).toContain(spec);
    expect(readFileSync(new URL(file, commandsDir), 'utf8')).toMatch(/await import\('\.\/[a-z-]+\.js'\)/);
  });
});

describe('throughput sample', () => {
  let dir: string;
  const io = {
    out: () => undefined, err: () => undefined, env: {}, color: false, interactive: true, handleSignals: false,
    ask: () => Promise.resolve(false),
  };
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'pgrepl-lazy-'));
    writeFileSync(join(dir, 'pgrepl.yaml'), 'version: 1\nsource: { url: "host=a" }\ntarget: { url: "host=b" }\nstate: { path: state.json }\ndatabases: { shop: }\n');
    sampled.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is skipped by apply --auto-approve, taken by plan and by an apply that asks', async () => {
    const spec = join(dir, 'pgrepl.yaml');
    await expect(runApply({ spec, 'auto-approve': true }, io)).rejects.toThrow(STOP);
    await expect(runApply({ spec }, io)).rejects.toThrow(STOP);
    await expect(runPlan({ spec }, io)).rejects.toThrow(STOP);
    expect(sampled).toEqual([false, true, true]);
  });
});
