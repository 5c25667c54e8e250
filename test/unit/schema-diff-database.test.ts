// The database-level change: settings, default privileges, database grants and comment, on exact SQL, with a
// mutation pair for each attribute and the statements naming the target's (possibly renamed) database.
import { describe, expect, it } from 'vitest';
import type { DatabaseInfo, DefaultPrivilege, SchemaModel } from '../../src/model/schema.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { baseModel } from './schema-diff-base.js';

const createDdl = (): never[] => [];
const db = (m: SchemaModel, change: Partial<DatabaseInfo>): SchemaModel => ({ ...m, database: { ...m.database, ...change } });
const target = db(baseModel(), { name: 'shop-copy' });
const sql = (d: SchemaModel, a: SchemaModel = target, targetMajor = 15): string[] =>
  diffSchemas(d, a, { targetMajor, createDdl }).flatMap((c) => c.statements.map((s) => s.sql));
const dp = (extra: Partial<DefaultPrivilege>): DefaultPrivilege => ({ role: 'app', schema: 'sales', objectType: 'r', acl: [], ...extra });
const entry = (grantee: string, privileges: string[], grantable: string[] = []): DefaultPrivilege['acl'][number] => ({ grantee, grantor: 'app', privileges, grantable });

describe('database settings', () => {
  it('sets, changes and resets, for the database and for a role in it, on the target database', () => {
    const source = db(baseModel(), { settings: [{ role: null, name: 'search_path', value: 'sales, "$user", public' }, { role: 'Odd Role', name: 'work_mem', value: '8MB' }] });
    expect(sql(source)).toEqual([
      `ALTER DATABASE "shop-copy" SET search_path TO 'sales', '$user', 'public'`,
      `ALTER ROLE "Odd Role" IN DATABASE "shop-copy" SET work_mem TO '8MB'`,
    ]);
    const changed = db(target, { settings: [{ role: null, name: 'search_path', value: 'public' }, { role: null, name: 'timezone', value: 'UTC' }] });
    expect(sql(source, changed)).toEqual([
      'ALTER DATABASE "shop-copy" RESET timezone',
      `ALTER DATABASE "shop-copy" SET search_path TO 'sales', '$user', 'public'`,
      `ALTER ROLE "Odd Role" IN DATABASE "shop-copy" SET work_mem TO '8MB'`,
    ]);
    expect(sql(source, db(source, { name: 'shop-copy' }))).toEqual([]);
  });
});

describe('default privileges', () => {
  it('a per-schema grant adds to nothing; removing it revokes', () => {
    const source: SchemaModel = { ...baseModel(), defaultPrivileges: [dp({ acl: [entry('reader', ['SELECT'], ['SELECT'])] })] };
    expect(sql(source)).toEqual(['ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA sales GRANT SELECT ON TABLES TO reader WITH GRANT OPTION']);
    expect(sql(target, db(source, { name: 'shop-copy' }))).toEqual(['ALTER DEFAULT PRIVILEGES FOR ROLE app IN SCHEMA sales REVOKE SELECT ON TABLES FROM reader']);
  });
  it('a global entry replaces the built-in default: EXECUTE revoked from PUBLIC on functions', () => {
    const source: SchemaModel = { ...baseModel(), defaultPrivileges: [dp({ schema: null, objectType: 'f', acl: [entry('app', ['EXECUTE'])] })] };
    expect(sql(source)).toEqual(['ALTER DEFAULT PRIVILEGES FOR ROLE app REVOKE EXECUTE ON FUNCTIONS FROM PUBLIC']);
    const asDefault: SchemaModel = { ...baseModel(), defaultPrivileges: [dp({ schema: null, objectType: 'f', acl: [entry('app', ['EXECUTE']), entry('', ['EXECUTE'])] })] };
    expect(sql(asDefault)).toEqual([]);
  });
});

describe('database grants and comment', () => {
  it('compares grants with the source owner read as the target owner', () => {
    const source = db(baseModel(), { owner: 'app', acl: [entry('app', ['CONNECT', 'CREATE', 'TEMPORARY']), entry('', ['CONNECT']), entry('reader', ['CONNECT'])] });
    const onTarget = db(target, { owner: 'tgt' });
    expect(sql(source, onTarget)).toEqual(['REVOKE TEMPORARY ON DATABASE "shop-copy" FROM PUBLIC', 'GRANT CONNECT ON DATABASE "shop-copy" TO reader']);
  });
  it('comments', () => {
    expect(sql(db(baseModel(), { comment: "it's" }))).toEqual([`COMMENT ON DATABASE "shop-copy" IS 'it''s'`]);
  });
  it('gives one change addressed as the database, after every object change', () => {
    const changes = diffSchemas(db(baseModel(), { comment: 'x' }), target, { targetMajor: 15, createDdl });
    expect(changes.map((c) => [c.kind, c.key, c.addressName, c.action, c.destructive])).toEqual([['database', 'database:"shop-copy"', 'shop-copy', 'update', false]]);
  });
});
