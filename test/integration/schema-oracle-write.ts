// pgrepl's schema write as the oracle tests drive it: read the source's model (introspectSchema), create missing
// roles (buildRoleDdl, roles: copy only), build the create DDL and run it on the empty target. Kept out of
// test/oracle/, which must not use pgrepl's catalog code (the oracles judge it).
import { introspectSchema } from '../../src/pg/catalog/schema/index.js';
import type { SchemaModel } from '../../src/model/schema.js';
import { planCreateDdl } from '../../src/pg/ddl/build-create-ddl.js';
import { buildRoleDdl } from '../../src/pg/ddl/build-role-ddl.js';
import { executeDdl } from '../../src/pg/ddl/execute.js';
import type { DdlStatement } from '../../src/pg/ddl/types.js';
import type { Diagnostic } from '../../src/util/errors.js';
import type { Cluster } from '../harness/index.js';

export interface SchemaWrite {
  readonly model: SchemaModel;
  readonly statements: readonly DdlStatement[];
  readonly warnings: readonly Diagnostic[];
}

export async function readModel(cluster: Cluster, database: string): Promise<SchemaModel> {
  const client = await cluster.connect({ database });
  try {
    return await introspectSchema(client);
  } finally {
    await client.end();
  }
}

/** The create DDL for `model` on `target` (roles missing there first, with roles: copy). */
export async function planWrite(model: SchemaModel, target: Cluster, targetDatabase: string, roles: 'copy' | 'skip'): Promise<{ statements: DdlStatement[]; warnings: Diagnostic[] }> {
  const existing = (await target.query<{ rolname: string }>('SELECT rolname FROM pg_catalog.pg_roles')).map((r) => r.rolname);
  const roleDdl = roles === 'copy'
    ? buildRoleDdl(model.roles, existing, { canGrantSuperuser: true, canGrantReplication: true, canGrantBypassRls: true, targetMajor: target.major })
    : { statements: [], warnings: [] };
  const create = planCreateDdl(model, {
    roles, targetMajor: target.major, targetRole: target.superuser.user, targetDatabase, existingRoles: existing,
  });
  return { statements: [...roleDdl.statements, ...create.statements], warnings: [...roleDdl.warnings, ...create.warnings] };
}

export async function applyStatements(target: Cluster, database: string, statements: readonly DdlStatement[]): Promise<void> {
  const client = await target.connect({ database });
  try {
    await executeDdl(client, statements);
  } finally {
    await client.end();
  }
}

/** Read `source`, write its schema to the empty `targetDatabase` of `target`. */
export async function writeSchema(source: Cluster, sourceDatabase: string, target: Cluster, targetDatabase: string, roles: 'copy' | 'skip'): Promise<SchemaWrite> {
  const model = await readModel(source, sourceDatabase);
  const { statements, warnings } = await planWrite(model, target, targetDatabase, roles);
  await applyStatements(target, targetDatabase, statements);
  return { model, statements, warnings };
}
