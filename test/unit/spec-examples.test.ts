// Every example spec loads cleanly and points editors at the schema.
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadSpecFile } from '../../src/spec/load.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLES = join(ROOT, 'examples');
const ENV = { SOURCE_URL: 'postgres://app@src.example.com/postgres', TARGET_URL: 'postgres://app@dst.example.com/postgres' };

const files = (await readdir(EXAMPLES)).filter((f) => f.endsWith('.yaml')).sort();

describe('examples', () => {
  it('has several', () => {
    expect(files).toEqual(expect.arrayContaining(['basic.yaml', 'filtered.yaml', 'multi-database.yaml', 'snapshot.yaml']));
  });

  it.each(files)('%s loads without problems', async (file) => {
    const spec = await loadSpecFile(join(EXAMPLES, file), ENV);
    expect(spec.databases.length + (spec.selection ? 1 : 0)).toBeGreaterThan(0);
  });

  it.each(files)('%s starts with the schema comment and uses ${SOURCE_URL}', async (file) => {
    const text = await readFile(join(EXAMPLES, file), 'utf8');
    expect(text.split('\n')[0]).toBe('# yaml-language-server: $schema=../schemas/spec.schema.json');
    expect(text).toContain('${SOURCE_URL}');
  });

  it('filtered.yaml says what it promises', async () => {
    const spec = await loadSpecFile(join(EXAMPLES, 'filtered.yaml'), ENV);
    const shop = spec.databases[0];
    expect(shop?.targetDatabase).toBe('shop_eu');
    expect(shop?.include?.map((p) => [p.schema, p.table])).toContainEqual(['Reporting', 'Monthly Totals']);
    expect(shop?.tableFilters).toHaveLength(2);
    expect(shop?.timeFilters[0]?.last.text).toBe('90 days');
    expect(shop?.schemaOnly.map((p) => p.raw)).toEqual(['public.audit_log']);
  });

  it('snapshot.yaml falls back to its default target', async () => {
    const spec = await loadSpecFile(join(EXAMPLES, 'snapshot.yaml'), { SOURCE_URL: 'x' });
    expect(spec.target.url).toBe('postgres://localhost:5432/postgres');
    expect(spec.databases.every((d) => !d.sync)).toBe(true);
  });
});
