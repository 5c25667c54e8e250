// Scope closure: from the tables a spec selects, the set of schema objects to create on the target. Pure.
//
// 1. What the selected tables need, transitively through `deps`: schemas, extensions, collations, types,
//    sequences (also those OWNED BY a selected table), functions (defaults, checks, triggers), operators,
//    operator classes. A selected partitioned table brings its partitions (it is copied as a whole), a partition
//    its parents. Tables are never pulled in silently: a foreign key or an INHERITS parent outside the selection,
//    or anything else the closure needs that is an unselected table, is an error naming both.
// 2. What depends only on objects in scope: views and materialised views over selected tables (a view that
//    also reads a table outside the scope is left out with a warning naming it), extended statistics, casts
//    between types in scope. Triggers, policies and rules are parts of their table and come with it.
import { objectKey } from '../model/object-key.js';
import type { ObjectKey, SchemaModel, SchemaObjectAny, TableObject } from '../model/schema.js';
import {
  fkOutOfScope, needsUnselectedTable, parentOutOfScope, type ScopeDiagnostic, unknownTable, viewLeftOut,
} from './scope-diagnostics.js';

export type { ScopeDiagnostic, ScopeProblem } from './scope-diagnostics.js';

export interface ScopeOptions {
  /** Also take views, materialised views, statistics and casts that depend only on objects in scope (default true). */
  readonly dependents?: boolean;
  /**
   * Also take every object no selected table needs (a function, a sequence, a type of its own) unless it needs a
   * table that is not selected: a whole-database spec (no include list) copies the database as pg_dump would,
   * not only what its tables use. Default false.
   */
  readonly standalone?: boolean;
}

/** Kinds `standalone` takes on their own (relations come through the selection, views as dependents). */
const STANDALONE_KINDS: ReadonlySet<string> = new Set(['schema', 'extension', 'collation', 'type', 'sequence', 'function', 'operator', 'opfamily', 'opclass']);

export interface SchemaScope {
  /** Keys of the objects to create, sorted. */
  readonly objects: readonly ObjectKey[];
  readonly warnings: readonly ScopeDiagnostic[];
  readonly errors: readonly ScopeDiagnostic[];
}

const RELATION_KINDS = new Set(['table', 'view', 'matview']);

function isRelation(o: SchemaObjectAny | undefined): boolean {
  return o !== undefined && RELATION_KINDS.has(o.kind);
}

/** The schema an object lives in, and for an extension the schema it installs into. */
function containerKeys(o: SchemaObjectAny): ObjectKey[] {
  const keys: ObjectKey[] = [];
  if (o.schema !== null) keys.push(objectKey('schema', null, o.schema));
  if (o.kind === 'extension') keys.push(objectKey('schema', null, o.extSchema));
  return keys;
}

class Closure {
  readonly inScope = new Set<ObjectKey>();
  readonly errors: ScopeDiagnostic[] = [];
  private readonly errorKeys = new Set<string>();
  constructor(private readonly byKey: ReadonlyMap<ObjectKey, SchemaObjectAny>, private readonly selected: ReadonlySet<ObjectKey>,
    private readonly partitionsOf: ReadonlyMap<ObjectKey, readonly ObjectKey[]>) {}

  error(d: ScopeDiagnostic): void {
    const id = `${d.code}\0${d.object}\0${d.related.join('\0')}`;
    if (this.errorKeys.has(id)) return;
    this.errorKeys.add(id);
    this.errors.push(d);
  }

  /** Add a selected table (and its partition tree) and everything it needs. */
  addTable(key: ObjectKey): void {
    this.add(key, []);
  }

  /** Whether `key` can be added without pulling in a relation that is not selected (no side effects). */
  blockers(key: ObjectKey, seen = new Set<ObjectKey>()): ObjectKey[] {
    if (this.inScope.has(key) || seen.has(key)) return [];
    seen.add(key);
    const o = this.byKey.get(key);
    if (o === undefined) return [];
    const out: ObjectKey[] = [];
    for (const dep of o.deps) {
      const d = this.byKey.get(dep);
      if (isRelation(d)) {
        if (!this.inScope.has(dep)) out.push(dep);
      } else {
        out.push(...this.blockers(dep, seen));
      }
    }
    return out;
  }

  /** Add `key` and, transitively, its dependencies; `via` is the chain of objects that needed it (for messages). */
  add(key: ObjectKey, via: readonly ObjectKey[]): void {
    if (this.inScope.has(key)) return;
    const o = this.byKey.get(key);
    if (o === undefined) return; // Outside the model: built in, or an extension's member (comes with it).
    this.inScope.add(key);
    for (const c of containerKeys(o)) this.add(c, [key]);
    if (o.kind === 'table') {
      this.addTableParts(o);
      return;
    }
    for (const dep of o.deps) this.addDep(key, dep, via);
  }

  private addDep(from: ObjectKey, dep: ObjectKey, via: readonly ObjectKey[]): void {
    const d = this.byKey.get(dep);
    if (isRelation(d) && !this.selected.has(dep) && !this.inScope.has(dep)) {
      this.error(needsUnselectedTable(from, via, dep));
      return;
    }
    this.add(dep, [from, ...via]);
  }

