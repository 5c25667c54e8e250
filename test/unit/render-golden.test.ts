// Golden files keep the plan text and JSON stable. `UPDATE_GOLDEN=1 npx vitest run --project unit test/unit/render`
// rewrites them; review the diff before committing.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import { parsePlanJson } from '../../src/plan/plan-json.js';
import { renderPlanJson } from '../../src/render/render-plan-json.js';
import { NO_CHANGES, renderPlanText } from '../../src/render/render-plan.js';
import { emptyPlan, everyActionPlan } from './plan-fixtures.js';

const GOLDEN_DIR = fileURLToPath(new URL('../golden/', import.meta.url));
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function golden(name: string, actual: string): void {
  const path = `${GOLDEN_DIR}${name}`;
  if (UPDATE) writeFileSync(path, actual);
  let expected: string;
  try {
    expected = readFileSync(path, 'utf8');
  } catch (e: unknown) {
    throw new Error(`golden file ${path} is missing; run with UPDATE_GOLDEN=1 to write it (${String(e)})`);
  }
  expect(actual).toBe(expected);
}

const warningsOnly = () => buildPlan({ lineage: '7d0c1f7e-0000-4000-8000-000000000000',
  basedOn: emptyPlan().basedOn, steps: [], now: new Date('2026-11-26T10:00:00.000Z'),
  diagnostics: [{ severity: 'warning', message: 'table "Sales"."Order Lines" is unlogged: copied, never streamed', path: 'databases.my-app.sync' }],
});

describe('plan golden files', () => {
  it.each([
    ['plan-every-action', everyActionPlan],
    ['plan-empty', emptyPlan],
    ['plan-empty-warnings', warningsOnly],
  ])('%s renders as the golden text and JSON', (name, make) => {
    const plan = make();
    const json = renderPlanJson(plan);
    golden(`${name}.json`, json);
    // Render from the serialised plan, as the CLI does with a saved one: same text either way.
    const text = renderPlanText(parsePlanJson(json), { color: false });
    expect(renderPlanText(plan, { color: false })).toBe(text);
    golden(`${name}.txt`, text);
  });
});

describe('renderPlanText', () => {
  it('says there is nothing to do in one line', () => {
    expect(renderPlanText(emptyPlan(), { color: false })).toBe(`${NO_CHANGES}\n`);
  });

  it('colours only with color: true, and the colours change nothing else', () => {
    const plain = renderPlanText(everyActionPlan(), { color: false });
    const coloured = renderPlanText(everyActionPlan(), { color: true });
    // eslint-disable-next-line no-control-regex
    const escapes = /\u001b\[[0-9;]*m/g;
    expect(plain).not.toMatch(escapes);
    expect(coloured).toMatch(escapes);
    expect(coloured.replace(escapes, '')).toBe(plain);
    expect(coloured).toContain('\u001b[32m+ target.role.app');
    expect(coloured).toContain('\u001b[31m- target.table');
  });

  it('never shows a password the plan object carries', () => {
    const text = renderPlanText(everyActionPlan(), { color: false });
    expect(JSON.stringify(everyActionPlan())).toContain('hunter2');
    expect(text).not.toContain('hunter2');
    expect(text).toContain('password=<redacted>');
  });

  it('shows the header, reason and summary of each step in order', () => {
    const text = renderPlanText(everyActionPlan(), { color: false });
    const headers = text.split('\n').filter((l) => l.startsWith('# target.') || l.startsWith('# source.'));
    expect(headers).toEqual(everyActionPlan().steps.map((s) => expect.stringContaining(s.address) as unknown));
    expect(text.trimEnd().split('\n').at(-1)).toBe('Plan: 7 to add, 1 to change, 3 to destroy.');
  });
});
