// SQL pieces every schema-introspection query shares, so each query filters and shapes the same way. They run
// with `search_path = pg_catalog` (introspect-schema.ts), so catalog names need no qualification here and the
// server's deparsers qualify every user name.

/** PostgreSQL reserves the pg_ prefix, so this skips pg_catalog, pg_toast* and pg_temp_* too. */
export function userSchema(nspname: string): string {
  return `(${nspname} <> 'information_schema' AND ${nspname} NOT LIKE 'pg\\_%')`;
}

/** The object does not belong to an extension: such objects come with `CREATE EXTENSION`, not one by one. */
export function notExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend xd WHERE xd.classid = '${catalog}'::regclass AND xd.objid = ${oid} AND xd.deptype = 'e')`;
}

/**
 * The object is not made by another one as part of itself (pg_depend deptype 'i'): a range type's constructor
 * functions and its multirange cast come with CREATE TYPE, as pg_dump sees it.
 */
export function notInternal(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend xi WHERE xi.classid = '${catalog}'::regclass AND xi.objid = ${oid} AND xi.deptype = 'i')`;
}

/** The comment on an object (objsubid 0) or on one column of it. */
export function commentOf(catalog: string, oid: string, subid = '0'): string {
  return `(SELECT ds.description FROM pg_description ds WHERE ds.classoid = '${catalog}'::regclass AND ds.objoid = ${oid} AND ds.objsubid = ${subid})`;
}

/**
 * An aclitem[] as JSON `[[grantee, grantor, privilege, grantable], …]` (grantee '' = PUBLIC), or NULL when the
 * column is NULL: NULL means "default privileges", which differs from an empty (all revoked) ACL.
 */
export function aclJson(acl: string): string {
  return `CASE WHEN ${acl} IS NULL THEN NULL ELSE (
    SELECT coalesce(json_agg(json_build_array(
             CASE WHEN ae.grantee = 0 THEN '' ELSE pg_get_userbyid(ae.grantee)::text END,
             pg_get_userbyid(ae.grantor)::text, ae.privilege_type, ae.is_grantable)), '[]'::json)
    FROM aclexplode(${acl}) ae) END`;
}
