// The state document: parsing (and refusing) state files, the upgrade chain, the file's text, and pure edits.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseState } from '../../src/state/parse-state.js';
import { serializeState } from '../../src/state/serialize-state.js';
import { STATE_FORMAT_VERSION, STATE_HISTORY_LIMIT, type StateDocument, type StateResource } from '../../src/state/state-document.js';
import { appendHistory, bumpSerial, emptyState, findResource, withoutResource, withResource } from '../../src/state/state-edits.js';
import { upgradeState } from '../../src/state/upgrade-state.js';
import { PgreplError } from '../../src/util/errors.js';

const FIXTURE = readFileSync(new URL('../fixtures/state/state-v1.json', import.meta.url), 'utf8');
const LINEAGE = '0b7c6c1e-4a57-4f0e-9a3e-5a8c2f1d9e00';

function thrown(fn: () => unknown): PgreplError {
  try {
    fn();
  } catch (e: unknown) {
    if (e instanceof PgreplError) return e;
    throw e;
  }
  throw new Error('expected a PgreplError');
}

function edited(change: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(FIXTURE) as Record<string, unknown>;
  change(doc);
  return JSON.stringify(doc);
}

const resource = (address: string, extra: Partial<StateResource> = {}): StateResource => ({
  address,
  kind: 'database',
  attributes: {},
  updated_at: '2026-11-26T10:00:00.000Z',
  ...extra,
});

describe('parseState', () => {
  it('reads a format-1 file, and its serialised text reads back to the same document', () => {
    const state = parseState(FIXTURE, 'state.json');
    expect(state.version).toBe(1);
    expect(state.lineage).toBe(LINEAGE);
    expect(state.serial).toBe(3);
    expect(state.spec?.path).toBe('pgrepl.yaml');
    expect(state.resources.map((r) => r.address)).toEqual([
      'target.database.shop',
      'target.rows["my-app"]["Sales"]["Order Lines"]',
      'target.table.shop.public.old',
    ]);
    expect(state.resources[2]?.status).toBe('pending-delete');
    expect(parseState(serializeState(state), 'again.json')).toEqual(state);
  });

  it('accepts a flag-mode state without a spec', () => {
    expect(parseState(edited((d) => { d['spec'] = null; }), 's').spec).toBeNull();
  });

  it('refuses a state from a newer pgrepl, naming both formats', () => {
    const e = thrown(() => parseState(edited((d) => { d['version'] = 2; d['pgrepl_version'] = '0.9.0'; }), '/x/state.json'));
    expect(e.message).toBe('/x/state.json: state file written by a newer pgrepl (format 2); this pgrepl reads format 1: upgrade pgrepl');
    expect(e.hints).toEqual(['it was written by pgrepl 0.9.0']);
  });

  it('refuses text that is not JSON, pointing at the backup', () => {
    const e = thrown(() => parseState('{"version": 1,', 'state.json'));
    expect(e.message).toMatch(/^state\.json is not a pgrepl state file: not valid JSON \(/);
    expect(e.hints).toEqual(['the previous version is kept in state.json.backup']);
  });

  it.each([
    ['an array', '[]', /holds no JSON object/],
    ['no version', '{}', /"version" must be a whole number from 1/],
    ['version 0', '{"version": 0}', /"version" must be a whole number from 1/],
    ['a string version', '{"version": "1"}', /"version" must be a whole number from 1/],
  ])('refuses %s', (_name, text, message) => {
    expect(thrown(() => parseState(text, 's')).message).toMatch(message);
  });

  it('lists every shape problem by JSON path, without the values', () => {
    const e = thrown(() =>
      parseState(
        edited((d) => {
          d['serial'] = -1;
          d['lineage'] = 'not-a-uuid';
          d['extra'] = 'secret-value';
          (d['resources'] as Record<string, unknown>[])[0]!['status'] = 'gone';
          (d['history'] as Record<string, unknown>[])[0]!['at'] = '26/11/2026';
        }),
        'state.json',
      ),
    );
    expect(e.message).toBe('state.json is not a valid pgrepl state file');
    expect(e.hints).toEqual(
      expect.arrayContaining([
        '(top level): must NOT have additional properties',
        '/lineage: must match pattern "^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"',
        '/serial: must be >= 0',
        '/resources/0/status: must be equal to one of the allowed values',
        expect.stringMatching(/^\/history\/0\/at: must match pattern/),
      ]),
    );
    expect(e.hints.join('\n')).not.toContain('secret-value');
  });

  it('refuses an address recorded twice', () => {
    const e = thrown(() =>
      parseState(edited((d) => { (d['resources'] as Record<string, unknown>[])[1]!['address'] = 'target.database.shop'; }), 's'),
    );
    expect(e.message).toMatch(/a resource address is recorded twice/);
    expect(e.hints).toEqual(['/resources: target.database.shop appears more than once']);
  });
});

describe('upgradeState', () => {
  it('returns a current-format document unchanged', () => {
    const doc = { version: STATE_FORMAT_VERSION, x: 1 };
    expect(upgradeState(doc, 's')).toBe(doc);
  });

  it('applies each format step in order up to the current format', () => {
    const upgrades = {
      1: (d: Readonly<Record<string, unknown>>) => ({ ...d, version: 2, steps: [...(d['steps'] as string[]), '1->2'] }),
      2: (d: Readonly<Record<string, unknown>>) => ({ ...d, version: 3, steps: [...(d['steps'] as string[]), '2->3'] }),
    };
    expect(upgradeState({ version: 1, steps: [] }, 's', { current: 3, upgrades })).toEqual({ version: 3, steps: ['1->2', '2->3'] });
    expect(upgradeState({ version: 2, steps: [] }, 's', { current: 3, upgrades })).toEqual({ version: 3, steps: ['2->3'] });
  });

  it('fails loudly when a step is missing or lands on the wrong format', () => {
    expect(() => upgradeState({ version: 1 }, 's', { current: 2, upgrades: {} })).toThrow('no state upgrade from format 1 to 2');
    expect(() => upgradeState({ version: 1 }, 's', { current: 2, upgrades: { 1: (d) => ({ ...d, version: 3 }) } })).toThrow(
      'state upgrade from format 1 produced format 3, not 2',
    );
  });

  it('refuses a newer format with the injected current one named', () => {
    expect(() => upgradeState({ version: 4 }, 'f', { current: 3 })).toThrow(
      'f: state file written by a newer pgrepl (format 4); this pgrepl reads format 3: upgrade pgrepl',
    );
  });
});

describe('serializeState', () => {
  it('writes keys in a fixed order whatever order the object was built in, with a final newline', () => {
    const state = parseState(FIXTURE, 's');
    const shuffled = {
      history: state.history.map((h) => ({ summary: h.summary, command: h.command, at: h.at, serial: h.serial })),
      resources: state.resources.map((r) => ({ updated_at: r.updated_at, ...(r.status ? { status: r.status } : {}), attributes: r.attributes, kind: r.kind, address: r.address })),
      spec: state.spec,
      pgrepl_version: state.pgrepl_version,
      serial: state.serial,
      lineage: state.lineage,
      version: state.version,
    } as StateDocument;
    const text = serializeState(shuffled);
    expect(text).toBe(serializeState(state));
    expect(text.endsWith('}\n')).toBe(true);
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['version', 'lineage', 'serial', 'pgrepl_version', 'spec', 'resources', 'history']);
    expect(text.indexOf('"address"')).toBeLessThan(text.indexOf('"kind"'));
  });
});

