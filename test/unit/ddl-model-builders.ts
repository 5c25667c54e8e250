// Hand-built schema model pieces for the DDL builder tests: every field filled with the plain default, so a
// test states only what it is about.
import type {
  Column, Constraint, Index, SchemaModel, SchemaObjectAny, TableObject,
} from '../../src/model/schema.js';
import { objectKey } from '../../src/model/object-key.js';

export function column(name: string, type: string, extra: Partial<Column> = {}): Column {
  return {
    name, type, collation: null, notNull: false, notNullName: null, default: null, identity: null, generated: null,
    storage: null, statisticsTarget: null, inheritedCount: 0, isLocal: true, acl: null, comment: null, ...extra,
  };
}

export function constraint(name: string, type: Constraint['type'], definition: string, extra: Partial<Constraint> = {}): Constraint {
  return { name, type, definition, deferrable: false, deferred: false, validated: true, inherited: false, noInherit: false, references: null, comment: null, ...extra };
}

export function index(name: string, definition: string, extra: Partial<Index> = {}): Index {
  return { name, definition, constraint: null, parentIndex: null, isReplicaIdentity: false, clustered: false, comment: null, ...extra };
}

export function table(schema: string, name: string, extra: Partial<TableObject> = {}): TableObject {
  return {
    key: objectKey('table', schema, name), kind: 'table', schema, name, owner: 'app_owner', acl: null, comment: null, deps: [],
    persistence: 'p', partitionKey: null, partitionOf: null, inherits: [], columns: [], constraints: [], indexes: [], triggers: [],
    policies: [], rules: [], rowSecurity: { enabled: false, forced: false }, replicaIdentity: 'd', replicaIdentityIndex: null,
    options: [], accessMethod: null, ...extra,
  };
}

export function model(objects: readonly SchemaObjectAny[], extra: Partial<SchemaModel> = {}): SchemaModel {
  return {
    formatVersion: 1,
    serverVersionNum: 150_018,
    database: { name: 'my-app', owner: 'app_owner', encoding: 'UTF8', collate: 'C.UTF-8', ctype: 'C.UTF-8', localeProvider: 'c', locale: null, acl: null, comment: null, settings: [] },
    objects: [...objects].sort((a, b) => (a.key < b.key ? -1 : 1)),
    defaultPrivileges: [],
    roles: [],
    ...extra,
  };
}
