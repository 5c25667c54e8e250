import { describe, expect, it } from 'vitest';
import type { AclEntry } from '../../src/model/schema.js';
import { type AclContext, aclStatements } from '../../src/pg/ddl/acl.js';

function ctx(sourceMajor: number, targetMajor: number, missing: readonly string[] = []): AclContext & { warnings: string[] } {
  const warnings: string[] = [];
  return { sourceMajor, targetMajor, mapRole: (r) => (missing.includes(r) ? null : r), warn: (m) => warnings.push(m), warnings };
}
const entry = (grantee: string, privileges: string[], grantable: string[] = []): AclEntry => ({ grantee, grantor: 'Owner', privileges, grantable });
const TABLE_ALL_15 = ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'];
const table = { kind: 'table' as const, on: 'TABLE "Sales"."Order Lines"', owner: 'Owner', targetOwner: 'Owner', label: 'table:x' };

describe('aclStatements', () => {
  it('emits nothing for the default ACL (null)', () => {
    expect(aclStatements(table, null, ctx(15, 15))).toEqual([]);
  });

  it('grants what the ACL adds, with grant option apart, to quoted roles and PUBLIC', () => {
    const acl = [entry('Owner', TABLE_ALL_15), entry('read-only', ['SELECT']), entry('', ['SELECT']), entry('user', ['INSERT', 'SELECT'], ['SELECT'])];
    expect(aclStatements(table, acl, ctx(15, 15))).toEqual([
      'GRANT SELECT ON TABLE "Sales"."Order Lines" TO PUBLIC',
      'GRANT SELECT ON TABLE "Sales"."Order Lines" TO "read-only"',
      'GRANT INSERT ON TABLE "Sales"."Order Lines" TO "user"',
      'GRANT SELECT ON TABLE "Sales"."Order Lines" TO "user" WITH GRANT OPTION',
    ]);
  });

  it('revokes what the owner and PUBLIC lost', () => {
    const fn = { kind: 'function' as const, on: 'FUNCTION public.f(integer)', owner: 'o', targetOwner: 'o', label: 'function:x' };
    expect(aclStatements(fn, [entry('o', ['EXECUTE']), entry('app', ['EXECUTE'])], ctx(15, 15))).toEqual([
      'REVOKE EXECUTE ON FUNCTION public.f(integer) FROM PUBLIC',
      'GRANT EXECUTE ON FUNCTION public.f(integer) TO app',
    ]);
    expect(aclStatements(table, [entry('Owner', ['SELECT'])], ctx(15, 15))).toEqual([
      'REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "Sales"."Order Lines" FROM "Owner"',
    ]);
  });

  it('keeps ALL as ALL on a newer major (the owner keeps MAINTAIN on 17)', () => {
    expect(aclStatements(table, [entry('Owner', TABLE_ALL_15), entry('r', ['SELECT'])], ctx(15, 17))).toEqual([
      'GRANT SELECT ON TABLE "Sales"."Order Lines" TO r',
    ]);
  });

  it('revokes MAINTAIN too on 17 from an owner that held less than ALL on 15', () => {
    expect(aclStatements(table, [], ctx(15, 17))).toEqual([
      'REVOKE SELECT, INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, MAINTAIN ON TABLE "Sales"."Order Lines" FROM "Owner"',
    ]);
    expect(aclStatements(table, [entry('Owner', ['SELECT'])], ctx(15, 17))).toEqual([
      'REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER, MAINTAIN ON TABLE "Sales"."Order Lines" FROM "Owner"',
    ]);
  });

  it('leaves MAINTAIN out on a target before 17, with a warning for grants to others only', () => {
    const c = ctx(17, 15);
    expect(aclStatements(table, [entry('Owner', [...TABLE_ALL_15, 'MAINTAIN']), entry('r', ['MAINTAIN', 'SELECT'])], c)).toEqual([
      'GRANT SELECT ON TABLE "Sales"."Order Lines" TO r',
    ]);
    expect(c.warnings).toEqual(['MAINTAIN granted to r left out (PostgreSQL 15 has no MAINTAIN privilege)']);
  });

  it('leaves out grantees missing on the target, and maps the source owner to the target owner', () => {
    const c = ctx(15, 15, ['ghost']);
    const skip = { ...table, targetOwner: 'tgt_user' };
    expect(aclStatements(skip, [entry('Owner', ['SELECT']), entry('ghost', ['SELECT'])], c)).toEqual([
      'REVOKE INSERT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "Sales"."Order Lines" FROM tgt_user',
    ]);
    expect(c.warnings).toEqual(['privileges of role ghost left out (role not on the target)']);
  });

  it('writes column privileges with the column name', () => {
    const col = { ...table, kind: 'column' as const, column: 'Unit Price' };
    expect(aclStatements(col, [entry('r', ['SELECT', 'UPDATE'])], ctx(15, 15))).toEqual([
      'GRANT SELECT("Unit Price"), UPDATE("Unit Price") ON TABLE "Sales"."Order Lines" TO r',
    ]);
  });
});

describe('aclStatements with grantors kept', () => {
  it('makes a grant by a non-owner as that role, after the owner granted it the option', () => {
    const acl = [entry('Owner', TABLE_ALL_15), { grantee: 'lead', grantor: 'Owner', privileges: ['SELECT'], grantable: ['SELECT'] }, { grantee: 'temp', grantor: 'lead', privileges: ['SELECT'], grantable: [] }];
    expect(aclStatements(table, acl, { ...ctx(15, 15), keepGrantors: true })).toEqual([
      'GRANT SELECT ON TABLE "Sales"."Order Lines" TO lead WITH GRANT OPTION',
      'SET ROLE lead;\nGRANT SELECT ON TABLE "Sales"."Order Lines" TO temp;\nRESET ROLE',
    ]);
  });
});