describe('state edits', () => {
  const base = emptyState({ pgreplVersion: '0.1.0', lineage: LINEAGE });

  it('emptyState has serial 0, no resources, no history, and a fresh UUID lineage unless given', () => {
    expect(base).toEqual({ version: 1, lineage: LINEAGE, serial: 0, pgrepl_version: '0.1.0', spec: null, resources: [], history: [] });
    const a = emptyState({ pgreplVersion: '0.1.0' });
    const b = emptyState({ pgreplVersion: '0.1.0' });
    expect(a.lineage).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.lineage).not.toBe(b.lineage);
    expect(parseState(serializeState(a), 's')).toEqual(a);
  });

  it('withResource inserts sorted by address (code units), replaces the same address, and leaves its input alone', () => {
    const one = withResource(base, resource('target.table.b'));
    const two = withResource(one, resource('target.database.a'));
    const three = withResource(two, resource('target.Z_upper'));
    expect(three.resources.map((r) => r.address)).toEqual(['target.Z_upper', 'target.database.a', 'target.table.b']);
    const replaced = withResource(three, resource('target.database.a', { attributes: { owner: 'app' }, status: 'pending-delete' }));
    expect(replaced.resources).toHaveLength(3);
    expect(findResource(replaced, 'target.database.a')).toEqual(resource('target.database.a', { attributes: { owner: 'app' }, status: 'pending-delete' }));
    expect(findResource(three, 'target.database.a')?.attributes).toEqual({});
    expect(base.resources).toEqual([]);
    expect(one.resources.map((r) => r.address)).toEqual(['target.table.b']);
  });

  it('withoutResource forgets one address and returns the same document when it is absent', () => {
    const two = withResource(withResource(base, resource('target.database.a')), resource('target.database.b'));
    const one = withoutResource(two, 'target.database.a');
    expect(one.resources.map((r) => r.address)).toEqual(['target.database.b']);
    expect(two.resources).toHaveLength(2);
    expect(withoutResource(one, 'target.database.a')).toBe(one);
  });

  it('bumpSerial adds one without touching the input', () => {
    expect(bumpSerial(bumpSerial(base)).serial).toBe(2);
    expect(base.serial).toBe(0);
  });

  it('appendHistory records the current serial and keeps only the newest entries', () => {
    let state = base;
    for (let i = 1; i <= STATE_HISTORY_LIMIT + 5; i++) {
      state = appendHistory(bumpSerial(state), { at: '2026-11-26T10:00:00.000Z', command: 'apply', summary: `step ${i}` });
    }
    expect(state.history).toHaveLength(STATE_HISTORY_LIMIT);
    expect(state.history[0]).toEqual({ serial: 6, at: '2026-11-26T10:00:00.000Z', command: 'apply', summary: 'step 6' });
    expect(state.history.at(-1)?.serial).toBe(STATE_HISTORY_LIMIT + 5);
    const small = appendHistory(appendHistory(appendHistory(base, { at: 'a', command: 'c', summary: '1' }, 2), { at: 'a', command: 'c', summary: '2' }, 2), { at: 'a', command: 'c', summary: '3' }, 2);
    expect(small.history.map((h) => h.summary)).toEqual(['2', '3']);
    expect(base.history).toEqual([]);
  });
});
