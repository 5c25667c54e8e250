// The schema diff: what to run on the target (actual) so its schema reads like the source's (desired). Both
// models must already be cut to the same scope (src/schema/scope.ts): every object of `actual` that `desired`
// lacks is dropped. Pure.
import type { ObjectKey, SchemaModel, SchemaObjectAny, ViewObject } from '../../model/schema.js';
import { dropObject } from '../../pg/ddl/alter/common.js';
import { addConstraint, dropConstraint } from '../../pg/ddl/alter/table.js';
import { buildCreateDdl } from '../../pg/ddl/build-create-ddl.js';
import type { DdlStatement } from '../../pg/ddl/types.js';
import { type UnsupportedProblem, UnsupportedOnTargetError } from '../../pg/ddl/unsupported-error.js';
import { quoteIdent } from '../../pg/sql/quote.js';
import { normaliseModel } from '../normalise.js';
import { ChangeBuilder } from './change-builder.js';
import type { DiffContext } from './diff-context.js';
import { diffDatabase } from './diff-database.js';
import { diffObject } from './diff-object.js';
import { keepUnadministrableAcls } from './keep-acls.js';
import { mapRolesForTarget } from './map-roles.js';
import { remakeCallers } from './remake-users.js';
import { qualifiedIndexNames } from './diff-relation-parts.js';
import { buildDeps, teardownDeps, topologicalOrder } from './order.js';
import type { ChangeAction, DiffOptions, SchemaChange } from './types.js';
import { changeAddressName } from './address-name.js';

/** Kinds whose replacement loses rows or values stored in them. */
const HOLDS_DATA = new Set(['table', 'sequence', 'type', 'matview']);

function majorOf(model: SchemaModel): number {
  return Math.floor(model.serverVersionNum / 10_000);
}

function relations(model: SchemaModel): (Extract<SchemaObjectAny, { kind: 'table' }> | ViewObject)[] {
  return model.objects.filter((o): o is Extract<SchemaObjectAny, { kind: 'table' }> | ViewObject =>
    o.kind === 'table' || o.kind === 'view' || o.kind === 'matview');
}

/** Whether a view's text names one of these columns (as an identifier, quoted as the deparser quotes it). */
function mentionsColumn(view: SchemaObjectAny, columns: readonly string[]): boolean {
  if (view.kind !== 'view' && view.kind !== 'matview') return false;
  return columns.some((c) => {
    const ident = quoteIdent(c).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    return new RegExp(`(^|[^A-Za-z0-9_$])${ident}($|[^A-Za-z0-9_$])`).test(view.definition);
  });
}

/**
 * Views of `actual` that (transitively) depend on `key`: they must be dropped before it and created after it.
 * With `columns`, only views whose text names one of them start the chain (views depend on columns, the model
 * records tables); a view over the view is rebuilt with it.
 */
function dependentViews(key: ObjectKey, actual: readonly SchemaObjectAny[], columns?: readonly string[]): ObjectKey[] {
  const found = new Set<ObjectKey>();
  const queue = [key];
  while (queue.length > 0) {
    const k = queue.shift() as ObjectKey;
    for (const o of actual) {
      if ((o.kind !== 'view' && o.kind !== 'matview') || found.has(o.key) || !teardownDeps(o).includes(k)) continue;
      if (k === key && columns !== undefined && !mentionsColumn(o, columns)) continue;
      found.add(o.key);
      queue.push(o.key);
    }
  }
  return [...found].sort();
}

/** Two objects of the same kind and shape but different names: to the catalogs a rename is a drop plus a create. */
function looksRenamed(a: SchemaObjectAny, b: SchemaObjectAny): boolean {
  if (a.kind !== b.kind || a.schema !== b.schema) return false;
  if (a.kind === 'table' && b.kind === 'table') return JSON.stringify(a.columns.map((c) => [c.name, c.type])) === JSON.stringify(b.columns.map((c) => [c.name, c.type]));
  return false;
}

