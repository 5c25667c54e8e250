// Issue 4's filter rule for foreign keys: a filter on a referenced table may drop parent rows that copied child rows
// point at, and the foreign key made after the copy would fail. Allowed without a word when the child's `where` is
// the parent's with the parent's key columns replaced by the FK columns (`id % 2 = 0` -> `order_id % 2 = 0`).
// Anything else (a different child filter, a time window on the parent, a schema-only parent of a copied child) is a
// plan error, or with `filtered_foreign_keys: not_valid` the FK is made NOT VALID on the target (withNotValid).
import type { ObjectKey, SchemaModel, TableObject } from '../../model/schema.js';
import { quoteQualified } from '../../pg/sql/quote.js';
import type { DatabaseSpec } from '../../spec/model.js';
import type { Diagnostic } from '../../util/errors.js';
import { foreignKeys, mapFilterThroughKey, normaliseSql, type ForeignKey } from './foreign-keys.js';

export interface FilterRuleProblem {
  readonly fk: ForeignKey;
  readonly diagnostic: Diagnostic;
}

const display = (t: TableObject): string => quoteQualified(t.schema as string, t.name);

function rootOf(key: ObjectKey, byKey: ReadonlyMap<ObjectKey, TableObject>): ObjectKey {
  let k = key;
  for (let t = byKey.get(k); t?.partitionOf; t = byKey.get(k)) k = t.partitionOf.parent;
  return k;
}

export function filterRuleProblems(desired: SchemaModel, db: DatabaseSpec, rowsTables: readonly ObjectKey[], schemaOnly: readonly ObjectKey[]): FilterRuleProblem[] {
  const byKey = new Map(desired.objects.filter((o): o is TableObject => o.kind === 'table').map((t) => [t.key, t]));
  const rows = new Set(rowsTables);
  const structureOnly = new Set(schemaOnly);
  const whereOf = (t: TableObject): string | null => db.tableFilters.find((f) => f.schema === t.schema && f.table === t.name)?.where ?? null;
  const windowOf = (t: TableObject): boolean => db.timeFilters.some((f) => f.schema === t.schema && f.table === t.name);
  const out: FilterRuleProblem[] = [];
  for (const fk of foreignKeys(desired)) {
    const child = byKey.get(rootOf(fk.child, byKey));
    const parent = byKey.get(rootOf(fk.parent, byKey));
    if (child === undefined || parent === undefined || child.key === parent.key || !rows.has(child.key)) continue;
    if (structureOnly.has(parent.key)) {
      out.push({ fk, diagnostic: {
        severity: 'error',
        message: `${display(child)} is copied with rows but references ${display(parent)}, which is schema-only: foreign key ${fk.name} would fail on the target`,
        hints: [`make ${display(child)} schema-only too, copy the rows of ${display(parent)}, or set filtered_foreign_keys: not_valid`],
      } });
      continue;
    }
    const pw = whereOf(parent);
    const pWindow = windowOf(parent);
    if (pw === null && !pWindow) continue;
    const expected = !pWindow && pw !== null ? mapFilterThroughKey(pw, fk) : null;
    const cw = whereOf(child);
    if (expected !== null && cw !== null && !windowOf(child) && normaliseSql(cw) === expected) continue;
    const what = pWindow ? 'the time window' : `the filter (${pw ?? ''})`;
    out.push({ fk, diagnostic: {
      severity: 'error',
      message: `${what} on ${display(parent)} can leave rows of ${display(child)} pointing at rows that are not copied: foreign key ${fk.name} would fail on the target`,
      hints: [
        ...(expected === null ? [] : [`give ${display(child)} the matching filter: where: "${expected}"`]),
        `or set filtered_foreign_keys: not_valid to create ${fk.name} NOT VALID on the target`,
      ],
    } });
  }
  return out;
}

/** The model with these foreign keys made NOT VALID (as pg_get_constraintdef prints an unvalidated one). */
export function withNotValid(model: SchemaModel, fks: readonly ForeignKey[]): SchemaModel {
  const names = new Set(fks.map((f) => `${f.child}\0${f.name}`));
  return {
    ...model,
    objects: model.objects.map((o) => {
      if (o.kind !== 'table' || !o.constraints.some((c) => names.has(`${o.key}\0${c.name}`))) return o;
      return {
        ...o,
        constraints: o.constraints.map((c) => (names.has(`${o.key}\0${c.name}`) && c.validated
          ? { ...c, validated: false, definition: `${c.definition} NOT VALID` } : c)),
      };
    }),
  };
}
