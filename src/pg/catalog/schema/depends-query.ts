// Dependencies between objects, read from pg_depend in one query for the whole database. pg_depend names the
// part that holds a reference (a view's _RETURN rule, a column default, a constraint, a trigger, an index), so
// both ends arrive as `<catalog>:<oid>` tokens that the assembler maps to ObjectKeys; a reference to an array type
// stands for its element type, and a reference to an extension's member for the extension.
import { FIRST_NORMAL_OBJECT_ID } from './casts-query.js';

export interface DependRow {
  readonly token: string;
  readonly ref: string;
  /** 'n' normal, 'a' auto. */
  readonly deptype: string;
}

// Only objects made after initdb can depend on something in the model; what they depend on may be older (the
// public schema is made by initdb), and references to pinned built-ins are never recorded, so that side is not
// filtered.
export const DEPENDS_SQL = `
SELECT DISTINCT d.classid::regclass::text || ':' || d.objid AS token,
       CASE WHEN ext.refobjid IS NOT NULL THEN 'pg_extension:' || ext.refobjid
            ELSE d.refclassid::regclass::text || ':' || coalesce(arr.typelem, d.refobjid) END AS ref,
       d.deptype::text AS deptype
FROM pg_depend d
LEFT JOIN pg_type arr ON d.refclassid = 'pg_type'::regclass AND arr.oid = d.refobjid AND arr.typelem <> 0 AND arr.typlen = -1
LEFT JOIN pg_depend ext ON ext.classid = d.refclassid AND ext.objid = coalesce(arr.typelem, d.refobjid) AND ext.deptype = 'e'
WHERE d.deptype IN ('n', 'a') AND d.objid >= ${String(FIRST_NORMAL_OBJECT_ID)}
ORDER BY 1, 2, 3`;