export function diffSchemas(desiredModel: SchemaModel, actualModel: SchemaModel, opts: DiffOptions): SchemaChange[] {
  const skip = opts.create?.roles === 'skip';
  const mapping = { ...(opts.create?.targetRole === undefined ? {} : { targetRole: opts.create.targetRole }), existingRoles: opts.create?.existingRoles ?? [] };
  const mapped = skip ? normaliseModel(mapRolesForTarget(normaliseModel(desiredModel), mapping)) : normaliseModel(desiredModel);
  const actual = normaliseModel(actualModel);
  const keptAcls = opts.administering === undefined ? null : keepUnadministrableAcls(mapped, actual, opts.administering);
  if (keptAcls !== null && keptAcls.kept.length > 0) opts.onKeptAcls?.(keptAcls.kept);
  const desired = keptAcls?.model ?? mapped;
  const want = new Map(desired.objects.map((o) => [o.key, o]));
  const have = new Map(actual.objects.map((o) => [o.key, o]));
  const ctx: DiffContext = { desiredMajor: majorOf(desired), actualMajor: majorOf(actual), targetMajor: opts.targetMajor, desired: want, actual: have };
  const indexNames = qualifiedIndexNames(relations(desired));

  const found = new Map<ObjectKey, { action: ChangeAction; builder: ChangeBuilder | null; reasons: string[] }>();
  const unsupported: UnsupportedProblem[] = [];
  for (const d of desired.objects) {
    const a = have.get(d.key);
    if (a === undefined) {
      found.set(d.key, { action: 'create', builder: null, reasons: [`${d.kind} ${d.key} does not exist on the target`] });
      continue;
    }
    const builder = diffObject(d, a, indexNames, ctx);
    unsupported.push(...builder.unsupported.map((message) => ({ object: d.key, message })));
    if (builder.empty) continue;
    const replace = builder.replaceReasons.length > 0;
    found.set(d.key, { action: replace ? 'replace' : 'update', builder, reasons: replace ? builder.replaceReasons : builder.reasons });
  }
  for (const a of actual.objects) {
    if (!want.has(a.key)) found.set(a.key, { action: 'delete', builder: null, reasons: [`${a.kind} ${a.key} is not in the source`] });
  }
  // A view over something dropped and created again, or over a column dropped or retyped, must be dropped first
  // and created after it.
  for (const [key, f] of [...found]) {
    const broken = f.action === 'update' ? f.builder?.brokenColumns ?? [] : undefined;
    if (broken !== undefined && broken.length === 0) continue;
    const what = f.action === 'delete' ? 'dropped' : f.action === 'replace' ? 'replaced' : `dropping or retyping ${broken?.map(quoteIdent).join(', ') ?? ''}`;
    for (const view of dependentViews(key, actual.objects, broken)) {
      const current = found.get(view);
      if (want.has(view) && (current === undefined || current.action === 'update')) {
        found.set(view, { action: 'replace', builder: null, reasons: [`depends on ${key}, which is ${what}`] });
      }
    }
  }
  // A table dropped and created again takes the foreign keys that point at it: every kept table lets go of its
  // FK first and makes it again afterwards (the server refuses DROP TABLE while an FK references it).
  for (const [key, f] of [...found]) {
    if (f.action !== 'replace' || !key.startsWith('table:')) continue;
    for (const t of actual.objects) {
      if (t.kind !== 'table' || t.key === key) continue;
      const other = found.get(t.key);
      if (other !== undefined && other.action !== 'update') continue;
      const d = want.get(t.key);
      if (d?.kind !== 'table') continue;
      const builder = other?.builder ?? new ChangeBuilder();
      for (const fk of t.constraints.filter((c) => c.references === key && !c.inherited)) {
        const again = d.constraints.find((c) => c.name === fk.name && !c.inherited);
        // Already dropped (and maybe made again) by the table's own diff.
        if (builder.teardown.some((s) => s.sql === dropConstraint(t, fk.name).sql)) continue;
        builder.add(`foreign key ${quoteIdent(fk.name)} made again: it references ${key}, which is replaced`,
          again === undefined ? [] : [addConstraint(d, again)], [dropConstraint(t, fk.name)]);
      }
      if (other === undefined && !builder.empty) found.set(t.key, { action: 'update', builder, reasons: builder.reasons });
    }
  }
  // A function dropped (and maybe created again) takes the table parts that call it; they are made again as the
  // source has them (calling the new function, if any).
  for (const [key, f] of [...found]) {
    if ((f.action !== 'replace' && f.action !== 'delete') || !key.startsWith('function:')) continue;
    for (const t of actual.objects) {
      const other = found.get(t.key);
      const d = want.get(t.key);
      if (t.kind !== 'table' || d?.kind !== 'table' || (other !== undefined && other.action !== 'update')) continue;
      const builder = other?.builder ?? new ChangeBuilder();
      remakeCallers(key, d, t, builder);
      if (other === undefined && !builder.empty) found.set(t.key, { action: 'update', builder, reasons: builder.reasons });
    }
  }
  // Deleted and created objects that look alike may be one renamed object: say so, the drop stays destructive.
  for (const [key, f] of found) {
    if (f.action !== 'delete') continue;
    const old = have.get(key);
    for (const [other, g] of found) {
      const created = want.get(other);
      if (g.action === 'create' && old !== undefined && created !== undefined && looksRenamed(old, created)) {
        f.reasons.push(`may have been renamed to ${other}: a rename cannot be told from drop + create`);
        g.reasons.push(`may be ${key} renamed: a rename cannot be told from drop + create`);
      }
    }
  }

  const toCreate = new Set([...found].filter(([, f]) => f.action === 'create' || f.action === 'replace').map(([k]) => k));
  const createDdl = opts.createDdl ?? buildCreateDdl;
  let created: readonly DdlStatement[] = [];
  try {
    created = toCreate.size === 0 ? [] : createDdl(desiredModel, { roles: 'copy', ...opts.create, targetMajor: opts.targetMajor });
  } catch (e: unknown) {
    if (!(e instanceof UnsupportedOnTargetError)) throw e;
    unsupported.push(...e.problems);
  }
  // Everything the target cannot take, from the ALTERs and the creates, in one error.
  if (unsupported.length > 0) throw new UnsupportedOnTargetError(opts.targetMajor, unsupported);
  // Grouped once: a filter per change was O(n²) in the objects created (~16% of plan CPU at 1,000 tables).
  const createdByKey = new Map<string, DdlStatement[]>();
  for (const s of created) {
    const list = createdByKey.get(s.object);
    if (list === undefined) createdByKey.set(s.object, [s]);
    else list.push(s);
  }
  const createdBy = (key: ObjectKey): SchemaChange['statements'] => [...(createdByKey.get(key) ?? [])];

  const changes = new Map<ObjectKey, SchemaChange>();
  for (const [key, f] of found) {
    const before = have.get(key) ?? null;
    const after = want.get(key) ?? null;
    const obj = (after ?? before) as SchemaObjectAny;
    const teardown = f.action === 'delete' || f.action === 'replace'
      ? [dropObject(before as SchemaObjectAny, f.action === 'delete' || HOLDS_DATA.has(obj.kind))]
      : [...(f.builder?.teardown ?? [])];
    const statements = toCreate.has(key) ? createdBy(key) : [...(f.builder?.statements ?? [])];
    const destructive = f.action === 'delete' || (f.action === 'replace' && HOLDS_DATA.has(obj.kind))
      || [...teardown, ...statements].some((s) => s.destructive === true);
    changes.set(key, {
      key, kind: obj.kind, schema: obj.schema, addressName: changeAddressName(obj), action: f.action, destructive,
      before, after, teardown, statements, reasons: f.reasons,
    });
  }
  // Deletes first (they only tear down), then everything else in build order over the desired dependencies.
  const deletes = topologicalOrder([...changes.values()].filter((c) => c.action === 'delete').map((c) => c.key),
    (k) => teardownDeps(have.get(k) as SchemaObjectAny)).reverse();
  const rest = topologicalOrder([...changes.values()].filter((c) => c.action !== 'delete').map((c) => c.key),
    (k) => buildDeps(want.get(k) as SchemaObjectAny));
  // The database's default privileges may name schemas created above: it comes last.
  const database = diffDatabase(desired, actual, ctx);
  return [...[...deletes, ...rest].map((k) => changes.get(k) as SchemaChange), ...(database === null ? [] : [database])];
}
