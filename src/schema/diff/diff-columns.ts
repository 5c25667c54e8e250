// A table's columns, matched by name. Column order is not compared: ADD COLUMN can only append, and pgrepl
// copies rows with explicit column lists, so order never changes what arrives.
import type { Column, TableObject } from '../../model/schema.js';
import {
  addColumn, alterColumnIdentity, alterColumnType, commentOnColumn, dropColumn, setColumnDefault, setColumnNotNull,
  setColumnCompression, setColumnOptions, setColumnStatistics, setColumnStorage, setGenerationExpression,
} from '../../pg/ddl/alter/column.js';
import { COLUMN_COMPRESSION_FIRST_MAJOR } from '../../pg/ddl/create/table.js';
import { grantStatements } from '../../pg/ddl/alter/privileges.js';
import { renameConstraint } from '../../pg/ddl/alter/table.js';
import { quoteIdent } from '../../pg/sql/quote.js';
import type { ChangeBuilder } from './change-builder.js';
import { diffAcl, maintainComparable } from './diff-acl.js';
import type { DiffContext } from './diff-context.js';
import { makeObjectName } from '../normalise.js';
import { isSafeTypeChange } from './safe-type-change.js';

/** PostgreSQL 17 is the first with ALTER COLUMN … SET EXPRESSION. */
export const SET_EXPRESSION_FIRST_MAJOR = 17;
/** PostgreSQL 16 is the first with SET STORAGE DEFAULT. */
export const STORAGE_DEFAULT_FIRST_MAJOR = 16;
/** PostgreSQL 18 is the first with VIRTUAL generated columns. */
export const VIRTUAL_GENERATED_FIRST_MAJOR = 18;
/** PostgreSQL 18 is the first to name NOT NULL constraints. */
export const NAMED_NOT_NULL_FIRST_MAJOR = 18;

function sameGeneration(d: Column, a: Column): boolean {
  return JSON.stringify(d.generated) === JSON.stringify(a.generated);
}

/** Differences no ALTER COLUMN reaches, so the column is dropped and added again (its values are lost). */
function mustRecreate(d: Column, a: Column, ctx: DiffContext): string | null {
  if (sameGeneration(d, a)) return null;
  if (d.generated === null || a.generated === null) return 'generated/ordinary changed';
  if (d.generated.kind !== a.generated.kind) return 'generated STORED/VIRTUAL changed';
  if (d.generated.kind === 'v' || ctx.targetMajor < SET_EXPRESSION_FIRST_MAJOR) return 'generation expression changed';
  return null;
}

function alterColumn(t: TableObject, d: Column, a: Column, ctx: DiffContext, out: ChangeBuilder): void {
  const col = quoteIdent(d.name);
  const inherited = !d.isLocal || !a.isLocal;
  const typeChanges = !inherited && (d.type !== a.type || d.collation !== a.collation);
  const recreate = inherited ? null : mustRecreate(d, a, ctx);
  if (recreate !== null) {
    refuseVirtual(d, ctx, out);
    out.brokenColumns.push(d.name);
    out.add(`column ${col}: ${recreate}; dropped and added again`, [addColumn(t, d)], [dropColumn(t, a.name)]);
    optionsAndCompression(t, d, null, ctx, out);
    return;
  }
  // The old default may not cast to the new type: drop it first, set the desired one after.
  const defaultChanges = d.default !== a.default || (typeChanges && a.default !== null);
  if (defaultChanges && a.default !== null) out.add(`column ${col}: default dropped`, [], [setColumnDefault(t, d.name, null)]);
  if (typeChanges) {
    out.brokenColumns.push(d.name);
    const rewrite = d.collation === a.collation ? !isSafeTypeChange(a.type, d.type) : d.type !== a.type && !isSafeTypeChange(a.type, d.type);
    const what = d.type !== a.type ? `type ${a.type} -> ${d.type}` : `collation ${a.collation ?? 'default'} -> ${d.collation ?? 'default'}`;
    out.add(`column ${col}: ${what}${rewrite ? ' (rewrites the table; values may be refused or cut)' : ''}`, [alterColumnType(t, d, rewrite)]);
  }
  if (!sameGeneration(d, a)) out.add(`column ${col}: generation expression changed (rewrites the table)`, [setGenerationExpression(t, d)]);
  // ADD GENERATED … AS IDENTITY needs NOT NULL first; DROP NOT NULL is refused until DROP IDENTITY ran.
  if (d.notNull && !a.notNull) out.add(`column ${col}: SET NOT NULL`, [setColumnNotNull(t, d.name, true)]);
  if (!inherited && JSON.stringify(d.identity) !== JSON.stringify(a.identity)) {
    out.add(`column ${col}: identity changed`, alterColumnIdentity(t, d.name, d.identity, a.identity));
  }
  if (!d.notNull && a.notNull) out.add(`column ${col}: DROP NOT NULL`, [setColumnNotNull(t, d.name, false)]);
  if (defaultChanges && d.default !== null) out.add(`column ${col}: default ${d.default}`, [setColumnDefault(t, d.name, d.default)]);
  if (d.storage !== a.storage) {
    if (d.storage !== null || ctx.targetMajor >= STORAGE_DEFAULT_FIRST_MAJOR) {
      out.add(`column ${col}: storage changed`, [setColumnStorage(t, d.name, d.storage)]);
    } else {
      // Replacing a table for a storage setting would throw its rows away: a plan error says what to run instead.
      out.refuse(`column ${col}: storage back to the type's default needs SET STORAGE DEFAULT (PostgreSQL ${STORAGE_DEFAULT_FIRST_MAJOR}); run ALTER TABLE … ALTER COLUMN ${col} SET STORAGE <the type's storage> by hand`);
    }
  }
  if ((d.statisticsTarget ?? -1) !== (a.statisticsTarget ?? -1)) {
    out.add(`column ${col}: statistics target changed`, [setColumnStatistics(t, d.name, d.statisticsTarget)]);
  }
  optionsAndCompression(t, d, a, ctx, out);
  if (d.notNull && a.notNull && d.notNullName !== a.notNullName && Math.min(ctx.desiredMajor, ctx.actualMajor, ctx.targetMajor) >= NAMED_NOT_NULL_FIRST_MAJOR) {
    // null = the name the server made up (the normaliser folds it), which is what a rename must start or end at.
    const from = a.notNullName ?? makeObjectName(t.name, a.name, 'not_null');
    const to = d.notNullName ?? makeObjectName(t.name, d.name, 'not_null');
    out.add(`column ${col}: NOT NULL constraint ${from} -> ${to}`, [renameConstraint(t, from, to)]);
  }
  columnCommentAndAcl(t, d, a, ctx, out);
}

