// The DDL that creates a model's objects on an empty target database: pre-data (all a COPY needs) then
// post-data (indexes, keys, FKs, triggers, policies, comments, owners, grants, database settings), each in
// dependency order (order-nodes.ts). Pure: the model in, statements and warnings out.
import type { ObjectKey, SchemaModel, SchemaObjectAny } from '../../model/schema.js';
import type { Diagnostic } from '../../util/errors.js';
import type { BuildContext } from './build-context.js';
import { databaseNodes } from './create/database.js';
import { objectMetaNodes } from './create/object-meta.js';
import { withoutInvalidIndexes } from './create/invalid-indexes.js';
import { castNodes, operatorFamilyNodes, operatorNodes } from './create/operator-objects.js';
import {
  collationNodes, extensionNodes, functionNodes, schemaNodes, sequenceNodes, statisticsNodes, viewNodes,
} from './create/simple-objects.js';
import { tableCreateNodes } from './create/table.js';
import { tablePostNodes } from './create/table-post.js';
import { typeNodes } from './create/type.js';
import type { DdlNode } from './node.js';
import { orderNodes } from './order-nodes.js';
import type { DdlStatement } from './types.js';
import { type UnsupportedProblem, UnsupportedOnTargetError } from './unsupported-error.js';

export interface CreateDdlOptions {
  /** copy: owners and grants as on the source (roles created by buildRoleDdl); skip: see CreateDdlResult. */
  readonly roles: 'copy' | 'skip';
  /** The role that runs the DDL on the target. With roles: skip it owns everything, and the source owner's privileges become its. */
  readonly targetRole?: string;
  readonly targetMajor: number;
  /** Roles that exist on the target. With roles: skip, privileges, policies and settings naming any other role are left out with a warning. */
  readonly existingRoles?: readonly string[];
  /** The target database's name (default: the source's), for ALTER DATABASE and database grants. */
  readonly targetDatabase?: string;
  /**
   * false: the DDL runs as a role without superuser, so what only a superuser may create (operator classes and
   * families, LEAKPROOF or C-language functions, casts WITHOUT FUNCTION) is refused up front. Default true.
   */
  readonly targetIsSuperuser?: boolean;
}

/**
 * Throws UnsupportedOnTargetError listing every object the target major cannot take (VIRTUAL generated columns
 * before 18, the builtin collation provider before 17, ICU rules before 16, unlogged sequences before 15; superuser-only objects when targetIsSuperuser is false); DdlCycleError on a dependency cycle.
 * `statements` in execution order; `warnings` lists what was left out (grants to roles missing on the target
 * with roles: skip, privileges the target major lacks such as MAINTAIN before 17), one per object and reason.
 */
export interface CreateDdlResult {
  readonly statements: readonly DdlStatement[];
  readonly warnings: readonly Diagnostic[];
}

function objectNodes(o: SchemaObjectAny, ctx: BuildContext): DdlNode[] {
  switch (o.kind) {
    case 'schema': return schemaNodes(o);
    case 'extension': return extensionNodes(o, ctx);
    case 'collation': return collationNodes(o, ctx);
    case 'type': return typeNodes(o, ctx);
    case 'sequence': return sequenceNodes(o, ctx);
    case 'table': return [...tableCreateNodes(o, ctx), ...tablePostNodes(o, ctx)];
    case 'view':
    case 'matview': return viewNodes(o, ctx);
    case 'function': return functionNodes(o);
    case 'cast': return castNodes(o);
    case 'operator': return operatorNodes(o);
    case 'opfamily':
    case 'opclass': return operatorFamilyNodes(o);
    case 'statistics': return statisticsNodes(o);
  }
}

/**
 * Tables with a primary key that a view grouping by it may rely on. The model does not say which views use the
 * key's functional dependency, so every table a GROUP BY view reads gets its key before the view: a slower
 * COPY into those tables, never a view that fails to create.
 */
