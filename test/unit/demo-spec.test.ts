// The spec `pgrepl demo` writes is a valid spec that says what the demo promises: shop, one-off copy, a time
// window on sales.events, a row filter on sales.leads, archive.orders_2019 as structure only.
import { describe, expect, it } from 'vitest';
import { DEMO_TABLE_RULES, demoSpecText } from '../../src/demo/demo-spec.js';
import { SAMPLE_TABLES } from '../../src/pg/local-server/sample-shop.js';
import { loadSpecText } from '../../src/spec/load.js';

const URLS = { sourceUrl: 'postgres://postgres@127.0.0.1:40001/postgres?sslmode=disable', targetUrl: 'postgres://postgres@127.0.0.1:40002/postgres?sslmode=disable' };

describe('demo spec', () => {
  it('loads without problems and keeps what the demo promises', () => {
    const spec = loadSpecText(demoSpecText(URLS), '/tmp/pgrepl-demo-x/pgrepl.yaml', { env: {} });
    expect(spec.databases.map((d) => d.key)).toEqual(['shop']);
    const shop = spec.databases[0];
    expect(shop?.sync).toBe(true);
    expect(shop?.schemaOnly.map((p) => p.raw)).toEqual(['archive.orders_2019']);
    expect(shop?.tableFilters.map((f) => [f.schema, f.table, f.where])).toEqual([['sales', 'leads', "region <> 'test'"]]);
    expect(shop?.timeFilters.map((f) => [f.schema, f.table, f.column, f.last.text])).toEqual([['sales', 'events', 'created_at', '90 days']]);
    expect(spec.state).toMatchObject({ backend: 'local', path: '/tmp/pgrepl-demo-x/.pgrepl/state.json' });
  });

  it('names the schema for editors when it knows where it is', () => {
    const text = demoSpecText({ ...URLS, schemaPath: '/opt/pgrepl/schemas/spec.schema.json' });
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=/opt/pgrepl/schemas/spec.schema.json');
    expect(() => loadSpecText(text, 'pgrepl.yaml', { env: {} })).not.toThrow();
  });

  it('holds URLs with characters YAML would read otherwise', () => {
    const text = demoSpecText({ sourceUrl: 'postgres://a@h:1/db?x=#y', targetUrl: 'postgres://b@h:2/db' });
    const spec = loadSpecText(text, 'pgrepl.yaml', { env: {} });
    expect(spec.databases).toHaveLength(1);
  });

  it('rules name tables of the sample', () => {
    for (const rule of DEMO_TABLE_RULES) expect(SAMPLE_TABLES).toContainEqual(rule.table);
  });
});
