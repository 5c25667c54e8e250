// Schema introspection: one database's catalogs -> SchemaModel (src/model/schema.ts).
export { introspectSchema, INTROSPECTION_SETTINGS, MIN_SERVER_VERSION_NUM, type IntrospectOptions } from './introspect-schema.js';
export { assembleModel, referencedRoles, type CatalogRows } from './assemble.js';
export { readTargetCatalogLookup, parseTargetLookup, TARGET_LOOKUP_SQL, type TargetLookupRow } from './target-lookup.js';
