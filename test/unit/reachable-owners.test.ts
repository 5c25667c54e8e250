// roles: copy on a target whose role may not act as the source's owners: those objects are planned owned by it.
import { describe, expect, it } from 'vitest';
import type { SchemaModel } from '../../src/model/schema.js';
import { withReachableOwners } from '../../src/plan/planner/reachable-owners.js';

const model = (owners: (string | null)[]): SchemaModel => ({
  formatVersion: 1, serverVersionNum: 150000, database: { name: 'd' } as SchemaModel['database'], defaultPrivileges: [], roles: [],
  objects: owners.map((owner, i) => ({ kind: 'table', key: `table:public.t${i}`, owner }) as unknown as SchemaModel['objects'][number]),
});

describe('withReachableOwners', () => {
  it('keeps every owner for a superuser, and owners the role is, is a member of, or built-in roles', () => {
    const m = model(['app', 'pg_database_owner', 'tgt', 'team', null]);
    expect(withReachableOwners(m, { user: 'tgt', superuser: true, memberOf: [] })).toEqual({ model: m, warning: null });
    expect(withReachableOwners(model(['pg_database_owner', 'tgt', 'team', null]), { user: 'tgt', superuser: false, memberOf: ['team'] }).warning).toBeNull();
  });

  it('hands the others to the target role, with one warning naming them and the GRANTs', () => {
    const r = withReachableOwners(model(['app', 'Other Role', 'team', 'app']), { user: 'tgt', superuser: false, memberOf: ['team'] });
    expect(r.model.objects.map((o) => o.owner)).toEqual(['tgt', 'tgt', 'team', 'tgt']);
    expect(r.warning).toBe('objects owned by Other Role, app on the source will be owned by tgt on the target: tgt is not a superuser and may not act as those roles (to keep the source\'s owners: GRANT "Other Role" TO tgt; GRANT app TO tgt;)');
  });
});
