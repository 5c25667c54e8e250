// Models cut to one scope, as diffSchemas expects (src/schema/diff/diff-schemas.ts: every object of `actual` that
// `desired` lacks is dropped): the target is cut to the keys the source's scope holds, so objects the spec does not
// manage are never touched. A target database that does not exist yet is an empty model of the target's major.
import type { DatabaseInfo, ObjectKey, SchemaModel } from '../../model/schema.js';

export function cutModel(model: SchemaModel, keys: ReadonlySet<ObjectKey>): SchemaModel {
  return { ...model, objects: model.objects.filter((o) => keys.has(o.key)) };
}

/** What a database made by CREATE DATABASE … TEMPLATE template0 holds, as far as the diff looks. */
export function emptyModel(serverVersionNum: number, database: Pick<DatabaseInfo, 'name' | 'owner' | 'encoding' | 'collate' | 'ctype'>): SchemaModel {
  return {
    formatVersion: 1,
    serverVersionNum,
    database: { ...database, localeProvider: null, locale: null, acl: null, comment: null, settings: [] },
    objects: [],
    defaultPrivileges: [],
    roles: [],
  };
}