  private addTableParts(t: TableObject): void {
    for (const child of this.partitionsOf.get(t.key) ?? []) this.add(child, [t.key]);
    const fkTargets = new Map<ObjectKey, string>();
    for (const c of t.constraints) if (c.type === 'f' && c.references !== null) fkTargets.set(c.references, c.name);
    // A partition's cloned keys and the like are its parent's to report.
    const parent = t.partitionOf === null ? undefined : this.byKey.get(t.partitionOf.parent);
    for (const dep of t.deps) {
      const d = this.byKey.get(dep);
      if (!isRelation(d)) {
        this.add(dep, [t.key]);
        continue;
      }
      // A partition cannot exist without its parent: take it (and so the whole tree) along.
      if (t.partitionOf?.parent === dep) this.add(dep, [t.key]);
      if (this.selected.has(dep) || this.inScope.has(dep) || parent?.deps.includes(dep) === true) continue;
      if (t.inherits.includes(dep)) this.error(parentOutOfScope(t, dep));
      else if (fkTargets.has(dep)) this.error(fkOutOfScope(t, fkTargets.get(dep) ?? '', dep));
      else this.error(needsUnselectedTable(t.key, [], dep));
    }
    // A foreign key pg_depend did not report (a hand-built model) still must not leave the scope.
    for (const [ref, name] of fkTargets) {
      if (ref !== t.key && parent === undefined && !this.selected.has(ref) && !this.inScope.has(ref) && !t.deps.includes(ref)) this.error(fkOutOfScope(t, name, ref));
    }
    for (const inherited of t.inherits) {
      if (!this.selected.has(inherited) && !this.inScope.has(inherited) && !t.deps.includes(inherited)) this.error(parentOutOfScope(t, inherited));
    }
  }
}

function partitionIndex(model: SchemaModel): Map<ObjectKey, ObjectKey[]> {
  const children = new Map<ObjectKey, ObjectKey[]>();
  for (const o of model.objects) {
    if (o.kind !== 'table' || o.partitionOf === null) continue;
    const list = children.get(o.partitionOf.parent) ?? [];
    list.push(o.key);
    children.set(o.partitionOf.parent, list);
  }
  return children;
}

/** Views, matviews, statistics and casts whose every relation is in scope and that touch the scope at all. */
function addDependents(model: SchemaModel, closure: Closure, byKey: ReadonlyMap<ObjectKey, SchemaObjectAny>): ScopeDiagnostic[] {
  const warnings = new Map<ObjectKey, ScopeDiagnostic>();
  const candidates = model.objects.filter((o) => o.kind === 'view' || o.kind === 'matview' || o.kind === 'statistics' || o.kind === 'cast');
  // Views over views: repeat until nothing changes.
  for (let changed = true; changed;) {
    changed = false;
    for (const o of candidates) {
      if (closure.inScope.has(o.key)) continue;
      const anchors = o.kind === 'statistics' ? [o.table] : o.kind === 'cast' ? o.deps.filter((d) => byKey.get(d)?.kind === 'type') : o.deps.filter((d) => isRelation(byKey.get(d)));
      if (!anchors.some((a) => closure.inScope.has(a))) continue;
      const blockers = [...new Set(closure.blockers(o.key))].sort();
      if (blockers.length === 0) {
        closure.add(o.key, []);
        warnings.delete(o.key);
        changed = true;
      } else if (o.kind === 'view' || o.kind === 'matview') {
        warnings.set(o.key, viewLeftOut(o.key, blockers));
      }
    }
  }
  return [...warnings.values()];
}

/**
 * The objects to create for `selected` (table keys chosen by the spec's include/exclude rules), with the
 * problems found: errors stop a plan (an FK or INHERITS parent outside the selection), warnings explain what was
 * left out (a view over an excluded table).
 */
export function computeSchemaScope(model: SchemaModel, selected: readonly ObjectKey[], opts: ScopeOptions = {}): SchemaScope {
  const byKey = new Map<ObjectKey, SchemaObjectAny>(model.objects.map((o) => [o.key, o]));
  const selectedSet = new Set(selected);
  const closure = new Closure(byKey, selectedSet, partitionIndex(model));
  for (const key of [...selectedSet].sort()) {
    if (byKey.get(key)?.kind !== 'table') closure.error(unknownTable(key));
    else closure.addTable(key);
  }
  if (opts.standalone === true) {
    for (const o of model.objects) {
      if (!STANDALONE_KINDS.has(o.kind) || closure.inScope.has(o.key)) continue;
      if (closure.blockers(o.key).length === 0) closure.add(o.key, []);
    }
  }
  const warnings = opts.dependents === false ? [] : addDependents(model, closure, byKey);
  return {
    objects: [...closure.inScope].sort(),
    warnings: warnings.sort((a, b) => (a.object < b.object ? -1 : a.object > b.object ? 1 : 0)),
    errors: closure.errors,
  };
}
