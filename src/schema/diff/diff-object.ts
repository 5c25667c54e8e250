// Compares two versions of one object (same key) into a ChangeBuilder: the kind-specific parts, then what every
// object has (owner, comment, privileges).
import type { FunctionObject, SchemaObjectAny, SequenceObject, ViewObject } from '../../model/schema.js';
import { setExtensionSchema, updateExtension } from '../../pg/ddl/alter/extension.js';
import { replaceFunction, setStatisticsTarget } from '../../pg/ddl/alter/function.js';
import { alterSequenceOptions, setSequenceOwnedBy, setSequencePersistence } from '../../pg/ddl/alter/sequence.js';
import { commentOnColumn } from '../../pg/ddl/alter/column.js';
import { setRelationOptions } from '../../pg/ddl/alter/table.js';
import { createOrReplaceView, setViewColumnDefault } from '../../pg/ddl/alter/view.js';
import { ddl } from '../../pg/ddl/alter/statement.js';
import { grantStatements } from '../../pg/ddl/alter/privileges.js';
import { quoteIdent } from '../../pg/sql/quote.js';
import { ChangeBuilder } from './change-builder.js';
import { diffAcl } from './diff-acl.js';
import { diffCommon } from './diff-common.js';
import type { DiffContext } from './diff-context.js';
import { diffIndexes, diffRules, diffTriggers } from './diff-relation-parts.js';
import { diffTable, keySqlName } from './diff-table.js';
import { diffType } from './diff-type.js';

/** PostgreSQL 15 is the first with ALTER SEQUENCE … SET LOGGED/UNLOGGED. */
export const SEQUENCE_PERSISTENCE_FIRST_MAJOR = 15;
/** PostgreSQL 13 is the first with ALTER STATISTICS … SET STATISTICS. */
export const STATISTICS_TARGET_FIRST_MAJOR = 13;

/** Everything but owner, ACL, comment, deps (compared elsewhere or not at all) of an object, as JSON. */
function body(obj: SchemaObjectAny): string {
  const { owner: _o, acl: _a, comment: _c, deps: _d, ...rest } = obj;
  return JSON.stringify(rest);
}

function signature(definition: string): { readonly head: string; readonly returns: string } {
  const lines = definition.split('\n');
  return { head: lines[0] ?? '', returns: lines.find((l) => l.startsWith(' RETURNS ')) ?? '' };
}

/** CREATE OR REPLACE keeps the function's identity but cannot change its result type, argument names or defaults. */
function diffFunction(d: FunctionObject, a: FunctionObject, out: ChangeBuilder): void {
  if (d.variant !== a.variant) return out.replace(`${a.variant} -> ${d.variant}`);
  if (d.definition === a.definition && d.language === a.language) return;
  if (d.variant === 'a') return out.replace('aggregate definition changed');
  const sd = signature(d.definition);
  const sa = signature(a.definition);
  if (sd.head !== sa.head || sd.returns !== sa.returns) return out.replace('signature or result type changed');
  out.add('definition changed', [replaceFunction(d)]);
}

function viewColumnsShape(v: ViewObject): string[] {
  return v.columns.map((c) => `${c.name}\0${c.type}`);
}

/** A view is replaced in place when its existing columns keep name, type and position (new ones only at the end). */
function diffView(d: ViewObject, a: ViewObject, desiredIndexNames: ReadonlySet<string>, out: ChangeBuilder): void {
  const dc = viewColumnsShape(d);
  const ac = viewColumnsShape(a);
  const sameQuery = d.definition === a.definition && JSON.stringify(dc) === JSON.stringify(ac);
  if (d.kind === 'matview') {
    if (!sameQuery) return out.replace('materialized view query changed');
    if (d.populated !== a.populated) {
      const sql = `REFRESH MATERIALIZED VIEW ${keySqlName(d.key)}${d.populated ? '' : ' WITH NO DATA'}`;
      out.add(d.populated ? 'populated' : 'not populated', [ddl(d.key, sql, 'post-data')]);
    }
    const options = setRelationOptions(d, d.options, a.options);
    if (options.length > 0) out.add('storage options changed', options);
  } else if (!sameQuery) {
    const prefixKept = ac.every((c, i) => dc[i] === c);
    if (!prefixKept) return out.replace('view columns changed (CREATE OR REPLACE VIEW can only add columns at the end)');
    out.add('view query changed', [createOrReplaceView(d)]);
  } else {
    const options = setRelationOptions(d, d.options, a.options);
    if (options.length > 0) out.add('view options changed', options);
  }
  const have = new Map(a.columns.map((c) => [c.name, c]));
  for (const c of d.columns) {
    const h = have.get(c.name);
    if (c.default !== (h?.default ?? null)) out.add(`column ${quoteIdent(c.name)}: default changed`, [setViewColumnDefault(d, c.name, c.default)]);
    if (c.comment !== (h?.comment ?? null)) {
      out.add(`column ${quoteIdent(c.name)}: comment changed`, [commentOnColumn(d, c.name, c.comment)]);
    }
    for (const change of diffAcl({ desired: c.acl ?? [], actual: h?.acl ?? [], column: c.name, compareMaintain: false })) {
      out.add(`column ${quoteIdent(c.name)}: privileges changed`, grantStatements(d, change));
    }
  }
  diffIndexes(d, a, desiredIndexNames, out);
  diffTriggers(d, a, out);
  diffRules(d, a, out);
}