function keysViewsNeed(list: readonly SchemaObjectAny[], objects: ReadonlyMap<ObjectKey, SchemaObjectAny>): Set<ObjectKey> {
  const out = new Set<ObjectKey>();
  for (const o of list) {
    if ((o.kind !== 'view' && o.kind !== 'matview') || !/\bGROUP\s+BY\b/i.test(o.definition)) continue;
    for (const d of o.deps) {
      const t = objects.get(d);
      if (t?.kind === 'table' && t.constraints.some((c) => c.type === 'p')) out.add(d);
    }
  }
  return out;
}

/** pg_get_functiondef prints options as keyword lines (` IMMUTABLE LEAKPROOF STRICT`) between the signature and AS. */
function isLeakproof(definition: string): boolean {
  const lines = definition.split('\n');
  const body = lines.findIndex((l) => /^AS /.test(l));
  return lines.slice(1, body === -1 ? lines.length : body).some((l) => /^ [A-Z ]*\bLEAKPROOF\b/.test(l));
}

/** What PostgreSQL lets only a superuser create. */
function refuseSuperuserOnly(o: SchemaObjectAny, ctx: BuildContext): void {
  const refuse = (what: string): void => ctx.refuse(o.key, `${what}: only a superuser may create it, and the target role is not one`);
  if (o.kind === 'opclass' || o.kind === 'opfamily') refuse(o.kind === 'opclass' ? 'an operator class' : 'an operator family');
  else if (o.kind === 'cast' && o.method === 'b') refuse('a cast WITHOUT FUNCTION');
  else if (o.kind === 'function' && o.variant !== 'a') {
    // Aggregates report language internal: CREATE AGGREGATE needs no superuser.
    if (o.language === 'c' || o.language === 'internal') refuse(`a function in language ${o.language}`);
    else if (isLeakproof(o.definition)) refuse('a LEAKPROOF function');
  }
}

export function planCreateDdl(model: SchemaModel, opts: CreateDdlOptions): CreateDdlResult {
  const existing = new Set(opts.existingRoles ?? []);
  if (opts.targetRole !== undefined) existing.add(opts.targetRole);
  // Predefined roles (pg_read_all_data, pg_database_owner, …) exist on every server.
  const mapRole = opts.roles === 'copy' ? (r: string): string => r : (r: string): string | null => (r === '' || r.startsWith('pg_') || existing.has(r) ? r : null);
  const warnings = new Map<string, Diagnostic>();
  const warn = (object: ObjectKey, message: string): void => {
    const text = `${object}: ${message}`;
    warnings.set(text, { severity: 'warning', message: text });
  };
  const refused: UnsupportedProblem[] = [];
  const modelObjects = model.objects.map((o) => withoutInvalidIndexes(o, warn));
  const objects = new Map<ObjectKey, SchemaObjectAny>(modelObjects.map((o) => [o.key, o]));
  const ctx: BuildContext = {
    sourceMajor: Math.floor(model.serverVersionNum / 10_000),
    targetMajor: opts.targetMajor,
    roles: opts.roles,
    objects,
    keysBeforeData: keysViewsNeed(modelObjects, objects),
    mapRole,
    warn,
    refuse: (object, message) => { refused.push({ object, message }); },
  };
  const targetOwner = (_key: ObjectKey, owner: string): string => (opts.roles === 'skip' ? (opts.targetRole ?? owner) : owner);
  const nodes: DdlNode[] = [];
  for (const o of modelObjects) nodes.push(...objectNodes(o, ctx), ...objectMetaNodes(o, ctx, targetOwner));
  const database = opts.targetDatabase ?? model.database.name;
  nodes.push(...databaseNodes(model, database, targetOwner(`database:${database}`, model.database.owner), ctx));
  if (opts.targetIsSuperuser === false) for (const o of modelObjects) refuseSuperuserOnly(o, ctx);
  if (refused.length > 0) throw new UnsupportedOnTargetError(opts.targetMajor, refused);
  return { statements: orderNodes(nodes), warnings: [...warnings.values()] };
}

/** The statements of planCreateDdl, for callers that show warnings elsewhere. */
export function buildCreateDdl(model: SchemaModel, opts: CreateDdlOptions): DdlStatement[] {
  return [...planCreateDdl(model, opts).statements];
}
