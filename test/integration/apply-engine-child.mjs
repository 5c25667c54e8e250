// Runs the apply engine in a child process, so kill -9 tests (PGREPL_FAULT=after-step:N, kill-mid-copy:N) kill a
// real process and not the test runner. Usage: node apply-engine-child.mjs <compiled src dir> <input.json>
// input: { plan, sourceUrl, targetUrl, statePath, lineage }. Prints "applied" and exits 0 when the apply finished.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, inputPath] = process.argv.slice(2);
const load = (file) => import(pathToFileURL(join(dir, file)).href);
const { applyPlan } = await load('apply/apply-plan.js');
const { localStateStore } = await load('state/local-store.js');
const { parseConnString } = await load('pg/conninfo/parse.js');
const { emptyState } = await load('state/state-edits.js');

const input = JSON.parse(readFileSync(inputPath, 'utf8'));
const store = localStateStore(input.statePath);
const parse = (url) => parseConnString(url, { env: {}, passfile: null });
await applyPlan({
  plan: input.plan, source: parse(input.sourceUrl), target: parse(input.targetUrl), store, state: await store.read(),
  newState: () => emptyState({ pgreplVersion: 'test', lineage: input.lineage }), command: 'apply', workers: 2,
});
process.stdout.write('applied\n');
