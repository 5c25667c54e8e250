// Oracle: an independent listing of one database's schema, read straight from the system catalogs with plain SQL,
// written apart from src/pg/catalog (never import it here: pgrepl's model must not be its own judge). One entry
// per object or attribute, as `kind|field|…`, with names instead of OIDs and the server's own deparsers for
// definitions (pg_get_*def, format_type, pg_get_expr), sorted. Two databases with the same schema list the same;
// same-major only (deparsers print differently across majors).
import type { Cluster } from '../harness/index.js';

/** Schemas whose contents are the server's own. */
const USER_NAMESPACE = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

/** True when the object is a member of an extension (it comes with the extension, not by itself). */
function notExtensionMember(catalog: string, oid: string): string {
  return `NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = '${catalog}'::regclass AND e.objid = ${oid} AND e.deptype = 'e')`;
}

/** An ACL as sorted `grantee>grantor:PRIVILEGE[*]` items; 'default' for NULL (never granted or revoked). */
function acl(column: string): string {
  return `CASE WHEN ${column} IS NULL THEN 'default' ELSE coalesce((SELECT string_agg(x.item, ',' ORDER BY x.item COLLATE "C") FROM (
    SELECT format('%s>%s:%s%s', CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(a.grantee) END,
      pg_get_userbyid(a.grantor), a.privilege_type, CASE WHEN a.is_grantable THEN '*' ELSE '' END) AS item
    FROM aclexplode(${column}) a) x), 'none') END`;
}

/** One entry: `kind|f1|f2…`, NULL fields as '∅'. */
function entry(kind: string, ...fields: string[]): string {
  return `'${kind}' || ${fields.map((f) => `'|' || coalesce((${f})::text, '∅')`).join(' || ')}`;
}

const REL = `format('%I.%I', n.nspname, c.relname)`;

