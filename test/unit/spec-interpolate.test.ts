// ${VAR}, ${VAR:-default} and $$ in string values, and the rule that interpolated values (possibly secrets)
// never appear in any error output.
import { describe, expect, it } from 'vitest';
import { interpolateString } from '../../src/spec/interpolate.js';
import { loadSpecText, resolveSpecObject } from '../../src/spec/load.js';
import { InputError, formatDiagnostic } from '../../src/util/errors.js';

describe('interpolateString', () => {
  it('substitutes variables, defaults and the $$ escape', () => {
    const env = { USER_NAME: 'app', EMPTY: '' };
    expect(interpolateString('postgres://${USER_NAME}@h/db', env)).toEqual({ text: 'postgres://app@h/db', usedEnv: true, problems: [] });
    expect(interpolateString('${MISSING:-fallback}', env).text).toBe('fallback');
    expect(interpolateString('${EMPTY:-fallback}', env).text).toBe('fallback');
    expect(interpolateString('${EMPTY}', env).text).toBe('');
    expect(interpolateString('${MISSING:-}', env).text).toBe('');
    expect(interpolateString('price > $$5 and $$${USER_NAME}', env).text).toBe('price > $5 and $app');
    expect(interpolateString('a $1 b$', env)).toEqual({ text: 'a $1 b$', usedEnv: false, problems: [] });
    expect(interpolateString('$$', env).usedEnv).toBe(false);
  });

  it('names what is wrong without a value', () => {
    expect(interpolateString('${NOPE}', {}).problems).toEqual(['environment variable NOPE is not set (write `${NOPE:-default}` to give a default)']);
    expect(interpolateString('x${A', {}).problems[0]).toMatch(/^unterminated `\$\{`/);
    expect(interpolateString('${}', {}).problems[0]).toMatch(/^empty `\$\{\}`/);
    expect(interpolateString('${1A}', {}).problems[0]).toMatch(/is not a variable reference/);
    expect(interpolateString('${A:-${B}}', { B: 'b' }).problems[0]).toMatch(/cannot contain another/);
  });
});

describe('interpolation in a spec', () => {
  const yaml = [
    'version: 1',
    'source: { url: "postgres://app:${SRC_PASSWORD}@src.example.com/shop" }',
    'target: { url: "${TARGET_URL:-postgres://localhost/shop}" }',
    'state: { path: "${STATE_DIR:-state}/s.json" }',
    'databases:',
    '  shop:',
    '    table_filters: [{ table: orders, where: "price > $$10" }]',
  ].join('\n');

  it('fills values, keeps $$ as $, and leaves keys alone', () => {
    const spec = loadSpecText(yaml, '/specs/pgrepl.yaml', { env: { SRC_PASSWORD: 's3cret' } });
    expect(spec.source.url).toBe('postgres://app:s3cret@src.example.com/shop');
    expect(spec.target.url).toBe('postgres://localhost/shop');
    expect(spec.state).toEqual({ backend: 'local', path: '/specs/state/s.json' });
    expect(spec.databases[0]?.tableFilters[0]?.where).toBe('price > $10');
  });

  it('never echoes an interpolated value in errors', () => {
    const secret = 'hunter2-Secret-Value';
    const env = { SRC_PASSWORD: secret, TARGET_URL: secret, MODE: secret, WINDOW: secret, TABLE: secret, NAME: secret, LAG: secret };
    const text = [
      'version: 1',
      'source: { url: "postgres://app:${SRC_PASSWORD}@src/shop" }',
      'target: { url: "${TARGET_URL}" }',
      'databases:',
      '  shop:',
      '    copy: "${MODE}"',
      '    names: { slot: "${NAME}" }',
      '    time_filters: [{ table: "${TABLE}", column: c, last: "${WINDOW}" }]',
      '    sync: nope',
      'cutover: { max_lag: "${LAG}" }',
    ].join('\n');
    let caught: unknown;
    try {
      loadSpecText(text, 'pgrepl.yaml', { env });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    const err = caught as InputError;
    expect(err.diagnostics.length).toBeGreaterThanOrEqual(5);
    const everything = [err.message, err.stack ?? '', JSON.stringify(err), ...err.diagnostics.map(formatDiagnostic), JSON.stringify(err.diagnostics)].join('\n');
    expect(everything).not.toContain(secret);
    expect(everything).not.toContain('hunter2');
  });

  it('does not echo semantic problems of interpolated values either', () => {
    const secret = 'zz-secret-window';
    const spec = {
      version: 1,
      source: { url: '${U}' },
      target: { url: '${U}' },
      databases: { shop: { include_tables: ['${T}'], exclude_tables: ['x'] } },
    };
    try {
      resolveSpecObject(spec, { file: null, env: { U: secret, T: `"${secret}` } });
      expect.unreachable();
    } catch (e) {
      const err = e as InputError;
      expect(err.diagnostics.map(formatDiagnostic)).toEqual([
        'databases.shop.exclude_tables: include_tables and exclude_tables cannot be used together: list the tables to copy, or the tables to leave out',
        'databases.shop.include_tables[0]: invalid table pattern: unterminated double quote',
      ]);
      expect(JSON.stringify(err.diagnostics) + err.message).not.toContain(secret);
    }
  });

  it('keeps a literal password out of YAML syntax errors', () => {
    const text = ['version: 1', 'source: { url: "postgres://app:LiteralPw99@h/db" }', 'target: { url: x', 'databases: {}'].join('\n');
    try {
      loadSpecText(text, 'pgrepl.yaml', { env: {} });
      expect.unreachable();
    } catch (e) {
      const err = e as InputError;
      expect(err.diagnostics.length).toBeGreaterThan(0);
      expect(err.diagnostics.map(formatDiagnostic).join('\n') + err.message).not.toContain('LiteralPw99');
    }
  });
});
