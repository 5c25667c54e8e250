// roles: skip: the desired model is read as the create builder writes it (owners -> the target role, grants,
// policies, default privileges and settings of absent roles left out), and what the target can have still diffs.
import { describe, expect, it } from 'vitest';
import type { SchemaModel } from '../../src/model/schema.js';
import { diffSchemas } from '../../src/schema/diff/diff-schemas.js';
import { mapRolesForTarget } from '../../src/schema/diff/map-roles.js';
import { ORDERS, baseModel, withTable } from './schema-diff-base.js';

const createDdl = (): never[] => [];
const SKIP = { roles: 'skip', targetRole: 'tgt', existingRoles: ['present'] } as const;
const grant = (grantee: string): { grantee: string; grantor: string; privileges: string[]; grantable: string[] } => ({ grantee, grantor: 'app', privileges: ['SELECT'], grantable: [] });
const owned = (m: SchemaModel, owner: string): SchemaModel => ({ ...m, objects: m.objects.map((o) => ({ ...o, owner: o.owner === null ? null : owner }) as typeof o) });

describe('roles: skip', () => {
  it('owners become the target role; grants and policies of absent roles are left out', () => {
    const source = withTable(baseModel(), ORDERS.key, (t) => ({
      ...t, acl: [{ ...grant('app'), privileges: ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'] }, grant('absent'), grant('present')],
      policies: [...t.policies, { ...t.policies[0] as TablePolicy, name: 'p_absent', roles: ['absent'] }],
    }));
    const mapped = mapRolesForTarget(source, SKIP);
    const orders = mapped.objects.find((o) => o.key === ORDERS.key);
    expect(orders?.owner).toBe('tgt');
    expect(orders?.acl?.map((e) => e.grantee)).toEqual(['tgt', 'present']);
    expect(orders?.kind === 'table' ? orders.policies.map((p) => p.name) : []).toEqual([]);
  });
  it('a target written that way diffs empty; a grant to a present role does not', () => {
    const source = withTable(baseModel(), ORDERS.key, (t) => ({ ...t, policies: [], acl: [{ ...grant('app'), privileges: ['DELETE', 'INSERT', 'REFERENCES', 'SELECT', 'TRIGGER', 'TRUNCATE', 'UPDATE'] }, grant('absent')] }));
    const target = owned(withTable(baseModel(), ORDERS.key, (t) => ({ ...t, policies: [] })), 'tgt');
    expect(diffSchemas(source, target, { targetMajor: 15, createDdl, create: SKIP })).toEqual([]);
    const more = withTable(source, ORDERS.key, (t) => ({ ...t, acl: [...(t.acl ?? []), grant('present')] }));
    expect(diffSchemas(more, target, { targetMajor: 15, createDdl, create: SKIP }).flatMap((c) => c.statements.map((s) => s.sql)))
      .toEqual(['GRANT SELECT ON TABLE sales.orders TO present']);
    // Without skip the same pair differs in owners.
    expect(diffSchemas(source, target, { targetMajor: 15, createDdl }).length).toBeGreaterThan(0);
  });
});

type TablePolicy = Extract<SchemaModel['objects'][number], { kind: 'table' }>['policies'][number];
