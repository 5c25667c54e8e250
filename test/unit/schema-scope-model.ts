// Hand-built schema models for the scope tests: only the fields scope closure reads matter, the rest are
// neutral defaults.
import type {
  CastObject, Constraint, FunctionObject, ObjectKey, SchemaModel, SchemaObject, SchemaObjectAny, SequenceObject, StatisticsObject,
  TableObject, TypeObject, ViewObject,
} from '../../src/model/schema.js';

const base = { owner: 'app', acl: null, comment: null } as const;

export function schema(name: string): SchemaObject {
  return { ...base, key: `schema:${name}`, kind: 'schema', schema: null, name, deps: [] };
}

export function table(schemaName: string, name: string, opts: {
  deps?: readonly ObjectKey[]; fks?: readonly { name: string; references: ObjectKey }[]; partitionOf?: ObjectKey; inherits?: readonly ObjectKey[];
} = {}): TableObject {
  const constraints: Constraint[] = (opts.fks ?? []).map((fk) => ({
    name: fk.name, type: 'f', definition: `FOREIGN KEY (x) REFERENCES ${fk.references.slice(6)}(id)`, deferrable: false, deferred: false,
    validated: true, inherited: false, noInherit: false, references: fk.references, comment: null,
  }));
  return {
    ...base, key: `table:${schemaName}.${name}`, kind: 'table', schema: schemaName, name,
    deps: [`schema:${schemaName}`, ...(opts.deps ?? [])].sort(),
    persistence: 'p', partitionKey: null,
    partitionOf: opts.partitionOf === undefined ? null : { parent: opts.partitionOf, bound: 'DEFAULT' },
    inherits: opts.inherits ?? [], columns: [], constraints, indexes: [], triggers: [], policies: [], rules: [],
    rowSecurity: { enabled: false, forced: false }, replicaIdentity: 'd', replicaIdentityIndex: null, options: [], accessMethod: null,
  };
}

export function view(schemaName: string, name: string, deps: readonly ObjectKey[], kind: 'view' | 'matview' = 'view'): ViewObject {
  return {
    ...base, key: `${kind}:${schemaName}.${name}`, kind, schema: schemaName, name, deps: [`schema:${schemaName}`, ...deps].sort(),
    definition: ' SELECT 1;', columns: [], options: [], indexes: [], populated: true, triggers: [], rules: [],
  };
}

export function fn(schemaName: string, name: string, deps: readonly ObjectKey[] = []): FunctionObject {
  return {
    ...base, key: `function:${schemaName}.${name}()`, kind: 'function', schema: schemaName, name, deps: [`schema:${schemaName}`, ...deps].sort(),
    variant: 'f', identityArguments: '', definition: `CREATE OR REPLACE FUNCTION ${schemaName}.${name}() …`, language: 'sql',
  };
}

export function enumType(schemaName: string, name: string): TypeObject {
  return { ...base, key: `type:${schemaName}.${name}`, kind: 'type', schema: schemaName, name, deps: [`schema:${schemaName}`], type: { variant: 'enum', labels: ['a'] } };
}

export function sequence(schemaName: string, name: string, ownedBy?: ObjectKey): SequenceObject {
  return {
    ...base, key: `sequence:${schemaName}.${name}`, kind: 'sequence', schema: schemaName, name, deps: [`schema:${schemaName}`],
    options: { dataType: 'bigint', start: '1', increment: '1', min: '1', max: '9223372036854775807', cache: '1', cycle: false },
    persistence: 'p', ownedBy: ownedBy === undefined ? null : { table: ownedBy, column: 'id' },
  };
}

export function statistics(schemaName: string, name: string, on: ObjectKey): StatisticsObject {
  return {
    ...base, key: `statistics:${schemaName}.${name}`, kind: 'statistics', schema: schemaName, name, deps: [`schema:${schemaName}`, on].sort(),
    definition: 'CREATE STATISTICS …', table: on, statisticsTarget: null,
  };
}

export function cast(source: ObjectKey, target: string, fnKey: ObjectKey): CastObject {
  return {
    ...base, key: `cast:(${source.slice(5)} AS ${target})`, kind: 'cast', schema: null, name: `${source} AS ${target}`, deps: [source, fnKey].sort(),
    source: source.slice(5), target, function: fnKey, method: 'f', context: 'e',
  };
}

export function model(objects: readonly SchemaObjectAny[]): SchemaModel {
  return {
    formatVersion: 1, serverVersionNum: 170000,
    database: { name: 'app', owner: 'app', encoding: 'UTF8', collate: 'C', ctype: 'C', localeProvider: 'c', locale: null, acl: null, comment: null, settings: [] },
    objects: [...objects].sort((a, b) => (a.key < b.key ? -1 : 1)), defaultPrivileges: [], roles: [],
  };
}
