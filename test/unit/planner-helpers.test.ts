// The planner's small pure helpers: qualified-name splitting, FK definitions and filter mapping, CREATE DATABASE.
import { describe, expect, it } from 'vitest';
import { createDatabaseStatement } from '../../src/pg/ddl/create/create-database.js';
import { mapFilterThroughKey, parseForeignKeyColumns, splitIdentifiers } from '../../src/plan/planner/foreign-keys.js';
import { splitQualifiedName } from '../../src/plan/planner/qualified-name.js';

describe('splitQualifiedName', () => {
  it.each([
    ['sales.orders_id_seq', { schema: 'sales', name: 'orders_id_seq' }],
    ['"Sales Dept"."Order ""No"""', { schema: 'Sales Dept', name: 'Order "No"' }],
    ['public."a.b"', { schema: 'public', name: 'a.b' }],
  ])('%s', (text, parts) => expect(splitQualifiedName(text)).toEqual(parts));
  it.each(['orders', 'a.b.c', '"unterminated.x', 'a..b'])('refuses %s', (text) => expect(splitQualifiedName(text)).toBeNull());
});

describe('foreign keys', () => {
  it('reads both column lists, quoted ones included', () => {
    expect(parseForeignKeyColumns('FOREIGN KEY (order_id, "Line No") REFERENCES sales."Order Lines"(id, "No") ON DELETE CASCADE'))
      .toEqual({ childColumns: ['order_id', 'Line No'], parentColumns: ['id', 'No'] });
    expect(splitIdentifiers('a, "b, c", "d""e"')).toEqual(['a', 'b, c', 'd"e']);
  });
  it('maps the parent filter through the key, leaving literals and other columns alone', () => {
    const fk = { childColumns: ['order_id'], parentColumns: ['id'] };
    expect(mapFilterThroughKey("id % 2 = 0 AND  note <> 'id'", fk)).toBe("order_id % 2 = 0 AND note <> 'id'");
    expect(mapFilterThroughKey('"ID" > 5 and ID > 6', { childColumns: ['Order Id'], parentColumns: ['ID'] })).toBe('"Order Id" > 5 and ID > 6');
  });
});

describe('createDatabaseStatement', () => {
  it('writes owner, template0, encoding, locale and provider where the target major has them', () => {
    const base = { name: 'shop eu', owner: 'app', encoding: 'UTF8', collate: 'en_US.UTF-8', ctype: 'en_US.UTF-8', provider: 'i' as const, locale: 'de-DE', targetMajor: 15 };
    expect(createDatabaseStatement(base).sql).toBe(
      `CREATE DATABASE "shop eu" OWNER app TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'en_US.UTF-8' LC_CTYPE 'en_US.UTF-8' LOCALE_PROVIDER icu ICU_LOCALE 'de-DE'`);
    expect(createDatabaseStatement({ ...base, targetMajor: 14 }).sql).not.toContain('LOCALE_PROVIDER');
    expect(createDatabaseStatement({ ...base, owner: null, collate: null, ctype: null, provider: 'b', locale: 'C.UTF-8', targetMajor: 17 }).sql)
      .toBe(`CREATE DATABASE "shop eu" TEMPLATE template0 ENCODING 'UTF8' LOCALE_PROVIDER builtin BUILTIN_LOCALE 'C.UTF-8'`);
    expect(createDatabaseStatement(base).transactional).toBe(false);
  });
});