function queries(major: number): string[] {
  const userRelation = `${USER_NAMESPACE} AND ${notExtensionMember('pg_class', 'c.oid')}`;
  return [
    `SELECT ${entry('schema', 'quote_ident(n.nspname)', 'pg_get_userbyid(n.nspowner)', acl('n.nspacl'))} AS line
     FROM pg_namespace n WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_namespace', 'n.oid')}`,

    `SELECT ${entry('extension', 'quote_ident(x.extname)', 'x.extversion', 'quote_ident(n.nspname)', 'x.extrelocatable')} AS line
     FROM pg_extension x JOIN pg_namespace n ON n.oid = x.extnamespace`,

    // Every column but OIDs and the version (the ICU/libc library may differ between builds).
    `SELECT ${entry('collation', "format('%I.%I', n.nspname, co.collname)", 'pg_get_userbyid(co.collowner)',
      "to_jsonb(co) - 'oid' - 'collnamespace' - 'collowner' - 'collversion' - 'collname'")} AS line
     FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
     WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_collation', 'co.oid')}`,

    // Types made by CREATE TYPE/DOMAIN: not arrays or multiranges (internal dependents), not table row types.
    `SELECT ${entry('type', "format('%I.%I', n.nspname, t.typname)", 't.typtype', 'pg_get_userbyid(t.typowner)', acl('t.typacl'),
      "CASE WHEN t.typtype = 'd' THEN format_type(t.typbasetype, t.typtypmod) END", 't.typnotnull', 't.typdefault',
      "(SELECT format('%I.%I', cn.nspname, cc.collname) FROM pg_collation cc JOIN pg_namespace cn ON cn.oid = cc.collnamespace WHERE cc.oid = t.typcollation)",
      "(SELECT string_agg(quote_literal(en.enumlabel), ',' ORDER BY en.enumsortorder) FROM pg_enum en WHERE en.enumtypid = t.oid)")} AS line
     FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_type', 't.oid')}
       AND NOT EXISTS (SELECT 1 FROM pg_depend i WHERE i.classid = 'pg_type'::regclass AND i.objid = t.oid AND i.deptype = 'i')
       AND (t.typrelid = 0 OR (SELECT r.relkind FROM pg_class r WHERE r.oid = t.typrelid) = 'c')`,

    `SELECT ${entry('range', 'format_type(r.rngtypid, NULL)', 'format_type(r.rngsubtype, NULL)',
      "(SELECT format('%I.%I USING %I', on2.nspname, oc.opcname, am.amname) FROM pg_opclass oc JOIN pg_namespace on2 ON on2.oid = oc.opcnamespace JOIN pg_am am ON am.oid = oc.opcmethod WHERE oc.oid = r.rngsubopc)",
      "(SELECT format('%I.%I', cn.nspname, cc.collname) FROM pg_collation cc JOIN pg_namespace cn ON cn.oid = cc.collnamespace WHERE cc.oid = r.rngcollation)",
      "nullif(r.rngcanonical::regproc::text, '-')", "nullif(r.rngsubdiff::regproc::text, '-')",
      major >= 14 ? 'format_type(r.rngmultitypid, NULL)' : 'NULL')} AS line
     FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN pg_namespace n ON n.oid = t.typnamespace
     WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_type', 't.oid')}`,

    `SELECT ${entry('relation', REL, 'c.relkind', 'c.relpersistence', 'pg_get_userbyid(c.relowner)', acl('c.relacl'),
      "array_to_string(ARRAY(SELECT o FROM unnest(c.reloptions) o ORDER BY o COLLATE \"C\"), ',')",
      'c.relispartition', 'pg_get_expr(c.relpartbound, c.oid)', "CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END",
      'c.relreplident', 'c.relrowsecurity', 'c.relforcerowsecurity',
      "(SELECT string_agg(format('%I.%I', pn.nspname, p.relname), ',' ORDER BY i.inhseqno) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = c.oid)",
      "(SELECT am.amname FROM pg_am am WHERE am.oid = c.relam AND c.relkind IN ('r', 'm'))",
      "CASE WHEN c.relkind IN ('v', 'm') THEN pg_get_viewdef(c.oid) END",
      "CASE WHEN c.relkind = 'm' THEN c.relispopulated END")} AS line
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f', 'c') AND ${userRelation}`,

    `SELECT ${entry('sequence', REL, 'format_type(s.seqtypid, NULL)', 's.seqstart', 's.seqincrement', 's.seqmin', 's.seqmax', 's.seqcache', 's.seqcycle',
      "(SELECT format('%s %I.%I.%I', d.deptype, tn.nspname, tc.relname, ta.attname) FROM pg_depend d JOIN pg_class tc ON tc.oid = d.refobjid JOIN pg_namespace tn ON tn.oid = tc.relnamespace JOIN pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i'))")} AS line
     FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${userRelation}`,

    // Columns by position among the live ones (a dropped column leaves a gap in attnum that a copy does not have).
    `SELECT ${entry('column', REL, 'row_number() OVER (PARTITION BY c.oid ORDER BY a.attnum)', 'quote_ident(a.attname)', 'format_type(a.atttypid, a.atttypmod)',
      'a.attnotnull', 'pg_get_expr(ad.adbin, ad.adrelid)', 'a.attidentity', 'a.attgenerated',
      "(SELECT format('%I.%I', cn.nspname, cc.collname) FROM pg_collation cc JOIN pg_namespace cn ON cn.oid = cc.collnamespace WHERE cc.oid = a.attcollation AND a.attcollation <> (SELECT ty.typcollation FROM pg_type ty WHERE ty.oid = a.atttypid))",
      'coalesce(a.attstattarget::int, -1)', 'a.attstorage', 'a.attislocal', 'a.attinhcount', acl('a.attacl'),
      "array_to_string(a.attoptions, ',')", major >= 14 ? 'a.attcompression' : 'NULL')} AS line
     FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
     WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND ${userRelation}`,

    `SELECT ${entry('constraint',
      "CASE WHEN co.conrelid <> 0 THEN format('%I.%I', n.nspname, c.relname) ELSE format('domain %s', format_type(co.contypid, NULL)) END", 'quote_ident(co.conname)', 'co.contype',
      'pg_get_constraintdef(co.oid, true)', 'co.condeferrable', 'co.condeferred', 'co.convalidated', 'co.conislocal', 'co.coninhcount',
      // NO INHERIT only means something for CHECK and NOT NULL; index-backed keys carry whatever their creation path set.
      "CASE WHEN co.contype IN ('c', 'n') THEN co.connoinherit END",
      "(SELECT format('%I.%I', pn.nspname, pc.relname) FROM pg_class pc JOIN pg_namespace pn ON pn.oid = pc.relnamespace WHERE pc.oid = co.confrelid)",
      "(SELECT format('%I.%I', ic.relname, pcon.conname) FROM pg_constraint pcon JOIN pg_class ic ON ic.oid = pcon.conrelid WHERE pcon.oid = co.conparentid)")} AS line
     FROM pg_constraint co JOIN pg_namespace cn ON cn.oid = co.connamespace
     LEFT JOIN pg_class c ON c.oid = co.conrelid LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${USER_NAMESPACE.replaceAll('n.nspname', 'cn.nspname')} AND ${notExtensionMember('pg_constraint', 'co.oid')}
       AND (co.conrelid = 0 OR ${notExtensionMember('pg_class', 'co.conrelid')})
       AND (co.contypid = 0 OR ${notExtensionMember('pg_type', 'co.contypid')})`,

    `SELECT ${entry('index', REL, 'quote_ident(ic.relname)', 'pg_get_indexdef(x.indexrelid)', 'x.indisprimary', 'x.indisunique', 'x.indisexclusion',
      'x.indisclustered', 'x.indisvalid', 'x.indisreplident', 'x.indimmediate',
      "(SELECT format('%I.%I', pn.nspname, p.relname) FROM pg_inherits i JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = p.relnamespace WHERE i.inhrelid = x.indexrelid)",
      "(SELECT quote_ident(con.conname) FROM pg_constraint con WHERE con.conindid = x.indexrelid AND con.conrelid = x.indrelid AND con.contype IN ('p', 'u', 'x'))")} AS line
     FROM pg_index x JOIN pg_class ic ON ic.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE ${userRelation}`,

    // Internal triggers (FK action triggers) are named after OIDs and come with their constraint.
    `SELECT ${entry('trigger', REL, 'quote_ident(t.tgname)', 'pg_get_triggerdef(t.oid)', 't.tgenabled')} AS line
     FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE NOT t.tgisinternal AND ${userRelation}`,

    `SELECT ${entry('policy', REL, 'quote_ident(p.polname)', 'p.polcmd', 'p.polpermissive',
      "(SELECT string_agg(x.name, ',' ORDER BY x.name COLLATE \"C\") FROM (SELECT CASE WHEN r = 0 THEN 'PUBLIC' ELSE pg_get_userbyid(r)::text END AS name FROM unnest(p.polroles) r) x)",
      'pg_get_expr(p.polqual, p.polrelid)', 'pg_get_expr(p.polwithcheck, p.polrelid)')} AS line
     FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE ${userRelation}`,

    `SELECT ${entry('rule', REL, 'quote_ident(r.rulename)', 'pg_get_ruledef(r.oid)', 'r.ev_enabled')} AS line
     FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE r.rulename <> '_RETURN' AND ${userRelation}`,

    `SELECT ${entry('function', "format('%I.%I(%s)', n.nspname, p.proname, pg_get_function_identity_arguments(p.oid))", 'p.prokind',
      'pg_get_userbyid(p.proowner)', acl('p.proacl'), "CASE WHEN p.prokind IN ('f', 'p') THEN pg_get_functiondef(p.oid) END",
      'pg_get_function_arguments(p.oid)', 'pg_get_function_result(p.oid)',
      "(SELECT format('%s|%s|%s|%s|%s|%s', ag.aggkind, ag.aggtransfn::regprocedure, nullif(ag.aggfinalfn::text, '-'), format_type(ag.aggtranstype, NULL), ag.agginitval, nullif(ag.aggcombinefn::text, '-')) FROM pg_aggregate ag WHERE ag.aggfnoid = p.oid)")} AS line
     FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_proc', 'p.oid')}`,

    `SELECT ${entry('cast', 'format_type(ca.castsource, NULL)', 'format_type(ca.casttarget, NULL)', "nullif(ca.castfunc::regprocedure::text, '-')", 'ca.castcontext', 'ca.castmethod')} AS line
     FROM pg_cast ca WHERE ca.oid >= 16384 AND ${notExtensionMember('pg_cast', 'ca.oid')}`,

    `SELECT ${entry('operator', 'o.oid::regoperator', 'pg_get_userbyid(o.oprowner)', 'o.oprcode::regprocedure',
      "nullif(o.oprcom::regoperator::text, '0')", "nullif(o.oprnegate::regoperator::text, '0')", "nullif(o.oprrest::text, '-')", "nullif(o.oprjoin::text, '-')",
      'o.oprcanhash', 'o.oprcanmerge')} AS line
     FROM pg_operator o JOIN pg_namespace n ON n.oid = o.oprnamespace WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_operator', 'o.oid')}`,

    `SELECT ${entry('opfamily', "format('%I.%I USING %I', n.nspname, f.opfname, am.amname)", 'pg_get_userbyid(f.opfowner)',
      "(SELECT string_agg(x.item, ';' ORDER BY x.item COLLATE \"C\") FROM (SELECT format('op %s %s %s %s,%s', ao.amopstrategy, ao.amopopr::regoperator, ao.amoppurpose, format_type(ao.amoplefttype, NULL), format_type(ao.amoprighttype, NULL)) AS item FROM pg_amop ao WHERE ao.amopfamily = f.oid) x)",
      "(SELECT string_agg(x.item, ';' ORDER BY x.item COLLATE \"C\") FROM (SELECT format('fn %s %s %s,%s', ap.amprocnum, ap.amproc::regprocedure, format_type(ap.amproclefttype, NULL), format_type(ap.amprocrighttype, NULL)) AS item FROM pg_amproc ap WHERE ap.amprocfamily = f.oid) x)")} AS line
     FROM pg_opfamily f JOIN pg_namespace n ON n.oid = f.opfnamespace JOIN pg_am am ON am.oid = f.opfmethod
     WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_opfamily', 'f.oid')}`,

    `SELECT ${entry('opclass', "format('%I.%I USING %I', n.nspname, oc.opcname, am.amname)", 'pg_get_userbyid(oc.opcowner)',
      "(SELECT format('%I.%I', fn.nspname, f.opfname) FROM pg_opfamily f JOIN pg_namespace fn ON fn.oid = f.opfnamespace WHERE f.oid = oc.opcfamily)",
      'format_type(oc.opcintype, NULL)', 'oc.opcdefault', "nullif(format_type(oc.opckeytype, NULL), '-')")} AS line
     FROM pg_opclass oc JOIN pg_namespace n ON n.oid = oc.opcnamespace JOIN pg_am am ON am.oid = oc.opcmethod
     WHERE ${USER_NAMESPACE} AND ${notExtensionMember('pg_opclass', 'oc.oid')}`,

    `SELECT ${entry('statistics', "format('%I.%I', n.nspname, s.stxname)", 'pg_get_userbyid(s.stxowner)', 'pg_get_statisticsobjdef(s.oid)',
      major >= 13 ? 'coalesce(s.stxstattarget::int, -1)' : 'NULL')} AS line
     FROM pg_statistic_ext s JOIN pg_namespace n ON n.oid = s.stxnamespace WHERE ${USER_NAMESPACE}`,

    `SELECT ${entry('default-acl', 'pg_get_userbyid(d.defaclrole)', "(SELECT quote_ident(dn.nspname) FROM pg_namespace dn WHERE dn.oid = d.defaclnamespace)", 'd.defaclobjtype', acl('d.defaclacl'))} AS line
     FROM pg_default_acl d`,

    // Settings of this database (for everyone or one role); the database's own name differs between the two.
    `SELECT ${entry('db-setting', "CASE WHEN s.setrole = 0 THEN '*' ELSE pg_get_userbyid(s.setrole) END", 'cfg')} AS line
     FROM pg_db_role_setting s, unnest(s.setconfig) cfg
     WHERE s.setdatabase = (SELECT oid FROM pg_database WHERE datname = current_database())`,

    `SELECT ${entry('database', 'pg_get_userbyid(d.datdba)', acl('d.datacl'), 'pg_encoding_to_char(d.encoding)', 'd.datcollate', 'd.datctype',
      "(SELECT sd.description FROM pg_shdescription sd WHERE sd.objoid = d.oid AND sd.classoid = 'pg_database'::regclass)")} AS line
     FROM pg_database d WHERE d.datname = current_database()`,

    // Comments on anything user-made (and on schemas, for public's), named by pg_identify_object.
    `SELECT ${entry('comment', '(pg_identify_object(ds.classoid, ds.objoid, ds.objsubid)).type', '(pg_identify_object(ds.classoid, ds.objoid, ds.objsubid)).identity', 'ds.description')} AS line
     FROM pg_description ds
     WHERE (ds.objoid >= 16384 OR ds.classoid = 'pg_namespace'::regclass)
       AND NOT EXISTS (SELECT 1 FROM pg_depend e WHERE e.classid = ds.classoid AND e.objid = ds.objoid AND e.deptype = 'e')`,
  ];
}

/** The SQL of the listing for a server major (exported for tests of the listing itself). */
export function catalogListingSql(major: number): string {
  return `SELECT line FROM (\n${queries(major).join('\nUNION ALL\n')}\n) listing ORDER BY line COLLATE "C"`;
}

/**
 * The listing of one database. The session reads with search_path = pg_catalog (so deparsers qualify every user
 * name) and TimeZone = UTC (timestamptz partition bounds print in the session's zone).
 */
export async function listCatalogs(cluster: Cluster, database: string): Promise<string[]> {
  const rows = await cluster.query<{ line: string }>(
    `SET search_path = pg_catalog; SET TimeZone = 'UTC'; SET DateStyle = 'ISO'; SET extra_float_digits = 3;\n${catalogListingSql(cluster.major)}`, [], database);
  return rows.map((r) => r.line);
}