function diffSequence(d: SequenceObject, a: SequenceObject, ctx: DiffContext, out: ChangeBuilder): void {
  const options = alterSequenceOptions(d, d.options, a.options);
  if (options.length > 0) out.add('sequence options changed', options);
  if (JSON.stringify(d.ownedBy) !== JSON.stringify(a.ownedBy)) {
    const owner = d.ownedBy === null ? null : { tableSql: keySqlName(d.ownedBy.table), column: d.ownedBy.column };
    out.add(`owned by ${d.ownedBy === null ? 'none' : `${d.ownedBy.table}.${d.ownedBy.column}`}`, [setSequenceOwnedBy(d, owner)]);
  }
  if (d.persistence !== a.persistence) {
    if (ctx.targetMajor >= SEQUENCE_PERSISTENCE_FIRST_MAJOR) out.add(`${d.persistence === 'u' ? 'UNLOGGED' : 'LOGGED'}`, [setSequencePersistence(d, d.persistence)]);
    else out.replace('sequence persistence changed');
  }
}

export function diffObject(d: SchemaObjectAny, a: SchemaObjectAny, desiredIndexNames: ReadonlySet<string>, ctx: DiffContext): ChangeBuilder {
  const out = new ChangeBuilder();
  if (d.kind !== a.kind) {
    out.replace(`${a.kind} -> ${d.kind}`);
    return out;
  }
  switch (d.kind) {
    case 'schema': break;
    case 'table': if (a.kind === 'table') diffTable(d, a, desiredIndexNames, ctx, out); break;
    case 'type': if (a.kind === 'type') diffType(d, a, out); break;
    case 'view': case 'matview': if (a.kind === d.kind) diffView(d, a as ViewObject, desiredIndexNames, out); break;
    case 'function': if (a.kind === 'function') diffFunction(d, a, out); break;
    case 'sequence': if (a.kind === 'sequence') diffSequence(d, a, ctx, out); break;
    case 'extension':
      if (a.kind === 'extension') {
        // Each major ships its own default version of a contrib extension (hstore 1.6 on 12, 1.8 on 14+): across
        // majors the target's is the one it can have, so versions are compared only within one major.
        if (d.version !== a.version && ctx.desiredMajor === ctx.actualMajor) out.add(`version ${a.version} -> ${d.version}`, [updateExtension(d, d.version)]);
        if (d.extSchema !== a.extSchema) out.add(`schema ${a.extSchema} -> ${d.extSchema}`, [setExtensionSchema(d, d.extSchema)]);
      }
      break;
    case 'statistics':
      if (a.kind === 'statistics') {
        if (d.definition !== a.definition || d.table !== a.table) out.replace('statistics definition changed');
        else if (d.statisticsTarget !== a.statisticsTarget) {
          if (ctx.targetMajor >= STATISTICS_TARGET_FIRST_MAJOR) out.add('statistics target changed', [setStatisticsTarget(d, d.statisticsTarget)]);
          else out.replace('statistics target changed');
        }
      }
      break;
    default:
      // Collations, casts, operators, operator classes and families: no ALTER changes their definition.
      if (body(d) !== body(a)) out.replace(`${d.kind} definition changed`);
  }
  if (out.replaceReasons.length === 0) diffCommon(d, a, ctx, out);
  return out;
}