/** attoptions and attcompression, which neither ADD COLUMN nor a type change spell. Absent and empty are the same. */
function optionsAndCompression(t: TableObject, d: Column, a: Column | null, ctx: DiffContext, out: ChangeBuilder): void {
  const col = quoteIdent(d.name);
  const desired = d.options ?? [];
  const actual = a?.options ?? [];
  if (desired.join('\0') !== actual.join('\0')) out.add(`column ${col}: options changed`, setColumnOptions(t, d.name, desired, actual));
  const compression = d.compression ?? null;
  if (compression === (a?.compression ?? null)) return;
  if (compression !== null && ctx.targetMajor < COLUMN_COMPRESSION_FIRST_MAJOR) {
    out.refuse(`column ${col} sets COMPRESSION ${compression}, first in PostgreSQL ${COLUMN_COMPRESSION_FIRST_MAJOR}`);
    return;
  }
  out.add(`column ${col}: compression changed`, [setColumnCompression(t, d.name, compression)]);
}

function refuseVirtual(c: Column, ctx: DiffContext, out: ChangeBuilder): void {
  if (c.generated?.kind === 'v' && ctx.targetMajor < VIRTUAL_GENERATED_FIRST_MAJOR) {
    out.refuse(`column ${quoteIdent(c.name)} is a VIRTUAL generated column, first in PostgreSQL ${VIRTUAL_GENERATED_FIRST_MAJOR}`);
  }
}

function columnCommentAndAcl(t: TableObject, d: Column, a: Column | null, ctx: DiffContext, out: ChangeBuilder): void {
  const col = quoteIdent(d.name);
  if (d.comment !== (a?.comment ?? null)) out.add(`column ${col}: comment changed`, [commentOnColumn(t, d.name, d.comment)]);
  const changes = diffAcl({
    desired: d.acl ?? [], actual: a?.acl ?? [], column: d.name,
    compareMaintain: maintainComparable(ctx.desiredMajor, ctx.targetMajor),
  });
  for (const change of changes) {
    out.add(`column ${col}: privileges of ${change.grantee === '' ? 'PUBLIC' : change.grantee} changed`, grantStatements(t, change));
  }
}

export function diffColumns(d: TableObject, a: TableObject, ctx: DiffContext, out: ChangeBuilder): void {
  const actualByName = new Map(a.columns.map((c) => [c.name, c]));
  const desiredNames = new Set(d.columns.map((c) => c.name));
  const added = d.columns.filter((c) => !actualByName.has(c.name) && c.isLocal);
  const dropped = a.columns.filter((c) => !desiredNames.has(c.name) && c.isLocal);
  for (const c of dropped) {
    const lookalike = added.find((n) => n.type === c.type);
    const rename = lookalike === undefined ? '' : ` (or renamed to ${quoteIdent(lookalike.name)}: a rename cannot be told from drop + add)`;
    out.add(`column ${quoteIdent(c.name)} dropped${rename}`, [], [dropColumn(a, c.name)]);
    out.brokenColumns.push(c.name);
  }
  for (const c of added) {
    refuseVirtual(c, ctx, out);
    out.add(`column ${quoteIdent(c.name)} added`, [addColumn(d, c)]);
    // ADD COLUMN spells the column but not these.
    if (c.storage !== null) out.add(`column ${quoteIdent(c.name)}: storage`, [setColumnStorage(d, c.name, c.storage)]);
    if (c.statisticsTarget !== null && c.statisticsTarget >= 0) {
      out.add(`column ${quoteIdent(c.name)}: statistics target`, [setColumnStatistics(d, c.name, c.statisticsTarget)]);
    }
    optionsAndCompression(d, c, null, ctx, out);
    columnCommentAndAcl(d, c, null, ctx, out);
  }
  for (const c of d.columns) {
    const before = actualByName.get(c.name);
    if (before !== undefined) alterColumn(d, c, before, ctx, out);
  }
}
