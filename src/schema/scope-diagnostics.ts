// The problems scope closure reports (src/schema/scope.ts), each naming every object involved so a plan can point
// at them. Pure data builders: the messages read like the rest of pgrepl's diagnostics.
import type { ObjectKey, TableObject } from '../model/schema.js';
import { quoteIdent } from '../pg/sql/quote.js';
import type { Diagnostic } from '../util/errors.js';

export type ScopeProblem =
  /** A selected key that is not a table of the model. */
  | 'unknown-table'
  /** A selected table has a foreign key to a table that is not selected. */
  | 'fk-out-of-scope'
  /** A selected table inherits (INHERITS, not partitioning) from a table that is not selected. */
  | 'parent-out-of-scope'
  /** Something the selected tables need (a type, a default, a policy, a SQL-standard function body) needs a table that is not selected. */
  | 'needs-unselected-table'
  /** A view or materialised view reads selected tables and some that are not: left out. */
  | 'view-left-out';

export interface ScopeDiagnostic extends Diagnostic {
  readonly code: ScopeProblem;
  /** The object the problem is about. */
  readonly object: ObjectKey;
  /** The other objects the message names (the referenced table, the excluded table, …). */
  readonly related: readonly ObjectKey[];
}

/** `table:sales."Order Lines"` -> `sales."Order Lines"`: keys already quote their names. */
export function displayName(key: ObjectKey): string {
  return key.slice(key.indexOf(':') + 1);
}

function kindWord(key: ObjectKey): string {
  const kind = key.slice(0, key.indexOf(':'));
  return kind === 'matview' ? 'materialized view' : kind;
}

export function unknownTable(key: ObjectKey): ScopeDiagnostic {
  return { severity: 'error', code: 'unknown-table', object: key, related: [], message: `selected table ${displayName(key)} is not in the source's schema` };
}

export function fkOutOfScope(table: TableObject, constraint: string, referenced: ObjectKey): ScopeDiagnostic {
  return {
    severity: 'error', code: 'fk-out-of-scope', object: table.key, related: [referenced],
    message: `foreign key ${quoteIdent(constraint)} of table ${displayName(table.key)} references table ${displayName(referenced)}, which is not selected`,
    hints: [`select ${displayName(referenced)} too (it can be schema-only), or exclude ${displayName(table.key)}`],
  };
}

export function parentOutOfScope(table: TableObject, parent: ObjectKey): ScopeDiagnostic {
  return {
    severity: 'error', code: 'parent-out-of-scope', object: table.key, related: [parent],
    message: `table ${displayName(table.key)} inherits from table ${displayName(parent)}, which is not selected`,
    hints: [`select ${displayName(parent)} too, or exclude ${displayName(table.key)}`],
  };
}

export function needsUnselectedTable(needer: ObjectKey, via: readonly ObjectKey[], table: ObjectKey): ScopeDiagnostic {
  const chain = via.length > 0 ? ` (needed by ${via.map((k) => `${kindWord(k)} ${displayName(k)}`).join(' <- ')})` : '';
  return {
    severity: 'error', code: 'needs-unselected-table', object: needer, related: [table, ...via],
    message: `${kindWord(needer)} ${displayName(needer)}${chain} needs ${kindWord(table)} ${displayName(table)}, which is not selected`,
  };
}

export function viewLeftOut(view: ObjectKey, missing: readonly ObjectKey[]): ScopeDiagnostic {
  const names = missing.map((k) => `${kindWord(k)} ${displayName(k)}`).join(', ');
  return {
    severity: 'warning', code: 'view-left-out', object: view, related: missing,
    message: `${kindWord(view)} ${displayName(view)} is left out: it needs ${names}, which ${missing.length === 1 ? 'is' : 'are'} not in scope`,
  };
}
